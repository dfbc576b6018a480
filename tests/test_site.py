"""The built book, opened page by page in a real headless browser (Debian's Chromium).

Every HTML page of the site is served from 127.0.0.1 and checked for: requests that leave
127.0.0.1 (each is recorded and aborted, so the site must work offline), console errors and
uncaught exceptions, math that MathJax did not typeset, images that did not load or have no alt
text, interactive figures whose slider does not change the figure, and quizzes that do not
respond to a click. The search page must find a word of the course. Every page must pass
axe-core's WCAG 2 A and AA rules (after its quizzes were answered and its sliders moved), and the
first quiz of a chapter must work with the keyboard alone.

axe-core is installed from the npm registry at test time (``npm install``, pinned to
:data:`AXE_VERSION`) into the git-ignored ``.cache/axe-core`` and injected into each page.

The site: ``LFC_SITE_DIR`` names an already built ``_build/html`` (``make test`` builds it from
scratch with ``-W`` first); without it the test builds the book itself into a temporary folder.

The browser: ``/usr/bin/chromium`` (``apt-get install chromium``) driven by the ``playwright``
Python package; never ``playwright install``. Without it the tests skip, unless
``REQUIRE_BROWSER=1`` (CI), where a missing browser fails. ``SITE_SCREENSHOTS=folder`` saves a
full-page screenshot of every page.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests._browser import AXE_RUN, AXE_TAGS, AXE_VERSION

ROOT = Path(__file__).resolve().parents[1]
LOCAL_HOSTS = {"127.0.0.1"}
# Raw TeX that survives in the visible text when MathJax did not typeset a formula.
REFRESH = re.compile(r'http-equiv="refresh"[^>]*url=([^"\s]+)"', re.IGNORECASE)
RAW_TEX = ("$$", "\\(", "\\)", "\\[", "\\]", "\\begin{", "$\\")

pytestmark = pytest.mark.site

#: Rules switched off on one page, each for a cause that can only be fixed upstream: (page, rule)
#: -> the cause. None today: the bibliography's roles are fixed at build time
#: (course/accessible_citations.py).
AXE_EXCLUDED: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Path:
    """The built site: LFC_SITE_DIR, or a fresh build with warnings as errors."""
    given = os.environ.get("LFC_SITE_DIR")
    if given:
        html = Path(given).resolve()
        assert (html / "index.html").is_file(), f"LFC_SITE_DIR={given} holds no built site"
        return html
    out = tmp_path_factory.mktemp("book")
    jb = shutil.which("jupyter-book", path=str(Path(sys.executable).parent)) or "jupyter-book"
    cmd = [jb, "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-6000:]}\n"
            f"{proc.stderr[-4000:]}",
            pytrace=False,
        )
    return out / "_build" / "html"


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


def site_pages(site: Path) -> list[str]:
    """Every HTML page, as a path relative to the site root (theme templates excluded)."""
    pages = [
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).parts[0].startswith("_")
    ]
    return sorted(pages)


# JavaScript run in each page once it has loaded -----------------------------------------------

# What "the page is ready" means here: the document and its own scripts have run (every course
# quiz has marked itself ready), MathJax has finished its first typesetting pass, and every image
# has either decoded or failed. Each is waited for directly, never "the network is idle", which on
# a busy machine may not happen within any timeout.
PAGE_READY = """async (timeoutMs) => {
  const ready = (async () => {
    if (document.readyState !== 'complete') {
      await new Promise(r => window.addEventListener('load', r, {once: true}));
    }
    const M = window.MathJax;
    if (M && M.startup && M.startup.promise) { await M.startup.promise; }
    await Promise.all([...document.images].map(i => i.decode().catch(() => null)));
    return '';
  })();
  const late = new Promise(r => setTimeout(() => r('not ready after ' + timeoutMs + ' ms'), timeoutMs));
  const problem = await Promise.race([ready, late]);
  const quizzes = [...document.querySelectorAll('.losscourse-quiz')];
  return {
    problem,
    quizzesNotReady: quizzes.filter(q => !q.hasAttribute('data-lcq-ready')).map(q => q.id),
  };
}"""
#: Generous bounds for one page on a loaded 2-core machine (a page is ready in well under 2 s
#: when the machine is quiet).
PAGE_TIMEOUT_MS = 120_000

INSPECT = """(rawTex) => {
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight, .lfc-interactive';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement && n.parentElement.closest(skip)) continue;
    const t = n.textContent;
    for (const tex of rawTex) {
      if (t.includes(tex)) { raw.push(t.trim().slice(0, 120)); break; }
    }
  }
  const math = [...document.querySelectorAll('span.math, div.math')];
  const untypeset = math.filter(m => !m.querySelector('mjx-container'))
                        .map(m => m.textContent.trim().slice(0, 120));
  const imgs = [...document.querySelectorAll('img')];
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0))
                     .map(i => i.getAttribute('src').slice(0, 80));
  const noAlt = imgs.filter(i => {
    const alt = (i.getAttribute('alt') || '').trim();
    const src = i.getAttribute('src') || '';
    // docutils puts the file name in alt when none was given: that is no alt text.
    return !alt || alt === src || /\\.(png|jpe?g|gif|svg)$/i.test(alt);
  }).map(i => (i.getAttribute('src') || '').slice(0, 80));
  return {
    raw, untypeset, broken, noAlt,
    nMath: math.length,
    nTypeset: document.querySelectorAll('mjx-container').length,
    nImages: imgs.length,
    nInteractive: document.querySelectorAll('.lfc-interactive').length,
    nQuiz: document.querySelectorAll('.losscourse-quiz').length,
    nCode: document.querySelectorAll('div.highlight pre').length,
    nCopy: document.querySelectorAll('div.highlight .copybtn').length,
    ipynb: [...document.querySelectorAll('a[href$=".ipynb"]')].map(a => a.href),
    // notes that tell a notebook reader to run a cell must not show where scripts run
    runNotes: [...document.querySelectorAll('.lfc-run-note, .lcq-run-note')]
      .filter(n => n.offsetParent !== null).length,
    // each unattempted exercise shows its answer form on the site (built by its script)
    unbuiltForms: [...document.querySelectorAll('.lcq-site-only')]
      .filter(f => !f.querySelector('.losscourse-quiz')).length,
    forms: document.querySelectorAll('.lcq-site-only').length,
  };
}"""

VISIBLE_FRAME = """(fig) => {
  const shown = [...fig.querySelectorAll('.lfc-frames img')]
    .filter(i => getComputedStyle(i).display !== 'none' && i.naturalWidth > 0);
  return shown.map(i => i.getAttribute('src').length + ':' + i.getAttribute('src').slice(-64));
}"""


class Visit:
    def __init__(self, page_path: str):
        self.page = page_path
        self.external: list[str] = []
        self.console: list[str] = []
        self.not_ready: list[str] = []  # what the page was still waiting for
        self.info: dict = {}
        self.interactive: list[str] = []  # problems
        self.sliders_moved = 0
        self.quiz: list[str] = []  # problems
        self.quizzes_clicked = 0
        self.versions_tried = 0  # "Try another" clicked, the new version answered
        self.downloads: list[str] = []  # problems
        self.n_downloads = 0
        self.axe: list[str] = []  # violations: rule, impact, element


def _exercise_interactive(page, visit: Visit) -> None:
    for f, fig in enumerate(page.query_selector_all(".lfc-interactive")):
        sliders = fig.query_selector_all('input[type="range"]')
        if not sliders:
            visit.interactive.append(f"figure {f}: no range input")
        for s, slider in enumerate(sliders):
            before = fig.evaluate(VISIBLE_FRAME)
            label_before = slider.evaluate("s => s.parentNode.querySelector('output').textContent")
            at_max = slider.evaluate("s => s.value === s.max")
            slider.focus()
            page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
            after = fig.evaluate(VISIBLE_FRAME)
            label_after = slider.evaluate("s => s.parentNode.querySelector('output').textContent")
            where = f"figure {f}, slider {s}"
            if len(before) != 1 or len(after) != 1:
                visit.interactive.append(
                    f"{where}: {len(before)} then {len(after)} frames shown, not exactly one"
                )
            elif before == after:
                visit.interactive.append(f"{where}: moving the slider did not change the figure")
            if label_before == label_after:
                visit.interactive.append(f"{where}: the value label stayed {label_before!r}")
            visit.sliders_moved += 1


# The course's quizzes (exercises.quiz): a question answers after a choice and "Check".
QUIZ_FEEDBACK = """(q) => {
  const box = q.querySelector('.lcq-feedback');
  return box ? box.className + ':' + box.textContent.trim().slice(0, 60) : '';
}"""


def _exercise_quizzes(page, visit: Visit) -> None:
    for q, quiz in enumerate(page.query_selector_all(".losscourse-quiz")):
        questions = quiz.query_selector_all(".lcq-question[data-qid]")
        if not questions:
            visit.quiz.append(f"quiz {q}: no answerable question")
        for question in questions:
            where = f"quiz {q}, {question.get_attribute('data-qid')}"
            choice = question.query_selector("input[type=radio], input[type=checkbox]")
            text = question.query_selector("input[type=text]")
            button = question.query_selector("button.lcq-check")
            if button is None or (choice is None and text is None):
                visit.quiz.append(f"{where}: no answer input or no Check button")
                continue
            if choice is not None:
                choice.click()
            else:
                text.fill("0")
            before = question.evaluate(QUIZ_FEEDBACK)
            button.click()
            after = question.evaluate(QUIZ_FEEDBACK)
            if after == before or not re.search(r"lcq-(ok|bad)", after):
                visit.quiz.append(f"{where}: no verdict after answering and Check ({after!r})")
            visit.quizzes_clicked += 1
            another = question.query_selector("button.lcq-another")
            if another is not None and text is not None:  # "Try another", answered and graded
                prompt = question.query_selector(".lcq-prompt").inner_text()
                another.click()
                if (
                    question.get_attribute("data-version") != "1"
                    or question.query_selector(".lcq-prompt").inner_text() == prompt
                ):
                    visit.quiz.append(f"{where}: Try another did not show a new version")
                text.fill("0")
                button.click()
                after = question.evaluate(QUIZ_FEEDBACK)
                if not re.search(r"lcq-(ok|bad)", after):
                    visit.quiz.append(f"{where}: no verdict for another version ({after!r})")
                visit.versions_tried += 1


@pytest.fixture(scope="module")
def visits(browser, server, site, axe_script) -> list[Visit]:
    shots = os.environ.get("SITE_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    current: list[Visit] = []

    def route(r):
        url = r.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            current[-1].external.append(url)
            r.abort()

    context.route("**/*", route)
    results = []
    for path in site_pages(site):
        visit = Visit(path)
        current.append(visit)
        page = context.new_page()
        page.on(
            "console",
            lambda m, v=visit: (
                v.console.append(f"{m.text} ({m.location.get('url', '')})")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e, v=visit: v.console.append(f"uncaught: {e}"))
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(f"{server}/{path}", wait_until="load")
        redirect = REFRESH.search((site / path).read_text(encoding="utf-8"))
        if redirect:  # index.html: a meta refresh to the first page; check where it lands
            page.wait_for_url(f"**/{redirect.group(1)}", wait_until="load")
        ready = page.evaluate(PAGE_READY, PAGE_TIMEOUT_MS)
        if ready["problem"]:
            visit.not_ready.append(f"{ready['problem']} (load event, MathJax or images)")
        visit.not_ready += [f"quiz {q}: its script did not run" for q in ready["quizzesNotReady"]]
        visit.info = page.evaluate(INSPECT, list(RAW_TEX))
        if shots:
            name = path.replace("/", "__").removesuffix(".html") + ".png"
            page.screenshot(path=str(Path(shots) / name), full_page=True)
        for url in set(visit.info["ipynb"]):
            got = context.request.get(url)
            if not (got.ok and '"cells"' in got.text()):
                visit.downloads.append(f"download {url}: HTTP {got.status}, not a notebook")
            visit.n_downloads += 1
        _exercise_interactive(page, visit)
        _exercise_quizzes(page, visit)
        page.add_script_tag(content=axe_script)
        for v in page.evaluate(AXE_RUN, AXE_TAGS):
            if (path, v["id"]) in AXE_EXCLUDED:
                continue
            visit.axe += [f"{v['id']} ({v['impact']}): {node}" for node in v["nodes"]]
        page.close()
        results.append(visit)
    context.close()
    return results


def _report(visits, attr) -> str:
    lines = []
    for v in visits:
        items = getattr(v, attr) if isinstance(attr, str) else attr(v)
        lines += [f"{v.page}: {item}" for item in items]
    return "\n".join(lines)


# The tests ----------------------------------------------------------------------------------


def test_every_toc_page_was_built(site):
    pages = set(site_pages(site))
    toc = (ROOT / "_toc.yml").read_text()
    files = re.findall(r"^\s*(?:-\s*)?(?:root|file):\s*(\S+)", toc, re.MULTILINE)
    assert files, "no file in _toc.yml"
    missing = [f for f in files if f"{f}.html" not in pages]
    assert not missing, f"pages of _toc.yml missing from the site: {missing}"
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file(), "MathJax not in the site"


def test_no_request_leaves_the_site(visits):
    problems = _report(visits, "external")
    assert not problems, f"pages requested addresses outside 127.0.0.1:\n{problems}"


def test_every_page_becomes_ready(visits):
    problems = _report(visits, "not_ready")
    assert not problems, f"pages that did not finish loading:\n{problems}"


def test_no_console_errors(visits):
    problems = _report(visits, "console")
    assert not problems, f"console errors or uncaught exceptions:\n{problems}"


def test_math_is_typeset(visits):
    def problems_of(v):
        found = [f"not typeset: {t!r}" for t in v.info["untypeset"]]
        found += [f"raw TeX left in the text: {t!r}" for t in v.info["raw"]]
        return found

    problems = _report(visits, problems_of)
    assert not problems, f"math that MathJax did not typeset:\n{problems}"
    assert sum(v.info["nTypeset"] for v in visits) > 0, "no page has typeset math at all"


def test_images_load_and_have_alt_text(visits):
    def problems_of(v):
        found = [f"did not load: {src}" for src in v.info["broken"]]
        found += [f"no alt text: {src}" for src in v.info["noAlt"]]
        return found

    problems = _report(visits, problems_of)
    assert not problems, (
        "images that did not load or have no alt text (show figures with course.viz.show):\n"
        f"{problems}"
    )


def test_interactive_figures_respond(visits):
    problems = _report(visits, "interactive")
    assert not problems, f"interactive figures that do not respond:\n{problems}"
    assert sum(v.sliders_moved for v in visits) > 0, "no interactive figure on any page"


def test_notebook_only_notes_are_hidden_and_exercise_forms_shown(visits):
    def problems_of(v):
        found = (
            [f"{v.info['runNotes']} 'run this cell' notes visible"] if v.info["runNotes"] else []
        )
        if v.info["unbuiltForms"]:
            found.append(f"{v.info['unbuiltForms']} exercise forms not built by their script")
        return found

    problems = _report(visits, problems_of)
    assert not problems, f"notebook-only notes, or exercise forms missing, on the site:\n{problems}"
    assert sum(v.info["forms"] for v in visits) > 0, "no exercise form on any page"


def test_quizzes_respond(visits):
    problems = _report(visits, "quiz")
    assert not problems, f"quizzes that do not respond:\n{problems}"
    assert sum(v.quizzes_clicked for v in visits) > 0, "no quiz on any page"
    assert sum(v.versions_tried for v in visits) > 0, "no Try another on any page"


def test_notebook_pages_offer_the_ipynb_and_copy_buttons(visits):
    problems = _report(visits, "downloads")
    problems += _report(
        visits,
        lambda v: (
            [f"{v.info['nCopy']} copy buttons for {v.info['nCode']} code blocks"]
            if v.info["nCopy"] < v.info["nCode"]
            else []
        ),
    )
    assert not problems, f"download or copy buttons missing or broken:\n{problems}"
    assert sum(v.n_downloads for v in visits) > 0, "no page offers its .ipynb for download"


def test_search_finds_a_word_of_the_course(browser, server):
    page = browser.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page.goto(f"{server}/search.html?q=Huber", wait_until="load")
        page.wait_for_selector("#search-results ul.search li")
        assert page.locator("#search-results ul.search li").count() > 0
    finally:
        page.close()


def test_every_page_passes_axe_core(visits):
    problems = _report(visits, "axe")
    assert not problems, (
        f"axe-core {AXE_VERSION}, rules {AXE_TAGS}: violations (rule (impact): element):\n{problems}"
    )


# Reach the first quiz of a chapter with Tab, answer with the arrow keys and Enter ---------------

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== 'none');
  const quiz = el.closest('.losscourse-quiz');
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', quiz: quiz ? quiz.id : null,
    question: el.closest('.lcq-question') ? el.closest('.lcq-question').dataset.qid : null,
    checked: !!el.checked, ring, text: (el.textContent || '').trim().slice(0, 30),
  };
}"""


