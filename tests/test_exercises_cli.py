"""python -m exercises grade|list on small notebooks made here (grading runs each in a sandbox).

The hostile submissions (forged scores, escapes, limits) are in tests/test_exercises_grading.py.
"""

import csv
import io
import json

import pytest

from exercises.cli import find_notebooks, main, parse_size
from tests._exercises_helpers import (  # noqa: F401  (isolated_progress: autouse fixture)
    isolated_progress,
    require_sandbox,
    run_cli,
    write_class,
    write_notebook,
)

pytestmark = pytest.mark.sandbox

HUBER = (
    "import numpy as np\n"
    "def my_huber(y_true, y_pred, delta):\n"
    "    r = np.abs(np.asarray(y_pred, float) - np.asarray(y_true, float))\n"
    "    return np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)).mean()"
)
GOOD = [
    "from exercises import check\nimport losses\nfrom course import viz",
    'check("regression.outlier_loss", "d")',
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])  # not needed",
    HUBER,
    'r = check("regression.implement_huber", my_huber)  # not displayed: still graded',
    'check("regression.outlier_gradient_mse", 100)\ncheck("regression.outlier_gradient_mse", 200)',
]
PARTIAL = [
    "from exercises import check",
    'check("regression.outlier_loss", ...)',
    'check("imbalanced.two_losses", ["e"])',
    'def my_kl(p, q):\n    ...\ncheck("distributions.implement_kl", my_kl)',
]
ERRORING = [
    "from exercises import check",
    'check("regression.outlier_loss", "d")',
    "value = undefined_name + 1",
    'check("classification.zero_loss", "c" if value else "a")',
    'check("classification.multilabel", "b")',
]
LOOPING = [
    "from exercises import check",
    "n = 0\nwhile True:\n    n += 1",
    'check("classification.zero_loss", "c" if n else "a")',
    'check("metric_learning.triplet_value", 0.2)',
]
DYING = [
    'from exercises import check\ncheck("closing.choose_vae", "a")',
    'import os\nstatus = os._exit(1)\ncheck("closing.mae_over_huber", "a" if status is None else "b")',
    'check("closing.choose_detection", "c")',
]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    require_sandbox()
    folder = tmp_path_factory.mktemp("submissions")
    (folder / ".ipynb_checkpoints").mkdir()
    write_notebook(folder / ".ipynb_checkpoints" / "a_good-checkpoint.ipynb", GOOD)
    notebooks = {"a_good": GOOD, "b_partial": PARTIAL, "c_erroring": ERRORING}
    before = write_class(folder, {**notebooks, "d_looping": LOOPING, "e_dying": DYING})
    out = folder.parent / "report.json"
    progress = folder.parent / "progress.json"
    proc = run_cli(
        "grade",
        str(folder),
        "--timeout",
        "3",
        "--format",
        "json",
        "--output",
        str(out),
        env_extra={"LOSS_COURSE_PROGRESS": str(progress)},
    )
    return {
        "folder": folder,
        "proc": proc,
        "rows": json.loads(out.read_text()) if out.exists() else None,
        "before": before,
        "progress": progress,
    }


def _rows(graded, name):
    return [r for r in graded["rows"] if r["notebook"].endswith(name)]


def test_grading_ran_and_exits_zero(graded):
    proc = graded["proc"]
    assert proc.returncode == 0, proc.stderr
    assert graded["rows"] is not None
    assert "checkpoint" not in proc.stdout


def test_good_notebook(graded):
    rows = _rows(graded, "a_good.ipynb")
    assert [r["question_id"] for r in rows] == [
        "regression.outlier_loss",
        "regression.implement_huber",
        "regression.outlier_gradient_mse",
    ]
    assert all(r["status"] == "passed" and r["notebook_status"] == "ok" for r in rows)
    # the last check of a question counts
    assert [r["score"] for r in rows] == [1.0, 3.0, 1.0]


def test_partly_answered_notebook(graded):
    rows = {r["question_id"]: r for r in _rows(graded, "b_partial.ipynb")}
    assert rows["regression.outlier_loss"]["status"] == "not_attempted"
    assert rows["imbalanced.two_losses"]["status"] == "failed"
    assert rows["imbalanced.two_losses"]["score"] == 1.0
    assert rows["distributions.implement_kl"]["status"] == "not_attempted"


