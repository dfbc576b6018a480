"""The render room's static files: the site's JavaScript and CSS, kept as real files.

They live in ``exercises/render/static/`` (package data) so that they are read, linted and
reviewed as JavaScript and CSS; the renderers inline them into the HTML they make, since the site
loads no script or style from anywhere else.

>>> "function fmtAnswer" in static("format.js")
True
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def static(name: str) -> str:
    """The text of ``static/<name>``."""
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")
