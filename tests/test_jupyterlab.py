"""The notebooks as a student runs them: JupyterLab, driven in a real browser.

The test starts JupyterLab (from ``requirements.txt``, with the ``jupyterlab-myst`` extension) on
127.0.0.1 in a temporary folder holding a copy of a chapter, opens it in Debian's Chromium through
playwright, and does what a student does:

- before running anything: no worked solution is visible until its toggle is opened, no raw MyST
  (``:::{dropdown}``, ``{cite}``) is left, and the saved interactive figure says to run its cell;
- Run All: no cell fails, and every slider cell runs in under 2 s (JupyterLab's own timings);
- a live slider, moved with the keyboard, changes the figure;
- an exercise answered wrongly, then rightly, shows both verdicts;
- a quiz question answered in the live quiz counts in ``progress()`` (the progress file, and
  ``progress()`` run in a new cell);
- under JupyterLab's dark theme, result boxes use the theme's text colour and figures are inverted.

Every request that leaves 127.0.0.1 is aborted and reported. Without Chromium the test skips,
unless ``REQUIRE_BROWSER=1`` (as CI sets it), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from exercises.bank import get_question

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "regression.ipynb"
TOKEN = "lfc-test-token"
TIMEOUT_MS = 120_000  # generous bounds for a loaded 2-core machine
pytestmark = pytest.mark.jupyterlab


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(browser, tmp_path_factory):
    """A JupyterLab server on a copy of the chapter; yields (base URL, its folder)."""
    jupyter = Path(sys.executable).parent / "jupyter"
    if not jupyter.exists():
        pytest.skip("JupyterLab is not installed in this environment (requirements.txt)")
    work = tmp_path_factory.mktemp("lab")
    notebooks = work / "book"
    notebooks.mkdir()
    shutil.copy(ROOT / "book" / CHAPTER, notebooks)
    shutil.copy(ROOT / "book" / "bibliography.md", notebooks)
    settings = work / "settings"
    # Render every cell (no windowing), so the page holds what the student can scroll to, and
    # record execution timings in the cells' metadata.
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none", "recordTiming": True})
    )
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LFC_ALL_FRAMES", "JPY_SESSION_NAME")
    }
    env.update(
        JUPYTER_CONFIG_DIR=str(work / "config"),
        JUPYTER_DATA_DIR=str(work / "data"),
        JUPYTER_RUNTIME_DIR=str(work / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"),
        LOSS_COURSE_PROGRESS=str(work / "progress.json"),
    )
    # The kernelspec of this environment (ipykernel's), not one found elsewhere on the machine.
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    cmd = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={notebooks}",
        "--expose-app-in-browser",  # window.jupyterapp: the test runs JupyterLab's commands
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI runs as root
    log = (work / "server.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "JupyterLab did not start:\n" + (work / "server.log").read_text()[-4000:],
                        pytrace=False,
                    )
                time.sleep(0.3)
        yield url, notebooks, work
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# JavaScript run in JupyterLab's page ------------------------------------------------------------

NOTEBOOK_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.model.cells;
  const out = {kernel: kernel ? kernel.status : 'none', pending: 0, errors: [], timings: []};
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    const json = cell.toJSON();
    if (json.execution_count === null && json.source.trim()) out.pending += 1;
    for (const o of json.outputs) {
      if (o.output_type === 'error') out.errors.push(i + ': ' + o.ename + ': ' + o.evalue);
    }
    const t = (json.metadata || {}).execution || {};
    const isSlider = json.outputs.some(o => o.data && o.data['text/plain'] &&
                                          String(o.data['text/plain']).startsWith('<Interactive figure'));
    if (isSlider && t['iopub.execute_input'] && t['shell.execute_reply']) {
      out.timings.push([i, (Date.parse(t['shell.execute_reply']) - Date.parse(t['iopub.execute_input'])) / 1000]);
    }
  }
  return out;
}"""

SET_AND_RUN = """([prefix, source]) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.cells;
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).sharedModel.getSource().startsWith(prefix)) {
      cells.get(i).sharedModel.setSource(source);
      panel.content.activeCellIndex = i;
      return window.jupyterapp.commands.execute('notebook:run-cell').then(() => i);
    }
  }
  throw new Error('no cell starts with ' + prefix);
}"""


APPEND_AND_RUN = """(source) => {
  const panel = window.jupyterapp.shell.currentWidget, nb = panel.content;
  nb.activeCellIndex = nb.widgets.length - 1;
  return window.jupyterapp.commands.execute('notebook:insert-cell-below').then(() => {
    const index = nb.activeCellIndex;
    nb.activeCell.model.sharedModel.setSource(source);
    return window.jupyterapp.commands.execute('notebook:run-cell').then(() => index);
  });
}"""


