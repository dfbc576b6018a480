"""python -m exercises grade|list on small notebooks made here (each run starts real kernels)."""

import csv
import io
import json
import os
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from exercises.cli import find_notebooks, main
from tests._exercises_helpers import isolated_progress  # noqa: F401  (autouse fixture)

GOOD = [
    "from exercises import check\nimport losses",
    'check("regression.outlier_loss", "huber")',
    "def my_huber(y_true, y_pred, delta):\n    return losses.huber(y_true, y_pred, delta=delta)",
    'r = check("regression.implement_huber", my_huber)  # not displayed: still collected',
    'check("regression.outlier_gradient_mse", 100)\ncheck("regression.outlier_gradient_mse", 200)',
]
PARTIAL = [
    "from exercises import check",
    'check("regression.outlier_loss", ...)',
    'check("imbalanced.two_losses", ["focal"])',
    'def my_kl(p, q):\n    ...\ncheck("distributions.implement_kl", my_kl)',
]
ERRORING = [
    "from exercises import check",
    'check("regression.outlier_loss", "huber")',
    "undefined_name + 1",
    'check("classification.zero_loss", "hinge")',
]
LOOPING = [
    "from exercises import check",
    "while True:\n    pass",
    'check("metric_learning.triplet_value", 0.2)',
]
DYING = [
    'from exercises import check\ncheck("closing.choose_vae", "kl")',
    "import os\nos._exit(1)",
    'check("closing.choose_detection", "focal")',
]


def write_notebook(path, cells):
    nb = new_notebook(cells=[new_markdown_cell("# Exercises")] + [new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))


def run_cli(*args, env_extra=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "exercises", *args],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    for name, cells in [
        ("a_good", GOOD),
        ("b_partial", PARTIAL),
        ("c_erroring", ERRORING),
        ("d_looping", LOOPING),
        ("e_dying", DYING),
    ]:
        write_notebook(folder / f"{name}.ipynb", cells)
    (folder / ".ipynb_checkpoints").mkdir()
    write_notebook(folder / ".ipynb_checkpoints" / "a_good-checkpoint.ipynb", GOOD)
    before = {p.name: p.read_bytes() for p in folder.glob("*.ipynb")}
    out = folder.parent / "report.json"
    progress = folder.parent / "progress.json"
    proc = run_cli(
        "grade",
        str(folder),
        "--timeout",
        "4",
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
    assert "cell 4 (undefined_name + 1): NameError" in rows[0]["problems"]
    assert [(r["question_id"], r["status"]) for r in rows] == [
        ("regression.outlier_loss", "passed"),
        ("classification.zero_loss", "passed"),
    ]


def test_looping_notebook_is_stopped_and_the_rest_still_runs(graded):
    rows = _rows(graded, "d_looping.ipynb")
    assert rows[0]["notebook_status"] == "timeout"
    assert "cell 3 (while True:): did not finish within 4 s" in rows[0]["problems"]
    assert [(r["question_id"], r["status"]) for r in rows] == [
        ("metric_learning.triplet_value", "passed")
    ]


def test_dying_kernel_keeps_earlier_results(graded):
    rows = _rows(graded, "e_dying.ipynb")
    assert rows[0]["notebook_status"] == "kernel died"
    assert "the kernel died" in rows[0]["problems"]
    assert [r["question_id"] for r in rows] == ["closing.choose_vae"]


def test_table_and_progress_bar(graded):
    out = graded["proc"].stdout
    assert "a_good.ipynb: ran without errors" in out
    assert "c_erroring.ipynb: ran with errors" in out
    assert "d_looping.ipynb: timed out" in out
    assert "e_dying.ipynb: kernel died" in out
    good = out.split("== ")[1]
    assert good.startswith(str(graded["folder"] / "a_good.ipynb"))
    assert "regression.implement_huber" in good and "✓ passed" in good
    assert good.rstrip().splitlines()[-1].split() == ["total", "5/5"]
    assert "Graded 5 notebook(s); 2 ran without errors." in out
    err = graded["proc"].stderr
    assert "[####################] 5/5 done" in err
    assert "Kernel is running over TCP" not in err  # the kernels' own logs are silenced


def test_originals_untouched_and_no_progress_recorded(graded):
    after = {p.name: p.read_bytes() for p in graded["folder"].glob("*.ipynb")}
    assert after == graded["before"]
    assert not graded["progress"].exists()


def test_csv_report(tmp_path):
    write_notebook(tmp_path / "good.ipynb", GOOD[:2])
    out = tmp_path / "report.csv"
    proc = run_cli(
        "grade", str(tmp_path / "good.ipynb"), "--format", "csv", "--output", str(out), "-q"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 1
    assert rows[0]["question_id"] == "regression.outlier_loss"
    assert rows[0]["status"] == "passed" and float(rows[0]["score"]) == 1.0
    assert list(rows[0])[:4] == ["notebook", "notebook_status", "problems", "question_id"]


@pytest.mark.parametrize(
    "args",
    [
        ["grade"],
        ["grade", "/no/such/path.ipynb"],
        ["grade", "__file__"],
        ["grade", "EMPTY_DIR"],
        ["grade", "EMPTY_DIR", "--timeout", "0"],
        ["grade", "EMPTY_DIR", "--format", "xml"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_non_zero(args, tmp_path, capsys):
    args = [str(tmp_path) if a == "EMPTY_DIR" else __file__ if a == "__file__" else a for a in args]
    assert main(args) == 2
    assert "error" in capsys.readouterr().err


def test_unreadable_notebook_is_reported_not_fatal(tmp_path, capsys):
    (tmp_path / "broken.ipynb").write_text("{ not a notebook", encoding="utf-8")
    assert main(["grade", str(tmp_path), "--quiet", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["notebook_status"] == "unreadable" and rows[0]["question_id"] == ""


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


def test_results_are_read_from_output_metadata_without_a_log(tmp_path):
    """Without the results log, the grader falls back to the outputs' metadata."""
    import nbformat

    from exercises import MIME_TYPE, check
    from exercises.cli import _collect_results

    result = check("regression.outlier_loss", "huber")
    data, metadata = result._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('check("regression.outlier_loss", "huber")')
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/plain": str(result), **data}, metadata=metadata
        )
    ]
    nb.cells.append(cell)
    found = _collect_results(tmp_path / "no-log.jsonl", nb)
    assert [r.to_dict() for r in found] == [result.to_dict()]
    assert MIME_TYPE in metadata
