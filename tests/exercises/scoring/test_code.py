"""Code questions: the reference passes, realistic bugs fail (with a hint naming the mistake),
misbehaving functions are handled, hard-coded answers fail, and a correct check is fast."""

import time

import numpy as np
import pytest

import losses
from exercises import check
from exercises.bank import all_questions, get_question
from exercises.sandbox.inside.cases import stand_in_message
from exercises.scoring.code import expected_value, held_feedback, make_cases
from tests.exercises._helpers import huber_ok

# --------------------------------------------------------------------------- correct answers
# Written here from the formulas (not taken from the bank), as a reader would write them
# (huber_ok is in tests/exercises/_helpers.py).


def ce_ok(labels, probs):
    return -np.mean(np.log(probs[np.arange(len(labels)), labels]))


def focal_ok(y, p, alpha, gamma):
    p_t = np.where(y == 1, p, 1 - p)
    a_t = np.where(y == 1, alpha, 1 - alpha)
    return np.mean(-a_t * (1 - p_t) ** gamma * np.log(p_t))


def dice_ok(y, p, smooth):
    inter = np.sum(y * p)
    den = np.sum(y) + np.sum(p) + smooth
    if den == 0:
        return 0.0
    return 1 - (2 * inter + smooth) / den


def kl_ok(p, q):
    m = p > 0
    with np.errstate(divide="ignore"):
        return np.sum(p[m] * np.log(p[m] / q[m]))


def triplet_ok(a, p, n, margin):
    d_ap = np.sqrt(np.sum((a - p) ** 2, axis=1))
    d_an = np.sqrt(np.sum((a - n) ** 2, axis=1))
    return np.mean(np.maximum(0.0, d_ap - d_an + margin))


def info_nce_ok(a, p, t):
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    p = p / np.linalg.norm(p, axis=1, keepdims=True)
    s = a @ p.T / t
    return np.mean(np.log(np.exp(s).sum(axis=1)) - np.diag(s))


def dice_bce_ok(y, p, smooth):
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return bce + dice_ok(y, p, smooth)


CORRECT = {
    "regression.implement_huber": huber_ok,
    "classification.implement_cross_entropy": ce_ok,
    "imbalanced.implement_focal": focal_ok,
    "imbalanced.implement_dice": dice_ok,
    "distributions.implement_kl": kl_ok,
    "metric_learning.implement_triplet": triplet_ok,
    "metric_learning.implement_info_nce": info_nce_ok,
    "closing.implement_dice_bce": dice_bce_ok,
}
CODE_IDS = sorted(CORRECT)


def test_every_code_question_is_covered():
    assert {q.id for q in all_questions() if q.kind == "code"} == set(CODE_IDS)


@pytest.mark.parametrize("qid", CODE_IDS)
def test_correct_answer_passes(qid):
    r = check(qid, CORRECT[qid])
    assert r.passed, str(r)
    assert r.score == r.max_score == 3.0
    assert r.hint == ""


@pytest.mark.parametrize("qid", CODE_IDS)
def test_the_course_function_asked_for_scores_zero_with_the_reason(qid):
    q = get_question(qid)
    library = getattr(losses, q.stand_ins[0].split(".", 1)[1])
    for answer in (library, q.reference):  # the function itself, and one that calls it
        r = check(qid, answer)
        assert (r.status, r.score) == ("failed", 0.0)
        assert r.feedback in {held_feedback(name) for name in q.stand_ins}


def test_a_call_of_the_course_function_the_inspection_misses_meets_a_stand_in():
    # eval hides the name from the inspection; the stand-in still raises while the answer runs
    def sneaky(y, p, d):
        return eval("losses.hu" + "ber")(y, p, delta=d)

    r = check("regression.implement_huber", sneaky)
    assert r.score == 0.0
    assert stand_in_message("losses.huber") in r.feedback
    assert losses.huber(np.zeros(2), np.ones(2)) == 0.5  # restored afterwards


@pytest.mark.parametrize("qid", CODE_IDS)
def test_correct_answer_is_fast(qid):
    check(qid, CORRECT[qid])  # warm up imports
    start = time.perf_counter()
    r = check(qid, CORRECT[qid])
    assert r.passed
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("qid", CODE_IDS)
def test_correct_output_is_deterministic(qid):
    a, b = check(qid, CORRECT[qid]), check(qid, CORRECT[qid])
    assert str(a) == str(b)
    assert a._repr_html_() == b._repr_html_()
    assert a._repr_mimebundle_() == b._repr_mimebundle_()


# --------------------------------------------------------------------------- realistic bugs
# (function, words the hint must contain, or None when any failure will do)


