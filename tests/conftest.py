"""Fixtures shared by the test modules: ``browser`` (headless Chromium, see ``_browser.py``)."""

from tests._browser import browser  # noqa: F401  (one Chromium for the whole session)