def _wait_idle(page, *, done_cells: bool) -> dict:
    """Wait (bounded) until the kernel is idle and, if asked, every code cell has run."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        state = page.evaluate(NOTEBOOK_STATE)
        if state["kernel"] == "idle" and (not done_cells or state["pending"] == 0):
            return state
        assert time.monotonic() < deadline, f"the notebook did not finish: {state}"
        page.wait_for_timeout(250)


@pytest.fixture(scope="module")
def student(browser, lab):
    """The chapter opened in JupyterLab, as a student first sees it; yields (page, notes)."""
    url, _notebooks, _work = lab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    notes = {"external": [], "console": []}

    def route(r):
        u = r.request.url
        if u.startswith(("data:", "blob:")) or u.startswith(url):
            r.continue_()
        else:
            notes["external"].append(u)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("console", lambda m: notes["console"].append(m.text) if m.type == "error" else None)
    page.goto(f"{url}/lab/tree/{CHAPTER}?token={TOKEN}&reset")
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.content"
        " && window.jupyterapp.shell.currentWidget.content.model"
    )
    page.locator(".jp-MarkdownCell").first.wait_for()
    _wait_idle(page, done_cells=False)
    yield page, notes
    context.close()


# The tests, in the order a student meets things ------------------------------------------------


def test_solutions_are_hidden_until_opened_and_no_raw_myst_shows(student):
    page, _ = student
    code = "per_example = np.where"  # a line of the worked solution of the Huber exercise
    anywhere = page.get_by_text(code, exact=False)  # the rendered cell and its hidden source
    assert anywhere.count() >= 1, "the worked solution of the Huber exercise is not on the page"
    shown = [i for i in range(anywhere.count()) if anywhere.nth(i).is_visible()]
    assert not shown, "a worked solution is visible before its toggle is opened"
    text = page.locator(".jp-Notebook").inner_text()
    for raw in (":::{dropdown}", "{cite}", ":::", "```{admonition}"):
        assert raw not in text, f"raw MyST {raw!r} shown as text in JupyterLab"
    # its toggle opens it
    dropdown = page.locator(f"details:has-text('{code}')").first
    dropdown.locator("summary").first.click()
    assert dropdown.get_by_text(code, exact=False).first.is_visible()
    dropdown.locator("summary").first.click()


def test_citations_read_as_author_and_year(student):
    page, _ = student
    assert page.get_by_role("link", name="Huber, 1964").count() >= 1


def test_saved_slider_says_to_run_its_cell(student):
    page, _ = student
    # the site's exercise forms are not there: the sanitiser dropped their scripts and data
    assert page.locator(".lcq-site-only .losscourse-quiz").count() == 0
    note = page.get_by_text("Run this cell", exact=False).first
    note.wait_for()
    assert note.is_visible()


def test_run_all_runs_every_cell_without_error_and_sliders_are_fast(student):
    page, notes = student
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    state = _wait_idle(page, done_cells=True)
    assert state["errors"] == [], f"cells failed in JupyterLab: {state['errors']}"
    assert page.locator(".lcq-site-only .losscourse-quiz").count() == 0  # nor in a live kernel
    assert state["timings"], "no interactive figure ran (or JupyterLab recorded no timing)"
    slow = [(i, s) for i, s in state["timings"] if s >= 2.0]
    assert not slow, f"slider cells that took 2 s or more (cell, seconds): {slow}"
    assert notes["external"] == [], f"requests outside 127.0.0.1: {notes['external'][:5]}"


def test_live_slider_redraws_the_figure(student):
    page, _ = student
    widget = page.locator(".lfc-interactive-widget").first
    widget.wait_for()
    before = widget.locator("img").first.get_attribute("src")
    widget.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    # the figure is redrawn by the kernel and replaced: look for the new image each time
    page.wait_for_function(
        "([box, src]) => { const img = box.querySelector('img');"
        " return img && img.getAttribute('src') !== src; }",
        arg=[widget.element_handle(), before],
    )
    assert widget.locator("img").first.get_attribute("alt"), "the live figure has no alt text"


def test_an_exercise_answered_wrongly_then_rightly(student):
    page, _ = student
    for answer, verdict in (('"mse"', "✗ Not yet"), ('"huber"', "✓ Correct")):
        source = f'answer_1 = {answer}\ncheck("regression.outlier_loss", answer_1)'
        index = page.evaluate(SET_AND_RUN, ["answer_1 = ", source])
        _wait_idle(page, done_cells=False)
        cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
        cell.locator(".losscourse-result").first.wait_for()
        assert verdict in cell.locator(".losscourse-result").first.inner_text()


def test_a_live_quiz_answer_counts_in_progress(student, lab):
    page, _ = student
    _url, _notebooks, work = lab
    qid = "regression.why_huber_helps"
    q = get_question(qid)
    right = [i for i, o in enumerate(q.display_options) if o.correct]  # in the order shown
    box = page.locator(".losscourse-quiz-widget > .widget-vbox").filter(has_text=qid)
    box.wait_for()
    ticks = box.locator("input[type=checkbox]")
    for i in right:
        ticks.nth(i).check()
    box.get_by_role("button", name="Check").click()
    box.locator(".losscourse-result").first.wait_for()
    assert "✓ Correct" in box.locator(".losscourse-result").first.inner_text()
    records = json.loads((work / "progress.json").read_text())
    found = records.get("questions", records).get(qid)
    assert found and found["passed"], f"progress file has no pass for {qid}: {records}"
    # and progress(), run in a new cell as a student would, says so
    index = page.evaluate(APPEND_AND_RUN, "from exercises import progress\nprogress()")
    _wait_idle(page, done_cells=False)
    shown = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(f'li[data-qid="{qid}"]')
    shown.wait_for(state="attached")
    assert "passed" in shown.text_content()


def test_dark_theme_keeps_results_and_figures_readable(student):
    page, _ = student
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    looks = page.evaluate(
        """() => {
      const box = document.querySelector('.losscourse-result');
      const img = document.querySelector('.lfc-figure img');
      const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
      const lum = c => (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
      return {text: lum(rgb(getComputedStyle(box).color)), filter: getComputedStyle(img).filter};
    }"""
    )
    assert looks["text"] > 0.6, f"result text is dark on the dark theme: {looks}"
    assert "invert" in looks["filter"], f"figures are not adapted to the dark theme: {looks}"
