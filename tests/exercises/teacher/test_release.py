"""Student copies (:mod:`exercises.teacher.release`): every chapter has worked solutions to
remove; a released copy holds none of them, keeps the exercises and their placeholders, grades as
"not attempted" and runs top to bottom; a release never writes over the originals."""

import json

import pytest

from exercises.cli import main
from exercises.teacher import release_notebook, solutions
from tests.exercises._helpers import ROOT, require_sandbox

pytestmark = pytest.mark.sandbox

BOOK = ROOT / "book"
CHAPTERS = sorted(p for p in BOOK.glob("*.ipynb") if p.name != "how_to_use.ipynb")


def test_every_chapter_has_worked_solutions_to_hand_in():
    for chapter in CHAPTERS:
        nb = json.loads(chapter.read_text(encoding="utf-8"))
        assert solutions(nb), chapter.name


def test_release_removes_every_solution_and_the_copies_still_run(tmp_path):
    require_sandbox()
    out = tmp_path / "release"
    assert main(["release", str(BOOK), str(out)]) == 0
    released = sorted(p.name for p in out.glob("*.ipynb"))
    assert released == sorted(p.name for p in BOOK.glob("*.ipynb"))
    for chapter in CHAPTERS:
        original = json.loads(chapter.read_text(encoding="utf-8"))
        copy = (out / chapter.name).read_text(encoding="utf-8")
        assert "Show solution" not in copy
        # no line of any worked solution survives (short lines aside, and text that the code
        # cells themselves hold, such as the function's signature)
        given = "\n".join(
            "".join(c["source"]) for c in original["cells"] if c["cell_type"] == "code"
        )
        for block in solutions(original):
            for line in block.splitlines():
                line = line.strip()
                if len(line) > 25 and line not in given and not line.startswith("check("):
                    assert json.dumps(line)[1:-1] not in copy, (chapter.name, line)
        cells = json.loads(copy)["cells"]
        assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")
        # the exercise statements and their placeholders stay
        assert any("# your code here\n    ..." in "".join(c["source"]) for c in cells) or any(
            "= ...  #" in "".join(c["source"]) for c in cells
        )
    # the student copies run and grade as "not attempted", without errors
    report = tmp_path / "released.json"
    assert main(["grade", str(out), "-q", "--format", "json", "-o", str(report)]) == 0
    rows = json.loads(report.read_text())
    assert {r["notebook_status"] for r in rows} == {"ok"}
    assert {r["status"] for r in rows if r["question_id"]} == {"not_attempted"}
    assert main(["release", str(out), str(out)]) == 2  # never over the originals


def test_a_released_chapter_runs_top_to_bottom(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.reads(
        json.dumps(release_notebook(json.loads((BOOK / "regression.ipynb").read_text()))), 4
    )
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(BOOK)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("Not attempted yet" in str(o) for o in outputs)
