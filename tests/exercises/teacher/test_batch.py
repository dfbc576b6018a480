"""Grading a class (:mod:`exercises.teacher.batch`) as a teacher does: the book's own worked
solutions handed in by four students get full marks, with a progress line and one feedback file
per submission; grading on a Dask cluster, or several notebooks at once, changes nothing in the
report."""

import json
import re
import shutil
from pathlib import Path

import pytest

from exercises.cli import main
from exercises.teacher import solve_notebook
from tests.exercises._helpers import ROOT, require_sandbox, run_cli, write_notebook

pytestmark = pytest.mark.sandbox

BOOK = ROOT / "book"
CHAPTERS = sorted(p for p in BOOK.glob("*.ipynb") if p.name != "how_to_use.ipynb")
STUDENTS = 4


@pytest.fixture(scope="module")
def solved_class(tmp_path_factory):
    """Four students who each hand in the six chapters with the book's worked solutions."""
    folder = tmp_path_factory.mktemp("class")
    for s in range(1, STUDENTS + 1):
        (folder / f"student{s}").mkdir()
        for chapter in CHAPTERS:
            nb = solve_notebook(json.loads(chapter.read_text(encoding="utf-8")))
            (folder / f"student{s}" / chapter.name).write_text(json.dumps(nb), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def graded_class(solved_class):
    require_sandbox()
    out = solved_class.parent / "class.json"
    feedback = solved_class.parent / "feedback"
    proc = run_cli(
        "grade",
        str(solved_class),
        "--jobs",
        "2",
        "--format",
        "json",
        "--output",
        str(out),
        "--feedback",
        str(feedback),
    )
    assert proc.returncode == 0, proc.stderr
    return {"rows": json.loads(out.read_text()), "proc": proc, "feedback": feedback}


def test_the_book_solutions_get_full_marks(graded_class):
    rows = graded_class["rows"]
    assert {Path(r["notebook"]).name for r in rows} == {c.name for c in CHAPTERS}
    assert len({r["notebook"] for r in rows}) == STUDENTS * len(CHAPTERS)
    failing = [
        (r["notebook"], r["question_id"], r["feedback"]) for r in rows if r["status"] != "passed"
    ]
    assert failing == []
    assert {r["notebook_status"] for r in rows} == {"ok"}
    # every question of the bank that a chapter asks in an exercise cell is in the report
    per_student = {r["question_id"] for r in rows if "/student1/" in r["notebook"]}
    asked = {
        qid
        for chapter in CHAPTERS
        for cell in json.loads(chapter.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "code"
        for qid in re.findall(r'check\("([\w.]+)"', "".join(cell["source"]))
    }
    assert per_student == asked


def test_the_progress_line_counts_submissions(graded_class):
    err = graded_class["proc"].stderr
    n = STUDENTS * len(CHAPTERS)
    assert f"[####################] {n}/{n}" in err
    assert f"] 1/{n}" in err


def test_feedback_files_one_per_submission(graded_class, solved_class):
    files = sorted(p.name for p in graded_class["feedback"].iterdir())
    assert len(files) == STUDENTS * len(CHAPTERS)
    assert "student2__regression.md" in files
    text = (graded_class["feedback"] / "student2__regression.md").read_text()
    rows = [r for r in graded_class["rows"] if r["notebook"].endswith("student2/regression.ipynb")]
    total = f"{sum(r['max_score'] for r in rows):g}"
    assert text.startswith(
        f"# Feedback on student2/regression.ipynb\n\nScore: **{total} / {total}**."
    )
    assert "## regression.implement_huber: ✓ correct (3/3)" in text
    assert "All 14 cases agree with the reference" in text
    assert "Isolation: each notebook in its own bubblewrap sandbox" in text


def test_feedback_gives_the_hint_of_a_wrong_answer(tmp_path, monkeypatch):
    require_sandbox()
    monkeypatch.chdir(tmp_path)  # the class salt is made in the current folder
    (tmp_path / "sub").mkdir()
    cells = ['from exercises import check\ncheck("regression.outlier_loss", "a")']
    write_notebook(tmp_path / "sub" / "wrong.ipynb", cells)
    assert main(["grade", str(tmp_path / "sub"), "-q", "--feedback", str(tmp_path / "fb")]) == 0
    text = (tmp_path / "fb" / "wrong.md").read_text()
    assert "## regression.outlier_loss: ✗ not yet (0/1)" in text
    assert "\nHint: " in text


def test_dask_cluster_gives_the_same_report_as_a_local_run(tmp_path, solved_class):
    require_sandbox()
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    folder = tmp_path / "subset"
    shutil.copytree(solved_class / "student1", folder / "student1")
    write_notebook(
        folder / "wrong.ipynb",
        ['from exercises import check\ncheck("regression.outlier_loss", "a")'],
    )
    local = tmp_path / "local.json"
    assert main(["grade", str(folder), "-q", "--format", "json", "-o", str(local)]) == 0
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        remote = tmp_path / "remote.json"
        args = ["grade", str(folder), "-q", "--format", "json", "-o", str(remote)]
        assert main([*args, "--scheduler", cluster.scheduler_address]) == 0
    assert json.loads(remote.read_text()) == json.loads(local.read_text())


def test_jobs_do_not_change_the_report(tmp_path, solved_class):
    require_sandbox()
    reports = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.json"
        args = ["grade", str(solved_class / "student3"), "-q", "--jobs", jobs]
        assert main([*args, "--format", "json", "-o", str(out)]) == 0
        reports.append(json.loads(out.read_text()))
    assert reports[0] == reports[1]
