"""Grade one handed-in notebook: plan, run in the sandbox, score here.

The score is computed in this process, never where the submission's code runs:

1. the notebook is read (never written) and planned (:mod:`exercises.teacher.plan`): only the statements
   its answers need will run, or the whole notebook when the planner cannot prove what they need
   (and again whole when the planned run leaves an answer unevaluated or raising: see
   :func:`grade_notebook_data`);
2. the runner (:mod:`exercises.sandbox.inside.runner`) runs them in a sandbox
   (:mod:`exercises.sandbox.bubblewrap`);
   each ``check(question_id, answer)`` there sends the answer as plain data (a string, a number, a
   list, an array as numbers) and waits;
3. here the answer is graded by the same :func:`exercises.scoring.grade` as in a reader's
   notebook, so the feedback, hints and partial credit are the same. For a code answer the cases
   are drawn here (from a seed made of the class salt, the submission and the question:
   :meth:`Options.rng`), sent to the sandbox, and only the numbers the function returned come
   back; expected values, known mistakes and the comparison stay here;
4. nothing is sent back but "continue": a submission learns nothing about its score while it runs.

The notebook sees the real ``losses`` and ``course``; while a code answer runs, the functions its
question asks the reader to write are stand-ins, and an answer that is or holds one scores 0 with
the message ``check()`` gives (:func:`exercises.sandbox.inside.cases.run_answer`, run in the
sandbox).

When a question is checked several times the last answer counts. A question whose ``check`` call
is in the notebook but never ran (its cell failed, timed out, or was not valid Python) gets a row
with 0 points and the reason.

Answers travel as tagged plain data (:mod:`exercises.sandbox.inside.protocol`), rebuilt here
with the same meaning.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import bank
from ..sandbox.bubblewrap import (
    ChannelClosed,
    ChannelTimeout,
    Limits,
    Sandbox,
    SandboxUnavailable,
)
from ..sandbox.inside import protocol as wire
from ..sandbox.inside.cases import Outcome
from ..sandbox.inside.protocol import ProtocolError
from ..scoring import DEFAULT_TIMEOUT, Result, grade
from ..scoring.numeric import answer_to_float
from .plan import Plan, make_plan, whole_plan
from .release import METADATA_KEY

#: Seconds allowed, beyond a limit the sandbox enforces itself, for its messages to arrive.
GRACE = 5.0
#: Largest notebook file read.
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024

ISOLATED = "bubblewrap sandbox"
NOT_ISOLATED = "not isolated"


@dataclass(frozen=True)
class Options:
    """How to grade a class (the same for every submission)."""

    cell_timeout: float = 120.0
    """Seconds one cell may run (``--timeout``)."""
    time_limit: float = 600.0
    """Seconds the whole submission may take (``--time-limit``)."""
    limits: Limits = field(default_factory=Limits)
    """The sandbox's resource limits: memory, processes, file size, open files, CPU time."""
    isolated: bool = True
    """False only with ``--no-isolation``: the notebooks then run with the teacher's rights."""
    salt: str = ""
    """The class salt that fixes each submission's random cases (:meth:`rng`); empty: fresh
    cases on every grading. With a roster, it also fixes each student's numbers
    (:attr:`variant_salt`)."""

    @property
    def variant_salt(self) -> str:
        """The salt of the students' variants, made from the class salt
        (:func:`exercises.bank.variant_salt`): what a student's released copy carries."""
        return bank.variant_salt(self.salt)

    def rng(self, submission: str, question_id: str) -> np.random.Generator | None:
        """The generator of a code question's random cases for one submission.

        Seeded from SHA-256 of the class salt, the submission's name and the question id: the
        same on every regrade and every machine, unknown to a submission (it never sees the salt).

        >>> a = Options(salt="s").rng("alice/regression.ipynb", "q").integers(1 << 30)
        >>> b = Options(salt="s").rng("alice/regression.ipynb", "q").integers(1 << 30)
        >>> c = Options(salt="t").rng("alice/regression.ipynb", "q").integers(1 << 30)
        >>> bool(a == b), bool(a == c), Options().rng("x", "q") is None
        (True, False, True)
        """
        if not self.salt:
            return None
        key = "\0".join((self.salt, submission, question_id)).encode()
        return np.random.default_rng(int.from_bytes(hashlib.sha256(key).digest(), "big"))


