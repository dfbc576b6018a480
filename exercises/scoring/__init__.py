"""Scoring: one answer to one question becomes one :class:`Result`, wherever the answer came from.

A reader's ``check()`` (:mod:`exercises.api`), the site's quiz tables and the class grader
(:mod:`exercises.teacher`) all call :func:`grade`, so the feedback, hints and partial credit are
the same everywhere. The rules of each kind live in their own module, reached through
:data:`SCORERS` (a table keyed by the bank's kinds; a test checks that it covers them all):

- :mod:`~exercises.scoring.choice`: ``single`` and ``multiple``;
- :mod:`~exercises.scoring.numeric`: ``numeric``;
- :mod:`~exercises.scoring.code`: ``code`` (the function runs through a case runner: in a child
  process here, or in the submission's sandbox when a class is graded), with the diagnosis of
  known mistakes.

:func:`grade` never raises because of the answer. A placeholder (``...``, ``None``, or a function
whose body is still only ``...``/``pass``) is "not attempted yet". :func:`site_data` is what the
site's quiz needs to give each answer the verdict :func:`grade` gives it.

This room imports :mod:`exercises.bank`, :mod:`exercises.render` (how a verdict reads),
:mod:`exercises.sandbox.inside` (the case runner and the rule of what a number is), numpy and the
standard library.

>>> from exercises.bank import get_question
>>> r = grade(get_question("regression.outlier_gradient_huber"), 1)
>>> r.passed, r.score
(True, 1.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..bank import Question
from ..sandbox.inside.values import is_placeholder
from . import choice, code, numeric
from .common import DEFAULT_TIMEOUT, not_attempted
from .result import FIELDS, MIME_TYPE, Result

#: The scoring rules of each kind of question.
SCORERS: dict[str, Any] = {**choice.SCORERS, "numeric": numeric.SCORER, "code": code.SCORER}


def grade(
    q: Question,
    answer: Any,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    rng: np.random.Generator | None = None,
    run: code.CaseRunner | None = None,
) -> Result:
    """Score ``answer`` to question ``q`` by the rules of its kind.

    ``run`` runs a code answer on the drawn cases (default: in a child process of this one); the
    class grader passes one that sends the cases to the submission's sandbox and gets back only
    numbers. ``rng`` draws a code question's random cases (default: fresh entropy, as in a
    reader's ``check()``; the class grader passes a seeded one, so a regrade draws the same
    cases). ``timeout`` (seconds) bounds a code answer's run.
    """
    scorer = SCORERS[q.kind]
    if is_placeholder(answer):
        return not_attempted(q, scorer.how_to_answer(q))
    result = scorer.grade(q, answer, timeout=timeout, rng=rng, run=run)
    if not result.passed:
        result.mistake = ",".join(scorer.mistakes(q, answer, result))
    result.answer = scorer.answer_text(q, answer)
    return result


def site_data(q: Question) -> dict[str, Any]:
    """What the site's script needs to answer ``q`` exactly as :func:`grade` does: a choice
    question's verdict for every answer, a numeric question's rule (see each kind's
    ``site_data``), nothing for a code question."""
    return SCORERS[q.kind].site_data(q)


__all__ = ["DEFAULT_TIMEOUT", "FIELDS", "MIME_TYPE", "SCORERS", "Result", "grade", "site_data"]
