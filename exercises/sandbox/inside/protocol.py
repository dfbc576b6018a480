"""The wire protocol between the grader and the runner in the sandbox: one module for both ends.

Messages are JSON objects, one per line (:func:`frame`, :class:`LineReader`), each with its kind
under ``"t"``. The runner sends :data:`HELLO` (once it has dropped privileges and set its limits),
:data:`CELL` (a cell starts), :data:`CELL_END` (with the error, if any), :data:`ANSWER` (a
``check`` call), :data:`OUTCOMES` (the values a code answer returned on the grader's cases, or
the course function it holds) and :data:`DONE`. The grader sends :data:`PLAN` first, then one
reply per answer: :data:`CONTINUE`, :data:`ERROR` (an unknown question id) or :data:`RUN` (cases
for a code answer and its stand-ins, answered by :data:`OUTCOMES`).

Nothing the runner sends is trusted: the grader decodes it with :func:`decode_answer` and
:func:`decode_outcomes`, which rebuild only strings, numbers, lists and float arrays within the
limits below, and raise :class:`ProtocolError` for anything else that breaks the protocol.

(The largest value one case may return, :data:`MAX_RESULT_SIZE`, is the case runner's.)

>>> reader = LineReader()
>>> reader.feed(frame({"t": CELL, "i": 0})[:5])
>>> reader.pop() is None
True
>>> reader.feed(frame({"t": CELL, "i": 0})[5:])
>>> reader.pop()
{'t': 'cell', 'i': 0}
>>> encode_answer(["a", "c"])
{'t': 'seq', 'kind': 'list', 'v': [{'t': 'str', 'v': 'a'}, {'t': 'str', 'v': 'c'}]}
>>> decode_answer(encode_answer(["a", "c"]))
['a', 'c']
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from .cases import MAX_RESULT_SIZE, Outcome
from .values import to_float_array

# ----------------------------------------------------------------------------- message kinds

#: grader -> runner: the cells to run, their time limit, the resource limits, the user id.
PLAN = "plan"
#: runner -> grader: started, privileges dropped and limits set (with ``uid``).
HELLO = "hello"
#: runner -> grader: cell ``i`` starts.
CELL = "cell"
#: runner -> grader: cell ``i`` ended, with ``error`` (text) or None.
CELL_END = "cell_end"
#: runner -> grader: a ``check(qid, answer)`` call (``qid``, ``cell``, ``answer``, maybe
#: ``timeout`` and, for a function, ``code``).
ANSWER = "answer"
#: grader -> runner: go on.
CONTINUE = "continue"
#: grader -> runner: the question id is unknown (``message``); ``check`` raises KeyError.
ERROR = "error"
#: grader -> runner: run the answer on ``cases`` within ``timeout`` with ``stand_ins``.
RUN = "run"
#: runner -> grader: ``outcomes`` of a run (``printed``), or the stand-in the answer ``held``.
OUTCOMES = "outcomes"
#: runner -> grader: every planned cell has run.
DONE = "done"

FROM_RUNNER = frozenset({HELLO, CELL, CELL_END, ANSWER, OUTCOMES, DONE})
FROM_GRADER = frozenset({PLAN, CONTINUE, ERROR, RUN})

# ----------------------------------------------------------------------------- limits

#: Longest message a submission may send (a code answer's values for every case fit easily).
MAX_MESSAGE = 64 * 1024 * 1024
#: Largest answer array sent back as numbers (a numeric answer is one number).
MAX_ANSWER_ELEMENTS = 10_000
#: Longest text (a string answer, a question id) sent as it is.
MAX_TEXT = 10_000
#: Most items of a list answer kept.
MAX_ITEMS = 100
#: What a case can end as (see :class:`~exercises.sandbox.inside.cases.Outcome`).
OUTCOME_STATUSES = ("ok", "invalid", "error", "timeout", "crashed", "not_run")


class ProtocolError(Exception):
    """The other end sent something that is not a message of the protocol."""


# ----------------------------------------------------------------------------- framing


def frame(message: dict[str, Any]) -> bytes:
    """One message as the bytes sent: its JSON and a newline."""
    return (json.dumps(message, allow_nan=True) + "\n").encode()


class LineReader:
    """Turns the bytes read from a channel into messages, however they were split in chunks.

    :meth:`pop` raises :class:`ProtocolError` for a line that is not a JSON object with a string
    ``"t"``, and for a line longer than ``limit`` bytes (checked as bytes arrive, so an endless
    line cannot fill the grader's memory).
    """

    def __init__(self, limit: int = MAX_MESSAGE) -> None:
        self.limit = limit
        self._buffer = bytearray()

    def feed(self, chunk: bytes) -> None:
        self._buffer += chunk

    def pop(self) -> dict[str, Any] | None:
        """The next whole message, or None until one has arrived."""
        end = self._buffer.find(b"\n")
        if end < 0:
            if len(self._buffer) > self.limit:
                raise ProtocolError("a message longer than the limit")
            return None
        if end > self.limit:
            raise ProtocolError("a message longer than the limit")
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        try:
            message = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise ProtocolError("a message that is not JSON") from exc
        if not isinstance(message, dict) or not isinstance(message.get("t"), str):
            raise ProtocolError("a message that is not an object with a type")
        return message


# ----------------------------------------------------------------------------- answers


def short(text: str) -> str:
    """``text`` cut to :data:`MAX_TEXT` characters."""
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT]


def encode_answer(x: Any, depth: int = 0) -> dict[str, Any]:
    """A ``check`` answer as tagged plain data (the grader rebuilds a value of the same meaning;
    a function only says that it is one).

    >>> encode_answer(np.float32(0.25)), encode_answer(print)
    ({'t': 'array', 'shape': [], 'data': [0.25]}, {'t': 'object', 'type': 'function'})
    """
    if x is None:
        return {"t": "none"}
    if x is Ellipsis:
        return {"t": "ellipsis"}
    if isinstance(x, bool | np.bool_):
        return {"t": "bool", "v": bool(x)}
    if isinstance(x, str):
        return {"t": "str", "v": short(str.__str__(x))}
    if depth == 0 and isinstance(x, list | tuple | set | frozenset):
        kind = next(k for k in (list, tuple, set, frozenset) if isinstance(x, k)).__name__
        items = list(x)[:MAX_ITEMS]
        return {"t": "seq", "kind": kind, "v": [encode_answer(i, 1) for i in items]}
    if callable(x):
        return {"t": "object", "type": "function"}
    arr, _why = to_float_array(x)
    if arr is not None and arr.size <= MAX_ANSWER_ELEMENTS:
        return {"t": "array", "shape": list(arr.shape), "data": arr.ravel().tolist()}
    return {"t": "object", "type": type(x).__name__[:100]}


class Opaque:
    """Stands for an answer that is neither a string, a number nor a list (only its type name)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _opaque(type_name: Any) -> Any:
    name = str(type_name)[:100]
    if not name.isidentifier():
        name = "object"
    return type(name, (Opaque,), {})()


def decode_answer(data: Any, depth: int = 0) -> Any:
    """Rebuild an answer :func:`encode_answer` made, trusting nothing in it.

    >>> decode_answer({"t": "array", "shape": [], "data": [0.5]})
    array(0.5)
    >>> decode_answer({"t": "object", "type": "complex"})
    <complex>
    >>> decode_answer({"t": "array", "shape": [2], "data": [1.0, True]})  # not numbers
    <object>
    """
    if not isinstance(data, dict):
        return _opaque("object")
    kind = data.get("t")
    value = data.get("v")
    if kind == "none":
        return None
    if kind == "ellipsis":
        return Ellipsis
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "seq" and depth == 0 and isinstance(value, list):
        items = [decode_answer(v, 1) for v in value[:MAX_ITEMS]]
        container = {"list": list, "tuple": tuple, "set": list, "frozenset": list}
        return container.get(str(data.get("kind")), list)(items)
    if kind == "array":
        array = numbers(data.get("shape"), data.get("data"), limit=MAX_ANSWER_ELEMENTS)
        if array is not None:
            return array
    if kind == "object":
        return _opaque(data.get("type"))
    return _opaque("object")


def numbers(shape: Any, values: Any, limit: int) -> np.ndarray | None:
    """A float64 array from untrusted shape and values, or None if they do not make one."""
    if not isinstance(shape, list) or len(shape) > 32 or not isinstance(values, list):
        return None
    if not all(type(n) is int and 0 <= n for n in shape):
        return None
    size = math.prod(shape)
    if size > limit or len(values) != size:
        return None
    if not all(type(v) in (int, float) for v in values):
        return None
    return np.array(values, dtype=np.float64).reshape(shape)


# ----------------------------------------------------------------------------- cases and outcomes


def encode_args(args: tuple[Any, ...]) -> list[Any]:
    """A case's arguments as plain data (arrays as dtype, shape and data).

    >>> decode_args(encode_args((np.arange(3.0), 0.5)))
    (array([0., 1., 2.]), 0.5)
    """
    out: list[Any] = []
    for a in args:
        if isinstance(a, np.ndarray):
            out.append({"dtype": a.dtype.str, "shape": list(a.shape), "data": a.ravel().tolist()})
        elif isinstance(a, np.generic):
            out.append(a.item())
        else:
            out.append(a)
    return out


def decode_args(encoded: list[Any]) -> tuple[Any, ...]:
    """The grader's case arguments, rebuilt in the sandbox (the grader is trusted there)."""
    args = []
    for a in encoded:
        if isinstance(a, dict):
            args.append(np.array(a["data"], dtype=a["dtype"]).reshape(a["shape"]))
        else:
            args.append(a)
    return tuple(args)


def encode_outcomes(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """What each case gave, as plain data."""
    return [
        {
            "status": o.status,
            "message": o.message,
            "shape": None if o.value is None else list(o.value.shape),
            "data": None if o.value is None else o.value.ravel().tolist(),
        }
        for o in outcomes
    ]


def decode_outcomes(message: dict[str, Any], n: int) -> tuple[list[Outcome], bool]:
    """The outcomes of ``n`` cases and whether the function printed, from an :data:`OUTCOMES`
    message; :class:`ProtocolError` if it does not hold one outcome per case.

    >>> ok = Outcome("ok", np.array(2.0))
    >>> decode_outcomes({"t": OUTCOMES, "outcomes": encode_outcomes([ok]), "printed": False}, 1)
    ([Outcome(status='ok', value=array(2.), message='')], False)
    """
    raw = message.get("outcomes")
    if message.get("t") != OUTCOMES or not isinstance(raw, list) or len(raw) != n:
        raise ProtocolError("no outcome for every case")
    outcomes = []
    for item in raw:
        if not isinstance(item, dict) or item.get("status") not in OUTCOME_STATUSES:
            raise ProtocolError("an outcome without a status")
        text = item.get("message")
        text = " ".join(text.split())[:300] if isinstance(text, str) else ""
        if item["status"] == "ok":
            value = numbers(item.get("shape"), item.get("data"), limit=MAX_RESULT_SIZE)
            if value is None:
                outcomes.append(Outcome("invalid", None, "returned a value that is not numbers"))
                continue
            outcomes.append(Outcome("ok", value))
        else:
            outcomes.append(Outcome(str(item["status"]), None, text))
    return outcomes, message.get("printed") is True
