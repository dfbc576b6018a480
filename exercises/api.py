"""The reader's functions: :func:`check`, :func:`another`, :func:`questions`, :func:`quiz` and
:func:`student` (the first cell of a student's copy).

:func:`check` also records each attempted answer in the reader's progress file (see
:mod:`exercises.progress`). It is the self-study path: whoever runs it grades themself. Grading
other people's notebooks never trusts a ``check`` that ran in them (see
:mod:`exercises.teacher`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from . import bank
from .progress import ProgressStore
from .render.prompt import Prompt
from .render.quiz import Quiz, answer_form
from .scoring import DEFAULT_TIMEOUT, Result, grade, site_data

#: Practice variants shown in this session by :func:`another`: question id -> how many so far.
_PRACTICE: dict[str, int] = {}
#: Drawn once per session, so that every session practises on fresh numbers.
_PRACTICE_SALT = secrets.token_hex(16)
PRACTICE_STUDENT = "practice"
#: How many other versions of a question with variants a page of the site carries ("Try
#: another"), made when the book is built, from a fixed salt: the same on every build.
SITE_POOL = 8
#: A choice question's other versions are other orders of its options: fewer of them (each
#: carries its verdict for every answer).
SITE_POOL_CHOICE = 3
SITE_SALT = "loss-course website"
#: Whose numbers this session's questions have: ``(student, variant salt)``, set by
#: :func:`student` (the first cell of a student's copy); None in the book: variant 0.
_STUDENT: tuple[str, str] | None = None


def _current(question_id: str) -> bank.Question:
    """The version of a question that :func:`check` grades: the last one :func:`another` showed
    in this session, else the student's (:func:`student`), else the book's."""
    attempt = _PRACTICE.get(question_id)
    if attempt is not None:
        return bank.variant(question_id, _PRACTICE_SALT, PRACTICE_STUDENT, attempt)
    if _STUDENT is not None:
        return bank.variant(question_id, _STUDENT[1], _STUDENT[0])
    return bank.get_question(question_id)


def site_pool(q: bank.Question) -> list[tuple[bank.Question, dict[str, Any]]]:
    """The other versions of the book's question ``q`` that its site form offers ("Try
    another"), each with its site data: other numbers for a question with parameters, other
    orders of the options for a choice question; empty for a code question, for a numeric
    question without parameters, or for a version that is not the book's (a student's copy, a
    practice version)."""
    choice = isinstance(q, bank.ChoiceQuestion)
    if (bank.parametric(q.id) is None and not choice) or q is not bank.get_question(q.id):
        return []
    versions = [
        bank.variant(q.id, SITE_SALT, PRACTICE_STUDENT, attempt)
        for attempt in range(1, (SITE_POOL_CHOICE if choice else SITE_POOL) + 1)
    ]
    if not choice and all(v.prompt == q.prompt for v in versions):
        return []  # nothing a reader would see change (the Dice loss of "the same scan": 1)
    return [(v, site_data(v)) for v in versions]


def student(student_id: str, salt: str) -> None:
    """Say whose copy this notebook is: from now on, :func:`check` and :func:`quiz` use this
    student's numbers. The first cell of a copy released for a class calls it (``python -m
    exercises release book/ OUT/ --roster roster.csv``); ``salt`` is the class's variant salt
    written there. Class grading does not trust this call: it takes the student from the
    roster.

    >>> student("alice", salt="0123456789abcdef")
    >>> q = _current("regression.pinball_value")  # alice's numbers
    >>> q.prompt != bank.get_question(q.id).prompt, check(q.id, q.answer).passed
    (True, True)
    >>> _reset_student()
    """
    global _STUDENT
    if not isinstance(student_id, str) or not student_id:
        raise TypeError("student_id must be a non-empty string (the id of your copy)")
    if not isinstance(salt, str):
        raise TypeError("salt must be the string written in your copy's first cell")
    _STUDENT = (student_id, salt)


def _reset_student() -> None:
    global _STUDENT
    _STUDENT = None


def another(question_id: str) -> Prompt:
    """Show a fresh version of a question to practise on; the next :func:`check` of that
    question grades it. Each call in a session gives the next version: other numbers for a
    question with parameters, the options in another order for a choice question, other fixed
    cases for a code question that draws them. A question with none of these has one version:
    it is shown again, with a note. Practice versions are for self-study: they are new in every
    session, and class grading grades the version the teacher released.

    >>> p = another("regression.huber_value")
    >>> p.question.id, "Huber loss" in p.question.prompt
    ('regression.huber_value', True)
    >>> check("regression.huber_value", p.question.answer).passed
    True
    >>> _PRACTICE.clear()  # back to the book's versions
    """
    if not bank.has_variants(question_id):
        q = bank.get_question(question_id)
        note = "This question has one version; it is shown again as the book asks it."
        return Prompt(q, note)
    _PRACTICE[question_id] = _PRACTICE.get(question_id, 0) + 1
    q = _current(question_id)
    note = (
        f"Practice version {_PRACTICE[question_id]}: answer it with "
        f"`check({question_id!r}, ...)`; `another({question_id!r})` gives a new one."
    )
    return Prompt(q, note)


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
    q = _current(question_id)
    result = grade(q, answer, timeout=timeout)
    if not result.attempted:  # on the site, the question's form under the verdict
        result.form_html = answer_form(
            q, site_data(q), bank.CHAPTER_TITLES[q.chapter], pool=site_pool(q)
        )
    else:
        ProgressStore.from_env().record(
            q.id,
            passed=result.passed,
            score=result.score,
            max_score=result.max_score,
            fresh=question_id in _PRACTICE,
        )
    return result


def questions(chapter: str | None = None) -> list[dict[str, Any]]:
    """The question bank as a list of dicts (``id``, ``chapter``, ``kind``, ``points``,
    ``prompt``, ``mirrors``), in chapter order; ``chapter`` selects one chapter.

    >>> [q["id"] for q in questions("regression")][:2]
    ['regression.outlier_loss', 'regression.why_huber_helps']
    """
    return [q.info() for q in bank.all_questions(chapter)]


def quiz(selection: str | Iterable[str], *, include_code: bool = True) -> Quiz:
    """A quiz of the chosen questions that works on the static site (and in Jupyter).

    ``selection`` is a chapter id (``"regression"``), ``"mixed"`` (the closing chapter's mixed
    quiz), a question id, or a list of question ids. Code questions are listed with their prompt
    unless ``include_code=False``. Display it by making it the last expression of a cell; in a
    live kernel its Check buttons call :func:`check`.

    >>> q = quiz("regression")
    >>> 'id="lcq-regression-outlier_loss"' in q.html
    True
    >>> print(str(q).splitlines()[0])  # doctest: +ELLIPSIS
    Quiz: Regression losses (... questions)
    """
    qs = [_current(q.id) for q in bank.select(selection)]
    if not include_code:
        qs = [q for q in qs if q.kind != "code"]
    chapters = {q.chapter for q in qs}
    if selection == "mixed":
        title = "Mixed quiz"
    elif len(chapters) == 1:
        title = bank.CHAPTER_TITLES[chapters.pop()]
    else:
        title = "Selected questions"
    data = {q.id: site_data(q) for q in qs}
    return Quiz(qs, title, data, check=check, pool={q.id: site_pool(q) for q in qs})