@dataclass
class NotebookReport:
    """The grading of one notebook."""

    path: str
    """The notebook's path, as the teacher named it."""
    status: str = "ok"
    """``"ok"`` (every cell that ran finished), ``"errors"`` (some cell raised), ``"timeout"``
    (a cell, or the whole notebook, exceeded its time limit), ``"died"`` (the process running it
    ended), ``"unreadable"`` (not a notebook) or ``"sandbox error"`` (the sandbox could not run
    it)."""
    problems: list[str] = field(default_factory=list)
    """What went wrong while it ran, one line each (the cell, and the error or limit)."""
    results: list[Result] = field(default_factory=list)
    """One verdict per question checked in the notebook (the last ``check`` of each counts)."""
    isolation: str = ISOLATED
    """How it ran: :data:`ISOLATED` or :data:`NOT_ISOLATED`."""
    cells_run: int = 0
    """Code cells that ran (those the answers need, or all of them when it ran whole)."""
    cells_total: int = 0
    """Code cells in the notebook."""
    ran_whole: str = ""
    """Empty when only the statements the answers need ran; else why the whole notebook ran
    (its verdicts are then the ones reported)."""
    student: str = ""
    """The student it was graded as (from the roster; empty without one). Their numbers are
    the ones graded."""
    variants: dict[str, str] = field(default_factory=dict)
    """The parameters each question with variants had for this student (question id ->
    ``"r=5, delta=2"``); the book's when graded without a roster."""
    answers: dict[str, float] = field(default_factory=dict)
    """The number handed in for each numeric question (what the copy signal compares)."""
    copies: dict[str, str] = field(default_factory=dict)
    """Question id -> the other student whose key equals this wrong answer (the teacher's
    report only: see :func:`exercises.teacher.copies.flag_copies`)."""

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.results)


# ----------------------------------------------------------------------------- reading


def read_notebook(path: Path) -> bytes:
    """The bytes of a notebook file, which is opened read-only and never written."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
    return data


def code_cells(data: bytes) -> list[tuple[int, str]]:
    """The code cells ``(index, source)`` of a notebook's bytes.

    The notebook is read as JSON (nbformat 4, and the ``worksheets`` of nbformat 3); anything else
    raises ``ValueError``.
    """
    nb = json.loads(data.decode("utf-8"))
    if not isinstance(nb, dict):
        raise ValueError("not a notebook (no cells)")
    cells = nb.get("cells")
    if cells is None and isinstance(nb.get("worksheets"), list) and nb["worksheets"]:
        cells = nb["worksheets"][0].get("cells")
    if not isinstance(cells, list):
        raise ValueError("not a notebook (no cells)")
    found = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list):
            source = "".join(str(s) for s in source)
        found.append((index, str(source)))
    return found


def _cell_label(index: int, source: str) -> str:
    first = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
    if len(first) > 50:
        first = first[:47] + "..."
    return f"cell {index + 1}" + (f" ({first})" if first else "")


class _RemoteFunction:
    """The submission's function, which only the sandbox can call (see ``_Session.run_cases``)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - never called here
        raise RuntimeError("a submitted function runs only in its sandbox")


# ----------------------------------------------------------------------------- one submission


