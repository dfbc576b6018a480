"""Static checks of the committed notebooks under book/ (fast; nbval re-runs them separately).

They catch, with a message that says what to do, the mistakes that would otherwise show up only
as a confusing nbval diff or a broken page: a notebook committed without outputs, with an error,
with saved widget state (the site must not need it), with a widget that has no kernel-free view,
or with a bare matplotlib image (no alt text on the site).
"""

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RUN = "run `make notebooks` (scripts/run_notebooks.py) and commit the outputs"


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebook under book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_is_committed_ready(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", (
        f"{path.name}: kernelspec must be python3 (the kernel of this environment)"
    )
    assert "widgets" not in nb.metadata, (
        f"{path.name}: saved widget state in the notebook metadata; {RUN} (it stores none)"
    )
    problems = []
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        if not cell.source.strip():
            continue
        where = f"code cell {i}"
        if cell.execution_count is None and "nbval-skip" not in cell.metadata.get("tags", []):
            problems.append(f"{where} was not executed; {RUN}")
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"{where} has an error output ({out.ename}); fix it, then {RUN}")
            if out.output_type == "stream" and out.name == "stderr":
                problems.append(
                    f"{where} printed to stderr (a warning?): the book build fails on it"
                )
            data = out.get("data", {})
            if WIDGET_VIEW in data and "text/html" not in data:
                problems.append(
                    f"{where} shows a widget with no kernel-free view: on the site it would be "
                    "a dead control; use course.viz.interactive"
                )
            if "image/png" in data and "text/html" not in data:
                problems.append(
                    f"{where} shows a bare image (plt.show?): it has no alt text on the site; "
                    "use course.viz.show(fig, alt=...)"
                )
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


CHAPTERS = {p.stem: p for p in NOTEBOOKS if p.stem not in ("how_to_use", "choosing")}


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_each_question_of_a_chapter_is_asked_exactly_once(name):
    """In an exercise cell (``check("id", ...)``) or in the chapter's quiz, never in both."""
    import re

    from exercises.bank import all_questions

    nb = nbformat.read(CHAPTERS[name], as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    in_cells = re.findall(r'check\(\s*"([^"]+)"', code)
    in_quiz = re.findall(r'^\s*"([a-z_]+\.[a-z_0-9]+)",$', code, re.MULTILINE)
    asked = in_cells + in_quiz
    twice = sorted({q for q in asked if asked.count(q) > 1})
    assert not twice, f"{name}: asked more than once: {twice}"
    bank = {q.id for q in all_questions(name)}
    assert set(asked) == bank, f"{name}: never asked: {sorted(bank - set(asked))}"
