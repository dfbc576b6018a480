"""How :func:`exercises.progress` shows the reader's progress: as text, and as HTML that the
site's script (``static/progress.js``) fills from the browser's own record of the quizzes.

The functions take a :class:`exercises.progress.Progress` (its ``chapters``, ``summary()``,
``path`` and ``notice``).

>>> class Two:  # the shape of a Progress: one chapter, one question passed of two
...     path, notice = None, ""
...     chapters = {"regression": [("regression.a", "passed", 1.0, 1.0),
...                                ("regression.b", "not tried", 0.0, 1.0)]}
...     def summary(self):
...         return {"regression": (1, 2)}
>>> print(progress_text(Two()))
Your progress (stored in (recording switched off))
Regression losses (regression): 1/2 passed
  ✓ regression.a (passed)
  · regression.b (not tried)
"""

from __future__ import annotations

import html
from typing import Any

from ..bank import CHAPTER_TITLES
from .assets import static


def progress_text(p: Any) -> str:
    """The progress as plain text: a line per chapter, then one per question."""
    where = str(p.path) if p.path else "(recording switched off)"
    lines = [f"Your progress (stored in {where})"]
    if p.notice:
        lines.append(p.notice)
    marks = {"passed": "✓", "tried": "✗", "not tried": "·"}
    for chapter, rows in p.chapters.items():
        done, total = p.summary()[chapter]
        lines.append(f"{CHAPTER_TITLES[chapter]} ({chapter}): {done}/{total} passed")
        for qid, state, _, _ in rows:
            also = ", mastered on a fresh version" if qid in getattr(p, "mastered", ()) else ""
            lines.append(f"  {marks[state]} {qid} ({state}{also})")
    return "\n".join(lines)


def progress_html(p: Any) -> str:
    """The progress as HTML: a folded list per chapter (the site's script fills it in)."""
    where = html.escape(str(p.path)) if p.path else "(recording switched off)"
    colours = {"passed": "#2f7bd6", "tried": "#d9822b", "not tried": "#8a8f96"}
    marks = {"passed": "✓ passed", "tried": "✗ tried", "not tried": "· not tried"}
    out = ['<div class="losscourse-progress">']
    if p.notice:
        out.append(f'<p style="color:#d9822b"><strong>Note:</strong> {html.escape(p.notice)}</p>')
    for chapter, rows in p.chapters.items():
        done, total = p.summary()[chapter]
        out.append(
            f"<details><summary><strong>{html.escape(CHAPTER_TITLES[chapter])}</strong>"
            f": {done}/{total} passed</summary><ul>"
        )
        for qid, state, _, _ in rows:
            also = " · mastered" if qid in getattr(p, "mastered", ()) else ""
            out.append(
                f'<li data-qid="{html.escape(qid)}"><code>{html.escape(qid)}</code> '
                f'<span class="lcp-state" style="color:{colours[state]}">'
                f"{marks[state]}{also}</span></li>"
            )
        out.append("</ul></details>")
    out.append(f'<p class="lcp-where" style="font-size:0.85em">Stored in <code>{where}</code>.</p>')
    if p.path is None:  # a page built without a progress file: the site
        out.append(f"<script>\n{static('progress.js')}</script>")
    out.append("</div>")
    return "".join(out)
