"""Headless Chromium for the tests that need a real browser (the site test, the quiz test).

Debian's ``chromium`` package driven by the ``playwright`` Python package; never
``playwright install`` (it downloads a browser, which fails offline). Without the browser the
tests skip with a message, unless ``REQUIRE_BROWSER=1`` (as CI sets it), where they fail.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: axe-core, the engine behind most accessibility checkers; its WCAG 2 A and AA rules.
AXE_VERSION = "4.14"
AXE_TAGS = ["wcag2a", "wcag2aa"]
AXE_DIR = ROOT / ".cache" / "axe-core"
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


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's source (``axe.min.js``), installed from the npm registry on first use."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = shutil.which("npm")
        if npm is None:
            no_browser("npm is not installed, so axe-core cannot be fetched")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        cmd = [npm, "install", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund", "--no-save"]
        proc = subprocess.run(
            [*cmd, f"axe-core@{AXE_VERSION}"], capture_output=True, text=True, timeout=300
        )
        if proc.returncode != 0 or not script.is_file():
            no_browser(f"npm could not install axe-core@{AXE_VERSION}: {proc.stderr[-500:]}")
    return script.read_text(encoding="utf-8")


AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.html.replace(/\\s+/g, ' ').slice(0, 160)),
  }));
}"""
