"""Scoring a numeric question: one number, right within the question's tolerance.

What counts as a number is :func:`exercises.sandbox.inside.values.to_float_array`'s rule (a bool,
a string, a list or NaN is not); known wrong values (a typical slip) get their own feedback. The
rule is data (:func:`numeric_rule`) that this module and the site's script both apply, so the two
cannot word or score a number differently.

>>> from exercises.bank import get_question
>>> SCORER.grade(get_question("regression.outlier_gradient_huber"), 1).passed
True
"""

from __future__ import annotations

import math
from typing import Any

from ..bank import NumericQuestion
from ..render.numbers import NUMBER, fmt_answer
from ..render.result import verdict
from ..sandbox.inside.values import to_float_array
from .common import first_hint, join, result
from .result import Result

#: A non-number as the site passes it to the grader: any text that is not a number (the verdict
#: is the same for every string).
NOT_A_NUMBER = "not a number"


def answer_to_float(x: Any) -> tuple[float | None, str | None]:
    """A scalar answer as a Python float, or ``(None, reason)``.

    >>> import numpy as np
    >>> answer_to_float(np.array(2.0))
    (2.0, None)
    >>> answer_to_float(np.array([2.0]))[1]
    'an array of shape (1,) was given; give a single number'
    """
    arr, why = to_float_array(x)
    if arr is None:
        return None, why.replace("returned", "the answer is", 1)
    if arr.shape != ():
        return None, f"an array of shape {arr.shape} was given; give a single number"
    value = float(arr)
    if math.isnan(value):
        return None, "the answer is NaN"
    return value, None


def numeric_rule(q: NumericQuestion) -> dict[str, Any]:
    """The rule :meth:`NumericScorer.grade` applies to a number, as data.

    ``answer``, ``abs_tol``, ``rel_tol``; ``right``: the outcome within the tolerance of the
    answer; ``wrong``: ``[value, outcome]`` for each known wrong value, tried in order; ``other``:
    any other number. An outcome is ``{"passed", "score", "feedback", "hint"}``, its feedback a
    template where :data:`~exercises.render.numbers.NUMBER` stands for the reader's number, shown
    by :func:`~exercises.render.numbers.fmt_answer` (compactly when right, else against the
    answer).
    """

    def outcome(passed: bool, feedback: str, hint: str = "") -> dict[str, Any]:
        score = q.points if passed else 0.0
        return {"passed": passed, "score": score, "feedback": feedback.strip(), "hint": hint}

    return {
        "answer": q.answer,
        "abs_tol": q.abs_tol,
        "rel_tol": q.rel_tol,
        "right": outcome(True, join(f"{NUMBER} is right.", q.explanation)),
        "wrong": [
            [value, outcome(False, join(f"{NUMBER} is not right.", feedback))]
            for value, feedback in q.wrong_values
        ],
        "other": outcome(False, f"{NUMBER} is not right.", first_hint(q)),
    }


class NumericScorer:
    """The rules of a ``numeric`` question."""

    kind = "numeric"

    def how_to_answer(self, q: NumericQuestion) -> str:
        return ""

    def grade(self, q: NumericQuestion, answer: Any, **_: Any) -> Result:
        value, why = answer_to_float(answer)
        if value is None:
            return result(q, False, 0.0, f"Give a single number: {why}.")
        rule = numeric_rule(q)
        if q.is_close(value):
            outcome, shown = rule["right"], fmt_answer(value)
        else:
            outcome = next((o for v, o in rule["wrong"] if q.is_close(value, v)), rule["other"])
            shown = fmt_answer(value, q.answer)
        feedback = outcome["feedback"].replace(NUMBER, shown)
        return result(q, outcome["passed"], outcome["score"], feedback, outcome["hint"])

    def mistakes(self, q: NumericQuestion, answer: Any, result: Result) -> list[str]:
        """The known wrong value a wrong number is (its diagnosis id), if any."""
        value, _ = answer_to_float(answer)
        if value is None or q.is_close(value):
            return []
        ids = [i for i, _ in q.diagnoses()]
        return [ids[k] for k, (v, _) in enumerate(q.wrong_values) if q.is_close(value, v)][:1]

    def answer_text(self, q: NumericQuestion, answer: Any) -> str:
        """The number given, in full (for the report's commonest wrong answers)."""
        value, _ = answer_to_float(answer)
        return "" if value is None else repr(value)

    def site_data(self, q: NumericQuestion) -> dict[str, Any]:
        """:func:`numeric_rule` with each outcome rendered as a verdict template (the reader's
        number goes where :data:`~exercises.render.numbers.NUMBER` is), plus the verdicts for a
        text that is not a number and for NaN."""
        rule = numeric_rule(q)

        def template(o: dict[str, Any]) -> list[Any]:
            return verdict(result(q, o["passed"], o["score"], o["feedback"], o["hint"]))

        return {
            "kind": "numeric",
            "answer": rule["answer"],
            "abs_tol": rule["abs_tol"],
            "rel_tol": rule["rel_tol"],
            "right": template(rule["right"]),
            "wrong": [[value, template(o)] for value, o in rule["wrong"]],
            "other": template(rule["other"]),
            "text": verdict(self.grade(q, NOT_A_NUMBER)),
            "nan": verdict(self.grade(q, float("nan"))),
        }


SCORER = NumericScorer()
