"""The registry: every question of the bank by id, in chapter order.

Each chapter module registers its questions when it is imported (importing
:mod:`exercises.bank` imports them all); everything else looks questions up here.

>>> get_question("regression.outlier_loss").kind
'single'
>>> [q.id for q in select("regression")][:2]
['regression.outlier_loss', 'regression.why_huber_helps']
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable

import numpy as np

from .model import ChoiceQuestion, CodeQuestion, Question
from .variants import Parametric, join_group, variant_seed

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

_BANK: dict[str, Question] = {}
#: The questions that have variants, by id (each is also in the bank as its variant 0).
_PARAMETRIC: dict[str, Parametric] = {}


def register(*questions: Question | Parametric) -> None:
    """Add questions to the bank (called by each chapter module at import); a question with
    parameters joins as its variant 0, its other variants made on demand (:func:`variant`)."""
    for item in questions:
        q = item.question if isinstance(item, Parametric) else item
        q.validate()
        if q.chapter not in CHAPTERS or not q.id.startswith(q.chapter + "."):
            raise ValueError(f"{q.id}: id must start with its chapter {q.chapter!r}")
        if q.id in _BANK and _BANK[q.id] is not q:
            raise ValueError(f"duplicate question id {q.id!r}")
        _BANK[q.id] = q
        if isinstance(item, Parametric):
            _PARAMETRIC[q.id] = item
            join_group(item)


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


#: Named quizzes that mix chapters, as question ids: ``"mixed"`` (the closing chapter's).
QUIZZES: dict[str, tuple[str, ...]] = {}


def register_quiz(name: str, question_ids: Iterable[str]) -> None:
    """Name a quiz of questions from several chapters (called by a chapter module)."""
    if name in CHAPTERS or "." in name:
        raise ValueError(f"a quiz name must not look like a chapter or a question id: {name!r}")
    QUIZZES[name] = tuple(question_ids)


def select(selection: str | Iterable[str]) -> list[Question]:
    """Questions for a chapter id, a named quiz (``"mixed"``, the closing chapter's), one
    question id, or a list of ids; a KeyError that names close ids or chapters otherwise."""
    if isinstance(selection, str):
        if selection in QUIZZES:
            return [get_question(i) for i in QUIZZES[selection]]
        if selection in CHAPTERS:
            return all_questions(selection)
        if "." not in selection:
            check_chapter(selection)  # raises a KeyError naming close chapters
        return [get_question(selection)]
    return [get_question(i) for i in selection]


def parametric(question_id: str) -> Parametric | None:
    """The question's parameters and builder, or None if it has no variants."""
    get_question(question_id)  # a KeyError naming close ids for an unknown one
    return _PARAMETRIC.get(question_id)


def has_variants(question_id: str) -> bool:
    """Whether students (and practice) get versions of their own: a question with parameters,
    a choice question (its options' order), or a code question that draws its fixed cases.

    >>> has_variants("regression.pinball_value"), has_variants("closing.howto_huber_gradient")
    (True, False)
    """
    q = get_question(question_id)
    return (
        parametric(question_id) is not None
        or isinstance(q, ChoiceQuestion)
        or (isinstance(q, CodeQuestion) and q.fixed_draw is not None)
    )


def variant(question_id: str, salt: str = "", student: str = "", attempt: int = 0) -> Question:
    """One student's variant of a question (:func:`~exercises.bank.variants.variant_seed`):
    other parameters for a question that has them, the options in an order of the student's
    own for a choice question, fixed cases of the student's own for a code question that
    draws them (:attr:`~exercises.bank.CodeQuestion.fixed_draw`); variant 0, the book's,
    without a student, and for a question that has none of these.

    >>> alice = variant("regression.outlier_loss", "salt", "alice")
    >>> alice.options == get_question("regression.outlier_loss").options
    True
    """
    p = parametric(question_id)
    if not student:
        return get_question(question_id)
    seed = variant_seed(salt, student, p.seed_name if p else question_id, attempt)
    q = get_question(question_id) if p is None else p.variant(seed)
    if isinstance(q, ChoiceQuestion):
        q = dataclasses.replace(q, order=f"{seed:032x}")
    elif isinstance(q, CodeQuestion) and q.fixed_draw is not None:
        q = dataclasses.replace(q, fixed_cases=q.fixed_draw(np.random.default_rng(seed)))
    return q


def variant_label(question_id: str, salt: str = "", student: str = "", attempt: int = 0) -> str:
    """One student's parameters of a question as short text (``"r=5, delta=2"``); ``""`` for a
    question without parameters.

    >>> variant_label("regression.huber_value")
    'r=5, delta=2'
    >>> variant_label("regression.outlier_loss", "salt", "alice")
    ''
    """
    p = parametric(question_id)
    if p is None:
        return ""
    params = variant_params(question_id, salt, student, attempt)
    return p.label({k: params[k] for k in p.params0})  # its own (a group draws for all)


def variant_params(question_id: str, salt: str = "", student: str = "", attempt: int = 0) -> dict:
    """One student's parameters of a question with parameters (the book's without a student).

    >>> variant_params("regression.huber_value")
    {'r': 5.0, 'delta': 2.0}
    """
    p = parametric(question_id)
    if p is None:
        raise ValueError(f"{question_id} has no parameters")
    return p.params(variant_seed(salt, student, p.seed_name, attempt) if student else None)
