"""Scoring a choice question: one option (``single``) or every option that applies
(``multiple``).

- ``single``: the answer is an option's letter or key (a one-element list is accepted too).
  Right: full points. Wrong: 0 points, that option's feedback and the question's hint. Not an
  option: 0 points and the list of valid letters.
- ``multiple``: the answer is a collection of letters (or one letter, or a comma-separated
  string). Score = points × max(0, right picks − wrong picks) / number of right options; passed
  only for exactly the right set. Each wrong pick's feedback is shown; missing right options are
  counted, not named.

A choice question has finitely many answers, so the site carries the verdict of each
(:meth:`ChoiceScorer.site_data`): nothing is scored in the browser.

>>> from exercises.bank import get_question
>>> q = get_question("regression.huber_facts")
>>> r = SCORERS["multiple"].grade(q, [q.letter(o) for o in q.display_options if o.correct])
>>> r.passed
True
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

from ..bank import ChoiceQuestion, Option
from ..render.result import verdict
from .common import first_hint, join, result
from .result import Result


def describe_options(q: ChoiceQuestion) -> str:
    """The options' letters as a plain list, for feedback on an answer that is not one."""
    return ", ".join(repr(q.letter(o)) for o in q.display_options)


def as_sequence(x: Any) -> Sequence[Any]:
    """A multiple-choice answer as a list: a comma- or semicolon-separated string is split."""
    if isinstance(x, str):
        return [p for p in re.split(r"[,;]", x) if p.strip()]
    return list(x)


def choice_answers(q: ChoiceQuestion) -> list[str]:
    """Every answer the site's form can give, as the letters ticked in display order: each
    option of a single choice, every non-empty subset of the options of a multiple choice."""
    letters = [q.letter(o) for o in q.display_options]
    if q.kind == "single":
        return letters
    subsets = (itertools.combinations(letters, n) for n in range(1, len(letters) + 1))
    return ["".join(c) for c in itertools.chain.from_iterable(subsets)]


class ChoiceScorer:
    """The rules of one choice kind (``"single"`` or ``"multiple"``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def how_to_answer(self, q: ChoiceQuestion) -> str:
        """The options under their letters, so a placeholder cell can be answered as shown."""
        how = "one key" if q.kind == "single" else "a list of every key that applies"
        options = "\n".join(f'  "{q.letter(o)}": {o.text}' for o in q.display_options)
        return f"Answer with {how}, in quotes:\n{options}"

    def grade(self, q: ChoiceQuestion, answer: Any, **_: Any) -> Result:
        if self.kind == "single":
            return _grade_single(q, answer)
        return _grade_multiple(q, answer)

    def mistakes(self, q: ChoiceQuestion, answer: Any, result: Result) -> list[str]:
        """The wrong options chosen (each a named misconception)."""
        return [f"{q.id}:{o.key}" for o in _chosen(q, answer) if not o.correct]

    def answer_text(self, q: ChoiceQuestion, answer: Any) -> str:
        """The bank's keys of the options chosen (the same whatever a student's order)."""
        return ",".join(o.key for o in _chosen(q, answer))

    def site_data(self, q: ChoiceQuestion) -> dict[str, Any]:
        """``table``: each answer the site's form can give (:func:`choice_answers`) and the
        verdict :meth:`grade` gives it (:func:`exercises.render.result.verdict`)."""
        as_answer = (lambda k: k) if q.kind == "single" else list
        table = {k: verdict(self.grade(q, as_answer(k))) for k in choice_answers(q)}
        return {"kind": q.kind, "table": table}


SCORERS = {"single": ChoiceScorer("single"), "multiple": ChoiceScorer("multiple")}


def _grade_single(q: ChoiceQuestion, answer: Any) -> Result:
    if isinstance(answer, list | tuple | set | frozenset) and len(answer) == 1:
        answer = next(iter(answer))
    if not isinstance(answer, str):
        return result(
            q,
            False,
            0.0,
            f"Answer with the letter of one option, as a string: {describe_options(q)}.",
        )
    opt = q.option(answer)
    if opt is None:
        return result(
            q,
            False,
            0.0,
            f"{answer!r} is not one of the options. Choose one of: {describe_options(q)}.",
        )
    if opt.correct:
        return result(q, True, q.points, join(opt.feedback, q.explanation))
    return result(q, False, 0.0, opt.feedback, first_hint(q))


def _grade_multiple(q: ChoiceQuestion, answer: Any) -> Result:
    try:
        items = as_sequence(answer)
    except TypeError:
        items = None
    if items is None or not all(isinstance(a, str) for a in items):
        return result(
            q,
            False,
            0.0,
            "Answer with a list of option letters, e.g. ['a', 'c'], chosen from: "
            f"{describe_options(q)}.",
        )
    chosen: list[Option] = []
    unknown: list[str] = []
    for a in items:
        opt = q.option(a)
        if opt is None:
            unknown.append(a)
        elif opt not in chosen:
            chosen.append(opt)
    if unknown:
        return result(
            q,
            False,
            0.0,
            f"Not an option: {', '.join(map(repr, unknown))}. Choose from: {describe_options(q)}.",
        )
    # in display order, not the answer's: a set's order changes with Python's hash seed
    right = [o for o in q.display_options if o in chosen and o.correct]
    wrong = [o for o in q.display_options if o in chosen and not o.correct]
    n_correct = len(q.correct_keys)
    missing = n_correct - len(right)
    score = q.points * max(0, len(right) - len(wrong)) / n_correct
    if not wrong and not missing:
        fb = "\n".join(o.feedback for o in right)
        return result(q, True, q.points, join(fb, q.explanation))
    lines = [f"✗ {q.letter(o)!r} ({o.text}): {o.feedback}" for o in wrong]
    if missing:
        lines.append(
            f"{missing} correct option{'s are' if missing > 1 else ' is'} missing from your answer."
        )
    return result(q, False, score, "\n".join(lines), first_hint(q))


def _chosen(q: ChoiceQuestion, answer: Any) -> list[Option]:
    """The options an answer names, in the order given (nothing it does not name)."""
    try:
        items = [answer] if isinstance(answer, str) else as_sequence(answer)
    except TypeError:
        return []
    if q.kind == "multiple" and isinstance(answer, str):
        items = as_sequence(answer)
    chosen: list[Option] = []
    for a in items:
        opt = q.option(a) if isinstance(a, str) else None
        if opt is not None and opt not in chosen:
            chosen.append(opt)
    return chosen
