"""The command line (:mod:`exercises.cli`): ``python -m exercises grade|release|list``, its
arguments, reports, exit statuses and messages, on small notebooks made here (grading runs each in
a sandbox).

What grading gives each notebook (hostile submissions included) is tested in
``tests/exercises/teacher/test_session.py``, a class in ``test_batch.py``.
"""

import csv
import io
import json

import pytest

from exercises.cli import main, parse_size
from tests.exercises._helpers import require_sandbox, run_cli, write_notebook

pytestmark = pytest.mark.sandbox

#: A notebook with one right answer.
GOOD = [
    "from exercises import check\nimport losses\nfrom course import viz",
    'check("regression.outlier_loss", "d")',
]


def test_csv_report(tmp_path):
    require_sandbox()
    write_notebook(tmp_path / "good.ipynb", GOOD)
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
    assert list(rows[0])[:7] == [
        "notebook",
        "student",
        "notebook_status",
        "problems",
        "isolation",
        "ran_whole",
        "question_id",
    ]
    assert rows[0]["isolation"] == "bubblewrap sandbox"


def test_without_bubblewrap_grading_stops_with_the_way_out(tmp_path):
    write_notebook(
        tmp_path / "mine.ipynb",
        ['from exercises import check\ncheck("regression.outlier_loss", "d")'],
    )
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = run_cli(
        "grade", str(tmp_path / "mine.ipynb"), env_extra={"PATH": str(empty)}, cwd=tmp_path
    )
    assert proc.returncode == 2
    assert "apt-get install bubblewrap" in proc.stderr and "--no-isolation" in proc.stderr
    assert not (tmp_path / "class-salt.txt").exists()  # grading did not run: no salt made
    proc = run_cli(
        "grade", str(tmp_path / "mine.ipynb"), "--no-isolation", env_extra={"PATH": str(empty)}
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Isolation: NOT ISOLATED (--no-isolation)")
    assert "regression.outlier_loss           ✓ passed" in proc.stdout


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
