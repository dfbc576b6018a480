"""The InfoNCE code question (``metric_learning.implement_info_nce``) and its concept question:
correct answers written from the formula pass, each realistic mistake fails with the hint that
names it, and the fixed cases contain the inputs on which those mistakes show."""

import numpy as np
import pytest

import losses
from exercises import check
from exercises.bank import get_question
from exercises.scoring.code import expected_value, make_cases

QID = "metric_learning.implement_info_nce"
Q = get_question(QID)


# --------------------------------------------------------------------------- written by hand
# From the formula, as a reader would write them; independent of the bank and of `losses`.


def nce_ok(a, p, t):
    a = a / np.sqrt(np.sum(a**2, axis=1, keepdims=True))
    p = p / np.sqrt(np.sum(p**2, axis=1, keepdims=True))
    s = a @ p.T / t
    m = s.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(s - m).sum(axis=1))
    return np.mean(lse - np.diag(s))


def nce_ok_loop_free_softmax(a, p, t):
    # -log of the softmax probability of the diagonal, with numpy's own norms
    a = a / np.linalg.norm(a, axis=1)[:, None]
    p = p / np.linalg.norm(p, axis=1)[:, None]
    e = np.exp(a @ p.T / t)
    return -np.mean(np.log(np.diag(e) / e.sum(axis=1)))


def _unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _lse(s, axis):
    m = s.max(axis=axis, keepdims=True)
    return np.squeeze(m, axis) + np.log(np.exp(s - m).sum(axis=axis))


# (a reader's mistake, words the hint must contain)
BUGS = [
    (lambda a, p, t: _rows(a @ p.T / t), "unit length"),
    (
        lambda a, p, t: np.mean(
            _lse(_unit(a) @ _unit(p).T / t, 0) - np.diag(_unit(a) @ _unit(p).T / t)
        ),
        "axis",
    ),
    (lambda a, p, t: _rows(_unit(a) @ _unit(p).T) / t, "after the log-sum-exp"),
    (
        lambda a, p, t: np.mean(
            _lse(_unit(a) @ _unit(p).T, 1) - np.diag(_unit(a) @ _unit(p).T) / t
        ),
        "only the positive",
    ),
    (lambda a, p, t: _rows(_unit(a) @ _unit(p).T * t), "multiplied by τ"),
    (lambda a, p, t: len(a) * nce_ok(a, p, t), "sum"),
    (lambda a, p, t: 0.5 * (nce_ok(a, p, t) + nce_ok(p, a, t)), "both directions"),
    (
        lambda a, p, t: np.mean(
            _lse(np.where(np.eye(len(a), dtype=bool), -np.inf, _unit(a) @ _unit(p).T / t), 1)
            - np.diag(_unit(a) @ _unit(p).T / t)
        ),
        "missing from the denominator",
    ),
    (
        lambda a, p, t: _rows(
            (a / np.linalg.norm(a, axis=0)) @ (p / np.linalg.norm(p, axis=0)).T / t
        ),
        "columns",
    ),
]


def _rows(s):
    return np.mean(_lse(s, 1) - np.diag(s))


# --------------------------------------------------------------------------- the question


def test_the_question_is_in_the_bank_with_the_contract_fields():
    info = {q["id"]: q for q in __import__("exercises").questions("metric_learning")}
    assert info[QID]["kind"] == "code" and info[QID]["points"] == 3
    for qid in (QID, "metric_learning.info_nce_temperature"):
        assert info[qid]["mirrors"].startswith("Beyond the study guide")
    assert Q.signature == "info_nce(anchor, positive, temperature)"


@pytest.mark.parametrize("fn", [nce_ok, nce_ok_loop_free_softmax], ids=["logsumexp", "softmax"])
def test_correct_answers_pass(fn):
    r = check(QID, fn)
    assert r.passed and r.score == r.max_score == 3.0, str(r)
    assert r.hint == ""


def test_the_library_function_scores_zero_and_log_softmax_is_allowed():
    for fn in (lambda a, p, t: losses.info_nce(a, p, temperature=t), Q.reference):
        r = check(QID, fn)
        assert (r.passed, r.score) == (False, 0.0)
        assert "losses.info_nce" in r.feedback
    # the course's other functions stay usable inside an answer
    from losses import log_softmax

    def mine(a, p, t):
        a = a / np.linalg.norm(a, axis=1, keepdims=True)
        p = p / np.linalg.norm(p, axis=1, keepdims=True)
        s = a @ p.T / t
        return -np.mean(np.diag(log_softmax(s, axis=1)))

    assert check(QID, mine).passed


def test_reference_is_the_written_out_formula_on_every_case():
    cases = make_cases(Q, np.random.default_rng(3))
    for c in cases:
        assert float(expected_value(Q, c)) == pytest.approx(nce_ok(*c.args), rel=1e-12)


@pytest.mark.parametrize("mistake", Q.mistakes, ids=lambda m: m.fn.__name__)
def test_each_known_mistake_gets_its_own_hint(mistake):
    r = check(QID, mistake.fn)
    assert not r.passed and r.status == "failed"
    assert r.hint == mistake.hint
    assert "First failing case" in r.feedback and "Expected" in r.feedback


