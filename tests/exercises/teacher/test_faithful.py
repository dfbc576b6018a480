"""Rule 5 of the grading contract: class grading gives every question the verdict of a whole run.

``../shared/design/grading.md``, rule 5: "The verdict of every question is the one a top-to-bottom
run of the notebook gives (Restart & Run All, errors not stopping the run; the last ``check`` of a
question counts) ... Faithfulness is tested against a corpus of honest notebooks in the styles
students use, each compared question by question with a whole run."

The corpus is ``tests/exercises/_honest_styles.py``. Each notebook there is

- run whole, top to bottom, in a Jupyter kernel of this environment (nbclient, errors not stopping
  the run), in a working folder of its own, as a student's Restart & Run All; an IPython startup
  file (in an ``IPYTHONDIR`` of the test's own) wraps ``exercises.check`` so that every call
  appends its Result, and the number of the cell it ran in, to a file: the last one per question is
  what the student saw, whether or not the cell displayed it (``r = check(...)``, a loop, a
  ``%%capture`` cell);
- graded with ``python -m exercises grade FOLDER --format json`` (in the bubblewrap sandbox),
  at the same time as the whole runs, in another thread.

Compared per notebook: the set of questions; for each, the status; the score (except for a failed
code answer, whose score depends on the random cases drawn); the feedback and the hint of choice
and numeric answers; the feedback of a passed code answer (it names no random case) and the hint of
a failed one (the corpus's wrong code answers are known mistakes, named whatever the cases). One
assertion lists every difference, as a table.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.exercises._helpers import ROOT, require_sandbox, run_cli, write_notebook
from tests.exercises._honest_styles import NOTEBOOKS

pytestmark = pytest.mark.sandbox

#: Runs in the kernel at start-up, before the notebook's first cell: wraps ``check`` so that each
#: call's Result is appended as JSON to $FAITHFUL_RECORD, with the number of cells run so far (the
#: n-th cell run is the n-th code cell that is not blank: nbclient skips blank ones). Everything it
#: binds is deleted again, so the notebook's namespace is the one it would have.
RECORDER = textwrap.dedent(
    """\
    def _faithful_recorder():
        import functools
        import json
        import os

        import exercises
        import exercises.api

        original = exercises.api.check
        path = os.environ["FAITHFUL_RECORD"]
        cells = {"run": 0}

        def count_cell(info):
            if info.store_history:  # a cell of the notebook, not one a magic runs (%%capture)
                cells["run"] += 1

        get_ipython().events.register("pre_run_cell", count_cell)

        @functools.wraps(original)
        def check(*args, **kwargs):
            result = original(*args, **kwargs)
            with open(path, "a", encoding="utf-8") as fh:
                entry = {"run": cells["run"], "result": result.to_dict()}
                fh.write(json.dumps(entry) + "\\n")
            return result

        exercises.api.check = check
        exercises.check = check


    _faithful_recorder()
    del _faithful_recorder
    """
)

#: Seconds one cell of the whole run may take (every cell of the corpus takes well under one).
CELL_TIMEOUT = 60


def _whole_run(nb_path: Path, workdir: Path, env: dict[str, str]) -> dict[str, dict]:
    """Run the notebook top to bottom in a fresh kernel (errors do not stop it); return, for each
    question, the last Result its ``check`` gave, with the cell (1-based, in the file) it ran in."""
    record = workdir.parent / f"{workdir.name}.record.jsonl"
    nb = nbformat.read(str(nb_path), as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(workdir)}},
        record_timing=False,
    )
    client.execute(env={**env, "FAITHFUL_RECORD": str(record)})
    run_cells = [
        i + 1 for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and cell.source.strip()
    ]
    last: dict[str, dict] = {}
    if record.exists():
        for line in record.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            result = entry["result"]
            n = entry["run"]
            result["cell"] = run_cells[n - 1] if 1 <= n <= len(run_cells) else None
            last.pop(result["question_id"], None)
            last[result["question_id"]] = result
    return last


def _kernel_env(tmp: Path) -> dict[str, str]:
    ipython_dir = tmp / "ipython"
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-faithful-recorder.py").write_text(RECORDER, encoding="utf-8")
    env = dict(os.environ)
    env.update(
        {
            "IPYTHONDIR": str(ipython_dir),
            "LOSS_COURSE_PROGRESS": str(tmp / "progress.json"),
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "agg",
        }
    )
    # the kernel's Python is this one (the kernelspec says "python"), and it imports the
    # repository's packages as the tests do
    root = str(ROOT)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """Every notebook of the corpus run whole once, and the folder graded once (concurrently)."""
    require_sandbox()
    tmp = tmp_path_factory.mktemp("faithful")
    folder = tmp / "submissions"
    folder.mkdir()
    for honest in NOTEBOOKS:
        write_notebook(folder / f"{honest.name}.ipynb", list(honest.cells))
    out = tmp / "report.json"
    graded: dict[str, object] = {}

    def grade() -> None:
        start = time.monotonic()
        graded["proc"] = run_cli(
            "grade",
            str(folder),
            "--format",
            "json",
            "-o",
            str(out),
            env_extra={"LOSS_COURSE_PROGRESS": str(tmp / "grader-progress.json")},
            timeout=600,
        )
        graded["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=grade)
    start = time.monotonic()
    thread.start()
    env = _kernel_env(tmp)
    whole: dict[str, dict[str, dict]] = {}
    try:
        for honest in NOTEBOOKS:
            workdir = tmp / "runs" / honest.name
            workdir.mkdir(parents=True)
            whole[honest.name] = _whole_run(folder / f"{honest.name}.ipynb", workdir, env)
    finally:
        whole_seconds = time.monotonic() - start
        thread.join()
    proc = graded["proc"]
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))
    by_notebook: dict[str, list[dict]] = {}
    for row in rows:
        by_notebook.setdefault(Path(row["notebook"]).stem, []).append(row)
    print(
        f"\nwhole runs: {whole_seconds:.1f} s for {len(NOTEBOOKS)} notebooks; "
        f"grading: {graded['seconds']:.1f} s",
        file=sys.stderr,
    )
    return {"whole": whole, "rows": by_notebook, "folder": folder}


# ----------------------------------------------------------------------------- comparing


def _verdict(r: dict | None) -> str:
    if r is None:
        return "(no result)"
    text = f"{r['status']} {r['score']:g}/{r['max_score']:g}"
    feedback = " ".join(str(r.get("feedback", "")).split())
    if feedback:
        text += f": {feedback[:90]}{'…' if len(feedback) > 90 else ''}"
    hint = " ".join(str(r.get("hint", "")).split())
    if hint:
        text += f" [hint: {hint[:40]}{'…' if len(hint) > 40 else ''}]"
    return text


def _differs(whole: dict, graded: dict) -> list[str]:
    """What differs between the whole run's last Result and the grader's row of one question."""
    fields = ["status"]
    kind = whole["kind"]
    if kind in ("single", "multiple", "numeric"):
        fields += ["score", "feedback", "hint"]
    elif whole["status"] == "failed":
        fields += ["hint"]  # the score and the first failing case depend on the random cases
    else:
        fields += ["score", "feedback"]
    return [f for f in fields if whole.get(f) != graded.get(f)]


def differences(compared) -> list[tuple[str, str, str, str, str]]:
    """Rows (style, cell, question, whole-run verdict, grader verdict) of every difference."""
    found = []
    for honest in NOTEBOOKS:
        whole = compared["whole"][honest.name]
        rows = compared["rows"].get(honest.name, [])
        graded = {r["question_id"]: r for r in rows if r.get("question_id")}
        for qid in sorted(set(whole) | set(graded), key=lambda q: (q not in whole, q)):
            w, g = whole.get(qid), graded.get(qid)
            if w is not None and g is not None and not _differs(w, g):
                continue
            what = "" if w is None or g is None else f" ({', '.join(_differs(w, g))} differ)"
            cell = f"cell {w['cell']}" if w is not None and w.get("cell") else "?"
            found.append((honest.name, cell, qid + what, _verdict(w), _verdict(g)))
    return found


def _table(found, compared) -> str:
    lines = [f"{len(found)} difference(s) between the whole runs and the grader:", ""]
    for style, cell, qid, whole, graded in found:
        lines += [
            f"- {style}, {cell}, {qid}",
            f"    whole run: {whole}",
            f"    grader:    {graded}",
        ]
    problems = {}
    for style, *_ in found:
        rows = compared["rows"].get(style, [])
        if rows and rows[0]["problems"]:
            problems[style] = f"{rows[0]['notebook_status']}: {rows[0]['problems']}"
    if problems:
        lines += ["", "the grader's notebook status and problems:"]
        lines += [f"- {style}: {text}" for style, text in problems.items()]
    return "\n".join(lines)


def test_every_notebook_answers_in_a_whole_run(compared):
    """The corpus is sound: every notebook's whole run checks questions, and an honest notebook's
    answers are all right (so a difference below is the grader's, not the corpus's)."""
    wrong = []
    for honest in NOTEBOOKS:
        results = compared["whole"][honest.name]
        assert results, f"{honest.name}: no check() ran in the whole run"
        if not honest.wrong:
            wrong += [
                f"{honest.name}: {qid}: {_verdict(r)}"
                for qid, r in results.items()
                if r["status"] != "passed"
            ]
    assert not wrong, "honest answers that a whole run does not pass:\n" + "\n".join(wrong)


def test_the_wrong_answers_fail_in_a_whole_run(compared):
    """The honest mistakes are mistakes: each wrong notebook fails some question."""
    for honest in NOTEBOOKS:
        if honest.wrong:
            statuses = {r["status"] for r in compared["whole"][honest.name].values()}
            assert "failed" in statuses, honest.name


def test_grading_gives_the_verdicts_of_a_whole_run(compared):
    found = differences(compared)
    assert not found, _table(found, compared)
