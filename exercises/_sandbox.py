"""Run a reader's function on a list of cases without letting it crash or hang the grader.

How it works (Linux and macOS):

- the function is run in a child process made with :mod:`multiprocessing`'s ``"fork"`` context,
  so it needs no pickling and works for functions defined in a notebook;
- in the child, ``sys.stdout``/``sys.stderr`` are replaced by a bounded buffer and file
  descriptors 1 and 2 point to ``os.devnull``, so printing (even from C code) never reaches the
  notebook; the grader only notes *that* something was printed;
- each case gets a deep copy of its arguments, so a function that modifies its inputs cannot change
  later cases (and, being in another process, cannot change the grader's data at all);
- each return value is converted in the child by :func:`exercises._values.to_float_array` (so a
  hostile object's methods run only there) and sent back as a plain float64 array;
- the parent waits at most ``timeout`` seconds for the *whole* run, then kills the child; the case
  that was running is reported as timed out and the following ones as not run. A child that dies
  (``os._exit``, a segfault) is reported the same way.

Where ``fork`` is not available (Windows), the function runs in a daemon thread instead: output is
captured and the time limit is enforced; on timeout the thread is stopped by an exception raised
inside it (which ends a pure-Python loop; a single C call that never returns keeps its thread busy
in the background until the interpreter exits).

>>> outcomes, printed = run_cases(lambda x: x * 2, [(1.0,), (2.0,)], timeout=5)
>>> [o.status for o in outcomes], [float(o.value) for o in outcomes], printed
(['ok', 'ok'], [2.0, 4.0], False)
"""

from __future__ import annotations

import contextlib
import copy
import io
import multiprocessing as mp
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._values import to_float_array

#: Largest array (in elements) a reader's function may return; beyond it the result is rejected.
MAX_RESULT_SIZE = 1_000_000
_MAX_CAPTURE = 100_000


@dataclass
class Outcome:
    """What happened on one case.

    ``status`` is ``"ok"`` (``value`` holds a float64 array), ``"invalid"`` (the return value is
    not a number; ``message`` says what it was), ``"error"`` (the function raised; ``message``
    names the exception), ``"timeout"``, ``"crashed"`` (the process running it died) or
    ``"not_run"`` (an earlier case used up the time).
    """

    status: str
    value: np.ndarray | None = None
    message: str = ""


class _Capture(io.TextIOBase):
    """A write-only text stream that keeps at most ``_MAX_CAPTURE`` characters."""

    def __init__(self) -> None:
        self.n = 0
        self.parts: list[str] = []

    def writable(self) -> bool:
        return True

    def write(self, s: Any) -> int:
        s = str(s)
        if self.n < _MAX_CAPTURE:
            self.parts.append(s[: _MAX_CAPTURE - self.n])
        self.n += len(s)
        return len(s)


