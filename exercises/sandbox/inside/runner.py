"""The program that runs one handed-in notebook inside the grading sandbox.

The class grader (:mod:`exercises.teacher.session`) starts it as ``python -I`` inside bubblewrap
(:mod:`exercises.sandbox.bubblewrap`) with only this folder, :mod:`exercises.sandbox.inside`,
copied into the sandbox as a package named ``graderlib``. The rest of :mod:`exercises`, which
holds the answer keys, stays outside. This folder imports only the standard library, numpy,
itself and, when a cell uses IPython syntax, IPython (``tests/test_architecture.py`` enforces it).

Nothing here is trusted by the grader: the submission's code runs in this process and may replace
any of it. The grader computes every score itself, from the plain data this program sends.

What it does, in order:

1. reads the plan (one JSON line on stdin): the cells to run (as Python, IPython syntax already
   turned into ``get_ipython()`` calls by the planner, as IPython itself does), the statements of
   each to run, the limits;
2. drops privileges (when started as root inside the sandbox's user namespace) and sets its
   resource limits (memory, processes, file size, open files, CPU time), which nothing it runs can
   raise again;
3. makes ``exercises`` a recorder whose ``check(question_id, answer)`` sends the answer as data.
   The course's other packages (``losses``, ``course``) are the real ones, as in a reader's
   kernel; while a code answer runs, the functions its question asks the reader to write are
   stand-ins (:func:`~exercises.sandbox.inside.cases.run_answer`, the same code as in
   ``check()``);
4. moves its protocol to private file descriptors and points 0, 1 and 2 at ``/dev/null``, so what
   the notebook prints never mixes with the protocol (it is captured and ignored);
5. runs the planned statements cell by cell in one namespace, each cell under a time limit, and
   reports how each cell ended. That namespace is an IPython shell's (created when a cell first
   calls ``get_ipython()``), so magics (``%%time``, ``%timeit -o``, ``%%writefile``...) and shell
   lines run as in Jupyter; the working folder is on ``sys.path``, as in a kernel.

The messages are those of :mod:`~exercises.sandbox.inside.protocol`.

In the notebook, ``check`` returns only a note that the answer was recorded:

>>> Recorded("regression.outlier_loss")
answer to regression.outlier_loss recorded for grading
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib.abc
import importlib.machinery
import os
import resource
import signal
import sys
import types
from typing import Any

from . import protocol as wire
from .cases import Capture, describe_exception, run_answer
from .values import is_placeholder


class _CellTimeout(BaseException):
    """Raised in a cell that ran out of time (a BaseException, so ``except Exception`` misses it)."""


# ----------------------------------------------------------------------------- the protocol


class _Channel:
    """The runner's end of the channel: blocking reads and writes on two file descriptors."""

    def __init__(self, fd_in: int, fd_out: int) -> None:
        self._in = os.fdopen(fd_in, "rb", buffering=0)
        self._out = os.fdopen(fd_out, "wb", buffering=0)
        self._reader = wire.LineReader()

    def send(self, **message: Any) -> None:
        view = memoryview(wire.frame(message))
        while view:
            n = self._out.write(view)
            view = view[n:]

    def receive(self) -> dict[str, Any]:
        while (message := self._reader.pop()) is None:
            chunk = self._in.read(1 << 16)
            if not chunk:
                raise EOFError("the grader closed the channel")
            self._reader.feed(chunk)
        return message


_protocol: _Channel | None = None
_current_cell = -1


# ----------------------------------------------------------------------------- check


class Recorded:
    """What ``check`` returns while a notebook is graded: the verdict is the grader's, not ours."""

    def __init__(self, question_id: str) -> None:
        self.question_id = question_id

    def __repr__(self) -> str:
        return f"answer to {self.question_id} recorded for grading"


def check(question_id: Any, answer: Any, *, timeout: float = 10.0) -> Recorded:
    """The grading stand-in for :func:`exercises.check`: send the answer, run cases if asked."""
    assert _protocol is not None
    message: dict[str, Any] = {
        "t": wire.ANSWER,
        "qid": wire.short(question_id) if isinstance(question_id, str) else repr(question_id)[:200],
        "cell": _current_cell,
        "answer": wire.encode_answer(answer),
    }
    with contextlib.suppress(Exception):
        message["timeout"] = float(timeout)
    if callable(answer):
        message["code"] = {"placeholder": bool(is_placeholder(answer))}
    # The exchange with the grader must not be cut by the cell's alarm.
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        _protocol.send(**message)
        reply = _protocol.receive()
        if reply.get("t") == wire.ERROR:
            raise KeyError(reply.get("message", "unknown question id"))
        if reply.get("t") == wire.RUN:
            cases = [wire.decode_args(c) for c in reply["cases"]]
            stand_ins = [str(n) for n in reply.get("stand_ins", [])]
            outcomes, printed, held = run_answer(answer, cases, float(reply["timeout"]), stand_ins)
            _protocol.send(
                t=wire.OUTCOMES, printed=printed, held=held, outcomes=wire.encode_outcomes(outcomes)
            )
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    return Recorded(str(question_id))


