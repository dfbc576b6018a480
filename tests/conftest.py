"""Fixtures shared by the test modules: ``browser`` (headless Chromium) and ``axe_script``
(axe-core's source), see ``_browser.py``."""

from tests._browser import axe_script, browser  # noqa: F401  (one Chromium, one axe-core)