def _r(y, p):
    return y - p


BUGS = {
    "regression.implement_huber": [
        (
            lambda y, p, d: np.mean(
                np.where(np.abs(_r(y, p)) <= d, _r(y, p) ** 2, d * (np.abs(_r(y, p)) - 0.5 * d))
            ),
            "½",
        ),
        (
            lambda y, p, d: np.mean(
                np.where(np.abs(_r(y, p)) <= d, 0.5 * _r(y, p) ** 2, d * np.abs(_r(y, p)))
            ),
            "−δ²/2",
        ),
        (
            lambda y, p, d: np.mean(
                np.where(np.abs(_r(y, p)) <= d, 0.5 * _r(y, p) ** 2, np.abs(_r(y, p)) - 0.5)
            ),
            "ignores δ",
        ),
        (
            lambda y, p, d: np.mean(
                np.where(_r(y, p) <= d, 0.5 * _r(y, p) ** 2, d * (np.abs(_r(y, p)) - 0.5 * d))
            ),
            "|r|",
        ),
        (
            lambda y, p, d: np.sum(
                np.where(
                    np.abs(_r(y, p)) <= d, 0.5 * _r(y, p) ** 2, d * (np.abs(_r(y, p)) - 0.5 * d)
                )
            ),
            "sum",
        ),
        (
            lambda y, p, d: np.mean(
                np.where(np.abs(_r(y, p)) < d, 0.5 * _r(y, p) ** 2 / d, np.abs(_r(y, p)) - 0.5 * d)
            ),
            "SmoothL1",
        ),
        (lambda y, p, d: np.mean(0.5 * _r(y, p) ** 2), "linear piece"),
        (
            lambda y, p, d: np.where(
                np.abs(_r(y, p)) <= d, 0.5 * _r(y, p) ** 2, d * (np.abs(_r(y, p)) - 0.5 * d)
            ),
            "reduce",
        ),
    ],
    "classification.implement_cross_entropy": [
        (lambda lab, p: -np.sum(np.log(p[np.arange(len(lab)), lab])), "sum"),
        (lambda lab, p: -np.mean(np.log2(p[np.arange(len(lab)), lab])), "base 2"),
        (lambda lab, p: -np.mean(np.log(p[:, lab])), "columns"),
        (lambda lab, p: np.mean(np.log(p[np.arange(len(lab)), lab])), "sign"),
        (lambda lab, p: -np.mean(np.eye(p.shape[1])[lab] * np.log(p)), "n·C"),
        (lambda lab, p: -np.mean(np.sum(p * np.log(p), axis=1)), "entropy"),
        (lambda lab, p: -np.log(p[np.arange(len(lab)), lab]), "reduce"),
        (lambda lab, p: -np.mean(np.log(p[np.arange(len(lab)), 0])), None),
    ],
    "imbalanced.implement_focal": [
        (
            lambda y, p, a, g: np.mean(
                -np.where(y == 1, 1 - a, a)
                * (1 - np.where(y == 1, p, 1 - p)) ** g
                * np.log(np.where(y == 1, p, 1 - p))
            ),
            "flipped",
        ),
        (
            lambda y, p, a, g: np.mean(
                -((1 - np.where(y == 1, p, 1 - p)) ** g) * np.log(np.where(y == 1, p, 1 - p))
            ),
            "α_t weight is missing",
        ),
        (
            lambda y, p, a, g: np.mean(
                -np.where(y == 1, a, 1 - a)
                * np.where(y == 1, p, 1 - p) ** g
                * np.log(np.where(y == 1, p, 1 - p))
            ),
            "not p_t^γ",
        ),
        (
            lambda y, p, a, g: np.mean(
                -np.where(y == 1, a, 1 - a) * (1 - p) ** g * np.log(np.where(y == 1, p, 1 - p))
            ),
            "not p",
        ),
        (
            lambda y, p, a, g: np.mean(
                -np.where(y == 1, a, 1 - a) * np.log(np.where(y == 1, p, 1 - p))
            ),
            "(1 − p_t)^γ factor is missing",
        ),
        (
            lambda y, p, a, g: np.sum(
                -np.where(y == 1, a, 1 - a)
                * (1 - np.where(y == 1, p, 1 - p)) ** g
                * np.log(np.where(y == 1, p, 1 - p))
            ),
            "sum",
        ),
        (
            lambda y, p, a, g: np.mean(
                -a * y * (1 - p) ** g * np.log(p) - (1 - y) * p**g * np.log(1 - p)
            ),
            "Negatives must be weighted",
        ),
        (
            lambda y, p, a, g: np.mean(
                -np.where(y == 1, a, 1 - a)
                * (1 - np.where(y == 1, p, 1 - p))
                * g
                * np.log(np.where(y == 1, p, 1 - p))
            ),
            "exponent",
        ),
    ],
    "imbalanced.implement_dice": [
        (lambda y, p, s: 1 - 2 * np.sum(y * p) / (np.sum(y) + np.sum(p)), None),  # 0/0 -> nan
        (lambda y, p, s: 1 - (2 * np.sum(y * p)) / (np.sum(y) + np.sum(p) + s), "numerator too"),
        (
            lambda y, p, s: (
                (2 * np.sum(y * p) + s) / (np.sum(y) + np.sum(p) + s)
                if np.sum(y) + np.sum(p) + s
                else 1.0
            ),
            "coefficient",
        ),
        (
            lambda y, p, s: (
                1 - (np.sum(y * p) + s) / (np.sum(y) + np.sum(p) + s)
                if np.sum(y) + np.sum(p) + s
                else 0.0
            ),
            "twice",
        ),
        (
            lambda y, p, s: (
                1 - (np.sum(y * p) + s) / (np.sum(y) + np.sum(p) - np.sum(y * p) + s)
                if np.sum(y) + np.sum(p) + s
                else 0.0
            ),
            "IoU",
        ),
        (
            lambda y, p, s: (
                1 - (2 * np.sum(y * p) + s) / (np.sum(y**2) + np.sum(p**2) + s)
                if np.sum(y) + np.sum(p) + s
                else 0.0
            ),
            "V-Net",
        ),
        (
            lambda y, p, s: (
                1 - (2 * np.mean(y * p) + s) / (np.mean(y) + np.mean(p) + s)
                if np.sum(y) + np.sum(p) + s
                else 0.0
            ),
            "sums, not means",
        ),
        (
            lambda y, p, s: (
                1 - (2 * np.sum(y * (p > 0.5)) + s) / (np.sum(y) + np.sum(p > 0.5) + s)
                if np.sum(y) + np.sum(p) + s
                else 0.0
            ),
            "threshold",
        ),
    ],
    "distributions.implement_kl": [
        (lambda p, q: np.sum(p * np.log(p / q)), "0·ln 0"),
        (lambda p, q: kl_ok(q, p), "swapped"),
        (lambda p, q: kl_ok(p, q) / np.log(2), "base 2"),
        (lambda p, q: -np.sum(p * np.log(q)), "cross-entropy"),
        (lambda p, q: kl_ok(p, q) / len(p), "not a mean"),
        (lambda p, q: -kl_ok(p, q), "sign"),
        (lambda p, q: 0.5 * (kl_ok(p, q) + kl_ok(q, p)), "both directions"),
        (
            lambda p, q: np.sum(
                np.where(
                    (p > 0) & (q > 0),
                    p * np.log(np.where(p > 0, p, 1) / np.where(q > 0, q, 1)),
                    0.0,
                )
            ),
            "infinite",
        ),
    ],
    "metric_learning.implement_triplet": [
        (
            lambda a, p, n, m: np.mean(
                np.maximum(0, np.sum((a - p) ** 2, 1) - np.sum((a - n) ** 2, 1) + m)
            ),
            "squared",
        ),
        (
            lambda a, p, n, m: np.sum(
                np.maximum(0, np.linalg.norm(a - p, axis=1) - np.linalg.norm(a - n, axis=1) + m)
            ),
            "sum",
        ),
        (
            lambda a, p, n, m: np.mean(
                np.linalg.norm(a - p, axis=1) - np.linalg.norm(a - n, axis=1) + m
            ),
            "max(0, ·) is missing",
        ),
        (
            lambda a, p, n, m: np.mean(
                np.maximum(0, np.linalg.norm(a - n, axis=1) - np.linalg.norm(a - p, axis=1) + m)
            ),
            "swapped",
        ),
        (
            lambda a, p, n, m: np.mean(
                np.maximum(0, np.abs(a - p).sum(1) - np.abs(a - n).sum(1) + m)
            ),
            "L1",
        ),
        (
            lambda a, p, n, m: np.mean(
                np.maximum(0, np.linalg.norm(a - p, axis=0) - np.linalg.norm(a - n, axis=0) + m)
            ),
            "axis=1",
        ),
        (
            lambda a, p, n, m: max(0.0, np.linalg.norm(a - p) - np.linalg.norm(a - n) + m),
            "whole (n, d) array",
        ),
        (
            lambda a, p, n, m: np.maximum(
                0, np.linalg.norm(a - p, axis=1) - np.linalg.norm(a - n, axis=1) + m
            ),
            "reduce",
        ),
    ],
    "metric_learning.implement_info_nce": [
        (
            lambda a, p, t: np.mean(np.log(np.exp(a @ p.T / t).sum(1)) - np.diag(a @ p.T / t)),
            "unit length",
        ),
        (lambda a, p, t: info_nce_ok(p, a, t), "wrong axis"),  # rows of S.T: the columns of S
        (lambda a, p, t: info_nce_ok(a, p, 1.0) / t, "after the log-sum-exp"),
        (lambda a, p, t: info_nce_ok(a, p, 1.0 / t), "multiplied by τ"),
        (lambda a, p, t: len(a) * info_nce_ok(a, p, t), "sum"),
        (lambda a, p, t: 0.5 * (info_nce_ok(a, p, t) + info_nce_ok(p, a, t)), "both directions"),
    ],
    "closing.implement_dice_bce": [
        (lambda y, p, s: dice_ok(y, p, s), "cross-entropy"),
        (lambda y, p, s: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), "Dice loss"),
        (
            lambda y, p, s: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) + dice_ok(y, p, s),
            "mean over pixels",
        ),
        (lambda y, p, s: -np.mean(y * np.log(p)) + dice_ok(y, p, s), "two terms"),
        (lambda y, p, s: 0.5 * dice_bce_ok(y, p, s), "do not average"),
        (
            lambda y, p, s: (
                -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + 1 - dice_ok(y, p, s)
            ),
            "coefficient",
        ),
    ],
}