class _Broken(Exception):
    """The session with the sandbox cannot go on (``status`` and ``reason`` say why)."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class _Session:
    def __init__(
        self,
        box: Sandbox,
        plan: Plan,
        options: Options,
        report: NotebookReport,
        key: str,
        student: str = "",
    ):
        self.key = key
        self.student = student
        self.box = box
        self.plan = plan
        self.options = options
        self.report = report
        self.started = time.monotonic()
        self.results: dict[str, tuple[int, Result]] = {}
        self.cell_errors: dict[int, str] = {}
        self.cells_started: set[int] = set()
        self.current: int | None = None
        self.sources = {c.index: c.source for c in plan.cells}
        self.code_errors: set[str] = set()

    # -- deadlines

    def _deadline(self, seconds: float) -> float:
        whole = self.started + self.options.time_limit
        return min(time.monotonic() + seconds, whole)

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn a failure of the channel into the reason this notebook's grading ends."""
        try:
            yield
        except ChannelTimeout:
            raise self._timed_out() from None
        except ChannelClosed:
            raise self._died() from None
        except ProtocolError as exc:
            raise _Broken("died", f"the notebook broke the grading protocol ({exc})") from None
        except SandboxUnavailable as exc:
            raise _Broken("sandbox error", str(exc)) from None

    def _receive(self, seconds: float) -> dict[str, Any]:
        with self._guard():
            return self.box.receive(self._deadline(seconds))

    def _send(self, message: dict[str, Any]) -> None:
        with self._guard():
            self.box.send(message, self._deadline(GRACE + 10))

    def _where(self) -> str:
        if self.current is None:
            return "before any cell ran"
        return _cell_label(self.current, self.sources.get(self.current, ""))

    def _timed_out(self) -> _Broken:
        if time.monotonic() >= self.started + self.options.time_limit - 0.01:
            why = f"the notebook exceeded its time limit ({self.options.time_limit:g} s in all)"
        else:
            why = f"did not finish within {self.options.cell_timeout:g} s"
        return _Broken("timeout", f"{self._where()}: {why}; the rest was not run")

    def _died(self) -> _Broken:
        with_time = 0.0
        while self.box.proc.poll() is None and with_time < 2:
            time.sleep(0.05)
            with_time += 0.05
        return _Broken(
            "died",
            f"{self._where()}: the process running the notebook ended "
            f"({self.box.exit_description()}); the rest was not run",
        )

    # -- the run

    def run(self) -> None:
        cells = [
            {"i": c.index, "source": c.source, "statements": c.statements} for c in self.plan.cells
        ]
        with self._guard():
            self.box.start(cells, self.options.cell_timeout, self._deadline(60))
        planned = set(self.sources)
        while True:
            message = self._receive(self.options.cell_timeout + GRACE)
            kind = message["t"]
            if kind == wire.CELL and message.get("i") in planned:
                self.current = int(message["i"])
                self.cells_started.add(self.current)
            elif kind == wire.CELL_END and message.get("i") == self.current:
                error = message.get("error")
                if isinstance(error, str) and self.current is not None:
                    error = " ".join(error.split())[:300]
                    self.cell_errors[self.current] = error
                    where = _cell_label(self.current, self.sources[self.current])
                    self.report.problems.append(f"{where}: {error}")
            elif kind == wire.ANSWER:
                self._answer(message)
            elif kind == wire.DONE:
                return
            else:
                raise _Broken("died", f"the notebook broke the grading protocol ({kind!r})")

    def _answer(self, message: dict[str, Any]) -> None:
        qid = message.get("qid")
        try:
            q = _version(qid if isinstance(qid, str) else "", self.options, self.student)
        except KeyError as exc:
            self._send({"t": wire.ERROR, "message": str(exc.args[0])})
            return
        answer = wire.decode_answer(message.get("answer"))
        code = message.get("code")
        timeout = message.get("timeout")
        if not isinstance(timeout, int | float) or not math.isfinite(timeout) or timeout <= 0:
            timeout = DEFAULT_TIMEOUT
        timeout = min(float(timeout), self.options.cell_timeout)
        ran = False
        if q.kind == "code" and isinstance(code, dict):
            if code.get("placeholder") is True:
                result = grade(q, ...)
            else:
                seen: list[Outcome] = []

                def run(
                    fn: Any, cases: list[tuple[Any, ...]], seconds: float, stand_ins: Any
                ) -> Any:
                    nonlocal ran
                    ran = True
                    outcomes, printed, held = self._run_cases(cases, seconds, stand_ins)
                    seen.extend(outcomes)
                    return outcomes, printed, held

                result = grade(
                    q,
                    _RemoteFunction(),
                    timeout=timeout,
                    run=run,
                    rng=self.options.rng(self.key, q.id),
                )
                # the function raised on some case (a name it needs missing, say): the planned run
                # may have left out what a whole run gives it
                if not result.passed and any(o.status == "error" for o in seen):
                    self.code_errors.add(q.id)
        else:
            result = grade(q, answer, timeout=timeout)
        if not ran:
            self._send({"t": wire.CONTINUE})
        cell = self.current if self.current is not None else -1
        self.results.pop(q.id, None)
        self.results[q.id] = (cell, result)
        self.report.answers.pop(q.id, None)
        if q.kind == "numeric":
            value, _ = answer_to_float(answer)
            if value is not None and math.isfinite(value):
                self.report.answers[q.id] = value

    def _run_cases(
        self, cases: list[tuple[Any, ...]], seconds: float, stand_ins: tuple[str, ...]
    ) -> tuple[list[Outcome], bool, str | None]:
        self._send(
            {
                "t": wire.RUN,
                "cases": [wire.encode_args(args) for args in cases],
                "timeout": seconds,
                "stand_ins": list(stand_ins),
            }
        )
        message = self._receive(seconds + GRACE)
        held = message.get("held")
        if message.get("t") == wire.OUTCOMES and held is not None:
            # the answer is or holds a stand-in (a submission can only lose by saying so)
            if held not in stand_ins:
                raise _Broken("died", "the notebook broke the grading protocol (held)")
            return [], False, held
        try:
            outcomes, printed = wire.decode_outcomes(message, len(cases))
        except ProtocolError as exc:
            raise _Broken("died", f"the notebook broke the grading protocol ({exc})") from None
        return outcomes, printed, None


