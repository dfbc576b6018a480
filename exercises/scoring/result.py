"""The :class:`Result` of scoring one answer, and how it displays itself.

A Result is data (:meth:`Result.to_dict`, the report's columns :data:`FIELDS`) that shows itself
three ways, all made by :mod:`exercises.render.result`:

- ``str(result)`` (and ``repr``): plain text for a terminal, starting with ``✓``, ``✗`` or ``…``
  and the words "Correct", "Not yet" or "Not attempted yet", so the verdict never relies on colour;
- ``_repr_html_``: a compact coloured box for Jupyter with the same symbol and words;
- ``_repr_mimebundle_``: the same data as JSON in the output's metadata, under the key
  :data:`MIME_TYPE`.

Everything shown for a correct answer and for an unattempted one is deterministic (no timings,
no random inputs), so notebook outputs compare equal under nbval.

>>> r = Result("regression.outlier_loss", "regression", "single", "passed", 1.0, 1.0,
...            "Huber's gradient is capped at δ.")
>>> print(r)
✓ Correct: regression.outlier_loss (1/1 point)
Huber's gradient is capped at δ.
>>> r.passed
True
"""

from __future__ import annotations

from typing import Any

from ..render.result import result_html, result_text

#: MIME type of the structured output a Result emits.
MIME_TYPE = "application/vnd.losscourse.result+json"

STATUSES = ("passed", "failed", "not_attempted")

#: A Result's data, in the order of the reports' columns.
FIELDS = ("question_id", "chapter", "kind", "status", "score", "max_score", "feedback", "hint")


class Result:
    """The outcome of one :func:`exercises.check` call.

    Attributes: ``question_id``, ``chapter``, ``kind``, ``status`` (``"passed"``, ``"failed"`` or
    ``"not_attempted"``), ``passed`` (bool), ``score`` and ``max_score`` (floats; partial credit
    is possible for multiple-choice and code questions), ``feedback`` (str, what was right or
    wrong) and ``hint`` (str, empty when there is none). ``form_html`` is the site's answer
    form shown under a "not attempted yet" verdict (set by :func:`exercises.check`; not part of
    the data, :data:`FIELDS`). For the teacher's reports, :func:`exercises.scoring.grade` also
    sets ``mistake`` (the ids of the misconceptions the answer shows, comma-separated:
    :meth:`exercises.bank.Question.diagnoses`; empty when none is recognised) and ``answer``
    (the answer as short text: a number, or the bank's keys of the options chosen; empty for a
    function). Neither is shown to the reader.
    """

    __slots__ = (
        "question_id",
        "chapter",
        "kind",
        "status",
        "score",
        "max_score",
        "feedback",
        "hint",
        "form_html",
        "mistake",
        "answer",
    )

    def __init__(
        self,
        question_id: str,
        chapter: str,
        kind: str,
        status: str,
        score: float,
        max_score: float,
        feedback: str,
        hint: str = "",
    ) -> None:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        self.question_id = question_id
        self.chapter = chapter
        self.kind = kind
        self.status = status
        self.score = float(round(score, 4))
        self.max_score = float(max_score)
        self.feedback = feedback
        self.hint = hint
        self.form_html = ""
        self.mistake = ""
        self.answer = ""

    @property
    def passed(self) -> bool:
        """True when the answer is fully right."""
        return self.status == "passed"

    @property
    def attempted(self) -> bool:
        return self.status != "not_attempted"

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-able data (the structured output)."""
        return {
            "question_id": self.question_id,
            "chapter": self.chapter,
            "kind": self.kind,
            "status": self.status,
            "passed": self.passed,
            "score": self.score,
            "max_score": self.max_score,
            "feedback": self.feedback,
            "hint": self.hint,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Result:
        return cls(
            str(d["question_id"]),
            str(d.get("chapter", "")),
            str(d.get("kind", "")),
            str(d["status"]),
            float(d["score"]),
            float(d["max_score"]),
            str(d.get("feedback", "")),
            str(d.get("hint", "")),
        )

    def __str__(self) -> str:
        return result_text(self)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return result_html(self) + self.form_html

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        # The machine-readable copy goes into the output's *metadata*, keyed by MIME_TYPE: as a
        # data entry it would be an output that the book's HTML builder cannot render (and warns
        # about). The visible data comes from _repr_html_ and __repr__.
        return {}, {MIME_TYPE: self.to_dict()}