def _bug_params():
    for qid, bugs in BUGS.items():
        for i, (fn, words) in enumerate(bugs):
            yield pytest.param(qid, fn, words, id=f"{qid}-{i}")


def test_at_least_six_bugs_per_code_question():
    assert set(BUGS) == set(CODE_IDS)
    assert all(len(b) >= 6 for b in BUGS.values())


@pytest.mark.parametrize("qid, fn, words", list(_bug_params()))
def test_realistic_bug_fails_with_a_diagnosis(qid, fn, words):
    r = check(qid, fn)
    assert not r.passed and r.status == "failed"
    assert r.score < r.max_score
    assert "First failing case" in r.feedback and "Expected" in r.feedback
    assert r.hint, "a failing answer always gets a hint"
    if words is not None:
        assert words in r.hint + r.feedback, r.hint


def test_first_failing_case_names_inputs_expected_and_got():
    # wrong only beyond -delta: the first fixed case passes, the second fails
    def one_sided(y, p, d):
        r = y - p
        return np.mean(np.where(r <= d, 0.5 * r**2, d * (np.abs(r) - 0.5 * d)))

    r = check("regression.implement_huber", one_sided)
    lines = r.feedback.splitlines()
    assert lines[1].startswith(
        "First failing case (edge case: residuals beyond +δ and beyond −δ, δ = 1)"
    )
    assert "y_pred = [ 3. , -2.5, 0.4, -0.2]" in lines[1] and "delta = 1" in lines[1]
    assert lines[2] == "Expected 1.15, got 1.65."
    assert 0 < r.score < 3


