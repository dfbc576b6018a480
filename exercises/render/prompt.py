"""A question's prompt on its own, as :func:`exercises.another` shows a practice variant.

The prompt is rendered like the quiz's (the bank's Markdown, maths for MathJax), followed by the
options under their letters for a choice question, and a note that says how to answer.

>>> from exercises.bank import get_question
>>> print(Prompt(get_question("regression.huber_value"), "A note.").text())
regression.huber_value
What is the Huber loss of a single residual $r = 5$ with $\\delta = 2$?
   Answer with check("regression.huber_value", ...).
A note.
"""

from __future__ import annotations

import html

from ..bank import Question
from .quiz import TEXTS
from .text import inline_markdown, markdown_to_html


class Prompt:
    """One question's prompt (``question``) and a note for the reader (``note``)."""

    def __init__(self, question: Question, note: str = "") -> None:
        self.question = question
        self.note = note

    def text(self) -> str:
        q = self.question
        lines = [q.id, q.prompt, *TEXTS[q.kind](q)]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    __str__ = __repr__ = text

    def _repr_html_(self) -> str:
        q = self.question
        parts = [
            '<div class="losscourse-prompt mathjax_process" style="border-left:6px solid '
            'rgba(127,127,127,0.45);padding:0.45em 0.8em;margin:0.3em 0">',
            f"<p><code>{html.escape(q.id)}</code></p>{markdown_to_html(q.prompt)}",
        ]
        if q.kind in ("single", "multiple"):
            options = "".join(
                f"<li><strong>({q.letter(o)})</strong> {inline_markdown(o.text)}</li>"
                for o in q.display_options
            )
            parts.append(f'<ul style="list-style:none;padding-left:0">{options}</ul>')
        if self.note:
            parts.append(f"<p><em>{inline_markdown(self.note)}</em></p>")
        parts.append("</div>")
        return "".join(parts)
