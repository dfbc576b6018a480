"""Command line: ``python -m exercises grade PATH...`` and ``python -m exercises list``.

``grade``
    Executes each notebook (each ``*.ipynb`` under a folder, skipping checkpoints, ``_build`` and
    hidden folders) top to bottom in a fresh kernel, one notebook at a time, with a time limit per
    cell (``--timeout``, default 120 s). Each runs in a new temporary working directory; the
    original file is only read, never written. Every ``check`` call made in the kernel is
    collected (through the results log that ``check`` appends to when ``LOSS_COURSE_RESULTS_LOG``
    is set, falling back to the structured outputs a displayed :class:`~exercises.Result` leaves);
    when a question is checked several times the last result counts. The kernels record no
    progress (``LOSS_COURSE_PROGRESS=off``), so grading never changes anyone's progress file.

    A cell that raises is reported and the following cells still run. A cell that exceeds the time
    limit is reported and the kernel is interrupted; if the next cell times out too, the rest of
    that notebook is skipped. A kernel that dies ends that notebook. In every case the results
    collected so far count and the other notebooks are graded.

    Output: a table per notebook with a total (default), or ``--format json`` / ``--format csv``
    with one row per notebook and question (a notebook without any result still gets one row).
    ``--output FILE`` writes the report to FILE (the table is then also printed). A progress bar
    goes to stderr (``--quiet`` turns it off).

    Exit status: 0 whenever grading ran, whatever the scores and even if notebooks failed; 2 for a
    usage error (no such path, no notebook found, bad option).

``list``
    Prints the question bank (``--chapter`` to select one chapter, ``--format json`` for data).

>>> main(["list", "--chapter", "regression"])  # doctest: +ELLIPSIS
regression (Regression losses)
  regression.outlier_loss  single  1 pt  ...
0
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from . import _core
from ._api import RESULTS_LOG_ENV
from ._progress import ENV_VAR as PROGRESS_ENV
from ._result import MIME_TYPE, Result
from ._values import fmt_number, fmt_score

#: Columns of the JSON/CSV reports: the notebook's, then every field of a :class:`Result`.
FIELDS = ("notebook", "notebook_status", "problems", *Result.__slots__)


@dataclass
class NotebookReport:
    """The grading of one notebook.

    ``status``: ``"ok"`` (every cell ran), ``"errors"`` (some cell raised), ``"timeout"`` (some
    cell exceeded the limit), ``"kernel died"``, or ``"unreadable"`` (not a notebook).
    ``problems`` describes each failing cell.
    """

    path: str
    status: str = "ok"
    problems: list[str] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.results)

    def rows(self) -> list[dict[str, Any]]:
        base = {
            "notebook": self.path,
            "notebook_status": self.status,
            "problems": "; ".join(self.problems),
        }
        if not self.results:
            return [
                {**base, **{k: "" for k in FIELDS if k not in base}, "score": 0.0, "max_score": 0.0}
            ]
        rows = []
        for r in self.results:
            d = r.to_dict()
            rows.append({**base, **{k: d[k] for k in FIELDS if k in d}})
        return rows


# ----------------------------------------------------------------------------- finding notebooks


class UsageError(Exception):
    pass


def find_notebooks(paths: Sequence[str]) -> list[Path]:
    """Notebooks named by ``paths`` (files or folders), in a stable order, without duplicates."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise UsageError(f"no such file or folder: {raw}")
        if p.is_dir():
            for nb in sorted(p.rglob("*.ipynb")):
                parts = nb.relative_to(p).parts
                if any(
                    part.startswith(".") or part in ("_build", ".ipynb_checkpoints")
                    for part in parts
                ):
                    continue
                found.append(nb)
        elif p.suffix == ".ipynb":
            found.append(p)
        else:
            raise UsageError(f"not a notebook (.ipynb): {raw}")
    unique: list[Path] = []
    seen: set[Path] = set()
    for nb in found:
        key = nb.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(nb)
    if not unique:
        raise UsageError("no notebooks found in " + ", ".join(paths))
    return unique


# ----------------------------------------------------------------------------- running one notebook


def _cell_label(index: int, cell: Any) -> str:
    first = next((ln.strip() for ln in str(cell.get("source", "")).splitlines() if ln.strip()), "")
    if len(first) > 50:
        first = first[:47] + "..."
    return f"cell {index + 1}" + (f" ({first})" if first else "")


