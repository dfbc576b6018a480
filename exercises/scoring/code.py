"""Scoring a code question: the reader's function against the course's reference.

The function runs on every fixed case and on ``n_random`` random cases (fresh ones in a reader's
``check()``, seeded ones in class grading), by a case runner: in a child process of this one
(:func:`exercises.sandbox.inside.cases.run_answer`) or, in class grading, in the submission's
sandbox. Each case is worth the same share of the points. The feedback names the first failing
case with its inputs, the expected value and what came back; the hint names the likely mistake
when the reader's outputs agree with one of the question's known wrong variants
(:func:`diagnose`). While the function runs, the course's functions the question asks the reader
to write (``q.stand_ins``) are stand-ins that raise, and an answer that is or holds one
(``losses.huber`` for "implement Huber", or a function that calls it) scores 0 with a message that
says so (:func:`held_feedback`), in ``check()`` and in class grading alike.

>>> import numpy as np
>>> from exercises.bank import get_question
>>> q = get_question("regression.implement_huber")
>>> def my_huber(y_true, y_pred, delta):
...     r = np.abs(y_true - y_pred)
...     return np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)))
>>> SCORER.grade(q, my_huber).score
3.0
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..bank import Case, CodeQuestion
from ..bank.model import mistake_id
from ..render.numbers import fmt_value
from ..sandbox.inside.cases import Outcome, run_answer
from .common import DEFAULT_TIMEOUT, first_hint, join, not_attempted, result
from .result import Result

#: How a code answer is run: ``run(fn, list_of_args, timeout, stand_ins) -> (outcomes, printed,
#: held)``, ``held`` naming the course function the answer is or holds (then nothing ran).
CaseRunner = Callable[
    [Any, list[tuple[Any, ...]], float, tuple[str, ...]], tuple[list[Outcome], bool, str | None]
]


class CodeScorer:
    """The rules of a ``code`` question."""

    kind = "code"

    def how_to_answer(self, q: CodeQuestion) -> str:
        return ""

    def mistakes(self, q: CodeQuestion, answer: Any, result: Result) -> list[str]:
        return mistakes(q, result)

    def answer_text(self, q: CodeQuestion, answer: Any) -> str:
        return ""  # a function: its outputs are in the feedback

    def site_data(self, q: CodeQuestion) -> dict[str, Any]:
        """Nothing: the site cannot run a function; its quiz shows the ``check`` call instead."""
        return {"kind": "code"}

    def grade(
        self,
        q: CodeQuestion,
        answer: Any,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        rng: np.random.Generator | None = None,
        run: CaseRunner | None = None,
        **_: Any,
    ) -> Result:
        """Run ``answer`` on the question's cases with ``run`` (default: a child process of this
        one) and score it; ``rng`` draws the random cases (default: fresh entropy)."""
        run = run or run_answer
        if not callable(answer):
            what = type(answer).__name__
            return result(
                q,
                False,
                0.0,
                f"Pass your function itself (for example `check({q.id!r}, my_function)`), "
                f"not a {what}: the grader calls it on many inputs.",
            )
        cases = make_cases(q, rng)
        expected = [expected_value(q, c) for c in cases]
        try:
            timeout = float(timeout)
            if not math.isfinite(timeout) or timeout <= 0:
                raise ValueError
        except (TypeError, ValueError):
            timeout = DEFAULT_TIMEOUT
        outcomes, printed, held = run(answer, [c.args for c in cases], timeout, q.stand_ins)
        if held is not None:
            return result(q, False, 0.0, held_feedback(held))
        if all(o.status == "invalid" and "placeholder" in o.message for o in outcomes):
            return not_attempted(q)
        ok = [
            o.status == "ok" and o.value is not None and _matches(o.value, e, q.rtol, q.atol)
            for o, e in zip(outcomes, expected, strict=True)
        ]
        n_ok = sum(ok)
        n = len(cases)
        n_fixed = len(q.fixed_cases)
        score = q.points * n_ok / n
        note = (
            " Your function printed something; that output was captured and ignored."
            if printed
            else ""
        )
        if n_ok == n:
            fb = (
                f"All {n} cases agree with the reference ({n_fixed} edge cases and "
                f"{n - n_fixed} random ones).{note}"
            )
            return result(q, True, q.points, join(fb, q.explanation))
        first = ok.index(False)
        case = cases[first]
        kind = "edge case" if first < n_fixed else "random case"
        got = _describe_got(outcomes[first], expected[first])
        lines = [
            f"{n_ok} of {n} cases agree with the reference.",
            f"First failing case ({kind}: {case.name}): {_describe_case(case)}.",
            f"Expected {fmt_value(expected[first])}, got {got}{'' if got[-1] in '.?!' else '.'}",
        ]
        hint = diagnose(q, cases, expected, outcomes, ok) or first_hint(q)
        return result(q, False, score, "\n".join(lines) + note, hint)


SCORER = CodeScorer()


def make_cases(q: CodeQuestion, rng: np.random.Generator | None = None) -> list[Case]:
    """The fixed cases followed by ``q.n_random`` random ones (fresh entropy unless ``rng``)."""
    rng = np.random.default_rng() if rng is None else rng
    assert q.random_case is not None
    return list(q.fixed_cases) + [q.random_case(rng) for _ in range(q.n_random)]


def expected_value(q: CodeQuestion, case: Case) -> np.ndarray:
    assert q.reference is not None
    with np.errstate(all="ignore"):
        return np.asarray(q.reference(*case.args), dtype=np.float64)


def _matches(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> bool:
    if got.shape != want.shape:
        return False
    if np.isnan(got).any() or np.isnan(want).any():
        return False
    return bool(np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=False).all())


def _describe_case(case: Case) -> str:
    pairs = [f"{n} = {fmt_value(a)}" for n, a in zip(case.names, case.args, strict=False)]
    return "; ".join(pairs)


def _describe_got(o: Outcome, want: np.ndarray) -> str:
    if o.status == "ok":
        assert o.value is not None
        if o.value.shape != want.shape:
            if want.shape == ():
                return (
                    f"an array of shape {o.value.shape}, where a single number was expected "
                    "(did you forget to reduce, e.g. with .mean()?)"
                )
            return f"an array of shape {o.value.shape}, where shape {want.shape} was expected"
        if np.isnan(o.value).any():
            return "nan (a 0/0 or a log of 0 or of a negative number somewhere?)"
        return fmt_value(o.value)
    if o.status == "invalid":
        return f"nothing usable: your function {o.message}"
    if o.status == "error":
        return f"an error: your function raised {o.message}"
    if o.status == "timeout":
        return f"no answer: your function {o.message}"
    if o.status == "crashed":
        return f"no answer: your function {o.message}"
    return o.message


def _variant_outputs(fn: Callable[..., Any], cases: list[Case]) -> list[np.ndarray | None]:
    outs: list[np.ndarray | None] = []
    for case in cases:
        try:
            with np.errstate(all="ignore"):
                outs.append(np.asarray(fn(*_copy_args(case.args)), dtype=np.float64))
        except Exception:
            outs.append(None)
    return outs


def _copy_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)


def diagnose(
    q: CodeQuestion,
    cases: list[Case],
    expected: list[np.ndarray],
    outcomes: list[Outcome],
    ok: list[bool],
) -> str:
    """The hint of the known mistake that best explains the reader's outputs, else ''."""
    usable = [
        i
        for i, o in enumerate(outcomes)
        if o.status == "ok" and o.value is not None and o.value.shape == expected[i].shape
    ]
    failing = [i for i in usable if not ok[i]]
    if not failing:
        return ""
    first = failing[0]
    values = [outcomes[i].value for i in usable]
    if len(usable) >= 3 and all(
        v is not None and v.shape == values[0].shape and np.array_equal(v, values[0])
        for v in values
    ):
        distinct = {tuple(np.ravel(expected[i])) for i in usable}
        if len(distinct) > 1:
            return (
                "Your function returns the same value whatever its inputs; it must compute the "
                "loss from its arguments (the random cases change on every check)."
            )
    best_partial = ""
    for mistake in q.mistakes:
        outs = _variant_outputs(mistake.fn, cases)

        def agrees(i: int, outs: list[np.ndarray | None] = outs) -> bool:
            v = outs[i]
            got = outcomes[i].value
            assert got is not None
            if v is None or v.shape != got.shape:
                return False
            both_nan = np.isnan(v) & np.isnan(got)
            return bool((np.isclose(got, v, rtol=q.rtol, atol=q.atol) | both_nan).all())

        if all(agrees(i) for i in usable):
            return mistake.hint
        if not best_partial and agrees(first):
            best_partial = mistake.hint
    if best_partial:
        return best_partial
    got = outcomes[first].value
    want = expected[first]
    assert got is not None
    if np.isnan(got).any():
        return (
            "A NaN usually comes from 0 · log 0, 0 / 0 or the log of a negative number: "
            "look at which inputs are exactly 0 in this case."
        )
    if np.isfinite(want).all() and np.allclose(got, -want, rtol=q.rtol, atol=q.atol):
        return "Your result has the right size but the wrong sign: check the minus sign."
    return ""


def mistakes(q: CodeQuestion, result: Result) -> list[str]:
    """The known mistake whose hint a failed code answer got (its diagnosis id), if any."""
    return [mistake_id(q.id, m) for m in q.mistakes if result.hint and m.hint == result.hint][:1]


def held_feedback(name: str) -> str:
    """The feedback of an answer that is or holds the course function the question asks for."""
    return (
        f"Your answer uses the course's own {name}, the function this exercise asks you to "
        "write, so it scores 0. Write it yourself; numpy and the course's other functions are "
        "fine."
    )