def _describe_exception(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        text = ""
    text = " ".join(text.split())
    if len(text) > 300:
        text = text[:297] + "..."
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def _evaluate(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any, str]:
    """Call ``fn`` on copies of ``args``; return a picklable ``(status, value, message)``."""
    try:
        with np.errstate(all="ignore"):
            out = fn(*copy.deepcopy(args))
    except BaseException as exc:  # SystemExit, KeyboardInterrupt, RecursionError, ... all count
        return "error", None, _describe_exception(exc)
    try:
        arr, why = to_float_array(out)
    except BaseException as exc:
        return (
            "invalid",
            None,
            f"returned a value that could not be read ({_describe_exception(exc)})",
        )
    if arr is None:
        return "invalid", None, why
    if arr.size > MAX_RESULT_SIZE:
        return "invalid", None, f"returned a very large array (shape {arr.shape})"
    return "ok", arr, ""


def _child(fn: Callable[..., Any], cases: Sequence[tuple[Any, ...]], conn: Any) -> None:
    code = 0
    try:
        capture = _Capture()
        sys.stdout = sys.stderr = capture
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
        for i, args in enumerate(cases):
            status, value, message = _evaluate(fn, args)
            conn.send(("case", i, status, value, message))
        conn.send(("done", capture.n))
    except BaseException:
        code = 1
    finally:
        with contextlib.suppress(BaseException):
            conn.close()
        os._exit(code)


def fork_available() -> bool:
    """True when reader code can run in a forked child process."""
    return "fork" in mp.get_all_start_methods()


def run_cases(
    fn: Callable[..., Any],
    cases: Sequence[tuple[Any, ...]],
    timeout: float,
    *,
    use_fork: bool | None = None,
) -> tuple[list[Outcome], bool]:
    """Run ``fn(*args)`` for every ``args`` in ``cases`` within ``timeout`` seconds in total.

    Returns one :class:`Outcome` per case and whether the function printed anything.
    """
    if use_fork is None:
        use_fork = fork_available()
    runner = _run_forked if use_fork else _run_threaded
    return runner(fn, list(cases), max(float(timeout), 0.01))


def _collect(
    outcomes: list[Outcome | None],
    msg: Any,
) -> bool | None:
    """Store one message from the runner; return True when the run is complete."""
    if not isinstance(msg, tuple) or not msg:
        return None
    if msg[0] == "case" and len(msg) == 5:
        _, i, status, value, message = msg
        if (
            isinstance(i, int)
            and 0 <= i < len(outcomes)
            and status in ("ok", "invalid", "error")
            and (value is None or (isinstance(value, np.ndarray) and value.dtype == np.float64))
        ):
            outcomes[i] = Outcome(str(status), value, str(message))
        return None
    if msg[0] == "done":
        return True
    return None


def _finish(outcomes: list[Outcome | None], reason: str, message: str) -> list[Outcome]:
    """Mark the first missing case with ``reason`` and the rest as not run."""
    done: list[Outcome] = []
    first = True
    for o in outcomes:
        if o is not None:
            done.append(o)
        elif first:
            done.append(Outcome(reason, None, message))
            first = False
        else:
            done.append(Outcome("not_run", None, "not run: the time limit was already used up"))
    return done


def _timeout_message(timeout: float) -> str:
    return (
        f"did not return within the time limit ({timeout:g} s for the whole check); "
        "is there an infinite loop?"
    )


def _run_forked(
    fn: Callable[..., Any], cases: list[tuple[Any, ...]], timeout: float
) -> tuple[list[Outcome], bool]:
    ctx = mp.get_context("fork")
    recv_conn, send_conn = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, cases, send_conn), daemon=True)
    outcomes: list[Outcome | None] = [None] * len(cases)
    printed = False
    deadline = time.monotonic() + timeout
    with warnings.catch_warnings():
        # Python >= 3.12 warns that forking a multi-threaded process (a Jupyter kernel) may
        # deadlock; the child only runs the reader's function and exits with os._exit.
        warnings.simplefilter("ignore", DeprecationWarning)
        proc.start()
    send_conn.close()
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not recv_conn.poll(remaining):
                return _finish(outcomes, "timeout", _timeout_message(timeout)), printed
            try:
                msg = recv_conn.recv()
            except (EOFError, OSError):
                proc.join(1)
                code = proc.exitcode
                why = f"exit code {code}" if code is not None and code >= 0 else "killed"
                return (
                    _finish(outcomes, "crashed", f"ended the Python process running it ({why})"),
                    printed,
                )
            except Exception:  # an unpicklable or corrupt message
                continue
            if _collect(outcomes, msg):
                printed = bool(msg[1]) if len(msg) > 1 and isinstance(msg[1], int) else False
                return _finish(outcomes, "crashed", "gave no result"), printed
    finally:
        recv_conn.close()
        if proc.is_alive():
            proc.kill()
        proc.join(2)
        with contextlib.suppress(Exception):
            proc.close()


class _Stop(BaseException):
    """Raised inside a reader's thread that ran out of time (see :func:`_stop_thread`)."""


def _stop_thread(thread: threading.Thread) -> None:
    """Ask CPython to raise :class:`_Stop` in ``thread`` at its next bytecode.

    This ends a pure-Python infinite loop; a thread stuck inside one long C call (a huge numpy
    operation, ``time.sleep``) stops only when that call returns.
    """
    with contextlib.suppress(Exception):  # not CPython, or the thread already ended
        import ctypes

        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(_Stop)
        )


def _run_threaded(
    fn: Callable[..., Any], cases: list[tuple[Any, ...]], timeout: float
) -> tuple[list[Outcome], bool]:
    outcomes: list[Outcome | None] = [None] * len(cases)
    capture = _Capture()
    finished = threading.Event()
    stopped = threading.Event()

    def work() -> None:
        try:
            for i, args in enumerate(cases):
                if stopped.is_set():
                    return
                status, value, message = _evaluate(fn, args)
                if stopped.is_set():  # the stop may have landed inside the reader's code
                    return
                outcomes[i] = Outcome(status, value, message)
            finished.set()
        except _Stop:
            return

    with contextlib.redirect_stdout(capture), contextlib.redirect_stderr(capture):
        thread = threading.Thread(target=work, daemon=True, name="exercises-reader-code")
        thread.start()
        finished.wait(timeout)
    if not finished.is_set():
        stopped.set()
        _stop_thread(thread)
        return _finish(list(outcomes), "timeout", _timeout_message(timeout)), capture.n > 0
    return [o for o in outcomes if o is not None], capture.n > 0