# --------------------------------------------------------------------------- misbehaving functions


def raises(*args):
    raise ValueError("boom")


def returns_none(*args):
    x = 1  # noqa: F841
    return None


def returns_string(*args):
    return "0.5"


def returns_nan(*args):
    return float("nan")


def returns_list(*args):
    return [0.5]


class Liar:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def returns_liar(*args):
    return Liar()


def loops(*args):
    while True:
        pass


def exits(*args):
    raise SystemExit(0)


def recursion(*args):
    return recursion(*args)


@pytest.mark.parametrize(
    "fn, words",
    [
        (raises, "raised ValueError: boom"),
        (returns_none, "returned None"),
        (returns_string, "string"),
        (returns_nan, "nan"),
        (returns_list, "list"),
        (returns_liar, "'Liar'"),
        (exits, "raised SystemExit"),
        (recursion, "RecursionError"),
        (lambda *a: True, "bool"),
        (lambda *a: np.zeros(3), "shape (3,)"),
        (lambda *a: 1 + 2j, "complex"),
    ],
)
@pytest.mark.parametrize("qid", CODE_IDS)
def test_misbehaving_function_gets_zero_and_clear_feedback(qid, fn, words):
    r = check(qid, fn)
    assert not r.passed and r.score == 0.0 and r.status == "failed"
    assert words in r.feedback


