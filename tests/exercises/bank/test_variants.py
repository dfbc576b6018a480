"""Per-student variants: the same (salt, student, question) always gives the same question, keys
agree with an independent computation on many seeds, parameters stay in range, the known
mistakes stay distinguishable from the key, and variant 0 is the book's question."""

from __future__ import annotations

import hashlib

import pytest

from exercises import bank
from exercises.scoring import grade

PARAMETRIC = [qid for qid in (q.id for q in bank.all_questions()) if bank.parametric(qid)]
SEEDS = range(300)


def huber_by_hand(r: float, delta: float) -> float:
    return 0.5 * r * r if abs(r) <= delta else delta * (abs(r) - 0.5 * delta)


def pinball_by_hand(q: float, y: float, y_hat: float) -> float:
    r = y - y_hat
    return q * r if r >= 0 else (q - 1) * r


#: question id -> its key from the parameters, computed without the course's code
BY_HAND = {
    "classification.hinge_value": lambda p: max(0.0, 1 - (-1) * p["f"]),
    "regression.outlier_gradient_mse": lambda p: 2 * p["r"],
    "regression.outlier_gradient_huber": lambda p: min(p["r"], p["delta"]),
    "regression.huber_value": lambda p: huber_by_hand(p["r"], p["delta"]),
    "regression.pinball_value": lambda p: pinball_by_hand(p["q"], p["y"], p["y_hat"]),
    "imbalanced.tversky_value": lambda p: 1 - p["tp"] / (p["tp"] + 0.3 * p["fp"] + 0.7 * p["fn"]),
}


def test_the_seed_is_sha256_of_salt_student_question_and_attempt():
    digest = hashlib.sha256(b"s\x00alice\x00regression.huber_value\x002").digest()
    seed = bank.variant_seed("s", "alice", "regression.huber_value", attempt=2)
    assert seed == int.from_bytes(digest[:16], "big")
    others = {
        bank.variant_seed("t", "alice", "regression.huber_value", 2),
        bank.variant_seed("s", "bob", "regression.huber_value", 2),
        bank.variant_seed("s", "alice", "regression.pinball_value", 2),
        bank.variant_seed("s", "alice", "regression.huber_value", 3),
    }
    assert seed not in others and len(others) == 4


def test_some_questions_have_variants_and_each_has_a_reference():
    assert set(PARAMETRIC) == set(BY_HAND)


@pytest.mark.parametrize("qid", PARAMETRIC)
def test_variant_0_is_the_books_question(qid):
    book = bank.get_question(qid)
    assert bank.variant(qid) is book
    assert bank.variant(qid, salt="any salt") is book  # no student: the book's
    assert bank.parametric(qid).variant(None) is book


@pytest.mark.parametrize("qid", PARAMETRIC)
def test_the_same_student_gets_the_same_question_everywhere(qid):
    a = bank.variant(qid, "salt", "alice")
    b = bank.variant(qid, "salt", "alice")
    assert (a.prompt, a.answer, a.wrong_values) == (b.prompt, b.answer, b.wrong_values)
    assert (a.id, a.kind, a.points) == (bank.get_question(qid).id, "numeric", 1)


@pytest.mark.parametrize("qid", PARAMETRIC)
def test_keys_agree_with_a_computation_by_hand_on_many_seeds(qid):
    p = bank.parametric(qid)
    for seed in SEEDS:
        params = p.params(seed)
        q = p.variant(seed)
        # a key given to 4 decimals (abs_tol 5e-4) is within half a unit of its last decimal
        close = pytest.approx(BY_HAND[qid](params), rel=1e-12, abs=q.abs_tol / 10 + 1e-12)
        assert q.answer == close, params
        assert grade(q, q.answer).passed


@pytest.mark.parametrize("qid", PARAMETRIC)
def test_each_known_mistake_is_told_apart_from_the_key_on_every_variant(qid):
    p = bank.parametric(qid)
    for seed in [None, *SEEDS]:
        q = p.variant(seed)
        values = [v for v, _ in q.wrong_values]
        assert all(not q.is_close(a, b) for i, a in enumerate(values) for b in values[:i]), seed
        for value, feedback in q.wrong_values:
            assert not q.is_close(value), (seed, value)
            r = grade(q, value)
            assert not r.passed and feedback in r.feedback, (seed, value)


def test_parameters_stay_in_their_ranges():
    huber = bank.parametric("regression.huber_value")
    pinball = bank.parametric("regression.pinball_value")
    for seed in SEEDS:
        h = huber.params(seed)
        assert h["delta"] in (1.5, 2.0, 2.5, 3.0) and h["delta"] + 1 <= h["r"] <= 12
        for qid in ("regression.outlier_gradient_mse", "regression.outlier_gradient_huber"):
            outlier = bank.parametric(qid).params(seed)
            assert 25 <= outlier["r"] <= 250 and 0.2 <= outlier.get("delta", 1.0) <= 5.0
        f = bank.parametric("classification.hinge_value").params(seed)["f"]
        assert 0 < f <= 3 and f != 1
        t = bank.parametric("imbalanced.tversky_value").params(seed)
        assert 3 <= t["tp"] <= 12 and 1 <= t["fp"] <= 8 and 1 <= t["fn"] <= 8 and t["fp"] != t["fn"]
        b = pinball.params(seed)
        assert 0.05 <= b["q"] <= 0.95 and abs(b["q"] - 0.5) > 0.19
        assert 5 <= b["y"] <= 20 and 0.5 <= abs(b["y"] - b["y_hat"]) <= 6


@pytest.mark.parametrize("qid", PARAMETRIC)
def test_two_students_get_different_numbers(qid):
    students = [f"student{i:02d}" for i in range(24)]
    prompts = {bank.variant(qid, "class salt", s).prompt for s in students}
    assert len(prompts) >= 12  # a class of 24 sees many versions, not one
    assert bank.variant(qid, "class salt", "alice").prompt != bank.get_question(qid).prompt or (
        bank.variant(qid, "class salt", "bob").prompt != bank.get_question(qid).prompt
    )


def test_an_unknown_question_has_no_variant():
    with pytest.raises(KeyError, match="Unknown question id"):
        bank.variant("regression.nope", "salt", "alice")
    assert bank.parametric("regression.outlier_loss") is None
    assert bank.variant("regression.outlier_loss", "salt", "alice") is bank.get_question(
        "regression.outlier_loss"
    )