def test_erroring_notebook_reports_the_cell_and_grades_the_rest(graded):
    rows = _rows(graded, "c_erroring.ipynb")
    assert {r["notebook_status"] for r in rows} == {"errors"}
    assert "cell 4 (value = undefined_name + 1): NameError" in rows[0]["problems"]
    assert [(r["question_id"], r["status"]) for r in rows] == [
        ("regression.outlier_loss", "passed"),
        ("classification.zero_loss", "failed"),
        ("classification.multilabel", "passed"),
    ]
    # the answer whose cell failed has its row and the reason
    assert rows[1]["score"] == 0.0
    assert rows[1]["feedback"] == (
        "Could not be evaluated: cell 5 stopped with NameError: name 'value' is not defined "
        "before this check ran."
    )


def test_looping_notebook_is_stopped_and_the_rest_still_runs(graded):
    rows = _rows(graded, "d_looping.ipynb")
    assert rows[0]["notebook_status"] == "timeout"
    assert "cell 3 (n = 0): did not finish within the time limit (3 s)" in rows[0]["problems"]
    # the loop was stopped, so n exists and the next cells ran
    assert [(r["question_id"], r["status"]) for r in rows] == [
        ("classification.zero_loss", "passed"),
        ("metric_learning.triplet_value", "passed"),
    ]


def test_dying_notebook_keeps_earlier_results(graded):
    rows = _rows(graded, "e_dying.ipynb")
    assert rows[0]["notebook_status"] == "died"
    assert (
        "cell 3 (import os): the process running the notebook ended (exit status 1); "
        "the rest was not run" in rows[0]["problems"]
    )
    assert [(r["question_id"], r["status"], r["score"]) for r in rows] == [
        ("closing.choose_vae", "passed", 1.0),
        ("closing.mae_over_huber", "failed", 0.0),
        ("closing.choose_detection", "failed", 0.0),
    ]
    assert (
        rows[2]["feedback"]
        == "Could not be evaluated: cell 4 was not run (see the notebook's problems)."
    )


def test_table_and_progress_bar(graded):
    out = graded["proc"].stdout
    assert "a_good.ipynb: ran without errors" in out
    assert "c_erroring.ipynb: ran with errors" in out
    assert "d_looping.ipynb: timed out" in out
    assert "e_dying.ipynb: died" in out
    assert out.startswith("Isolation: each notebook in its own bubblewrap sandbox")
    assert "a_good.ipynb: ran without errors (5 of 6 code cells run: those the answers need)" in out
    good = out.split("== ")[1]
    assert good.startswith(str(graded["folder"] / "a_good.ipynb"))
    assert "regression.implement_huber" in good and "✓ passed" in good
    assert good.rstrip().splitlines()[-1].split() == ["total", "5/5"]
    assert "Graded 5 notebook(s); 2 ran without errors." in out
    err = graded["proc"].stderr
    assert "[--------------------] 0/5\n" in err and "[####################] 5/5 " in err


def test_originals_untouched_and_no_progress_recorded(graded):
    after = {p.name: p.read_bytes() for p in graded["folder"].glob("*.ipynb")}
    assert after == graded["before"]
    assert not graded["progress"].exists()


def test_csv_report(tmp_path):
    require_sandbox()
    write_notebook(tmp_path / "good.ipynb", GOOD[:2])
    out = tmp_path / "report.csv"
    proc = run_cli(
        "grade", str(tmp_path / "good.ipynb"), "--format", "csv", "--output", str(out), "-q"
    )
    assert proc.returncode == 0, proc.stderr
    # quiet, but the class salt made on first use, beside the report, is announced once
    salt = tmp_path / "class-salt.txt"
    assert proc.stderr.startswith(f"Created the class salt {salt}")
    assert len(salt.read_text().strip()) == 64
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 1
    assert rows[0]["question_id"] == "regression.outlier_loss"
    assert rows[0]["status"] == "passed" and float(rows[0]["score"]) == 1.0
    assert list(rows[0])[:6] == [
        "notebook",
        "notebook_status",
        "problems",
        "isolation",
        "ran_whole",
        "question_id",
    ]
    assert rows[0]["isolation"] == "bubblewrap sandbox"


