"""Command line: ``python -m exercises grade PATH...``, ``release SOURCE OUT`` and ``list``.

``grade``
    Grades each given notebook (each ``*.ipynb`` under a folder, skipping checkpoints, ``_build``
    and hidden folders): the notebook is only read;
    the statements its answers need (not its figures and experiments: see
    :mod:`exercises.teacher.plan`) run in a bubblewrap sandbox of their own (:mod:`exercises.sandbox`);
    every ``check(question_id, answer)`` there sends its answer as plain data, and the score is
    computed here, by the same grading as a reader's ``check`` (:mod:`exercises.teacher.session`).
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
    with one row per notebook and question (with the answer and the misconceptions it shows,
    ``mistake``), or ``--format canvas`` (with ``--roster``): a gradebook CSV that Canvas
    imports, one row per student and one column per chapter. ``--report class.html`` also writes
    the teacher's report: one offline HTML file with the class at a glance, a students ×
    questions grid, and per question its misconceptions, commonest wrong answers and copy
    signals, worst questions first (:mod:`exercises.teacher.class_report`). The JSON and CSV
    reports have one row per notebook and question (a notebook without any result still gets one row;
    the column ``isolation`` says how it ran). ``--output FILE`` writes the report to FILE
    atomically (the table is then also printed). ``--feedback DIR`` also writes one Markdown file
    per notebook (each question's verdict, score, feedback and hint). A progress line that counts
    notebooks goes to stderr (``--quiet`` turns it off).

    ``--roster roster.csv`` (the roster the class was released with) grades each notebook on the
    numbers of the student its folder or file name matches, never on the notebook's metadata (a
    difference is reported); the reports gain the student and each question's parameters, and
    a wrong answer that is a classmate's key is flagged in the teacher's report (``copy_of``),
    not in the feedback files. With a roster the class salt defaults to ``class-salt.txt``
    beside the roster.

    Exit status: 0 whenever grading ran, whatever the scores and even if notebooks failed; 2 for a
    usage error (no such path, no notebook found, bad option, a bad roster) or when no sandbox
    can be made.

``release SOURCE OUT``
    Writes student copies of the notebooks under SOURCE into OUT: the worked solutions removed,
    the outputs cleared, the exercises' placeholders and ``check`` calls kept
    (:mod:`exercises.teacher.release`). With ``--roster roster.csv``, one folder per student
    (``OUT/<student>/``) whose questions show that student's numbers, from the class salt
    (``--salt FILE``, default ``class-salt.txt`` beside the roster, created on first use: keep it
    for grading, and keep it from the students).

``list``
    Prints the question bank (``--chapter`` to select one chapter, ``--format json`` for data).

This module only parses the command line and prints; the work is :mod:`exercises.teacher`'s.

>>> main(["list", "--chapter", "regression"])  # doctest: +ELLIPSIS
regression (Regression losses)
  regression.outlier_loss  single  1 pt  ...
0
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import bank, teacher
from .render.numbers import fmt_number


class UsageError(Exception):
    """A command line that cannot be run as given (exit status 2)."""


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
    g.add_argument(
        "--format",
        choices=("table", "json", "csv", "canvas"),
        default="table",
        help="the report's form (canvas: a gradebook CSV Canvas imports; needs --roster)",
    )
    g.add_argument(
        "--report",
        metavar="HTML",
        help="also write the class report: one offline HTML file (misconceptions, a grid, ...)",
    )
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
    g.add_argument(
        "--roster",
        metavar="CSV",
        help="the class roster (a 'student' column): grade each notebook on its student's numbers",
    )
    g.add_argument("--quiet", "-q", action="store_true", help="no progress line")
    rel = sub.add_parser(
        "release", help="write student copies of notebooks, without the worked solutions"
    )
    rel.add_argument("source", metavar="SOURCE", help="a notebook, or a folder of notebooks")
    rel.add_argument("out", metavar="OUT", help="the folder to write the student copies into")
    rel.add_argument(
        "--roster",
        metavar="CSV",
        help="the class roster (a 'student' column): one folder per student, with their numbers",
    )
    rel.add_argument(
        "--salt",
        metavar="FILE",
        help="the class salt (created if missing; default: class-salt.txt beside the roster)",
    )
    ls = sub.add_parser("list", help="print the question bank")
    ls.add_argument("--chapter", choices=bank.CHAPTERS)
    ls.add_argument("--format", choices=("table", "json"), default="table")
    return parser


def _list(args: argparse.Namespace, stdout: TextIO) -> int:
    qs = bank.all_questions(args.chapter)
    if args.format == "json":
        stdout.write(json.dumps([q.info() for q in qs], indent=2, ensure_ascii=False) + "\n")
        return 0
    width = max(len(q.id) for q in qs)
    chapter = None
    for q in qs:
        if q.chapter != chapter:
            chapter = q.chapter
            stdout.write(f"{chapter} ({bank.CHAPTER_TITLES[chapter]})\n")
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


def salt_path(args: argparse.Namespace) -> Path:
    """``--salt``, or ``class-salt.txt`` beside the roster, or beside the ``--output`` report,
    or in the current folder."""
    if args.salt:
        return Path(args.salt)
    if getattr(args, "roster", None):
        return Path(args.roster).parent / teacher.SALT_FILE
    output = getattr(args, "output", None)
    return (Path(output).parent if output else Path.cwd()) / teacher.SALT_FILE


def _announce_salt(path: Path, created: bool, stderr: TextIO) -> None:
    if created:
        stderr.write(
            f"Created the class salt {path}: keep it (and keep it from the students); "
            "grading with it again draws the same random cases (and, with a roster, gives "
            "the same students' numbers).\n"
        )


def _options(args: argparse.Namespace, salt: str = "") -> teacher.Options:
    if args.timeout <= 0 or args.time_limit <= 0:
        raise UsageError("--timeout and --time-limit must be positive")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    memory = parse_size(args.memory)
    if memory < 256 * 1024**2:
        raise UsageError("--memory: at least 256MiB (Python and numpy need about 100 MiB)")
    limits = teacher.Limits(memory=memory, cpu_seconds=int(args.time_limit) + 30)
    return teacher.Options(
        cell_timeout=args.timeout,
        time_limit=args.time_limit,
        limits=limits,
        isolated=not args.no_isolation,
        salt=salt,
    )


def _grade(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    notebooks = teacher.find_notebooks(args.paths)
    roster = teacher.read_roster(args.roster) if args.roster else None
    if args.format == "canvas" and roster is None:
        raise UsageError("--format canvas needs --roster (the gradebook's columns come from it)")
    # usage errors, and a sandbox that cannot run, before a salt is made
    teacher.require_sandbox(_options(args))
    if roster is not None and not args.salt and not salt_path(args).exists():
        raise UsageError(
            f"--roster: no class salt at {salt_path(args)}; grade with the salt the class was "
            "released with (--salt FILE)"
        )
    salt, created = teacher.class_salt(salt_path(args))
    _announce_salt(salt_path(args), created, stderr)
    options = _options(args, salt)
    header = teacher.describe_isolation(options)
    bar = teacher.ProgressLine(len(notebooks), stderr, not args.quiet)
    reports = teacher.grade_notebooks(
        args.paths,
        options,
        jobs=args.jobs,
        scheduler=args.scheduler,
        progress=bar,
        roster=roster,
    )
    table = teacher.format_table(reports, header)
    if args.format == "table":
        report = table
    elif args.format == "json":
        report = teacher.format_json(reports)
    elif args.format == "canvas":
        report = teacher.format_canvas(reports, roster or [])
    else:
        report = teacher.format_csv(reports)
    if not report.endswith("\n"):
        report += "\n"
    if args.output:
        teacher.write_atomically(Path(args.output), report)
        stdout.write(table + "\n")
    else:
        stdout.write(report)
    if args.report:
        page = teacher.class_report(reports, header, roster=roster)
        teacher.write_atomically(Path(args.report), page)
    if args.feedback:
        folder = Path(args.feedback)
        for name, text in teacher.feedback_files(reports, header).items():
            folder.mkdir(parents=True, exist_ok=True)
            teacher.write_atomically(folder / name, text)
    return 0


def _release(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    def written(target: Path, n: int) -> None:
        stdout.write(f"{target}: {n} worked solution(s) removed, outputs cleared\n")

    if not args.roster:
        if args.salt:
            raise UsageError("--salt is for a release with --roster")
        teacher.release(args.source, args.out, on_written=written)
        return 0
    roster = teacher.read_roster(args.roster)
    salt, created = teacher.class_salt(salt_path(args))
    _announce_salt(salt_path(args), created, stderr)
    teacher.release(args.source, args.out, on_written=written, roster=roster, salt=salt)
    stdout.write(
        f"Released for {len(roster)} student(s), each with their own numbers; grade with "
        f"--roster {args.roster} and the class salt {salt_path(args)}.\n"
    )
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
            return _release(args, stdout, stderr)
        return _grade(args, stdout, stderr)
    except (UsageError, teacher.TeacherError) as exc:
        stderr.write(f"python -m exercises: error: {exc}\n")
        return 2