@pytest.mark.parametrize("fn, words", BUGS, ids=[w for _, w in BUGS])
def test_realistic_bugs_written_independently_fail_with_a_diagnosis(fn, words):
    r = check(QID, fn)
    assert not r.passed and r.score < r.max_score
    assert words in r.hint, r.hint


def test_forgetting_to_normalise_fails_first_on_rows_of_different_lengths():
    r = check(QID, BUGS[0][0])
    lines = r.feedback.splitlines()
    assert "rows of very different lengths" in lines[1]
    assert 0 < r.score < 3  # right on the first case, whose rows are unit vectors


def test_a_plain_exp_does_not_overflow_on_the_cases():
    # a correct reader who skips the max shift must not be failed: |S| = |cos| / τ stays small
    cases = make_cases(Q, np.random.default_rng(11))
    cases += [Q.random_case(np.random.default_rng(s)) for s in range(200)]
    assert max(1 / c.args[2] for c in cases) <= 10
    # and on the edge case for normalising, an unnormalised S is still finite under a plain exp,
    # so the reader who forgot to normalise gets the hint there, not a NaN
    a, p, t = _fixed("different lengths")
    assert np.isfinite(np.exp(a @ p.T / t)).all()


# --------------------------------------------------------------------------- the edge cases


def _fixed(words):
    found = [c for c in Q.fixed_cases if words in c.name]
    assert len(found) == 1, words
    return found[0].args


def test_edge_cases_where_the_real_mistakes_show():
    # rows of very different lengths: normalising matters
    a, p, _ = _fixed("different lengths")
    norms = np.linalg.norm(np.vstack([a, p]), axis=1)
    assert norms.max() / norms.min() > 20
    # several temperatures other than 1: where τ is applied matters
    temps = {c.args[2] for c in Q.fixed_cases}
    assert len(temps - {1.0}) >= 3
    # n = 2
    assert any(c.args[0].shape[0] == 2 for c in Q.fixed_cases)
    # a batch where the column softmax gives another loss than the row softmax
    a, p, t = _fixed("lopsided")
    s = _unit(a) @ _unit(p).T / t
    assert abs(_rows(s) - _rows(s.T)) > 0.1
    # each mistake differs from the reference on at least one edge case, and from each other
    outs = {m.fn.__name__: np.array([m.fn(*c.args) for c in Q.fixed_cases]) for m in Q.mistakes}
    ref = np.array([Q.reference(*c.args) for c in Q.fixed_cases])
    for name, v in outs.items():
        assert not np.allclose(v, ref, rtol=1e-5), name
    names = list(outs)
    for i, x in enumerate(names):
        for y in names[i + 1 :]:
            assert not np.allclose(outs[x], outs[y], rtol=1e-5), (x, y)


def test_random_cases_are_fresh_valid_and_vary_in_shape():
    a, b = make_cases(Q), make_cases(Q)
    ra, rb = a[len(Q.fixed_cases) :], b[len(Q.fixed_cases) :]
    assert len(ra) == Q.n_random == 8
    assert any(not np.array_equal(x.args[0], y.args[0]) for x, y in zip(ra, rb, strict=True))
    assert len({x.args[0].shape for x in ra + rb}) > 1
    rng = np.random.default_rng(1234)
    for _ in range(40):
        case = Q.random_case(rng)
        value = expected_value(Q, case)
        assert value.shape == () and np.isfinite(value) and value > 0


def test_hard_coded_answers_fail():
    first = float(expected_value(Q, Q.fixed_cases[0]))
    r = check(QID, lambda *args: first)
    assert not r.passed and "same value whatever its inputs" in r.hint
    table = {
        tuple(np.asarray(c.args[0]).ravel().tolist()): float(expected_value(Q, c))
        for c in Q.fixed_cases
    }
    r = check(QID, lambda *args: table.get(tuple(np.asarray(args[0]).ravel().tolist()), 0.0))
    assert not r.passed


def _returns_none(*args):
    x = 1  # noqa: F841  (a body, so that this is not taken for the placeholder)
    return None


@pytest.mark.parametrize(
    "fn, words",
    [
        (_returns_none, "returned None"),
        (lambda *a: np.zeros(3), "shape (3,)"),
        (lambda a, p, t: 1 / 0, "ZeroDivisionError"),
        (lambda *a: float("nan"), "nan"),
    ],
)
def test_misbehaving_functions_get_zero(fn, words):
    r = check(QID, fn)
    assert not r.passed and r.score == 0.0 and words in r.feedback


def test_placeholder_is_not_attempted():
    def my_info_nce(anchor, positive, temperature): ...

    assert check(QID, my_info_nce).status == "not_attempted"
    assert check(QID, ...).status == "not_attempted"


# --------------------------------------------------------------------------- concept question


def test_temperature_question_key_agrees_with_the_weights():
    from course.experiments import metric_learning as ex

    cold = ex.info_nce_weights(0.5, [0.9, 0.3, -0.5], temperature=0.05)
    warm = ex.info_nce_weights(0.5, [0.9, 0.3, -0.5], temperature=1.0)
    assert cold.hardest_share > 0.99 > 0.6 > warm.hardest_share  # concentrates on the hardest
    q = get_question("metric_learning.info_nce_temperature")
    (right,) = [o for o in q.options if o.correct]
    assert check(q.id, q.letter(right)).passed
    for o in q.options:
        if not o.correct:
            assert not check(q.id, q.letter(o)).passed
