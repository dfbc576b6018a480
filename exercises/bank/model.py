"""The question model: what a question of each kind is made of.

Every question is an instance of one of these frozen dataclasses, written once in its chapter's
module (:mod:`exercises.bank.regression` and so on) and registered in
:mod:`exercises.bank.registry`. :func:`exercises.check`, the quiz, :func:`exercises.questions`,
:func:`exercises.progress` and the teacher's tools all read the same objects, so a prompt, an
answer key or a hint is written once.

Four kinds of question exist:

``single``
    One correct option. The reader answers with the option's letter (``"d"``) or its key
    (``"huber"``); the match ignores case, surrounding spaces, and treats ``-``, ``_`` and spaces
    alike.
``multiple``
    Several correct options. The reader answers with a list, tuple or set of letters (a single
    letter or a comma-separated string is also understood).
``numeric``
    One number, right within ``abs_tol`` or ``rel_tol``. Known wrong values (the result of a typical
    slip) carry their own feedback.
``code``
    The reader passes a function; it is run on fixed edge cases and on cases drawn at random and
    compared with a reference from :mod:`losses` (see :mod:`exercises.scoring.code`).

How an answer of each kind is scored lives in :mod:`exercises.scoring`, how each kind is shown in
:mod:`exercises.render`; this module only describes questions, and checks that one is well made
(:meth:`Question.validate`).

>>> from exercises.bank import get_question
>>> q = get_question("regression.outlier_loss")
>>> q.kind, q.chapter
('single', 'regression')
>>> sorted(o.key for o in q.options if o.correct)
['huber']
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: The kinds of question. Each room that treats kinds differently keeps a table keyed by kind
#: (:data:`exercises.scoring.SCORERS`, the quiz's inputs), tested to cover every kind.
KINDS = ("single", "multiple", "numeric", "code")


@dataclass(frozen=True)
class Option:
    """One option of a choice question.

    ``key`` is what the reader types in ``check``; ``text`` is what the quiz shows; ``feedback``
    explains why this option is right or wrong (shown when the reader picks it, or, for a correct
    option of a multiple-choice question, when the reader misses it).
    """

    key: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Case:
    """One input of a code question: a short description and the positional arguments.

    ``names`` gives the argument names used when the case is described in feedback.
    """

    name: str
    args: tuple[Any, ...]
    names: tuple[str, ...]


@dataclass(frozen=True)
class Mistake:
    """A known wrong implementation and the hint that names the mistake it makes.

    When a reader's outputs agree with ``fn``'s outputs (and ``fn`` disagrees with the reference),
    the grader shows ``hint``.
    """

    fn: Callable[..., Any]
    hint: str


@dataclass(frozen=True)
class Question:
    """What every question has.

    ``mirrors`` names the study guide's self-check question the exercise mirrors. ``hints`` are
    shown (the first one) when an answer is wrong and nothing more specific is known.
    ``explanation`` is shown with a correct answer.
    """

    id: str
    chapter: str
    kind: str
    points: float
    prompt: str
    mirrors: str
    hints: tuple[str, ...] = ()
    explanation: str = ""

    @property
    def name(self) -> str:
        """The part of the id after the chapter: ``"outlier_loss"``."""
        return self.id.split(".", 1)[1]

    def validate(self) -> None:
        """Raise ValueError if the question is not well made (called when it is registered)."""
        if self.kind not in KINDS:
            raise ValueError(f"{self.id}: unknown kind {self.kind!r}")

    def diagnoses(self) -> tuple[tuple[str, str], ...]:
        """Every misconception the question can diagnose, as ``(id, name)``: a stable id
        (``"<question id>:<name>"``, the same in every student's variant) and a one-line name
        (see each kind). The class report counts them."""
        return ()

    def info(self) -> dict[str, Any]:
        """A plain dict describing the question (used by :func:`exercises.questions`)."""
        return {
            "id": self.id,
            "chapter": self.chapter,
            "kind": self.kind,
            "points": self.points,
            "prompt": self.prompt,
            "mirrors": self.mirrors,
        }


@dataclass(frozen=True)
class ChoiceQuestion(Question):
    """A ``single`` or ``multiple`` choice question."""

    options: tuple[Option, ...] = ()
    order: str = ""
    """What shuffles the options besides the id: empty for the book's order; a student's
    variant sets it (:func:`exercises.bank.variant`), so each student has an order of their
    own."""

    @property
    def display_options(self) -> tuple[Option, ...]:
        """The options in the order readers see them: shuffled once, the same everywhere.

        The order comes from a hash of the question id (not from Python's randomised
        ``hash``), so the notebook, the site and the grader agree, and the right answer is not
        always the first option, as it often is in the bank's source. A student's variant
        hashes its :attr:`order` too.
        """
        text = self.id if not self.order else f"{self.id}\0{self.order}"
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
        order = sorted(range(len(self.options)), key=lambda i: random.Random(seed + i).random())
        return tuple(self.options[i] for i in order)

    def letter(self, opt: Option) -> str:
        """The neutral key a reader sees and answers with: ``"a"``, ``"b"``, ... in display order.

        The options' own keys (``"huber"``) name them in the bank's code; readers never see
        them (a key such as ``"calibrated"`` would give the answer away), though ``check``
        still accepts them.
        """
        return LETTERS[self.display_options.index(opt)]

    def option(self, key: str) -> Option | None:
        """The option whose letter, key or text matches ``key`` after normalisation, or None."""
        wanted = normalise_key(key)
        letter = re.fullmatch(r"\(?([a-z])\)?", wanted)
        if letter and letter.group(1) in LETTERS[: len(self.options)]:
            return self.display_options[LETTERS.index(letter.group(1))]
        for opt in self.options:
            if normalise_key(opt.key) == wanted or normalise_key(opt.text) == wanted:
                return opt
        return None

    def validate(self) -> None:
        super().validate()
        n_correct = sum(o.correct for o in self.options)
        if self.kind == "single" and n_correct != 1:
            raise ValueError(f"{self.id}: a single-choice question needs exactly one answer")
        if self.kind == "multiple" and n_correct < 1:
            raise ValueError(f"{self.id}: a multiple-choice question needs an answer")

    @property
    def correct_keys(self) -> frozenset[str]:
        return frozenset(o.key for o in self.options if o.correct)

    def diagnoses(self) -> tuple[tuple[str, str], ...]:
        """Each wrong option is a named misconception: ``"<id>:<option key>"`` and its text."""
        return tuple(
            (f"{self.id}:{o.key}", one_line(o.text)) for o in self.options if not o.correct
        )


@dataclass(frozen=True)
class NumericQuestion(Question):
    """A question answered by one number; right when within ``abs_tol`` or ``rel_tol``."""

    answer: float = 0.0
    abs_tol: float = 1e-3
    rel_tol: float = 1e-3
    wrong_values: tuple[tuple[float, str], ...] = ()

    def is_close(self, value: float, target: float | None = None) -> bool:
        target = self.answer if target is None else target
        return abs(value - target) <= max(self.abs_tol, self.rel_tol * abs(target))

    def diagnoses(self) -> tuple[tuple[str, str], ...]:
        """Each known wrong value: ``"<id>:slip<k>"`` (k counts from 1, in the bank's order) and
        the first clause of its feedback."""
        return tuple(
            (f"{self.id}:slip{k}", one_line(feedback))
            for k, (_, feedback) in enumerate(self.wrong_values, start=1)
        )

    def spread(self) -> float:
        """The smallest gap between two of the key and the known wrong values: how clearly a
        diagnosis tells them apart (a variant's draw keeps it above a few tolerances).

        >>> NumericQuestion("c.q", "c", "numeric", 1, "?", "", answer=1.0,
        ...                 wrong_values=((0.5, "half"), (2.0, "double"))).spread()
        0.5
        """
        values = [self.answer, *(v for v, _ in self.wrong_values)]
        return min((abs(a - b) for k, a in enumerate(values) for b in values[:k]), default=math.inf)


@dataclass(frozen=True)
class CodeQuestion(Question):
    """A question answered by a function.

    ``reference(*case.args)`` gives the expected value; ``fixed_cases`` are always run,
    followed by ``n_random`` cases made by ``random_case(rng)`` with a fresh generator on every
    call, so that a hard-coded return value cannot pass. ``mistakes`` are known wrong variants used
    to diagnose a failing answer. ``signature`` is shown to the reader, e.g.
    ``"huber(y_true, y_pred, delta)"``. Results are compared with ``rtol``/``atol`` (NaN never
    matches; ``inf`` matches ``inf`` of the same sign).

    ``stand_ins`` names the course's functions this question asks the reader to write
    (``("losses.huber", "losses.huber_grad")``): while the reader's answer runs, in ``check()``
    and in class grading alike, they are stand-ins that raise, and an answer that is or holds one
    scores 0 (see :func:`exercises.sandbox.inside.cases.held_stand_in`). The rest of the course stays usable.
    """

    signature: str = ""
    stand_ins: tuple[str, ...] = ()
    reference: Callable[..., Any] | None = None
    fixed_cases: tuple[Case, ...] = ()
    random_case: Callable[[np.random.Generator], Case] | None = None
    n_random: int = 8
    mistakes: tuple[Mistake, ...] = ()
    rtol: float = 1e-5
    atol: float = 1e-8
    extra: dict[str, Any] = field(default_factory=dict)
    fixed_draw: Callable[[np.random.Generator], tuple[Case, ...]] | None = None
    """A student's fixed cases: the same edges as :attr:`fixed_cases` (δ ≠ 1, residuals beyond
    ±δ, ...) with values of their own, drawn from a seeded generator
    (:func:`exercises.bank.variant`); None: everyone gets the book's."""

    def diagnoses(self) -> tuple[tuple[str, str], ...]:
        """Each known mistake: ``"<id>:<its function's name>"`` (``_m_sum`` gives ``sum``) and
        the first clause of its hint."""
        return tuple((mistake_id(self.id, m), one_line(m.hint)) for m in self.mistakes)


def normalise_key(text: str) -> str:
    """Lower-case, strip, and treat runs of spaces, ``-`` and ``_`` as one ``_``.

    >>> normalise_key("  Cross-Entropy ")
    'cross_entropy'
    """
    return re.sub(r"[\s_\-]+", "_", str(text).strip().lower()).strip("_")


#: The neutral option keys, in option order.
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_line(text: str, limit: int = 90) -> str:
    """A diagnosis's name: the first clause of a feedback or hint, on one line.

    >>> one_line("That is the Dice coefficient; the loss is 1 minus it.")
    'That is the Dice coefficient'
    """
    line = " ".join(str(text).split())
    for stop in ("; ", ": ", ". ", " — "):
        head = line.split(stop, 1)[0]
        if len(head) >= 12:
            line = head
    line = line.rstrip(".")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def mistake_id(question_id: str, mistake: Mistake) -> str:
    """A known mistake's stable id: the question's id and the name of its function."""
    name = getattr(mistake.fn, "__name__", "mistake").lstrip("_")
    return f"{question_id}:{name.removeprefix('m_')}"