# ----------------------------------------------------------------------------- the recorder


class _Recorder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``exercises`` (and its submodules) before anything else: a module whose ``check``
    records; the bank, its keys and its references are not in the sandbox."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname.split(".")[0] == "exercises":
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: Any) -> types.ModuleType:
        module = types.ModuleType(spec.name)
        module.__path__ = []  # type: ignore[attr-defined]
        if spec.name == "exercises":
            module.check = check  # type: ignore[attr-defined]
            for name in ("quiz", "progress", "reset_progress", "another", "student"):
                setattr(module, name, lambda *a, **k: None)
            module.questions = lambda *a, **k: []  # type: ignore[attr-defined]
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


def _shell(namespace: dict[str, Any]) -> Any:
    """The IPython shell whose namespace is ``namespace``, made on first use."""
    global _the_shell
    if _the_shell is None:
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        class _Shell(InteractiveShell):
            def enable_gui(self, gui: Any = None) -> None:
                """No event loop to hook into here (``%matplotlib inline`` asks for none)."""

        config = Config()
        config.HistoryManager.enabled = False
        _the_shell = _Shell.instance(config=config, user_ns=namespace)
    return _the_shell


_the_shell: Any = None


# ----------------------------------------------------------------------------- limits


def _drop_privileges(uid: int | None) -> None:
    """Become ``uid`` (the sandbox's unprivileged user) when started as root in its namespace."""
    if uid is None or os.getuid() != 0:
        return
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:  # pragma: no cover - the kernel refused
        raise SystemExit("could not drop privileges")


def _set_limits(limits: dict[str, int]) -> None:
    for name, value in limits.items():
        which = getattr(resource, name)
        resource.setrlimit(which, (value, value))


# ----------------------------------------------------------------------------- running cells


def _on_alarm(signum: int, frame: Any) -> None:
    raise _CellTimeout


def _run_cell(cell: dict[str, Any], namespace: dict[str, Any], seconds: float) -> str | None:
    """Run the planned statements of one cell; the error as text, or None."""
    label = f"<cell {cell['i'] + 1}>"
    try:
        tree = ast.parse(cell["source"], filename=label)
        body = [tree.body[j] for j in cell["statements"] if 0 <= j < len(tree.body)]
        code = compile(ast.Module(body=body, type_ignores=[]), label, "exec")
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
        try:
            exec(code, namespace)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _CellTimeout:
        return f"did not finish within the time limit ({seconds:g} s)"
    except BaseException as exc:  # SystemExit and KeyboardInterrupt end the cell, not the run
        return describe_exception(exc)
    return None


def main() -> None:
    global _protocol, _current_cell
    plan_in, plan_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdin = open(os.devnull)  # noqa: SIM115 (lives as long as the process)
    sys.stdout = sys.stderr = Capture()
    _protocol = _Channel(plan_in, plan_out)

    plan = _protocol.receive()
    _drop_privileges(plan.get("uid"))
    _set_limits(plan.get("limits", {}))
    sys.meta_path.insert(0, _Recorder())
    for name in list(sys.modules):
        if name.split(".")[0] == "exercises":
            del sys.modules[name]
    sys.path.insert(1, os.getcwd())  # the working folder, as in a kernel (%%writefile, import)
    signal.signal(signal.SIGALRM, _on_alarm)
    _protocol.send(t=wire.HELLO, uid=os.getuid(), python=sys.version.split()[0])

    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    namespace["display"] = lambda *a, **k: None  # IPython's display(), harmless here
    namespace["get_ipython"] = lambda: _shell(namespace)
    for cell in plan["cells"]:
        _current_cell = int(cell["i"])
        _protocol.send(t=wire.CELL, i=_current_cell)
        error = _run_cell(cell, namespace, float(plan["cell_timeout"]))
        _protocol.send(t=wire.CELL_END, i=_current_cell, error=error)
    _protocol.send(t=wire.DONE)
