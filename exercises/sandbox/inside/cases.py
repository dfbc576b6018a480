"""Run a reader's function on a list of cases without letting it crash or hang the grader.

How it works (Linux and macOS):

- the function is run in a child process made with :mod:`multiprocessing`'s ``"fork"`` context,
  so it needs no pickling and works for functions defined in a notebook;
- in the child, ``sys.stdout``/``sys.stderr`` are replaced by a bounded buffer and file
  descriptors 1 and 2 point to ``os.devnull``, so printing (even from C code) never reaches the
  notebook; the grader only notes *that* something was printed;
- each case gets a deep copy of its arguments, so a function that modifies its inputs cannot change
  later cases (and, being in another process, cannot change the grader's data at all);
- each return value is converted in the child by :func:`~exercises.sandbox.inside.values.to_float_array`
  (so a hostile object's methods run only there) and sent back as a plain float64 array;
- the parent waits at most ``timeout`` seconds for the *whole* run, then kills the child; the case
  that was running is reported as timed out and the following ones as not run. A child that dies
  (``os._exit``, a segfault) is reported the same way;
- while the function runs, the course's functions the question asks the reader to write
  (``stand_ins``, e.g. ``losses.huber``) are replaced, wherever the course's modules hold them, by
  stand-ins that raise; :func:`held_stand_in` finds an answer that is or holds one of them (itself,
  a global it uses, a closure, a default, a ``functools.partial``...) before it runs. The rest of
  the course stays usable: ``from losses import log_softmax`` in an InfoNCE answer is fine.

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
import functools
import importlib
import io
import itertools
import multiprocessing as mp
import os
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .values import to_float_array

#: Largest array (in elements) a reader's function may return; beyond it the result is rejected.
MAX_RESULT_SIZE = 1_000_000
_MAX_CAPTURE = 100_000
#: The course's packages whose modules may hold a function a question asks the reader to write.
_COURSE_PACKAGES = ("losses", "course")
#: Marks a stand-in (its value is the qualified name it stands for).
STAND_IN_MARK = "__losscourse_stand_in__"
_MAX_VISITS = 5_000


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


class Capture(io.TextIOBase):
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


def describe_exception(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        text = ""
    text = " ".join(text.split())
    if len(text) > 300:
        text = text[:297] + "..."
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


# ----------------------------------------------------------------------------- stand-ins


def stand_in_message(name: str) -> str:
    """Why an answer may not use ``name`` (the same words in ``check()`` and in grading)."""
    return (
        f"{name} is the function this exercise asks you to write, so it is not available while "
        "your answer runs"
    )


def _resolve(names: Sequence[str]) -> list[tuple[str, Any]]:
    """``(name, function)`` for each named course function that can be imported here."""
    found = []
    for name in names:
        module_name, _, attr = str(name).rpartition(".")
        if module_name.split(".")[0] not in _COURSE_PACKAGES:
            continue
        try:
            module = sys.modules.get(module_name) or importlib.import_module(module_name)
            obj = getattr(module, attr)
        except Exception:
            continue
        if getattr(obj, STAND_IN_MARK, None) is None:
            found.append((name, obj))
    return found


def _make_stand_in(name: str) -> Callable[..., Any]:
    def stand_in(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(stand_in_message(name))

    stand_in.__name__ = stand_in.__qualname__ = name.rsplit(".", 1)[-1]
    setattr(stand_in, STAND_IN_MARK, name)
    return stand_in


@contextlib.contextmanager
def standing_in(names: Sequence[str]) -> Iterator[None]:
    """Replace the named course functions by stand-ins in every module of the course's packages
    that holds them (``losses.huber`` is also ``losses.regression.huber``); restored on exit."""
    patched: list[tuple[types.ModuleType, str, Any]] = []
    try:
        for name, real in _resolve(names):
            stand_in = _make_stand_in(name)
            for module_name, module in list(sys.modules.items()):
                if module_name.split(".")[0] not in _COURSE_PACKAGES or module is None:
                    continue
                for attr, value in list(vars(module).items()):
                    if value is real:
                        setattr(module, attr, stand_in)
                        patched.append((module, attr, real))
        yield
    finally:
        for module, attr, value in reversed(patched):
            with contextlib.suppress(Exception):
                setattr(module, attr, value)


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def held_stand_in(fn: Any, names: Sequence[str]) -> str | None:
    """The name of the course function in ``names`` that ``fn`` is or holds, else None.

    "Holds" follows what a call of ``fn`` can reach: a bound method's function and object, a
    ``functools.partial``'s function and arguments, a function's defaults, closure, wrapped
    function (``functools.wraps``) and the globals its code names (a module among them through
    the attributes its code names: ``losses.huber(...)``), a callable object's ``__call__`` and
    attributes, and the items of containers among those, recursively.

    >>> import losses
    >>> def mine(y, p, d):
    ...     return losses.huber(y, p, delta=d)
    >>> held_stand_in(mine, ["losses.huber"]), held_stand_in(print, ["losses.huber"])
    ('losses.huber', None)
    """
    targets = {id(obj): name for name, obj in _resolve(names)}
    if not targets:
        return None
    seen: set[int] = set()
    stack: list[Any] = [fn]
    try:
        while stack and len(seen) < _MAX_VISITS:
            obj = stack.pop()
            if id(obj) in targets:
                return targets[id(obj)]
            if id(obj) in seen or _in_a_library(obj):
                continue
            seen.add(id(obj))
            stack.extend(_reachable(obj))
    except Exception:  # a hostile object: whatever it hides, its calls meet the stand-ins
        return None
    return None


def _library_roots() -> tuple[str, ...]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    return tuple(os.path.realpath(r) + os.sep for r in roots if r)


def _in_a_library(obj: Any) -> bool:
    """True for code installed in the Python environment (numpy, the standard library) and for
    the course's own modules: what they reach is theirs, not the answer's (a call into them meets
    the stand-ins anyway)."""
    if isinstance(obj, types.ModuleType):
        return False  # its attributes are looked at by name only (see _module_attributes)
    if isinstance(
        obj, functools.partial | types.MethodType | list | tuple | set | frozenset | dict
    ):
        return False  # what they hold decides
    module_name = getattr(obj, "__module__", None)
    if not isinstance(module_name, str):
        return not isinstance(obj, types.FunctionType | functools.partial | types.MethodType)
    if module_name.split(".")[0] in _COURSE_PACKAGES:
        return True
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    return isinstance(path, str) and os.path.realpath(path).startswith(_library_roots())


def _reachable(obj: Any) -> list[Any]:
    """The objects a call of ``obj`` may use (see :func:`held_stand_in`)."""
    if isinstance(obj, functools.partial):
        return [obj.func, *obj.args, *obj.keywords.values()]
    if isinstance(obj, types.MethodType):
        return [obj.__func__, obj.__self__]
    if isinstance(obj, list | tuple | set | frozenset):
        return list(itertools.islice(obj, 200))
    if isinstance(obj, dict):
        return list(itertools.islice(obj.values(), 200))
    if isinstance(obj, types.FunctionType):
        out: list[Any] = [*(obj.__defaults__ or ()), *(obj.__kwdefaults__ or {}).values()]
        for cell in obj.__closure__ or ():
            with contextlib.suppress(ValueError):
                out.append(cell.cell_contents)
        wrapped = obj.__dict__.get("__wrapped__")
        if wrapped is not None:
            out.append(wrapped)
        names = _code_names(obj.__code__)
        for name in names:
            if name in obj.__globals__:
                value = obj.__globals__[name]
                out.append(value)
                if isinstance(value, types.ModuleType):
                    out.extend(_module_attributes(value, names))
        return out
    if isinstance(obj, type | types.ModuleType | types.BuiltinFunctionType):
        return []
    call = type(obj).__dict__.get("__call__")
    out = [call] if call is not None else []
    with contextlib.suppress(Exception):
        out.extend(itertools.islice(vars(obj).values(), 200))
    return out


def _module_attributes(module: types.ModuleType, names: set[str], depth: int = 0) -> list[Any]:
    """The attributes of ``module`` a code's names may reach (``losses.regression.huber``)."""
    out = []
    for name in names:
        value = module.__dict__.get(name)
        if value is None:
            continue
        if isinstance(value, types.ModuleType):
            if depth < 3:
                out.extend(_module_attributes(value, names, depth + 1))
        else:
            out.append(value)
    return out


