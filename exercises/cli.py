"""Command line: ``python -m exercises grade PATH...``, ``release SOURCE OUT`` and ``list``.

``grade``
    Grades each given notebook (each ``*.ipynb`` under a folder, skipping checkpoints, ``_build``
    and hidden folders) as ``../shared/design/grading.md`` describes: the notebook is only read;
    the statements its answers need (not its figures and experiments: see
    :mod:`exercises._plan`) run in a bubblewrap sandbox of their own (:mod:`exercises._isolation`);
    every ``check(question_id, answer)`` there sends its answer as plain data, and the score is
    computed here, by the same grading as a reader's ``check`` (:mod:`exercises._submission`).
    When a question is checked several times the last answer counts.

    Limits: ``--timeout`` per cell (default 120 s), ``--time-limit`` per notebook (default
    600 s), ``--memory`` per notebook (default 2GiB), and fixed limits on processes (64), file
    size and disk (64 MiB, 256 MiB) and open files. A cell that raises or runs out of time is
    reported and the following cells still run; a notebook that dies, or exceeds its own time
    limit, keeps the results it had. Every other notebook is graded as if it were alone.

    Without bubblewrap, grading stops with a message that says how to install it (exit status 2);
    ``--no-isolation`` grades anyway, without a sandbox (only for notebooks you trust), and every
    report says "not isolated".

    Grading is reproducible: a code question's random cases come from a seed derived from a class
    salt, the submission's path (relative to the folder given) and the question, so a regrade
    gives the same report and no submission can know its cases in advance. The salt is a file
    (``--salt FILE``; default ``class-salt.txt`` beside the ``--output`` report, or in the
    current folder), created on first use: keep it, and keep it from the students. The whole
    notebook runs instead of the statements its answers need when the planner cannot prove what
    they need, or when the planned run left an answer unevaluated or raising; the table, and the
    ``ran_whole`` column, say so and why.

    ``--jobs N`` grades N notebooks at once (default: the number of CPUs); ``--scheduler ADDRESS``
    grades on a Dask distributed cluster instead (the optional ``cluster`` extra), each worker
    with the same sandbox, and gives the same report.

    Output: a table per notebook with a total (default), or ``--format json`` / ``--format csv``
    with one row per notebook and question (a notebook without any result still gets one row;
    the column ``isolation`` says how it ran). ``--output FILE`` writes the report to FILE
    atomically (the table is then also printed). ``--feedback DIR`` also writes one Markdown file
    per notebook (each question's verdict, score, feedback and hint). A progress line that counts
    notebooks goes to stderr (``--quiet`` turns it off).

    Exit status: 0 whenever grading ran, whatever the scores and even if notebooks failed; 2 for a
    usage error (no such path, no notebook found, bad option) or when no sandbox can be made.

``release SOURCE OUT``
    Writes student copies of the notebooks under SOURCE into OUT: the worked solutions removed,
    the outputs cleared, the exercises' placeholders and ``check`` calls kept
    (:mod:`exercises._release`).

``list``
    Prints the question bank (``--chapter`` to select one chapter, ``--format json`` for data).

>>> main(["list", "--chapter", "regression"])  # doctest: +ELLIPSIS
regression (Regression losses)
  regression.outlier_loss  single  1 pt  ...
0
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import csv
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from . import _core
from ._isolation import Limits, SandboxUnavailable, probe
from ._release import release_notebook, solutions
from ._result import Result
from ._submission import (
    NotebookReport,
    Options,
    grade_notebook_data,
    grade_submission,
    isolation_name,
    read_notebook,
)
from ._values import fmt_number, fmt_score

#: Columns of the JSON/CSV reports: the notebook's, then every field of a :class:`Result`.
FIELDS = ("notebook", "notebook_status", "problems", "isolation", "ran_whole", *Result.__slots__)


def report_rows(rep: NotebookReport) -> list[dict[str, Any]]:
    """The rows of one notebook in the JSON/CSV reports."""
    base = {
        "notebook": rep.path,
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


# ----------------------------------------------------------------------------- reports


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
        out.append(f"== {rep.path}: {_STATES[rep.status]}{ran}")
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


class _Bar:
    """A one-line progress bar on stderr (a line per notebook when stderr is not a terminal)."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total = total
        self.stream = stream
        self.enabled = enabled
        self.tty = enabled and hasattr(stream, "isatty") and stream.isatty()

    def update(self, done: int, name: str) -> None:
        if not self.enabled:
            return
        width = 20
        filled = int(width * done / max(self.total, 1))
        bar = "#" * filled + "-" * (width - filled)
        line = f"[{bar}] {done}/{self.total} {name}".rstrip()
        if self.tty:
            self.stream.write("\r" + line[:110].ljust(110))
        else:
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
    g.add_argument(
        "--time-limit",
        type=float,
        default=600.0,
        help="time limit per notebook in seconds (default 600)",
    )
    g.add_argument(
        "--memory",
        default="2GiB",
        help="memory limit per notebook, e.g. 2GiB, 512MiB (default 2GiB)",
    )
    g.add_argument(
        "--no-isolation",
        action="store_true",
        help="run the notebooks without a sandbox (only for notebooks you trust)",
    )
    g.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help="notebooks graded at once (default: the number of CPUs)",
    )
    g.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on a Dask distributed cluster (e.g. tcp://10.0.0.5:8786); needs the "
        "'cluster' extra and bubblewrap on every worker",
    )
    g.add_argument("--format", choices=("table", "json", "csv"), default="table")
    g.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    g.add_argument(
        "--feedback", metavar="DIR", help="also write one readable feedback file per notebook"
    )
    g.add_argument(
        "--salt",
        metavar="FILE",
        help="the class salt that fixes each submission's random cases (created if missing; "
        "default: class-salt.txt beside --output, or in the current folder)",
    )
    g.add_argument("--quiet", "-q", action="store_true", help="no progress line")
    rel = sub.add_parser(
        "release", help="write student copies of notebooks, without the worked solutions"
    )
    rel.add_argument("source", metavar="SOURCE", help="a notebook, or a folder of notebooks")
    rel.add_argument("out", metavar="OUT", help="the folder to write the student copies into")
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


