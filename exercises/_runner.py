"""The program that runs one handed-in notebook inside the grading sandbox.

The class grader (:mod:`exercises._submission`) starts it as ``python -I`` inside bubblewrap
(:mod:`exercises._isolation`) with only three files of this package beside it, copied into a
folder named ``graderlib``: this one (as ``graderlib/__init__.py``), ``_sandbox.py`` and
``_values.py``. The rest of the package, which holds the answer keys, stays outside the sandbox.
This module imports only the standard library, numpy, those two files and, when a cell uses
IPython syntax, IPython.

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
   stand-ins (:func:`exercises._sandbox.run_answer`, the same code as in ``check()``);
4. moves its protocol to private file descriptors and points 0, 1 and 2 at ``/dev/null``, so what
   the notebook prints never mixes with the protocol (it is captured and ignored);
5. runs the planned statements cell by cell in one namespace, each cell under a time limit, and
   reports how each cell ended. That namespace is an IPython shell's (created when a cell first
   calls ``get_ipython()``), so magics (``%%time``, ``%timeit -o``, ``%%writefile``...) and shell
   lines run as in Jupyter; the working folder is on ``sys.path``, as in a kernel.

The protocol is one JSON object per line. From here to the grader: ``hello``, ``cell`` (a cell
starts), ``cell_end`` (with the error, if any), ``answer`` (a ``check`` call), ``outcomes`` (the
values a code answer returned on the grader's cases, or the course function it holds) and
``done``. From the grader: the plan, then one reply per ``answer``: ``continue``, ``error`` (an
unknown question id) or ``run`` (cases for a code answer and the stand-ins, answered by
``outcomes``).

An answer becomes tagged plain data (a function only says that it is one):

>>> encode_answer(["a", "c"])
{'t': 'seq', 'kind': 'list', 'v': [{'t': 'str', 'v': 'a'}, {'t': 'str', 'v': 'c'}]}
>>> encode_answer(np.float32(0.25)), encode_answer(print)
({'t': 'array', 'shape': [], 'data': [0.25]}, {'t': 'object', 'type': 'function'})
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib.abc
import importlib.machinery
import json
import os
import resource
import signal
import sys
import types
from typing import Any

import numpy as np

from ._sandbox import _Capture, _describe_exception, run_answer
from ._values import is_placeholder, to_float_array

#: Largest answer array sent back as numbers (a numeric answer is one number).
_MAX_ANSWER_ELEMENTS = 10_000
_MAX_TEXT = 10_000


class _CellTimeout(BaseException):
    """Raised in a cell that ran out of time (a BaseException, so ``except Exception`` misses it)."""


# ----------------------------------------------------------------------------- the protocol


class _Protocol:
    def __init__(self, fd_in: int, fd_out: int) -> None:
        self._in = os.fdopen(fd_in, "rb", buffering=0)
        self._out = os.fdopen(fd_out, "wb", buffering=0)
        self._buffer = b""

    def send(self, **message: Any) -> None:
        data = (json.dumps(message, allow_nan=True) + "\n").encode()
        view = memoryview(data)
        while view:
            n = self._out.write(view)
            view = view[n:]

    def receive(self) -> dict[str, Any]:
        while b"\n" not in self._buffer:
            chunk = self._in.read(1 << 16)
            if not chunk:
                raise EOFError("the grader closed the channel")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)


_protocol: _Protocol | None = None
_current_cell = -1


# ----------------------------------------------------------------------------- answers as data


def _short(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT]


def encode_answer(x: Any, depth: int = 0) -> dict[str, Any]:
    """A ``check`` answer as plain data (the grader rebuilds a value of the same meaning)."""
    if x is None:
        return {"t": "none"}
    if x is Ellipsis:
        return {"t": "ellipsis"}
    if isinstance(x, bool | np.bool_):
        return {"t": "bool", "v": bool(x)}
    if isinstance(x, str):
        return {"t": "str", "v": _short(str.__str__(x))}
    if depth == 0 and isinstance(x, list | tuple | set | frozenset):
        kind = next(k for k in (list, tuple, set, frozenset) if isinstance(x, k)).__name__
        items = list(x)[:100]
        return {"t": "seq", "kind": kind, "v": [encode_answer(i, 1) for i in items]}
    if callable(x):
        return {"t": "object", "type": "function"}
    arr, _why = to_float_array(x)
    if arr is not None and arr.size <= _MAX_ANSWER_ELEMENTS:
        return {"t": "array", "shape": list(arr.shape), "data": arr.ravel().tolist()}
    return {"t": "object", "type": type(x).__name__[:100]}


def decode_args(encoded: list[Any]) -> tuple[Any, ...]:
    """The grader's case arguments: numbers, and arrays given as dtype, shape and data."""
    args = []
    for a in encoded:
        if isinstance(a, dict):
            args.append(np.array(a["data"], dtype=a["dtype"]).reshape(a["shape"]))
        else:
            args.append(a)
    return tuple(args)


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
        "t": "answer",
        "qid": _short(question_id) if isinstance(question_id, str) else repr(question_id)[:200],
        "cell": _current_cell,
        "answer": encode_answer(answer),
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
        if reply.get("t") == "error":
            raise KeyError(reply.get("message", "unknown question id"))
        if reply.get("t") == "run":
            cases = [decode_args(c) for c in reply["cases"]]
            stand_ins = [str(n) for n in reply.get("stand_ins", [])]
            outcomes, printed, held = run_answer(answer, cases, float(reply["timeout"]), stand_ins)
            _protocol.send(
                t="outcomes",
                printed=printed,
                held=held,
                outcomes=[
                    {
                        "status": o.status,
                        "message": o.message,
                        "shape": None if o.value is None else list(o.value.shape),
                        "data": None if o.value is None else o.value.ravel().tolist(),
                    }
                    for o in outcomes
                ],
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
            for name in ("quiz", "progress", "reset_progress", "another"):
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
        return _describe_exception(exc)
    return None


def main() -> None:
    global _protocol, _current_cell
    plan_in, plan_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdin = open(os.devnull)  # noqa: SIM115 (lives as long as the process)
    sys.stdout = sys.stderr = _Capture()
    _protocol = _Protocol(plan_in, plan_out)

    plan = _protocol.receive()
    _drop_privileges(plan.get("uid"))
    _set_limits(plan.get("limits", {}))
    sys.meta_path.insert(0, _Recorder())
    for name in list(sys.modules):
        if name.split(".")[0] == "exercises":
            del sys.modules[name]
    sys.path.insert(1, os.getcwd())  # the working folder, as in a kernel (%%writefile, import)
    signal.signal(signal.SIGALRM, _on_alarm)
    _protocol.send(t="hello", uid=os.getuid(), python=sys.version.split()[0])

    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    namespace["display"] = lambda *a, **k: None  # IPython's display(), harmless here
    namespace["get_ipython"] = lambda: _shell(namespace)
    for cell in plan["cells"]:
        _current_cell = int(cell["i"])
        _protocol.send(t="cell", i=_current_cell)
        error = _run_cell(cell, namespace, float(plan["cell_timeout"]))
        _protocol.send(t="cell_end", i=_current_cell, error=error)
    _protocol.send(t="done")


if __name__ == "__main__":  # pragma: no cover - run inside the sandbox as graderlib
    main()