def run_answer(
    fn: Callable[..., Any],
    cases: Sequence[tuple[Any, ...]],
    timeout: float,
    stand_ins: Sequence[str] = (),
) -> tuple[list[Outcome], bool, str | None]:
    """How a code answer is run, in ``check()`` and in the grading sandbox alike.

    Returns the outcomes, whether the function printed, and the name of the course function it
    holds (see :func:`held_stand_in`; then nothing ran and the outcomes are empty).
    """
    held = held_stand_in(fn, stand_ins)
    if held is not None:
        return [], False, held
    outcomes, printed = run_cases(fn, cases, timeout, stand_ins=stand_ins)
    return outcomes, printed, None


# ----------------------------------------------------------------------------- running


def _evaluate(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any, str]:
    """Call ``fn`` on copies of ``args``; return a picklable ``(status, value, message)``."""
    try:
        with np.errstate(all="ignore"):
            out = fn(*copy.deepcopy(args))
    except BaseException as exc:  # SystemExit, KeyboardInterrupt, RecursionError, ... all count
        return "error", None, describe_exception(exc)
    try:
        arr, why = to_float_array(out)
    except BaseException as exc:
        return (
            "invalid",
            None,
            f"returned a value that could not be read ({describe_exception(exc)})",
        )
    if arr is None:
        return "invalid", None, why
    if arr.size > MAX_RESULT_SIZE:
        return "invalid", None, f"returned a very large array (shape {arr.shape})"
    return "ok", arr, ""


