"""The comparison policy: which disagreement raises which flag, how severe, and how that sets priority and verdict.

Input: the contributor's :class:`~agent.models.Evaluation` and :class:`AgentFindings` (what the earlier stages
concluded: verified claims, constraint checks, the agent's ratings, the comment assessment, rule flags, missing
items). Output: a :class:`ComparisonResult` with flags of the fixed types, a 0-100 priority and a verdict.

Severity and priority policy (all constants below, in this one place):

- ``missed_error``: a contradicted claim that no factual_error/hallucination issue overlaps. **high** when the claim
  is central (kind in ``CENTRAL_KINDS``), else **medium**; **low** when the contributor did notice it (an issue of
  another type overlaps it, or the comment names the correction and factual_accuracy is at most 3). A sequel
  no table knows (kind ``absent_sequel``, an argument from absence) is never central: **medium** at most.
- ``false_flag``: a factual_error/hallucination issue whose quote overlaps only supported claims with evidence.
  **medium** when those claims cover at least ``FALSE_FLAG_MIN_COVERAGE`` of the quote, else **low**.
- ``rating_misaligned``: agent and contributor ``>= 2`` apart: **medium** at 2, **high** at 3 or more. When the
  agent's rating is the judge's view alone (``basis="model"``) with confidence below ``MODEL_RATING_TRUST`` it is
  advice, not evidence, and raises no flag: the rating and its rationale stay in the report's ratings table, marked
  as the judge's view (on gold-dev such flags, even 3+ apart, were wrong 92 times and found 1 expected flag). Side
  by side, on ``overall``: the preference goes against the contributor's own overall scores, against the evidence
  (the preferred response has more contradicted claims), or against the agent's overall scores by 2 or more
  (judge-only: ``JUDGE_ONLY_MIN_GAP`` or more, and then **low**).
  A low score nothing backs is flagged too, **medium**: the contributor scored a dimension of
  ``UNBACKED_DIMENSIONS`` at ``ACCOUNTED_SCORE`` or below, flagged no issue, the comment names no problem, and the
  agent's checks find none (supported claims, none contradicted, no broken constraint, no missing part); it takes
  the place of the judge's advice on the same dimension.
- ``constraint_missed``: a broken constraint that no instruction_violation issue and no instruction_following
  score ``<= 3`` accounts for (``<= 4`` for a trivial overshoot). Length limits: **low** when at most
  ``TRIVIAL_MARGIN`` over, **high** when ``HIGH_MARGIN`` or more over, else **medium**; other kinds **medium**.
- ``incomplete_missed``: a missing item that no missing_information issue and no completeness ``<= 3`` accounts
  for: **medium**.
- ``weak_comment``: the comment assessment says weak: **medium**. ``rule_violation``: as :mod:`agent.rules` set it.

Verdict: ``needs_review`` when any flag is medium or high. Priority: the worst severity picks a band
(``PRIORITY_BANDS``: low 1-33, medium 34-66, high 67-100, none 0), so priority is monotonic in severity and
``needs_review`` is exactly ``priority >= 34``; inside the band, the agent's confidence and how far apart the two
are (the distance) place it, with a small push for each further flag.
"""

from __future__ import annotations

from agent.models import FlagSeverity

CENTRAL_KINDS = frozenset({"year", "director", "award", "existence", "cast"})
FACTUAL_ISSUES = frozenset({"factual_error", "hallucination"})
FALSE_FLAG_MIN_COVERAGE = 0.5  # share of the contributor's quote the supported claims must cover
TOKEN_MATCH_MIN = 0.6  # a claim without a span matches a quote when this share of its tokens is in the quote
MODEL_RATING_TRUST = 0.7  # a judge-only rating below this confidence is advice: no flag of its own
JUDGE_ONLY_MIN_GAP = 3  # side by side, a preference against judge-only overall scores is flagged (low) this far apart
TRIVIAL_MARGIN = 0.10  # a length limit overshot by at most 10% is a trivial slip
HIGH_MARGIN = 0.50  # ... by 50% or more, a serious one
ACCOUNTED_SCORE = 3  # a dimension score at or below this shows the contributor saw the problem
UNBACKED_DIMENSIONS = frozenset({"factual_accuracy", "instruction_following", "completeness", "helpfulness", "overall"})
CONFIDENCE_EXACT = 0.95  # claims and constraints settled by code against the fact index
CONFIDENCE_MODEL = 0.70  # claims and constraints settled by the model
CONFIDENCE_COMMENT = 0.60  # comment heuristics
PRIORITY_BANDS: dict[FlagSeverity, tuple[int, int]] = {"low": (1, 33), "medium": (34, 66), "high": (67, 100)}
REVIEW_SEVERITIES: frozenset[FlagSeverity] = frozenset({"medium", "high"})
RANK: dict[FlagSeverity, int] = {"low": 0, "medium": 1, "high": 2}
BY_RANK: tuple[FlagSeverity, ...] = ("low", "medium", "high")