def _missing(q: bank.Question, cell: int, plan: Plan, session: _Session | None) -> Result:
    """The row of a question whose check call never ran, with the reason."""
    label = f"cell {cell + 1}"
    if cell in plan.unrunnable:
        why = f"{label} was not run: {plan.unrunnable[cell]}"
    elif session is not None and cell in session.cell_errors:
        why = f"{label} stopped with {session.cell_errors[cell]} before this check ran"
    elif session is None or cell not in session.cells_started:
        why = f"{label} was not run (see the notebook's problems)"
    else:
        why = f"the check call in {label} did not run"
    return Result(
        q.id, q.chapter, q.kind, "failed", 0.0, q.points, f"Could not be evaluated: {why}."
    )


def _version(question_id: str, options: Options, student: str) -> bank.Question:
    """The version of a question a submission is graded on: the student's, else the book's."""
    if not student:
        return bank.get_question(question_id)
    return bank.variant(question_id, options.variant_salt, student)


def grade_submission(
    path: Path, options: Options, key: str | None = None, student: str = ""
) -> NotebookReport:
    """Grade one notebook file in its own sandbox; never raises because of the notebook.

    ``key`` names the submission in the seed of its random cases (default: the path);
    ``student`` (from the roster) chooses the numbers its answers are graded on."""
    try:
        data = read_notebook(path)
    except (OSError, ValueError) as exc:
        report = NotebookReport(str(path), isolation=isolation_name(options))
        report.status = "unreadable"
        report.problems.append(f"could not read the notebook: {type(exc).__name__}: {exc}"[:300])
        return report
    return grade_notebook_data(str(path), data, options, key, student)


def isolation_name(options: Options) -> str:
    return ISOLATED if options.isolated else NOT_ISOLATED


