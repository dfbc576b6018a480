"""Grading one answer against one question.

:func:`grade` never raises because of the answer. Its rules, per kind:

- ``single``: the answer is an option key (a one-element list is accepted too). Right: full
  points. Wrong: 0 points, that option's feedback and the question's hint. Not an option: 0 points
  and the list of valid keys.
- ``multiple``: the answer is a collection of keys. Score = points × max(0, right picks − wrong
  picks) / number of right options; passed only for exactly the right set. Each wrong pick's
  feedback is shown; missing right options are counted, not named.
- ``numeric``: see :func:`exercises._values.answer_to_float` for what counts as a number. Known
  wrong values (a typical slip) get their own feedback.
- ``code``: the reader's function runs on every fixed case and on ``n_random`` fresh random
  cases (see :mod:`exercises._sandbox`); each case is worth the same share of the points. The
  feedback names the first failing case with its inputs, the expected value and what came back;
  the hint names the likely mistake when the reader's outputs agree with one of the question's
  known wrong variants. While the function runs, the course's functions the question asks the
  reader to write (``q.stand_ins``) are stand-ins that raise, and an answer that is or holds one
  (``losses.huber`` for "implement Huber", or a function that calls it) scores 0 with a message
  that says so, in ``check()`` and in class grading alike.

A placeholder answer (``...`` or ``None``, or a function that still just returns ``...``, or whose
body is only ``...``/``pass``) is "not attempted yet".

>>> from exercises import _core
>>> r = grade(_core.get_question("regression.outlier_gradient_huber"), 1)
>>> r.passed, r.score
(True, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _core
from ._result import Result
from ._sandbox import Outcome, run_answer
from ._values import answer_to_float, fmt_answer, fmt_value, is_placeholder

DEFAULT_TIMEOUT = 10.0

#: How a code answer is run: ``run(fn, list_of_args, timeout, stand_ins) -> (outcomes, printed,
#: held)``, ``held`` naming the course function the answer is or holds (then nothing ran).
CaseRunner = Callable[
    [Any, list[tuple[Any, ...]], float, tuple[str, ...]], tuple[list[Outcome], bool, str | None]
]


def _not_attempted(q: _core.Question) -> Result:
    message = "Replace the placeholder with your answer, then run this cell again."
    if isinstance(q, _core.ChoiceQuestion):  # the options, so the cell can be answered as shown
        how = "one key" if q.kind == "single" else "a list of every key that applies"
        options = "\n".join(f'  "{q.letter(o)}": {o.text}' for o in q.display_options)
        message = f"Answer with {how}, in quotes:\n{options}\n{message}"
    return Result(q.id, q.chapter, q.kind, "not_attempted", 0.0, q.points, message)


def grade(
    q: _core.Question,
    answer: Any,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    rng: np.random.Generator | None = None,
    run: CaseRunner | None = None,
) -> Result:
    """Grade ``answer`` to question ``q``; see the module docstring for the rules.

    ``run`` runs a code answer on the drawn cases (default: :func:`exercises._sandbox.run_answer`,
    in a child process of this one); the class grader passes one that sends the cases to the
    submission's sandbox and gets back only numbers (:mod:`exercises._submission`). ``rng`` draws
    a code question's random cases (default: fresh entropy, as in a reader's ``check()``; the class
    grader passes a seeded one, so a regrade draws the same cases).
    """
    if is_placeholder(answer):
        return _not_attempted(q)
    if isinstance(q, _core.ChoiceQuestion):
        if q.kind == "single":
            return _grade_single(q, answer)
        return _grade_multiple(q, answer)
    if isinstance(q, _core.NumericQuestion):
        return _grade_numeric(q, answer)
    if isinstance(q, _core.CodeQuestion):
        return _grade_code(q, answer, timeout=timeout, rng=rng, run=run or run_answer)
    raise TypeError(f"unknown question type {type(q).__name__}")  # pragma: no cover


def _result(q: _core.Question, passed: bool, score: float, feedback: str, hint: str = "") -> Result:
    status = "passed" if passed else "failed"
    return Result(q.id, q.chapter, q.kind, status, score, q.points, feedback.strip(), hint)


def _first_hint(q: _core.Question) -> str:
    return q.hints[0] if q.hints else ""


# ------------------------------------------------------------------ choice questions


def _grade_single(q: _core.ChoiceQuestion, answer: Any) -> Result:
    if isinstance(answer, list | tuple | set | frozenset) and len(answer) == 1:
        answer = next(iter(answer))
    if not isinstance(answer, str):
        return _result(
            q,
            False,
            0.0,
            f"Answer with the letter of one option, as a string: {_core.describe_options(q)}.",
        )
    opt = q.option(answer)
    if opt is None:
        return _result(
            q,
            False,
            0.0,
            f"{answer!r} is not one of the options. Choose one of: {_core.describe_options(q)}.",
        )
    if opt.correct:
        return _result(q, True, q.points, _join(opt.feedback, q.explanation))
    return _result(q, False, 0.0, opt.feedback, _first_hint(q))


def _grade_multiple(q: _core.ChoiceQuestion, answer: Any) -> Result:
    try:
        items = _core.as_sequence(answer)
    except TypeError:
        items = None
    if items is None or not all(isinstance(a, str) for a in items):
        return _result(
            q,
            False,
            0.0,
            "Answer with a list of option letters, e.g. ['a', 'c'], chosen from: "
            f"{_core.describe_options(q)}.",
        )
    chosen: list[_core.Option] = []
    unknown: list[str] = []
    for a in items:
        opt = q.option(a)
        if opt is None:
            unknown.append(a)
        elif opt not in chosen:
            chosen.append(opt)
    if unknown:
        return _result(
            q,
            False,
            0.0,
            f"Not an option: {', '.join(map(repr, unknown))}. "
            f"Choose from: {_core.describe_options(q)}.",
        )
    # in display order, not the answer's: a set's order changes with Python's hash seed
    right = [o for o in q.display_options if o in chosen and o.correct]
    wrong = [o for o in q.display_options if o in chosen and not o.correct]
    n_correct = len(q.correct_keys)
    missing = n_correct - len(right)
    score = q.points * max(0, len(right) - len(wrong)) / n_correct
    if not wrong and not missing:
        fb = "\n".join(o.feedback for o in right)
        return _result(q, True, q.points, _join(fb, q.explanation))
    lines = [f"✗ {q.letter(o)!r} ({o.text}): {o.feedback}" for o in wrong]
    if missing:
        lines.append(
            f"{missing} correct option{'s are' if missing > 1 else ' is'} missing from your answer."
        )
    return _result(q, False, score, "\n".join(lines), _first_hint(q))


# ------------------------------------------------------------------ numeric questions


#: Where the reader's number goes in a numeric feedback template (see :func:`numeric_rule`).
NUMBER = "⟦x⟧"


def numeric_rule(q: _core.NumericQuestion) -> dict[str, Any]:
    """The rule :func:`_grade_numeric` applies to a number, as data; the site's script applies
    the very same data (:mod:`exercises._quiz`), so the two cannot word or score it differently.

    ``answer``, ``abs_tol``, ``rel_tol``; ``right``: the outcome within the tolerance of the
    answer; ``wrong``: ``[value, outcome]`` for each known wrong value, tried in order; ``other``:
    any other number. An outcome is ``{"passed", "score", "feedback", "hint"}``, its feedback a
    template where :data:`NUMBER` stands for the reader's number, shown by
    :func:`exercises._values.fmt_answer` (compactly when right, else against the answer).
    """

    def outcome(passed: bool, feedback: str, hint: str = "") -> dict[str, Any]:
        score = q.points if passed else 0.0
        return {"passed": passed, "score": score, "feedback": feedback.strip(), "hint": hint}

    return {
        "answer": q.answer,
        "abs_tol": q.abs_tol,
        "rel_tol": q.rel_tol,
        "right": outcome(True, _join(f"{NUMBER} is right.", q.explanation)),
        "wrong": [
            [value, outcome(False, _join(f"{NUMBER} is not right.", feedback))]
            for value, feedback in q.wrong_values
        ],
        "other": outcome(False, f"{NUMBER} is not right.", _first_hint(q)),
    }


def _grade_numeric(q: _core.NumericQuestion, answer: Any) -> Result:
    value, why = answer_to_float(answer)
    if value is None:
        return _result(q, False, 0.0, f"Give a single number: {why}.")
    rule = numeric_rule(q)
    if q.is_close(value):
        outcome, shown = rule["right"], fmt_answer(value)
    else:
        outcome = next((o for v, o in rule["wrong"] if q.is_close(value, v)), rule["other"])
        shown = fmt_answer(value, q.answer)
    feedback = outcome["feedback"].replace(NUMBER, shown)
    return _result(q, outcome["passed"], outcome["score"], feedback, outcome["hint"])


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


# ------------------------------------------------------------------ code questions


def make_cases(q: _core.CodeQuestion, rng: np.random.Generator | None = None) -> list[_core.Case]:
    """The fixed cases followed by ``q.n_random`` random ones (fresh entropy unless ``rng``)."""
    rng = np.random.default_rng() if rng is None else rng
    assert q.random_case is not None
    return list(q.fixed_cases) + [q.random_case(rng) for _ in range(q.n_random)]


def expected_value(q: _core.CodeQuestion, case: _core.Case) -> np.ndarray:
    assert q.reference is not None
    with np.errstate(all="ignore"):
        return np.asarray(q.reference(*case.args), dtype=np.float64)


def _matches(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> bool:
    if got.shape != want.shape:
        return False
    if np.isnan(got).any() or np.isnan(want).any():
        return False
    return bool(np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=False).all())


def _describe_case(case: _core.Case) -> str:
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


def _variant_outputs(fn: Callable[..., Any], cases: list[_core.Case]) -> list[np.ndarray | None]:
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


def _diagnose(
    q: _core.CodeQuestion,
    cases: list[_core.Case],
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


def held_feedback(name: str) -> str:
    """The feedback of an answer that is or holds the course function the question asks for."""
    return (
        f"Your answer uses the course's own {name}, the function this exercise asks you to "
        "write, so it scores 0. Write it yourself; numpy and the course's other functions are "
        "fine."
    )


def _grade_code(
    q: _core.CodeQuestion,
    answer: Any,
    *,
    timeout: float,
    rng: np.random.Generator | None,
    run: CaseRunner,
) -> Result:
    if not callable(answer):
        what = type(answer).__name__
        return _result(
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
        return _result(q, False, 0.0, held_feedback(held))
    if all(o.status == "invalid" and "placeholder" in o.message for o in outcomes):
        return _not_attempted(q)
    ok = [
        o.status == "ok" and o.value is not None and _matches(o.value, e, q.rtol, q.atol)
        for o, e in zip(outcomes, expected, strict=True)
    ]
    n_ok = sum(ok)
    n = len(cases)
    n_fixed = len(q.fixed_cases)
    score = q.points * n_ok / n
    note = (
        " Your function printed something; that output was captured and ignored." if printed else ""
    )
    if n_ok == n:
        fb = (
            f"All {n} cases agree with the reference ({n_fixed} edge cases and "
            f"{n - n_fixed} random ones).{note}"
        )
        return _result(q, True, q.points, _join(fb, q.explanation))
    first = ok.index(False)
    case = cases[first]
    kind = "edge case" if first < n_fixed else "random case"
    got = _describe_got(outcomes[first], expected[first])
    lines = [
        f"{n_ok} of {n} cases agree with the reference.",
        f"First failing case ({kind}: {case.name}): {_describe_case(case)}.",
        f"Expected {fmt_value(expected[first])}, got {got}{'' if got[-1] in '.?!' else '.'}",
    ]
    hint = _diagnose(q, cases, expected, outcomes, ok) or _first_hint(q)
    return _result(q, False, score, "\n".join(lines) + note, hint)