@pytest.mark.parametrize("qid", ["regression.implement_huber", "distributions.implement_kl"])
def test_infinite_loop_is_stopped_by_the_time_limit(qid):
    start = time.perf_counter()
    r = check(qid, loops, timeout=1)
    assert time.perf_counter() - start < 3
    assert not r.passed and r.score == 0.0
    assert "time limit (1 s" in r.feedback and "infinite loop" in r.feedback


def test_loop_on_a_later_case_keeps_the_earlier_credit():
    calls = {"n": 0}

    def slow_later(y, p, d):
        if y.size > 3:  # the first fixed case has 3 elements
            while True:
                pass
        calls["n"] += 1
        return huber_ok(y, p, d)

    r = check("regression.implement_huber", slow_later, timeout=1)
    assert not r.passed
    assert 0 < r.score < 3
    assert "did not return within the time limit" in r.feedback


def test_process_exit_is_reported():
    import os

    r = check("regression.implement_huber", lambda *a: os._exit(3))
    assert not r.passed and "ended the Python process" in r.feedback


def test_printing_is_captured_and_does_not_change_the_score(capfd):
    def chatty(y, p, d):
        print("x" * 200_000)
        return huber_ok(y, p, d)

    r = check("regression.implement_huber", chatty)
    assert r.passed and r.score == 3.0
    assert "printed something" in r.feedback
    out, err = capfd.readouterr()
    assert "xxxx" not in out and "xxxx" not in err


def test_mutating_inputs_does_not_affect_grading():
    def mutating(y, p, d):
        result = huber_ok(y, p, d)
        y[...] = 0.0
        p[...] = 1e9
        return result

    r = check("regression.implement_huber", mutating)
    assert r.passed, str(r)


def test_not_callable_answer():
    r = check("regression.implement_huber", 0.5)
    assert not r.passed and "Pass your function itself" in r.feedback


def test_stub_functions_are_not_attempted():
    def stub(y_true, y_pred, delta): ...

    def stub_pass(y_true, y_pred, delta):
        """Write your code here."""
        pass

    def returns_ellipsis(y_true, y_pred, delta):
        return ...

    for fn in (stub, stub_pass, returns_ellipsis):
        r = check("regression.implement_huber", fn)
        assert r.status == "not_attempted", fn.__name__


# --------------------------------------------------------------------------- hard-coding


@pytest.mark.parametrize("qid", CODE_IDS)
def test_hard_coded_answers_fail(qid):
    q = get_question(qid)
    first = float(expected_value(q, q.fixed_cases[0]))
    r = check(qid, lambda *args: first)
    assert not r.passed
    assert r.score <= 3 * 3 / (len(q.fixed_cases) + q.n_random)
    assert "same value whatever its inputs" in r.hint

    # a lookup table of every fixed case's answer still fails on the random cases
    table = {
        tuple(np.asarray(c.args[0]).ravel().tolist()): float(expected_value(q, c))
        for c in q.fixed_cases
    }
    r = check(qid, lambda *args: table.get(tuple(np.asarray(args[0]).ravel().tolist()), 0.0))
    assert not r.passed


def test_random_cases_change_between_calls_and_vary_in_shape():
    q = get_question("metric_learning.implement_triplet")
    a = make_cases(q)
    b = make_cases(q)
    rand_a, rand_b = a[len(q.fixed_cases) :], b[len(q.fixed_cases) :]
    assert len(rand_a) == q.n_random
    assert any(
        not np.array_equal(x.args[0], y.args[0]) for x, y in zip(rand_a, rand_b, strict=True)
    )
    shapes = {x.args[0].shape for x in rand_a + rand_b}
    assert len(shapes) > 1


@pytest.mark.parametrize("qid", CODE_IDS)
def test_random_cases_are_valid_reference_inputs(qid):
    q = get_question(qid)
    rng = np.random.default_rng(1234)
    for _ in range(40):
        case = q.random_case(rng)
        value = expected_value(q, case)
        assert value.shape == () and np.isfinite(value)


# --------------------------------------------------------------------------- cases and time limit
# (the bank's required edge cases are tested in tests/exercises/bank/test_chapters.py)


def test_plain_minus_log_p_is_right_on_the_probability_cases():
    # a reader who does not clip must not be penalised: no probability is exactly 0 or 1
    assert check("classification.implement_cross_entropy", ce_ok).passed
    assert check("imbalanced.implement_focal", focal_ok).passed


def test_bad_timeout_values_fall_back_to_the_default():
    assert check("regression.implement_huber", huber_ok, timeout=float("nan")).passed
    assert check("regression.implement_huber", huber_ok, timeout=-1).passed