@pytest.mark.parametrize(
    "args",
    [
        ["grade"],
        ["grade", "/no/such/path.ipynb"],
        ["grade", "__file__"],
        ["grade", "EMPTY_DIR"],
        ["grade", "EMPTY_DIR", "--timeout", "0"],
        ["grade", "EMPTY_DIR", "--format", "xml"],
        ["grade", "EMPTY_DIR", "--memory", "lots"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_non_zero(args, tmp_path, capsys):
    args = [str(tmp_path) if a == "EMPTY_DIR" else __file__ if a == "__file__" else a for a in args]
    assert main(args) == 2
    assert "error" in capsys.readouterr().err


def test_unreadable_notebook_is_reported_not_fatal(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the class salt is made in the current folder
    (tmp_path / "broken.ipynb").write_text("{ not a notebook", encoding="utf-8")
    assert main(["grade", str(tmp_path), "--quiet", "--format", "json", "--no-isolation"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["notebook_status"] == "unreadable" and rows[0]["question_id"] == ""


SLIPPED_HUBER = [
    "import numpy as np\nfrom exercises import check",
    # the ½ of the quadratic piece missing: some random cases miss the bug, so the score
    # depends on the cases drawn
    "def my_huber(y_true, y_pred, delta):\n"
    "    r = np.abs(y_true - y_pred)\n"
    "    return np.mean(np.where(r <= delta, r**2, delta * (r - 0.5 * delta)))\n"
    'check("regression.implement_huber", my_huber)',
]


def test_grading_again_gives_the_same_report(tmp_path):
    require_sandbox()
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("alice", "bob", "carol", "dan"):
        (folder / name).mkdir()
        write_notebook(folder / name / "regression.ipynb", SLIPPED_HUBER)

    def grade(*extra):
        proc = run_cli("grade", str(folder), "--format", "json", "-q", *extra)
        assert proc.returncode == 0, proc.stderr
        return [(r["notebook"], r["score"], r["feedback"]) for r in json.loads(proc.stdout)]

    salt = tmp_path / "salt.txt"
    salt.write_text("a class\n")
    first = grade("--salt", str(salt))
    assert grade("--salt", str(salt)) == first  # byte for byte: scores and feedback
    # from another folder, by another path: the cases follow the submission, not the path given
    moved = tmp_path / "moved"
    folder.rename(moved)
    folder = moved
    assert [row[1:] for row in grade("--salt", str(salt))] == [row[1:] for row in first]
    # another class salt draws other cases (8 random cases: the scores differ for some student)
    other = tmp_path / "other.txt"
    other.write_text("another class\n")
    assert grade("--salt", str(other)) != first


def test_find_notebooks_skips_checkpoints_and_build(tmp_path):
    for rel in [
        "a.ipynb",
        "sub/b.ipynb",
        ".ipynb_checkpoints/a-checkpoint.ipynb",
        "_build/c.ipynb",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    found = find_notebooks([str(tmp_path), str(tmp_path / "a.ipynb")])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.ipynb", "sub/b.ipynb"]


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for chapter in (
        "regression",
        "classification",
        "imbalanced",
        "distributions",
        "metric_learning",
    ):
        assert f"{chapter} (" in out
    assert "regression.implement_huber" in out and "code" in out
    assert main(["list", "--chapter", "distributions", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {d["chapter"] for d in data} == {"distributions"}
    assert "distributions.implement_kl" in {d["id"] for d in data}


def test_module_entry_point_lists():
    proc = run_cli("list", "--chapter", "metric_learning")
    assert proc.returncode == 0
    assert "metric_learning.implement_triplet" in proc.stdout


def test_list_piped_into_a_closed_pipe_exits_quietly():
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` having exited: every write now fails with EPIPE
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "exercises", "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 0
    assert b"Traceback" not in proc.stderr


def test_parse_size():
    assert parse_size("2GiB") == 2 * 1024**3
    assert parse_size("512mib") == parse_size("512M") == 512 * 1024**2
    assert parse_size("1.5G") == int(1.5 * 1024**3)
    assert parse_size("4096") == 4096
