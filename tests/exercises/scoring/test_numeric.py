"""Numeric questions: the key within its tolerance, known wrong values with their feedback, any
scalar accepted, anything else (strings, arrays, bools, NaN, objects) rejected with the reason."""

import numpy as np
import pytest

from exercises import check
from exercises.bank import all_questions
from exercises.scoring import grade
from exercises.scoring.numeric import NOT_A_NUMBER

NUMERIC = [q for q in all_questions() if q.kind == "numeric"]


@pytest.mark.parametrize("q", NUMERIC, ids=lambda q: q.id)
def test_numeric_key_wrong_values_and_tolerance(q):
    assert check(q.id, q.answer).passed
    tol = max(q.abs_tol, q.rel_tol * abs(q.answer))
    assert check(q.id, q.answer + 0.9 * tol).passed
    assert check(q.id, q.answer - 0.9 * tol).passed
    assert not check(q.id, q.answer + 1.5 * tol).passed
    assert not check(q.id, q.answer - 1.5 * tol).passed
    for value, feedback in q.wrong_values:
        assert not q.is_close(value), "a known wrong value must not be accepted"
        r = check(q.id, value)
        assert not r.passed and feedback in r.feedback


@pytest.mark.parametrize(
    "answer",
    [1, 1.0, np.float32(1.0), np.int64(1), np.array(1.0), np.float64(1.0)],
    ids=["int", "float", "float32", "int64", "0-d array", "float64"],
)
def test_numeric_accepts_scalars(answer):
    assert check("regression.outlier_gradient_huber", answer).passed


class _EqualsEverything:
    def __eq__(self, other):
        return True

    def __float__(self):
        raise AssertionError("the grader must not convert arbitrary objects")

    __hash__ = object.__hash__


@pytest.mark.parametrize(
    "answer, words",
    [
        ("1", "string"),
        (np.array([1.0]), "shape (1,)"),
        (np.array([[1.0]]), "shape (1, 1)"),
        ([1.0], "list"),
        (True, "bool"),
        (np.bool_(True), "bool"),
        (float("nan"), "NaN"),
        (1 + 0j, "complex"),
        (_EqualsEverything(), "_EqualsEverything"),
    ],
)
def test_numeric_rejects_non_numbers(answer, words):
    r = check("regression.outlier_gradient_huber", answer)
    assert not r.passed and r.score == 0.0
    assert words in r.feedback


def test_the_not_a_number_answer_is_any_text():
    for q in NUMERIC:
        assert grade(q, NOT_A_NUMBER).feedback == grade(q, "abc").feedback
