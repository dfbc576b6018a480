"""The public functions :func:`check` and :func:`questions`.

:func:`check` also records each attempted answer in the reader's progress file (see
:mod:`exercises._progress`). It is the self-study path: whoever runs it grades themself. Grading
other people's notebooks never trusts a ``check`` that ran in them (see
:mod:`exercises._submission`).
"""

from __future__ import annotations

from typing import Any

from . import _core
from ._grading import DEFAULT_TIMEOUT, grade
from ._progress import ProgressStore
from ._result import Result


def check(question_id: str, answer: Any, *, timeout: float = DEFAULT_TIMEOUT) -> Result:
    """Grade ``answer`` to the question ``question_id`` and return a :class:`Result`.

    ``answer`` is an option's letter (single choice), a list of letters (multiple choice), a number
    (numeric) or your function (code): while it runs, the course's functions the question asks you
    to write (``losses.huber`` for "implement Huber") are stand-ins, and an answer that uses one
    scores 0, as in class grading. The placeholder ``...`` or ``None`` gives "not attempted
    yet". A code answer is run on fixed and random cases in a separate process; ``timeout``
    (seconds) bounds the whole call. Only an unknown ``question_id`` raises (a ``KeyError`` that
    lists the closest ids); nothing about the answer does.

    >>> check("regression.outlier_loss", "d").passed
    True
    >>> check("regression.outlier_loss", ...).status
    'not_attempted'
    >>> import numpy as np
    >>> def my_huber(y_true, y_pred, delta):
    ...     r = np.abs(y_true - y_pred)
    ...     return np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)))
    >>> print(check("regression.implement_huber", my_huber))  # doctest: +ELLIPSIS
    ✓ Correct: regression.implement_huber (3/3 points)
    All 14 cases agree with the reference (6 edge cases and 8 random ones)...
    """
    q = _core.get_question(question_id)
    result = grade(q, answer, timeout=timeout)
    if result.attempted:
        ProgressStore.from_env().record(
            q.id, passed=result.passed, score=result.score, max_score=result.max_score
        )
    return result


def questions(chapter: str | None = None) -> list[dict[str, Any]]:
    """The question bank as a list of dicts (``id``, ``chapter``, ``kind``, ``points``,
    ``prompt``, ``mirrors``), in chapter order; ``chapter`` selects one chapter.

    >>> [q["id"] for q in questions("regression")][:2]
    ['regression.outlier_loss', 'regression.why_huber_helps']
    """
    return [q.info() for q in _core.all_questions(chapter)]
