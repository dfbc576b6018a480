"""The :class:`Result` that :func:`exercises.check` returns, and how it displays itself.

A Result shows itself three ways:

- ``str(result)`` (and ``repr``): plain text for a terminal, starting with ``✓``, ``✗`` or ``…``
  and the words "Correct", "Not yet" or "Not attempted yet", so the verdict never relies on colour;
- ``_repr_html_``: a compact box for Jupyter with the same symbol and words, coloured blue
  (correct), orange (wrong) or grey (not attempted), a palette that stays distinct for the common
  forms of colour blindness;
- ``_repr_mimebundle_``: the same data as JSON in the output's metadata, under the key
  :data:`MIME_TYPE`, which the command-line grader can read from executed notebooks.

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

import html
from typing import Any

from ._values import fmt_score

#: MIME type of the structured output a Result emits.
MIME_TYPE = "application/vnd.losscourse.result+json"

STATUSES = ("passed", "failed", "not_attempted")

_STYLE = {
    # symbol, words, border colour, background: translucent tints and the page's own text
    # colour, so the box reads on a light and on a dark theme (JupyterLab's, the site's)
    "passed": ("✓", "Correct", "#2f7bd6", "rgba(47,123,214,0.14)"),
    "failed": ("✗", "Not yet", "#d9822b", "rgba(217,130,43,0.16)"),
    "partial": ("✗", "Partly right", "#d9822b", "rgba(217,130,43,0.16)"),
    "not_attempted": ("…", "Not attempted yet", "#8a8f96", "rgba(138,143,150,0.14)"),
}


class Result:
    """The outcome of one :func:`exercises.check` call.

    Attributes: ``question_id``, ``chapter``, ``kind``, ``status`` (``"passed"``, ``"failed"`` or
    ``"not_attempted"``), ``passed`` (bool), ``score`` and ``max_score`` (floats; partial credit
    is possible for multiple-choice and code questions), ``feedback`` (str, what was right or
    wrong) and ``hint`` (str, empty when there is none).
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

    @property
    def passed(self) -> bool:
        """True when the answer is fully right."""
        return self.status == "passed"

    @property
    def attempted(self) -> bool:
        return self.status != "not_attempted"

    def _style_key(self) -> str:
        if self.status == "failed" and self.score > 0:
            return "partial"
        return self.status

    def _points(self) -> str:
        unit = "point" if self.max_score == 1 else "points"
        return f"{fmt_score(self.score)}/{fmt_score(self.max_score)} {unit}"

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
        symbol, words, _, _ = _STYLE[self._style_key()]
        lines = [f"{symbol} {words}: {self.question_id} ({self._points()})"]
        if self.feedback:
            lines.append(self.feedback)
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        symbol, words, border, background = _STYLE[self._style_key()]
        # mathjax_process: the site's MathJax typesets only elements of a few classes
        parts = [
            f'<div class="losscourse-result losscourse-{self.status} mathjax_process" role="status" '
            f'style="border-left:6px solid {border};background:{background};color:inherit;'
            "padding:0.45em 0.8em;margin:0.3em 0;border-radius:4px;font-size:0.95em;"
            'line-height:1.45">',
            f"<strong>{symbol} {words}</strong> "
            f"<code>{html.escape(self.question_id)}</code> "
            f"<span>({html.escape(self._points())})</span>",
        ]
        if self.feedback:
            parts.append(f'<div style="margin-top:0.25em">{_inline_html(self.feedback)}</div>')
        if self.hint:
            parts.append(
                f'<div style="margin-top:0.25em"><strong>Hint:</strong> '
                f"{_inline_html(self.hint)}</div>"
            )
        parts.append("</div>")
        if self.status == "not_attempted" and self.kind in ("single", "multiple", "numeric"):
            from ._quiz import answer_form  # the site's form for this question (hidden elsewhere)

            parts.append(answer_form(self.question_id))
        return "".join(parts)

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        # The machine-readable copy goes into the output's *metadata*, keyed by MIME_TYPE: as a
        # data entry it would be an output that the book's HTML builder cannot render (and warns
        # about). The visible data comes from _repr_html_ and __repr__.
        return {}, {MIME_TYPE: self.to_dict()}


def _inline_html(text: str) -> str:
    r"""Render ``text`` line by line with the bank's Markdown subset (`code`, **bold**, $maths$
    as ``\(...\)``, which MathJax typesets on the site and in JupyterLab); lines joined by <br>.

    >>> _inline_html("Loss $\\log n$ with `np.log`\nnext")
    'Loss \\(\\log n\\) with <code>np.log</code><br>next'
    """
    from ._quiz import inline_markdown  # the one Markdown renderer of the package

    return "<br>".join(inline_markdown(line) for line in text.split("\n"))
