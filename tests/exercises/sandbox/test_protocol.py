"""The wire protocol between the grader and the sandbox's runner, tested without bubblewrap.

Framing, the encoding of answers, arguments and outcomes, and what the grader's decoders refuse;
then one real runner, started without isolation, driven through the protocol message by message.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from exercises.sandbox.bubblewrap import Limits, Sandbox
from exercises.sandbox.inside import protocol as wire
from exercises.sandbox.inside.cases import Outcome

KINDS = [
    wire.PLAN,
    wire.HELLO,
    wire.CELL,
    wire.CELL_END,
    wire.ANSWER,
    wire.CONTINUE,
    wire.ERROR,
    wire.RUN,
    wire.OUTCOMES,
    wire.DONE,
]


def test_every_kind_is_sent_by_exactly_one_end():
    assert wire.FROM_RUNNER | wire.FROM_GRADER == set(KINDS)
    assert not wire.FROM_RUNNER & wire.FROM_GRADER
    assert len(set(KINDS)) == len(KINDS)


# ----------------------------------------------------------------------------- framing

MESSAGES = [
    {"t": wire.CELL, "i": 3},
    {"t": wire.CELL_END, "i": 3, "error": "ZeroDivisionError: division by zero"},
    {"t": wire.ANSWER, "qid": "regression.outlier_loss", "answer": {"t": "str", "v": "é\n"}},
    {"t": wire.DONE},
]


def test_a_message_is_one_line_of_json():
    data = wire.frame({"t": wire.CELL, "i": 1, "text": "a\nb"})
    assert data.endswith(b"\n") and data.count(b"\n") == 1


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 10_000])
def test_messages_arrive_whole_however_the_bytes_are_split(size):
    stream = b"".join(wire.frame(m) for m in MESSAGES)
    reader = wire.LineReader()
    got = []
    for start in range(0, len(stream), size):
        reader.feed(stream[start : start + size])
        while (message := reader.pop()) is not None:
            got.append(message)
    assert got == MESSAGES
    assert reader.pop() is None


def test_nan_and_infinity_travel():
    reader = wire.LineReader()
    reader.feed(wire.frame({"t": wire.OUTCOMES, "x": [float("nan"), float("inf")]}))
    x = reader.pop()["x"]
    assert np.isnan(x[0]) and x[1] == float("inf")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"not json\n", "a message that is not JSON"),
        (b"[1, 2]\n", "a message that is not an object with a type"),
        (b'{"i": 1}\n', "a message that is not an object with a type"),
        (b'{"t": 5}\n', "a message that is not an object with a type"),
        (b"[" * 100_000 + b"\n", "a message that is not JSON"),  # too deep to parse
    ],
)
def test_a_line_that_is_not_a_message_is_refused(line, reason):
    reader = wire.LineReader()
    reader.feed(line)
    with pytest.raises(wire.ProtocolError, match=reason):
        reader.pop()


def test_a_line_longer_than_the_limit_is_refused_before_it_ends():
    reader = wire.LineReader(limit=100)
    reader.feed(b'{"t": "cell", "pad": "' + b"x" * 200)  # no newline yet
    with pytest.raises(wire.ProtocolError, match="longer than the limit"):
        reader.pop()
    reader = wire.LineReader(limit=100)
    reader.feed(b'{"t": "cell", "pad": "' + b"x" * 200 + b'"}\n')
    with pytest.raises(wire.ProtocolError, match="longer than the limit"):
        reader.pop()


def test_the_default_limit_is_the_protocols():
    assert wire.LineReader().limit == wire.MAX_MESSAGE == 64 * 1024 * 1024


# ----------------------------------------------------------------------------- answers


@pytest.mark.parametrize(
    ("answer", "back"),
    [
        (None, None),
        (Ellipsis, Ellipsis),
        (True, True),
        (np.bool_(False), False),
        ("d", "d"),
        (["a", "c"], ["a", "c"]),
        (("a",), ("a",)),
        (2, np.array(2.0)),
        (np.float32(0.25), np.array(0.25)),
    ],
)
def test_an_answer_is_rebuilt_with_its_meaning(answer, back):
    got = wire.decode_answer(wire.encode_answer(answer))
    if isinstance(back, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == np.float64
        np.testing.assert_array_equal(got, back)
    else:
        assert got == back and type(got) is type(back)


def test_a_set_answer_comes_back_as_a_list_of_its_items():
    assert sorted(wire.decode_answer(wire.encode_answer({"b", "a"}))) == ["a", "b"]


def test_an_array_answer_keeps_its_shape():
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    got = wire.decode_answer(wire.encode_answer(x))
    assert got.shape == (2, 3) and got.dtype == np.float64
    np.testing.assert_array_equal(got, x)


def test_what_is_not_data_travels_as_its_type_name_only():
    assert repr(wire.decode_answer(wire.encode_answer(print))) == "<function>"
    assert repr(wire.decode_answer(wire.encode_answer(1j))) == "<complex>"
    big = np.zeros(wire.MAX_ANSWER_ELEMENTS + 1)
    assert repr(wire.decode_answer(wire.encode_answer(big))) == "<ndarray>"
    nested = wire.encode_answer([["a"]])  # a list inside a list is not an answer's shape
    assert repr(wire.decode_answer(nested)[0]) == "<list>"


def test_long_text_and_long_lists_are_cut():
    assert len(wire.encode_answer("x" * (wire.MAX_TEXT + 50))["v"]) == wire.MAX_TEXT
    assert len(wire.decode_answer(wire.encode_answer(["a"] * 500))) == wire.MAX_ITEMS


@pytest.mark.parametrize(
    "data",
    [
        "a string, not a tagged object",
        {"t": "array", "shape": [-1], "data": []},
        {"t": "array", "shape": [2], "data": [1.0]},
        {"t": "array", "shape": [2], "data": [1.0, "2"]},
        {"t": "array", "shape": [1], "data": [True]},
        {"t": "array", "shape": [10**9], "data": []},
        {"t": "array", "shape": [1] * 40, "data": [1.0]},
        {"t": "bool", "v": "yes"},
        {"t": "str", "v": 3},
        {"t": "seq", "kind": "list", "v": "abc"},
        {"t": "object", "type": "not an identifier; rm -rf"},
        {"t": "unknown"},
    ],
)
def test_the_grader_rebuilds_nothing_but_plain_data(data):
    got = wire.decode_answer(data)
    assert isinstance(got, wire.Opaque)
    assert repr(got) in ("<object>",)


# ----------------------------------------------------------------------------- cases and outcomes


def test_case_arguments_keep_dtype_shape_and_values():
    args = (np.arange(6, dtype=np.float32).reshape(3, 2), np.array([1, 0], dtype=np.int64), 0.5, 3)
    back = wire.decode_args(wire.encode_args(args))
    assert [type(a) for a in back] == [np.ndarray, np.ndarray, float, int]
    for a, b in zip(args[:2], back[:2], strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    assert back[2:] == (0.5, 3)
    assert wire.decode_args(wire.encode_args((np.float64(2.5),))) == (2.5,)


def test_outcomes_round_trip():
    outcomes = [
        Outcome("ok", np.array([[1.0, 2.0]])),
        Outcome("error", None, "ValueError: bad"),
        Outcome("timeout", None, "did not finish"),
    ]
    message = {"t": wire.OUTCOMES, "outcomes": wire.encode_outcomes(outcomes), "printed": True}
    got, printed = wire.decode_outcomes(message, 3)
    assert printed is True
    assert [o.status for o in got] == ["ok", "error", "timeout"]
    np.testing.assert_array_equal(got[0].value, outcomes[0].value)
    assert [o.message for o in got] == ["", "ValueError: bad", "did not finish"]


def test_outcomes_that_break_the_protocol_are_refused():
    ok = wire.encode_outcomes([Outcome("ok", np.array(1.0))])
    with pytest.raises(wire.ProtocolError, match="no outcome for every case"):
        wire.decode_outcomes({"t": wire.OUTCOMES, "outcomes": ok}, 2)
    with pytest.raises(wire.ProtocolError, match="no outcome for every case"):
        wire.decode_outcomes({"t": wire.CELL, "outcomes": ok}, 1)
    with pytest.raises(wire.ProtocolError, match="an outcome without a status"):
        wire.decode_outcomes({"t": wire.OUTCOMES, "outcomes": [{"status": "passed"}]}, 1)


def test_an_ok_outcome_that_is_not_numbers_is_invalid_and_messages_are_cut():
    raw = [
        {"status": "ok", "shape": [], "data": ["1"]},
        {"status": "ok", "shape": [wire.MAX_RESULT_SIZE + 1], "data": []},
        {"status": "error", "message": "E" * 1000 + "\n\n  spaced"},
    ]
    got, printed = wire.decode_outcomes({"t": wire.OUTCOMES, "outcomes": raw, "printed": 1}, 3)
    assert [o.status for o in got] == ["invalid", "invalid", "error"]
    assert got[0].message == "returned a value that is not numbers"
    assert len(got[2].message) == 300
    assert printed is False  # only a real true counts


# ----------------------------------------------------------------------------- a real runner


def test_the_runner_speaks_the_protocol_message_by_message():
    cells = [
        {"i": 0, "source": "x = 6 * 7", "statements": [0]},
        {
            "i": 1,
            "source": 'from exercises import check\ncheck("regression.outlier_gradient_mse", x)',
            "statements": [0, 1],
        },
        {"i": 2, "source": "1 / 0", "statements": [0]},
    ]
    box = Sandbox(isolated=False, limits=Limits(memory=1024**3))
    try:
        deadline = time.monotonic() + 60
        box.start(cells, cell_timeout=30, deadline=deadline)
        seen = []
        while True:
            message = box.receive(deadline)
            assert message["t"] in wire.FROM_RUNNER
            seen.append(message)
            if message["t"] == wire.ANSWER:
                box.send({"t": wire.CONTINUE}, deadline)
            if message["t"] == wire.DONE:
                break
    finally:
        box.close()
    kinds = [m["t"] for m in seen]
    assert kinds == [
        wire.CELL,
        wire.CELL_END,
        wire.CELL,
        wire.ANSWER,
        wire.CELL_END,
        wire.CELL,
        wire.CELL_END,
        wire.DONE,
    ]
    answer = seen[3]
    assert answer["qid"] == "regression.outlier_gradient_mse" and answer["cell"] == 1
    assert wire.decode_answer(answer["answer"]) == 42.0
    assert seen[1]["error"] is None
    assert seen[6]["error"].startswith("ZeroDivisionError")
