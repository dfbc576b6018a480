"""Grading a class: many notebooks, here (threads) or on a Dask distributed cluster.

Each notebook is graded as if it were alone, in a sandbox of its own
(:func:`exercises.teacher.session.grade_submission`); the grading process mostly waits for the
sandboxes, so threads are enough on one machine. On a cluster the notebooks are read here and
sent as bytes, so the workers need no shared folder, and a worker returns the same report a local
run makes.

A progress line written where it is not a terminal gives a line per notebook:

>>> import io
>>> out = io.StringIO()
>>> bar = ProgressLine(2, out)
>>> bar.update(1, "alice.ipynb")
>>> print(out.getvalue().strip())
[##########----------] 1/2 alice.ipynb
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..sandbox.bubblewrap import SandboxUnavailable, probe
from .copies import flag_copies
from .files import TeacherError, find_notebooks, submission_keys
from .roster import Student, match_student
from .session import (
    NotebookReport,
    Options,
    grade_notebook_data,
    grade_submission,
    isolation_name,
    read_notebook,
)


def require_sandbox(options: Options) -> None:
    """Start one empty sandbox (unless ``options`` ask for none); :class:`TeacherError` with the
    reason and how to install bubblewrap if that fails."""
    if options.isolated:
        try:
            probe(options.limits)
        except SandboxUnavailable as exc:
            raise TeacherError(str(exc)) from None


def grade_notebooks(
    paths: Sequence[str | Path],
    options: Options | None = None,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: ProgressLine | None = None,
    roster: Sequence[Student] | None = None,
) -> list[NotebookReport]:
    """Grade every notebook named by ``paths`` (notebooks, or folders searched for ``*.ipynb``)
    and return one :class:`~exercises.teacher.session.NotebookReport` each, in a stable order.

    ``options`` sets the limits, the isolation and the class salt (default: :class:`Options`,
    in a sandbox, with an empty salt); ``jobs`` notebooks are graded at once, or, with
    ``scheduler`` (a Dask scheduler's address), on that cluster. Raises :class:`TeacherError` if
    no notebook is found. Call :func:`require_sandbox` first to learn whether sandboxes can run
    at all (else each notebook is reported as a sandbox error).

    With a ``roster`` (:func:`~exercises.teacher.roster.read_roster`), each notebook is graded on
    the numbers of the student its folder or file name matches
    (:func:`~exercises.teacher.roster.match_student`; the notebook's own metadata is never
    trusted, and a difference is reported), and a wrong numeric answer that equals another
    student's key is flagged (:func:`~exercises.teacher.copies.flag_copies`).
    """
    options = options or Options()
    if jobs < 1:
        raise TeacherError("--jobs must be at least 1")
    raw = [str(p) for p in paths]
    notebooks = find_notebooks(raw)
    keys = submission_keys(raw, notebooks)
    students: dict[Path, str] = {}
    if roster is not None:
        for nb in notebooks:
            found = match_student(keys[nb], list(roster))
            students[nb] = found.student if found is not None else ""
    bar = progress or ProgressLine(len(notebooks), None, enabled=False)
    if scheduler:
        reports = _grade_on_cluster(scheduler, notebooks, keys, options, bar, students)
    else:
        reports = _grade_here(notebooks, keys, options, jobs, bar, students)
    bar.close()
    if roster is not None:
        for nb, rep in zip(notebooks, reports, strict=True):
            if not students[nb]:
                rep.problems.append(
                    "no student of the roster matches this file's folder or name: graded on "
                    "the book's numbers"
                )
        flag_copies(reports, [s.student for s in roster], options.variant_salt)
    return reports


def _grade_here(
    notebooks: Sequence[Path],
    keys: dict[Path, str],
    options: Options,
    jobs: int,
    bar: ProgressLine,
    students: dict[Path, str],
) -> list[NotebookReport]:
    """Grade on this machine, ``jobs`` notebooks at once, each in its own sandbox.

    The grading process mostly waits for the sandboxes, so threads are enough here.
    """
    reports: list[NotebookReport | None] = [None] * len(notebooks)
    bar.update(0, "")
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(grade_submission, nb, options, keys.get(nb), students.get(nb, "")): i
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
    bar: ProgressLine,
    students: dict[Path, str],
) -> list[NotebookReport]:
    """Grade on a Dask distributed cluster; each worker grades in sandboxes of its own.

    The notebooks are read here and sent as bytes, so the workers need no shared folder; a worker
    returns the same :class:`NotebookReport` a local run makes.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise TeacherError(
            "--scheduler needs dask.distributed: pip install '.[cluster]' (or 'distributed')"
        ) from None
    reports: list[NotebookReport | None] = [None] * len(notebooks)
    try:
        client = Client(address, timeout=30)
    except OSError as exc:
        raise TeacherError(f"--scheduler: cannot reach {address}: {exc}") from None
    bar.update(0, "")
    done = 0
    with client:
        futures = {}
        for i, nb in enumerate(notebooks):
            try:
                data = read_notebook(nb)
            except (OSError, ValueError):
                # reports it as unreadable
                reports[i] = grade_submission(nb, options, student=students.get(nb, ""))
                done += 1
                continue
            future = client.submit(
                grade_notebook_data,
                str(nb),
                data,
                options,
                keys.get(nb),
                students.get(nb, ""),
                pure=False,
            )
            futures[future] = i
        for future in as_completed(list(futures)):
            i = futures[future]
            try:
                reports[i] = future.result()
            except Exception as exc:  # the worker failed, not the notebook
                rep = NotebookReport(
                    str(notebooks[i]),
                    isolation=isolation_name(options),
                    student=students.get(notebooks[i], ""),
                )
                rep.status = "sandbox error"
                rep.problems.append(f"the worker could not grade it: {type(exc).__name__}: {exc}")
                reports[i] = rep
            done += 1
            bar.update(done, notebooks[i].name)
    return [r for r in reports if r is not None]


class ProgressLine:
    """A one-line progress bar on stderr (a line per notebook when stderr is not a terminal)."""

    def __init__(self, total: int, stream: TextIO | None, enabled: bool = True) -> None:
        self.total = total
        self.stream = stream
        self.enabled = enabled and stream is not None
        self.tty = self.enabled and hasattr(stream, "isatty") and stream.isatty()

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