def _collect_results(log: Path, nb: Any) -> list[Result]:
    found: list[Result] = []
    if log.exists():
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                found.append(Result.from_dict(json.loads(line)))
            except Exception:
                continue
    if not found:  # e.g. an exercises installation that does not write the log
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if not isinstance(out, dict):
                    continue
                # the result's JSON sits in the output's metadata (older runs: in its data)
                data = {**out.get("data", {}), **out.get("metadata", {})}
                if MIME_TYPE in data:
                    try:
                        payload = data[MIME_TYPE]
                        found.append(
                            Result.from_dict(
                                payload if isinstance(payload, dict) else json.loads(payload)
                            )
                        )
                    except Exception:
                        continue
    last: dict[str, Result] = {}
    for r in found:
        last.pop(r.question_id, None)
        last[r.question_id] = r
    order = {}
    for r in found:
        order.setdefault(r.question_id, len(order))
    return sorted(last.values(), key=lambda r: order[r.question_id])


def grade_notebook(
    path: Path,
    *,
    timeout: float = 120.0,
    kernel_name: str = "python3",
    on_cell: Callable[[int, int], None] | None = None,
) -> NotebookReport:
    """Execute one notebook in a fresh kernel in a temporary folder and collect its results."""
    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    report = NotebookReport(str(path))
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:
        report.status = "unreadable"
        report.problems.append(f"could not read the notebook: {type(exc).__name__}: {exc}")
        return report

    repo_root = str(Path(__file__).resolve().parent.parent)
    with tempfile.TemporaryDirectory(prefix="exercises-grade-") as tmp:
        log = Path(tmp) / ".exercises-results.jsonl"
        env = dict(os.environ)
        env[RESULTS_LOG_ENV] = str(log)
        env[PROGRESS_ENV] = "off"
        env["PYTHONPATH"] = os.pathsep.join(p for p in (repo_root, env.get("PYTHONPATH", "")) if p)
        env.setdefault("MPLBACKEND", "Agg")
        client = NotebookClient(
            nb,
            timeout=max(1, int(round(timeout))),
            kernel_name=kernel_name,
            allow_errors=True,
            interrupt_on_timeout=False,
            record_timing=False,
            resources={"metadata": {"path": tmp}},
        )
        code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        statuses: list[str] = []
        try:
            # The kernel's own log lines (e.g. ipykernel's TCP warning) are not the reader's output.
            quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
            with client.setup_kernel(env=env, cwd=tmp, **quiet):
                timeouts_in_a_row = 0
                for n, index in enumerate(code_cells):
                    cell = nb.cells[index]
                    if on_cell:
                        on_cell(n + 1, len(code_cells))
                    try:
                        client.execute_cell(cell, index)
                        timeouts_in_a_row = 0
                    except CellTimeoutError:
                        statuses.append("timeout")
                        report.problems.append(
                            f"{_cell_label(index, cell)}: did not finish within {fmt_number(timeout)} s"
                        )
                        timeouts_in_a_row += 1
                        if timeouts_in_a_row >= 2:
                            report.problems.append(
                                "the kernel stayed busy; the remaining cells were not run"
                            )
                            break
                        try:
                            assert client.km is not None
                            run_sync(client.km.interrupt_kernel)()
                        except Exception:
                            pass
                        continue
                    except DeadKernelError:
                        statuses.append("kernel died")
                        report.problems.append(f"{_cell_label(index, cell)}: the kernel died")
                        break
                    for out in cell.get("outputs", []):
                        if out.get("output_type") == "error":
                            statuses.append("errors")
                            report.problems.append(
                                f"{_cell_label(index, cell)}: {out.get('ename', 'Error')}: "
                                f"{' '.join(str(out.get('evalue', '')).split())[:200]}"
                            )
                            break
        except DeadKernelError:
            statuses.append("kernel died")
            report.problems.append("the kernel died")
        except Exception as exc:  # kernel could not start, etc.
            statuses.append("errors")
            report.problems.append(f"could not run the notebook: {type(exc).__name__}: {exc}")
        for s in ("kernel died", "timeout", "errors"):
            if s in statuses:
                report.status = s
                break
        report.results = _collect_results(log, nb)
    return report


# ----------------------------------------------------------------------------- reports


