"""The question model and the bank: the one source of truth for every exercise.

Every question lives in exactly one chapter module (``exercises/regression.py`` and so on) and
is registered here when that module is imported. :func:`exercises.check`, the static-page quiz
(:func:`exercises.quiz`), :func:`exercises.questions`, :func:`exercises.progress` and the
command line (``python -m exercises``) all read the same objects, so a prompt, an answer key or a
hint is written once.

Four kinds of question exist:

``single``
    One correct option. The reader answers with the option's key (``"huber"``); the match ignores
    case, surrounding spaces, and treats ``-``, ``_`` and spaces alike.
``multiple``
    Several correct options. The reader answers with a list, tuple or set of keys (a single key or a
    comma-separated string is also understood).
``numeric``
    One number, right within ``abs_tol`` or ``rel_tol``. Known wrong values (the result of a typical
    slip) carry their own feedback.
``code``
    The reader passes a function; it is run on fixed edge cases and on cases drawn at random on
    every call and compared with a reference from :mod:`losses` (see :mod:`exercises._grading`).

Example:

>>> from exercises import _core
>>> q = _core.get_question("regression.outlier_loss")
>>> q.kind, q.chapter
('single', 'regression')
>>> sorted(o.key for o in q.options if o.correct)
['huber']
"""

from __future__ import annotations

import difflib
import hashlib
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Chapter ids in reading order. ``closing`` is the final chapter's mixed quiz and combined exercise.
CHAPTERS: tuple[str, ...] = (
    "regression",
    "classification",
    "imbalanced",
    "distributions",
    "metric_learning",
    "closing",
)

#: Display titles of the chapters.
CHAPTER_TITLES: dict[str, str] = {
    "regression": "Regression losses",
    "classification": "Classification losses",
    "imbalanced": "Losses for imbalanced data",
    "distributions": "Distribution matching",
    "metric_learning": "Metric learning",
    "closing": "Choosing a loss",
}

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

    @property
    def display_options(self) -> tuple[Option, ...]:
        """The options in the order readers see them: shuffled once, the same everywhere.

        The order comes from a hash of the question id (not from Python's randomised
        ``hash``), so the notebook, the site and the grader agree, and the right answer is not
        always the first option, as it often is in the bank's source.
        """
        seed = int.from_bytes(hashlib.sha256(self.id.encode()).digest()[:8], "big")
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

    @property
    def correct_keys(self) -> frozenset[str]:
        return frozenset(o.key for o in self.options if o.correct)


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
    scores 0 (see :func:`exercises._sandbox.held_stand_in`). The rest of the course stays usable.
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


_BANK: dict[str, Question] = {}


def normalise_key(text: str) -> str:
    """Lower-case, strip, and treat runs of spaces, ``-`` and ``_`` as one ``_``.

    >>> normalise_key("  Cross-Entropy ")
    'cross_entropy'
    """
    return re.sub(r"[\s_\-]+", "_", str(text).strip().lower()).strip("_")


def register(*questions: Question) -> None:
    """Add questions to the bank (called by each chapter module at import)."""
    for q in questions:
        if q.kind not in KINDS:
            raise ValueError(f"{q.id}: unknown kind {q.kind!r}")
        if q.chapter not in CHAPTERS or not q.id.startswith(q.chapter + "."):
            raise ValueError(f"{q.id}: id must start with its chapter {q.chapter!r}")
        if q.id in _BANK and _BANK[q.id] is not q:
            raise ValueError(f"duplicate question id {q.id!r}")
        if isinstance(q, ChoiceQuestion):
            n_correct = sum(o.correct for o in q.options)
            if q.kind == "single" and n_correct != 1:
                raise ValueError(f"{q.id}: a single-choice question needs exactly one answer")
            if q.kind == "multiple" and n_correct < 1:
                raise ValueError(f"{q.id}: a multiple-choice question needs an answer")
        _BANK[q.id] = q


def all_questions(chapter: str | None = None) -> list[Question]:
    """Questions in chapter order (then in the order their module registers them)."""
    if chapter is not None:
        check_chapter(chapter)
    order = {c: i for i, c in enumerate(CHAPTERS)}
    qs = [q for q in _BANK.values() if chapter is None or q.chapter == chapter]
    return sorted(qs, key=lambda q: order[q.chapter])


def check_chapter(chapter: str) -> str:
    """Return ``chapter`` if it is a chapter id, else raise KeyError naming the close ones."""
    if chapter in CHAPTERS:
        return chapter
    close = difflib.get_close_matches(str(chapter), CHAPTERS, n=3, cutoff=0.4)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    raise KeyError(f"Unknown chapter {chapter!r}.{hint} Chapters: {', '.join(CHAPTERS)}.")


def get_question(question_id: str) -> Question:
    """The question with this id; a KeyError that lists the closest ids otherwise."""
    if isinstance(question_id, str) and question_id in _BANK:
        return _BANK[question_id]
    text = str(question_id)
    ids = list(_BANK)
    close = difflib.get_close_matches(text, ids, n=5, cutoff=0.5)
    if not close and "." not in text:
        # "implement_huber" -> "regression.implement_huber"
        close = difflib.get_close_matches(text, [i.split(".", 1)[1] for i in ids], n=5, cutoff=0.5)
        close = [i for i in ids if i.split(".", 1)[1] in close]
    if close:
        hint = "Did you mean " + ", ".join(repr(c) for c in close) + "?"
    else:
        hint = "Run exercises.questions() to list them."
    raise KeyError(f"Unknown question id {text!r}. {hint}")


#: The neutral option keys, in option order.
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def describe_options(q: ChoiceQuestion) -> str:
    """Plain-text list of the options' letters, used in feedback for an unrecognised answer."""
    return ", ".join(repr(q.letter(o)) for o in q.display_options)


def as_sequence(x: Any) -> Sequence[Any]:
    if isinstance(x, str):
        return [p for p in re.split(r"[,;]", x) if p.strip()]
    return list(x)
