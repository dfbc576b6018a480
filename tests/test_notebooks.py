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
