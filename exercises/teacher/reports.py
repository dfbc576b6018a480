"""The reports of a graded class: a table for the terminal, JSON and CSV (one row per notebook
and question), and one Markdown feedback file per notebook.

>>> from exercises.scoring import Result
>>> rep = NotebookReport("alice.ipynb", cells_run=3, cells_total=9)
>>> rep.results.append(Result("regression.outlier_loss", "regression", "single", "passed",
...                           1.0, 1.0, "Right."))
>>> print(format_table([rep]))  # doctest: +NORMALIZE_WHITESPACE
== alice.ipynb: ran without errors (3 of 9 code cells run: those the answers need)
   question                          result                score
   regression.outlier_loss           ✓ passed              1/1
   total                                                   1/1
<BLANKLINE>
Graded 1 notebook(s); 1 ran without errors.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..render.numbers import fmt_score
from ..scoring import FIELDS as RESULT_FIELDS
from .session import NotebookReport, Options

#: Columns of the JSON/CSV reports: the notebook's, every field of a result, the answer as short
#: text and the misconceptions it shows (``mistake``: diagnosis ids, comma-separated; see
#: :meth:`exercises.bank.Question.diagnoses`), then the question's parameters for this student (``variant``, empty for a question without) and the copy signal
#: (``copy_of``: the classmates whose key this wrong answer is; see
#: :mod:`exercises.teacher.copies`).
FIELDS = (
    "notebook",
    "student",
    "notebook_status",
    "problems",
    "isolation",
    "ran_whole",
    *RESULT_FIELDS,
    "answer",
    "mistake",
    "variant",
    "copy_of",
)


def report_rows(rep: NotebookReport) -> list[dict[str, Any]]:
    """The rows of one notebook in the JSON/CSV reports."""
    base = {
        "notebook": rep.path,
        "student": rep.student,
        "notebook_status": rep.status,
        "problems": "; ".join(rep.problems),
        "isolation": rep.isolation,
        "ran_whole": rep.ran_whole,
    }
    if not rep.results:
        return [
            {**base, **{k: "" for k in FIELDS if k not in base}, "score": 0.0, "max_score": 0.0}
        ]
    rows = []
    for r in rep.results:
        d = r.to_dict()
        rows.append(
            {
                **base,
                **{k: d[k] for k in RESULT_FIELDS},
                "answer": r.answer,
                "mistake": r.mistake,
                "variant": rep.variants.get(r.question_id, ""),
                "copy_of": rep.copies.get(r.question_id, ""),
            }
        )
    return rows


_STATES = {
    "ok": "ran without errors",
    "errors": "ran with errors",
    "timeout": "timed out",
    "died": "died",
    "unreadable": "could not be read",
    "sandbox error": "could not be run",
}


def describe_isolation(options: Options) -> str:
    """The report's header line: how the notebooks were run."""
    if not options.isolated:
        return (
            "Isolation: NOT ISOLATED (--no-isolation): the notebooks ran with your rights, "
            "without a sandbox; use this only for notebooks you trust."
        )
    lim = options.limits
    return (
        f"Isolation: each notebook in its own bubblewrap sandbox (no network, no files but its "
        f"own; memory {_size(lim.memory)}, {lim.processes} processes, "
        f"{options.cell_timeout:g} s per cell, {options.time_limit:g} s per notebook)."
    )


def _size(n: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= factor and n % factor == 0:
            return f"{n // factor} {unit}"
    return f"{n} bytes"


def format_table(reports: Sequence[NotebookReport], header: str = "") -> str:
    out: list[str] = [header, ""] if header else []
    for rep in reports:
        if rep.ran_whole:
            ran = f" (ran whole, {rep.cells_run} of {rep.cells_total} code cells: {rep.ran_whole})"
        elif rep.cells_total:
            ran = f" ({rep.cells_run} of {rep.cells_total} code cells run: those the answers need)"
        else:
            ran = ""
        who = f" (student {rep.student})" if rep.student else ""
        out.append(f"== {rep.path}{who}: {_STATES[rep.status]}{ran}")
        for p in rep.problems:
            out.append(f"   ! {p}")
        for qid, others in rep.copies.items():
            out.append(f"   ⚑ {qid}: the wrong answer is the key of {others}'s version")
        if rep.results:
            width = max(32, *(len(r.question_id) for r in rep.results))
            out.append(f"   {'question':<{width}}  {'result':<20}  score")
            for r in rep.results:
                mark = {
                    "passed": "✓ passed",
                    "failed": "✗ failed",
                    "not_attempted": "… not attempted",
                }[r.status]
                out.append(
                    f"   {r.question_id:<{width}}  {mark:<20}  {fmt_score(r.score)}/{fmt_score(r.max_score)}"
                )
            out.append(
                f"   {'total':<{width}}  {'':<20}  {fmt_score(rep.score)}/{fmt_score(rep.max_score)}"
            )
        else:
            out.append("   no check() results found")
        out.append("")
    n_ok = sum(r.status == "ok" for r in reports)
    out.append(f"Graded {len(reports)} notebook(s); {n_ok} ran without errors.")
    return "\n".join(out)


def format_json(reports: Sequence[NotebookReport]) -> str:
    rows = [row for rep in reports for row in report_rows(rep)]
    return json.dumps(rows, indent=2, ensure_ascii=False)


def format_csv(reports: Sequence[NotebookReport]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(FIELDS), lineterminator="\n")
    writer.writeheader()
    for rep in reports:
        for row in report_rows(rep):
            writer.writerow(row)
    return buf.getvalue()


_VERDICTS = {"passed": "✓ correct", "failed": "✗ not yet", "not_attempted": "… not attempted"}


def feedback_files(reports: Sequence[NotebookReport], header: str) -> dict[str, str]:
    """One readable Markdown file per notebook, named after its path: ``{file name: text}``."""
    paths = [Path(r.path).resolve() for r in reports]
    common = Path(os.path.commonpath([p.parent for p in paths])) if paths else Path()
    files = {}
    for rep, path in zip(reports, paths, strict=True):
        rel = path.relative_to(common)
        lines = [
            f"# Feedback on {rel.as_posix()}",
            "",
            f"Score: **{fmt_score(rep.score)} / {fmt_score(rep.max_score)}**. "
            f"The notebook {_STATES[rep.status]}.",
        ]
        if rep.problems:
            lines += ["", "Problems while running it:", ""]
            lines += [f"- {p}" for p in rep.problems]
        for r in rep.results:
            score = f"{fmt_score(r.score)}/{fmt_score(r.max_score)}"
            lines += ["", f"## {r.question_id}: {_VERDICTS[r.status]} ({score})", "", r.feedback]
            if r.hint:
                lines += ["", f"Hint: {r.hint}"]
        if not rep.results:
            lines += ["", "No check() answers were found in this notebook."]
        lines += ["", "---", "", header]
        files["__".join(rel.with_suffix(".md").parts)] = "\n".join(lines) + "\n"
    return files
