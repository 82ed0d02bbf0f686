"""Evaluation sets and harnesses for the audit agent (sample batch, benchmarks)."""
