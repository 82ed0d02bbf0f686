"""Running ``audit eval`` as the user does: a real subprocess with its own data folder and results folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def audit_eval(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``audit eval ARGS --results-dir TMP/results --no-progress`` with ``AUDIT_DATA_DIR=TMP/data``."""
    env = {**os.environ, "AUDIT_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "agent", "eval", *args, "--results-dir", str(tmp_path / "results"), "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
