"""The course's look for verdicts: one symbol, one phrase and one colour per outcome.

The colours (blue for right, orange for wrong, grey for not attempted) stay distinct for the
common forms of colour blindness, and the symbol and words say the same, so a verdict never
relies on colour. Backgrounds are translucent tints and text inherits the page's colour, so the
boxes read on a light and on a dark theme (JupyterLab's, the site's).

>>> VERDICTS[style_key("failed", 0.5)][:2]
('✗', 'Partly right')
>>> points_text(1.5, 3.0)
'1.5/3 points'
"""

from __future__ import annotations

from .numbers import fmt_score

#: outcome -> (symbol, words, border colour, background)
VERDICTS = {
    "passed": ("✓", "Correct", "#2f7bd6", "rgba(47,123,214,0.14)"),
    "failed": ("✗", "Not yet", "#d9822b", "rgba(217,130,43,0.16)"),
    "partial": ("✗", "Partly right", "#d9822b", "rgba(217,130,43,0.16)"),
    "not_attempted": ("…", "Not attempted yet", "#8a8f96", "rgba(138,143,150,0.14)"),
}


def style_key(status: str, score: float) -> str:
    """The outcome a verdict shows: its status, or ``"partial"`` for a failed answer with points."""
    if status == "failed" and score > 0:
        return "partial"
    return status


def points_text(score: float, max_score: float) -> str:
    """``"1.5/3 points"``, ``"1/1 point"``."""
    unit = "point" if max_score == 1 else "points"
    return f"{fmt_score(score)}/{fmt_score(max_score)} {unit}"
