"""Headless Chromium for the tests that need a real browser (the site test, the quiz test).

Debian's ``chromium`` package driven by the ``playwright`` Python package; never
``playwright install`` (it downloads a browser, which fails offline). Without the browser the
tests skip with a message, unless ``REQUIRE_BROWSER=1`` (as CI sets it), where they fail.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Root needs --no-sandbox; the others stop Chromium's own background traffic, which this
#: machine's closed network would refuse (and the site test counts every outside request).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def no_browser(reason: str):
    """Skip (or, with ``REQUIRE_BROWSER=1``, fail) a test that needs the browser."""
    message = (
        f"{reason}: this test needs Debian's Chromium at {CHROMIUM} "
        "(apt-get install chromium) and the playwright package (pip install -r "
        "requirements-test.txt); never `playwright install`."
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 and {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole test session (each test opens its own pages)."""
    if not Path(CHROMIUM).exists():
        no_browser(f"no browser at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        no_browser("the playwright package is not installed")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
