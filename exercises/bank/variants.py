"""Per-student variants of a question: the same question with other numbers.

A :class:`Parametric` question is written once, as a function of its parameters (``build``),
with the parameters the book prints (``params0``: variant 0, the question as everyone reads it in
the book) and a way to draw others from a seeded generator (``draw``). Its key, its known wrong
values and its feedback are computed by ``build`` from the parameters, with the course's own code,
so every variant is graded as carefully as variant 0.

A variant is chosen by a seed that :func:`variant_seed` derives from the class salt, the student,
the question and the attempt with SHA-256: the same on every machine and in every place it is
computed (a released notebook, ``check()``, class grading, the website). Parameters are drawn
from small sets of decimal values, so a prompt's text never depends on the processor's
floating-point arithmetic.

>>> seed = variant_seed("class salt", "alice", "regression.huber_value")
>>> seed == variant_seed("class salt", "alice", "regression.huber_value")
True
>>> seed != variant_seed("class salt", "bob", "regression.huber_value")
True

Questions that one exercise statement asks together (a residual, then its gradient under two
losses) share a ``group``: they are seeded with the group's name, so one student sees one
residual in both. ``shown(params)`` lists the pieces of the book's exercise statement that show
the parameters (``"$q = 0.9$"``); a class release replaces each piece of variant 0 by the
student's (:mod:`exercises.teacher.release`), and a test checks that each appears once in the
statement the book prints.

No student gets the book's version: a draw that gives the book's parameters, or the book's key
for any question of its group (the published solution would pass), is drawn again from the same
generator, so the redraw is the same everywhere.

A released notebook carries a *variant salt* made from the class salt by :func:`variant_salt`, not
the class salt itself: the class salt also seeds the random cases of class grading, which a
submission must not know in advance.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .model import NumericQuestion, Question

#: How many times a draw is made again before the last one is kept (never reached in practice:
#: a test checks that every question finds fresh parameters well before).
MAX_REDRAWS = 50
#: The questions of each group (by seed name), filled by :func:`join_group` at registration.
_GROUPS: dict[str, list[Parametric]] = {}


def variant_salt(class_salt: str) -> str:
    """The salt of a class's variants (what a released notebook carries), from the class salt.

    >>> variant_salt("s") == variant_salt("s") != variant_salt("t")
    True
    """
    return hashlib.sha256(("loss-course variants\0" + str(class_salt)).encode()).hexdigest()[:32]


def variant_seed(salt: str, student: str, question_id: str, attempt: int = 0) -> int:
    """The seed of one student's variant of one question (SHA-256 of the four, as an integer)."""
    key = "\0".join((str(salt), str(student), str(question_id), str(int(attempt))))
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:16], "big")


@dataclass(frozen=True)
class Parametric:
    """A question with parameters.

    ``build(params)`` makes the question for one set of parameters (prompt, key, wrong values,
    feedback); ``params0`` are the book's parameters (variant 0); ``draw(rng)`` draws another set
    from a :class:`numpy.random.Generator`, within the ranges where the question still makes
    sense and its known mistakes stay distinguishable from its key. ``group`` (default: the
    question's id) names the seed, so questions asked in one statement share their parameters;
    ``shown(params)`` gives the pieces of the book's statement that show them (see the module
    docstring), or None when the book shows the question only through the bank's prompt (a quiz).
    ``key_varies=False`` marks a question whose key is the same in every variant by design (an
    easy triplet's loss is 0): its variants differ from the book's in their numbers only.
    """

    build: Callable[[dict[str, Any]], Question]
    draw: Callable[[np.random.Generator], dict[str, Any]]
    params0: dict[str, Any]
    group: str = ""
    shown: Callable[[dict[str, Any]], tuple[str, ...]] | None = None
    key_varies: bool = True

    @cached_property
    def question(self) -> Question:
        """Variant 0: the question as the book prints it."""
        return self.build(dict(self.params0))

    @property
    def seed_name(self) -> str:
        """What seeds this question's variants: its group, else its id."""
        return self.group or self.question.id

    def label(self, params: dict[str, Any]) -> str:
        """The parameters as short text for a report (``"q=0.9, y=10, y_hat=12"``).

        >>> Parametric(None, None, {}).label({"q": 0.9, "y": 10.0})
        'q=0.9, y=10'
        """
        return ", ".join(
            f"{k}={v:g}" if isinstance(v, int | float) else f"{k}={v}" for k, v in params.items()
        )

    def params(self, seed: int | None) -> dict[str, Any]:
        """The parameters of the variant with this seed (``None``: variant 0): drawn until
        they are fresh for every question of the group (see the module docstring)."""
        if seed is None:
            return dict(self.params0)
        rng = np.random.default_rng(seed)
        members = _GROUPS.get(self.seed_name) or [self]
        for _ in range(MAX_REDRAWS):
            params = self.draw(rng)
            if all(m.is_fresh(params) for m in members):
                break
        return params

    def is_fresh(self, params: dict[str, Any]) -> bool:
        """Whether ``params`` differ from the book's and give another key than the book's."""
        if all(params.get(k) == v for k, v in self.params0.items()):
            return False
        book = self.question
        if self.key_varies and isinstance(book, NumericQuestion):
            return not book.is_close(self.build(params).answer)
        return True

    def variant(self, seed: int | None) -> Question:
        """The question with the parameters of this seed; it keeps variant 0's id and kind."""
        if seed is None:
            return self.question
        q = self.build(self.params(seed))
        same = (q.id, q.chapter, q.kind, q.points)
        if same != (
            self.question.id,
            self.question.chapter,
            self.question.kind,
            self.question.points,
        ):
            raise ValueError(
                f"{self.question.id}: a variant must keep the id, chapter, kind and points"
            )
        return q


def join_group(p: Parametric) -> None:
    """Count ``p`` among its group's questions (called by the registry); the questions of one
    group must draw with one function, so that a redraw stays the same for all of them."""
    members = _GROUPS.setdefault(p.seed_name, [])
    if members and members[0].draw is not p.draw:
        raise ValueError(f"{p.question.id}: the questions of group {p.seed_name!r} must share draw")
    if p not in members:
        members.append(p)


def signed(x: float) -> str:
    """A number as the bank's texts write it, with a true minus sign.

    >>> signed(-2.5), signed(3.0)
    ('−2.5', '3')
    """
    return f"{x:g}".replace("-", "−")


def tenths(rng: np.random.Generator, low: float, high: float, size: Any = None) -> Any:
    """Values on a 0.1 grid from ``low`` to ``high`` (``size``: a count or a shape), so that a
    variant's prompt prints them without floating-point noise.

    >>> tenths(np.random.default_rng(0), 1, 2, 3).tolist()
    [1.9, 1.7, 1.5]
    """
    return np.round(0.1 * rng.integers(round(10 * low), round(10 * high) + 1, size=size), 1)