def format_table(reports: Sequence[NotebookReport]) -> str:
    out: list[str] = []
    for rep in reports:
        state = {
            "ok": "ran without errors",
            "errors": "ran with errors",
            "timeout": "timed out",
            "kernel died": "kernel died",
            "unreadable": "could not be read",
        }[rep.status]
        out.append(f"== {rep.path}: {state}")
        for p in rep.problems:
            out.append(f"   ! {p}")
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
    rows = [row for rep in reports for row in rep.rows()]
    return json.dumps(rows, indent=2, ensure_ascii=False)


def format_csv(reports: Sequence[NotebookReport]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(FIELDS), lineterminator="\n")
    writer.writeheader()
    for rep in reports:
        for row in rep.rows():
            writer.writerow(row)
    return buf.getvalue()


class _Bar:
    """A one-line progress bar on stderr (a line per notebook when stderr is not a terminal)."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total = total
        self.stream = stream
        self.enabled = enabled
        self.tty = enabled and hasattr(stream, "isatty") and stream.isatty()

    def update(self, done: int, name: str, cell: int = 0, cells: int = 0) -> None:
        if not self.enabled:
            return
        width = 20
        filled = int(width * done / max(self.total, 1))
        bar = "#" * filled + "-" * (width - filled)
        where = f" cell {cell}/{cells}" if cells else ""
        line = f"[{bar}] {done}/{self.total} {name}{where}"
        if self.tty:
            self.stream.write("\r" + line[:110].ljust(110))
        elif not cells:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


# ----------------------------------------------------------------------------- main


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m exercises",
        description="Grade the loss-functions course's exercise notebooks, or list the questions.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="run notebooks and grade every check() in them")
    g.add_argument(
        "paths", nargs="+", metavar="PATH", help="notebooks, or folders searched for *.ipynb"
    )
    g.add_argument(
        "--timeout", type=float, default=120.0, help="time limit per cell in seconds (default 120)"
    )
    g.add_argument("--format", choices=("table", "json", "csv"), default="table")
    g.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    g.add_argument("--kernel", default="python3", help="kernel name (default python3)")
    g.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    ls = sub.add_parser("list", help="print the question bank")
    ls.add_argument("--chapter", choices=_core.CHAPTERS)
    ls.add_argument("--format", choices=("table", "json"), default="table")
    return parser


def _list(args: argparse.Namespace, stdout: TextIO) -> int:
    qs = _core.all_questions(args.chapter)
    if args.format == "json":
        stdout.write(json.dumps([q.info() for q in qs], indent=2, ensure_ascii=False) + "\n")
        return 0
    width = max(len(q.id) for q in qs)
    chapter = None
    for q in qs:
        if q.chapter != chapter:
            chapter = q.chapter
            stdout.write(f"{chapter} ({_core.CHAPTER_TITLES[chapter]})\n")
        first = " ".join(q.prompt.split())
        if len(first) > 70:
            first = first[:67] + "..."
        pts = f"{fmt_number(q.points)} pt{'s' if q.points != 1 else ''}"
        stdout.write(f"  {q.id:<{width}}  {q.kind:<8}  {pts:<5}  {first}\n")
    return 0


def _grade(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    notebooks = find_notebooks(args.paths)
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    bar = _Bar(len(notebooks), stderr, not args.quiet)
    reports = []
    for i, nb in enumerate(notebooks):
        bar.update(i, nb.name)
        reports.append(
            grade_notebook(
                nb,
                timeout=args.timeout,
                kernel_name=args.kernel,
                on_cell=lambda c, n, i=i, name=nb.name: bar.update(i, name, c, n),
            )
        )
    bar.update(len(notebooks), "done")
    bar.close()
    table = format_table(reports)
    if args.format == "table":
        report = table
    elif args.format == "json":
        report = format_json(reports)
    else:
        report = format_csv(reports)
    if args.output:
        Path(args.output).write_text(
            report if report.endswith("\n") else report + "\n", encoding="utf-8"
        )
        stdout.write(table + "\n")
    else:
        stdout.write(report if report.endswith("\n") else report + "\n")
    return 0


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit status (0, or 2 for a usage error)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.command == "list":
            return _list(args, stdout)
        return _grade(args, stdout, stderr)
    except UsageError as exc:
        stderr.write(f"python -m exercises: error: {exc}\n")
        return 2
