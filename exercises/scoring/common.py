"""What every kind's scoring shares: making a :class:`~exercises.scoring.result.Result`.

>>> from exercises.bank import get_question
>>> r = result(get_question("regression.outlier_loss"), False, 0.0, "  Not Huber. ")
>>> r.status, r.feedback, join("a", " ", "b.")
('failed', 'Not Huber.', 'a b.')
"""

from __future__ import annotations

from ..bank import Question
from .result import Result

#: Seconds a code answer may run in ``check()`` unless the caller says otherwise.
DEFAULT_TIMEOUT = 10.0


def result(q: Question, passed: bool, score: float, feedback: str, hint: str = "") -> Result:
    """A scored answer: passed (full points) or failed with ``score`` points."""
    status = "passed" if passed else "failed"
    return Result(q.id, q.chapter, q.kind, status, score, q.points, feedback.strip(), hint)


def not_attempted(q: Question, how_to_answer: str = "") -> Result:
    """The verdict on a placeholder: 0 points, and how to answer (``how_to_answer`` first)."""
    message = "Replace the placeholder with your answer, then run this cell again."
    if how_to_answer:
        message = f"{how_to_answer}\n{message}"
    return Result(q.id, q.chapter, q.kind, "not_attempted", 0.0, q.points, message)


def first_hint(q: Question) -> str:
    """The hint shown with a wrong answer when nothing more specific is known."""
    return q.hints[0] if q.hints else ""


def join(*parts: str) -> str:
    """Non-empty texts joined by one space."""
    return " ".join(p.strip() for p in parts if p and p.strip())
