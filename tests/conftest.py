"""Fixtures shared by the test modules: ``browser`` (headless Chromium, see ``_browser.py``)."""

from tests._browser import browser  # noqa: F401  (a module-scoped fixture for the browser tests)