def parse_size(text: str) -> int:
    """``"2GiB"``, ``"512MiB"``, ``"2G"``, ``"1500000000"`` as a number of bytes.

    >>> parse_size("2GiB"), parse_size("512M"), parse_size("1000")
    (2147483648, 536870912, 1000)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", str(text), re.IGNORECASE)
    if not m:
        raise UsageError(f"--memory: not a size: {text!r} (e.g. 2GiB or 512MiB)")
    factor = 1024 ** " KMGT".index(m.group(2).upper() or " ")
    return int(float(m.group(1)) * factor)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new one, never half."""
    path = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


SALT_FILE = "class-salt.txt"


def class_salt(args: argparse.Namespace, stderr: TextIO) -> str:
    """The class salt: read from ``--salt`` (or the default file), created there on first use."""
    if args.salt:
        path = Path(args.salt)
    else:
        path = (Path(args.output).parent if args.output else Path.cwd()) / SALT_FILE
    if path.exists():
        try:
            salt = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--salt: cannot read {path}: {exc}") from None
        if not salt:
            raise UsageError(f"--salt: {path} is empty")
        return salt
    salt = os.urandom(32).hex()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, salt + "\n")
    except OSError as exc:
        raise UsageError(f"--salt: cannot create {path}: {exc}") from None
    stderr.write(
        f"Created the class salt {path}: keep it (and keep it from the students); grading "
        "with it again draws the same random cases.\n"
    )
    return salt


def submission_keys(paths: Sequence[str], notebooks: Sequence[Path]) -> dict[Path, str]:
    """What seeds each notebook's cases: its path relative to the folder it was found under (its
    file name when given directly), so a regrade from another folder draws the same cases.

    >>> submission_keys(["subs"], [Path("subs/alice/regression.ipynb")])
    {PosixPath('subs/alice/regression.ipynb'): 'alice/regression.ipynb'}
    """
    keys: dict[Path, str] = {}
    for nb in notebooks:
        for raw in paths:
            root = Path(raw)
            if root.suffix != ".ipynb" and nb.is_relative_to(root):
                keys[nb] = nb.relative_to(root).as_posix()
                break
        else:
            keys[nb] = nb.name
    return keys


def _options(args: argparse.Namespace, salt: str = "") -> Options:
    if args.timeout <= 0 or args.time_limit <= 0:
        raise UsageError("--timeout and --time-limit must be positive")
    memory = parse_size(args.memory)
    if memory < 256 * 1024**2:
        raise UsageError("--memory: at least 256MiB (Python and numpy need about 100 MiB)")
    limits = Limits(memory=memory, cpu_seconds=int(args.time_limit) + 30)
    return Options(
        cell_timeout=args.timeout,
        time_limit=args.time_limit,
        limits=limits,
        isolated=not args.no_isolation,
        salt=salt,
    )