def grade_notebook_data(
    name: str, data: bytes, options: Options, key: str | None = None, student: str = ""
) -> NotebookReport:
    """Grade a notebook given as bytes (``name`` labels the report; ``key``, default ``name``,
    seeds its random cases with the class salt; ``student``, from the roster, chooses the
    numbers it is graded on): what a Dask worker runs.

    The planned statements run first (:func:`exercises._plan.make_plan`). The notebook runs again
    whole, and the whole run's verdicts are final for every question, when the plan says it
    cannot prove what the answers need, or when the planned run left an answer unevaluated or
    raising (a cell error, a question whose check did not run, a handed-in function that raised):
    a whole run might not have. A planned run that timed out or died is not run again: everything
    it ran a whole run runs too, in the same order.
    """
    report = NotebookReport(name, isolation=isolation_name(options))
    try:
        cells = code_cells(data)
    except Exception as exc:
        report.status = "unreadable"
        report.problems.append(f"could not read the notebook: {type(exc).__name__}: {exc}"[:300])
        return report
    plan = make_plan(cells)
    key = name if key is None else key
    attempt, session = _attempt(name, key, plan, options, student)
    if plan.whole is None:
        why = _why_run_whole(plan, attempt, session)
        if why is not None:
            plan = whole_plan(cells, why)
            attempt, session = _attempt(name, key, plan, options, student)
    attempt.ran_whole = plan.whole or ""
    if student:
        claimed = claimed_student(data)
        if claimed is not None and claimed != student:
            attempt.problems.append(
                f"the notebook's metadata names the student {claimed!r}; graded as {student!r}, "
                "the roster's student for this file"
            )
    return attempt


def claimed_student(data: bytes) -> str | None:
    """The student a released copy's metadata names (never trusted: grading takes the student
    from the roster and reports a difference), or None."""
    try:
        meta = json.loads(data.decode("utf-8")).get("metadata", {}).get(METADATA_KEY, {})
        claimed = meta.get("student")
    except (AttributeError, ValueError):
        return None
    return claimed[:100] if isinstance(claimed, str) else None


def _attempt(
    name: str, key: str, plan: Plan, options: Options, student: str = ""
) -> tuple[NotebookReport, _Session | None]:
    """One run of ``plan`` in a sandbox of its own, and the report it gives."""
    report = NotebookReport(name, isolation=isolation_name(options), student=student)
    report.cells_total = plan.n_code_cells
    report.cells_run = len(plan.cells)
    for index, why in plan.unrunnable.items():
        if index in plan.question_cells.values():
            report.problems.append(f"cell {index + 1} was not run: {why}")
    session: _Session | None = None
    if plan.cells:
        try:
            with Sandbox(isolated=options.isolated, limits=options.limits) as box:
                session = _Session(box, plan, options, report, key, student)
                try:
                    session.run()
                except _Broken as broken:
                    report.status = broken.status
                    report.problems.append(broken.reason)
        except (OSError, SandboxUnavailable) as exc:
            report.status = "sandbox error"
            report.problems.append(f"could not start the sandbox: {exc}"[:300])
    if report.status == "ok" and session is not None and session.cell_errors:
        report.status = (
            "timeout" if any("time limit" in e for e in session.cell_errors.values()) else "errors"
        )
    found = dict(session.results) if session is not None else {}
    rows: list[tuple[int, int, Result]] = []
    for n, (cell, result) in enumerate(found.values()):
        rows.append((cell, n, result))
    for qid, cell in plan.question_cells.items():
        if qid in found:
            continue
        try:
            q = bank.get_question(qid)
        except KeyError:
            continue
        rows.append((cell, len(rows), _missing(q, cell, plan, session)))
    report.results = [r for _, _, r in sorted(rows, key=lambda t: (t[0], t[1]))]
    for r in report.results:
        if bank.parametric(r.question_id) is not None:
            salt = options.variant_salt if student else ""
            report.variants[r.question_id] = bank.variant_label(r.question_id, salt, student)
    return report, session


def _why_run_whole(plan: Plan, attempt: NotebookReport, session: _Session | None) -> str | None:
    """Why a planned run's verdicts cannot stand (see :func:`grade_notebook_data`), or None."""
    if session is None or attempt.status in ("timeout", "died", "sandbox error"):
        return None
    for index, error in session.cell_errors.items():
        return f"in the planned run, cell {index + 1} raised {error.split(':')[0]}"
    for qid, cell in plan.question_cells.items():
        if qid not in session.results and cell not in plan.unrunnable:
            return f"in the planned run, the check of {qid} (cell {cell + 1}) did not run"
    for qid in sorted(session.code_errors):
        return f"in the planned run, the function handed in for {qid} raised"
    return None