def test_the_first_quiz_of_a_chapter_works_with_the_keyboard_alone(browser, server):
    page = browser.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page.goto(f"{server}/book/regression.html", wait_until="load")
        page.evaluate(PAGE_READY, PAGE_TIMEOUT_MS)
        first_quiz = page.evaluate("() => document.querySelector('.losscourse-quiz').id")
        focus = None
        # the page's links, buttons and code come first; MathJax makes each formula a tab stop
        # too (for its math explorer), so the quiz's prompt may hold some before the options
        for _ in range(600):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS)
            if focus and focus["quiz"] == first_quiz and focus["type"] in ("radio", "checkbox"):
                break
        assert focus and focus["quiz"] == first_quiz, f"Tab never reached the first quiz: {focus}"
        assert focus["type"] in ("radio", "checkbox"), f"Tab never reached an option: {focus}"
        assert focus["ring"], f"no visible focus indicator on {focus}"
        question = focus["question"]
        # arrows move through a radio group and select; Space selects a checkbox
        page.keyboard.press("ArrowDown" if focus["type"] == "radio" else "Space")
        chosen = page.evaluate(FOCUS)
        assert chosen["question"] == question and chosen["checked"], chosen
        for _ in range(20):  # then Tab to this question's Check button
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS)
            if focus and focus["tag"] == "button" and focus["question"] == question:
                break
        assert focus["tag"] == "button" and focus["question"] == question, focus
        assert focus["ring"], f"no visible focus indicator on the Check button: {focus}"
        page.keyboard.press("Enter")
        verdict = page.evaluate(
            """(qid) => {
              const q = document.querySelector(`.lcq-question[data-qid="${qid}"]`);
              const box = q && q.querySelector('.lcq-feedback');
              return box ? box.className + ': ' + box.textContent.trim().slice(0, 80) : '';
            }""",
            question,
        )
        assert re.search(r"lcq-(ok|bad)", verdict), f"no verdict after Enter: {verdict!r}"
    finally:
        page.close()