def _grade(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    notebooks = find_notebooks(args.paths)
    options = _options(args)  # usage errors, and a sandbox that cannot run, before a salt is made
    if options.isolated:
        try:
            probe(options.limits)
        except SandboxUnavailable as exc:
            raise UsageError(str(exc)) from None
    options = _options(args, class_salt(args, stderr))
    keys = submission_keys(args.paths, notebooks)
    header = describe_isolation(options)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    bar = _Bar(len(notebooks), stderr, not args.quiet)
    if args.scheduler:
        reports = _grade_on_cluster(args.scheduler, notebooks, keys, options, bar)
    else:
        reports = _grade_here(notebooks, keys, options, args.jobs, bar)
    bar.close()
    table = format_table(reports, header)
    if args.format == "table":
        report = table
    elif args.format == "json":
        report = format_json(reports)
    else:
        report = format_csv(reports)
    if not report.endswith("\n"):
        report += "\n"
    if args.output:
        write_atomically(Path(args.output), report)
        stdout.write(table + "\n")
    else:
        stdout.write(report)
    if args.feedback:
        folder = Path(args.feedback)
        for name, text in feedback_files(reports, header).items():
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(folder / name, text)
    return 0


def _grade_here(
    notebooks: Sequence[Path], keys: dict[Path, str], options: Options, jobs: int, bar: _Bar
) -> list[NotebookReport]:
    """Grade on this machine, ``jobs`` notebooks at once, each in its own sandbox.

    The grading process mostly waits for the sandboxes, so threads are enough here.
    """
    reports: list[NotebookReport | None] = [None] * len(notebooks)
    bar.update(0, "")
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(grade_submission, nb, options, keys.get(nb)): i
            for i, nb in enumerate(notebooks)
        }
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            i = futures[future]
            reports[i] = future.result()
            bar.update(done, notebooks[i].name)
    return [r for r in reports if r is not None]


def _grade_on_cluster(
    address: str,
    notebooks: Sequence[Path],
    keys: dict[Path, str],
    options: Options,
    bar: _Bar,
) -> list[NotebookReport]:
    """Grade on a Dask distributed cluster; each worker grades in sandboxes of its own.

    The notebooks are read here and sent as bytes, so the workers need no shared folder; a worker
    returns the same :class:`NotebookReport` a local run makes.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError(
            "--scheduler needs dask.distributed: pip install '.[cluster]' (or 'distributed')"
        ) from None
    reports: list[NotebookReport | None] = [None] * len(notebooks)
    try:
        client = Client(address, timeout=30)
    except OSError as exc:
        raise UsageError(f"--scheduler: cannot reach {address}: {exc}") from None
    bar.update(0, "")
    done = 0
    with client:
        futures = {}
        for i, nb in enumerate(notebooks):
            try:
                data = read_notebook(nb)
            except (OSError, ValueError):
                reports[i] = grade_submission(nb, options)  # reports it as unreadable
                done += 1
                continue
            future = client.submit(
                grade_notebook_data, str(nb), data, options, keys.get(nb), pure=False
            )
            futures[future] = i
        for future in as_completed(list(futures)):
            i = futures[future]
            try:
                reports[i] = future.result()
            except Exception as exc:  # the worker failed, not the notebook
                rep = NotebookReport(str(notebooks[i]), isolation=isolation_name(options))
                rep.status = "sandbox error"
                rep.problems.append(f"the worker could not grade it: {type(exc).__name__}: {exc}")
                reports[i] = rep
            done += 1
            bar.update(done, notebooks[i].name)
    return [r for r in reports if r is not None]


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


def _release(args: argparse.Namespace, stdout: TextIO) -> int:
    source = Path(args.source)
    out = Path(args.out)
    notebooks = find_notebooks([args.source])
    folder = source if source.is_dir() else source.parent
    if out.resolve() == folder.resolve():
        raise UsageError("OUT must not be the folder the notebooks are in")
    for nb_path in notebooks:
        try:
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"not a notebook: {nb_path}: {exc}") from None
        target = out / nb_path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        released = json.dumps(release_notebook(nb), indent=1, ensure_ascii=False) + "\n"
        write_atomically(target, released)
        n = len(solutions(nb))
        stdout.write(f"{target}: {n} worked solution(s) removed, outputs cleared\n")
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
        if args.command == "release":
            return _release(args, stdout)
        return _grade(args, stdout, stderr)
    except UsageError as exc:
        stderr.write(f"python -m exercises: error: {exc}\n")
        return 2