def _child(
    fn: Callable[..., Any], cases: Sequence[tuple[Any, ...]], stand_ins: Sequence[str], conn: Any
) -> None:
    code = 0
    try:
        capture = Capture()
        sys.stdout = sys.stderr = capture
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
        with standing_in(stand_ins):
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
    stand_ins: Sequence[str] = (),
    use_fork: bool | None = None,
) -> tuple[list[Outcome], bool]:
    """Run ``fn(*args)`` for every ``args`` in ``cases`` within ``timeout`` seconds in total,
    with the course functions named in ``stand_ins`` replaced by stand-ins meanwhile.

    Returns one :class:`Outcome` per case and whether the function printed anything.
    """
    if use_fork is None:
        use_fork = fork_available()
    runner = _run_forked if use_fork else _run_threaded
    return runner(fn, list(cases), max(float(timeout), 0.01), tuple(stand_ins))


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
    fn: Callable[..., Any],
    cases: list[tuple[Any, ...]],
    timeout: float,
    stand_ins: tuple[str, ...] = (),
) -> tuple[list[Outcome], bool]:
    ctx = mp.get_context("fork")
    recv_conn, send_conn = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, cases, stand_ins, send_conn), daemon=True)
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
    fn: Callable[..., Any],
    cases: list[tuple[Any, ...]],
    timeout: float,
    stand_ins: tuple[str, ...] = (),
) -> tuple[list[Outcome], bool]:
    outcomes: list[Outcome | None] = [None] * len(cases)
    capture = Capture()
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

    with (
        standing_in(stand_ins),
        contextlib.redirect_stdout(capture),
        contextlib.redirect_stderr(capture),
    ):
        thread = threading.Thread(target=work, daemon=True, name="exercises-reader-code")
        thread.start()
        finished.wait(timeout)
    if not finished.is_set():
        stopped.set()
        _stop_thread(thread)
        return _finish(list(outcomes), "timeout", _timeout_message(timeout)), capture.n > 0
    return [o for o in outcomes if o is not None], capture.n > 0
