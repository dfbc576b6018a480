"""A verdict as text, as a box in Jupyter, and as the site's quiz shows it.

The functions take any object with a result's fields (``question_id``, ``status``, ``score``,
``max_score``, ``feedback``, ``hint``): :class:`exercises.scoring.Result` displays itself with
them, and the site's verdict tables are made with them, so a verdict reads the same everywhere.

>>> from types import SimpleNamespace as R
>>> r = R(question_id="q.a", status="failed", score=0.5, max_score=1.0, feedback="Half.", hint="")
>>> print(result_text(r))
✗ Partly right: q.a (0.5/1 point)
Half.
>>> verdict(r)[:3]
['failed', 0.5, 1.0]
"""

from __future__ import annotations

import html
from typing import Any

from .text import inline_html
from .theme import VERDICTS, points_text, style_key


def result_text(r: Any) -> str:
    """Plain text for a terminal: symbol, words, id and points, then feedback and hint."""
    symbol, words, _, _ = VERDICTS[style_key(r.status, r.score)]
    lines = [f"{symbol} {words}: {r.question_id} ({points_text(r.score, r.max_score)})"]
    if r.feedback:
        lines.append(r.feedback)
    if r.hint:
        lines.append(f"Hint: {r.hint}")
    return "\n".join(lines)


def result_html(r: Any) -> str:
    """The verdict box a notebook shows under a ``check`` call."""
    symbol, words, border, background = VERDICTS[style_key(r.status, r.score)]
    # mathjax_process: the site's MathJax typesets only elements of a few classes
    parts = [
        f'<div class="losscourse-result losscourse-{r.status} mathjax_process" role="status" '
        f'style="border-left:6px solid {border};background:{background};color:inherit;'
        "padding:0.45em 0.8em;margin:0.3em 0;border-radius:4px;font-size:0.95em;"
        'line-height:1.45">',
        f"<strong>{symbol} {words}</strong> "
        f"<code>{html.escape(r.question_id)}</code> "
        f"<span>({html.escape(points_text(r.score, r.max_score))})</span>",
    ]
    if r.feedback:
        parts.append(f'<div style="margin-top:0.25em">{inline_html(r.feedback)}</div>')
    if r.hint:
        parts.append(
            f'<div style="margin-top:0.25em"><strong>Hint:</strong> {inline_html(r.hint)}</div>'
        )
    parts.append("</div>")
    return "".join(parts)


def verdict_html(r: Any) -> str:
    """The verdict as the site's feedback element shows it: the symbol, words and points of
    :func:`result_html` and its feedback and hint, without the box (the quiz's feedback element
    is the box) and the question id (the question's title shows it)."""
    symbol, words, _, _ = VERDICTS[style_key(r.status, r.score)]
    parts = [
        f"<strong>{symbol} {words}</strong> "
        f'<span class="lcq-points">({html.escape(points_text(r.score, r.max_score))})</span>'
    ]
    if r.feedback:
        parts.append(f'<div class="lcq-fb">{inline_html(r.feedback)}</div>')
    if r.hint:
        parts.append(f'<div class="lcq-hint"><strong>Hint:</strong> {inline_html(r.hint)}</div>')
    return "".join(parts)


def verdict(r: Any) -> list[Any]:
    """``[status, score, max_score, html]``: what the site's script shows and records."""
    return [r.status, r.score, r.max_score, verdict_html(r)]