def test_try_another_on_the_site_grades_the_new_version_offline(browser, server):
    from exercises import api, bank

    qid = "regression.pinball_value"
    version, _ = api.site_pool(bank.get_question(qid))[0]
    page = browser.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    outside = []
    page.route(
        "**/*",
        lambda r: (
            r.continue_()
            if urlsplit(r.request.url).hostname in LOCAL_HOSTS
            else (outside.append(r.request.url), r.abort())
        ),
    )
    try:
        page.goto(f"{server}/book/regression.html", wait_until="load")
        page.evaluate(PAGE_READY, PAGE_TIMEOUT_MS)
        box = page.locator(f'.lcq-question[data-qid="{qid}"]').first
        box.locator("button.lcq-another").click()
        assert box.get_attribute("data-version") == "1"
        box.locator("input[type=text]").fill(repr(version.answer))
        box.locator("button.lcq-check").click()
        verdict = box.locator(".lcq-feedback").inner_text()
        assert verdict.startswith("✓ Correct"), verdict
        stored = page.evaluate("JSON.parse(localStorage.getItem('losscourse-progress'))")
        assert stored[qid]["mastered"] is True
        assert outside == []
    finally:
        page.close()


def _folded_cells() -> dict[str, int]:
    """Notebook -> how many of its code cells are tagged ``hide-output`` (a prediction's answer)."""
    import json

    counts = {}
    for nb in sorted((ROOT / "book").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        n = sum("hide-output" in c.get("metadata", {}).get("tags", []) for c in cells)
        if n:
            counts[nb.stem] = n
    return counts


def test_a_predictions_answer_stays_folded_until_the_reader_asks(browser, server):
    folded = _folded_cells()
    assert folded, "no notebook folds an answer (tests/exercises/bank/test_questions.py)"
    page = browser.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        for name, n in folded.items():
            page.goto(f"{server}/book/{name}.html", wait_until="load")
            page.evaluate(PAGE_READY, PAGE_TIMEOUT_MS)
            cells = page.locator("div.cell.tag_hide-output")
            assert cells.count() == n, name
            for i in range(n):
                output = cells.nth(i).locator(".cell_output")
                assert output.count() == 1 and not output.is_visible(), (name, i)
                cells.nth(i).locator("details.below-input > summary").click()
                output.wait_for(state="visible")
    finally:
        page.close()
