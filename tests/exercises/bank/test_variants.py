"""Per-student variants: the same (salt, student, question) always gives the same question, keys
agree with an independent computation on many seeds, parameters stay in range, the known
mistakes stay distinguishable from the key, and variant 0 is the book's question."""

from __future__ import annotations

import hashlib

import pytest

from exercises import bank
from exercises.scoring import grade
from tests.exercises.bank.by_hand import BY_HAND, RANGES

PARAMETRIC = [qid for qid in (q.id for q in bank.all_questions()) if bank.parametric(qid)]
SEEDS = range(300)


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
    assert set(PARAMETRIC) == set(BY_HAND) == set(RANGES)


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


@pytest.mark.parametrize("qid", PARAMETRIC)
def test_parameters_stay_in_their_ranges(qid):
    p = bank.parametric(qid)
    assert RANGES[qid](p.params0)
    for seed in SEEDS:
        assert RANGES[qid](p.params(seed)), p.params(seed)


def test_questions_of_a_group_draw_the_same_shared_parameters():
    groups = {}
    for qid in PARAMETRIC:
        groups.setdefault(bank.parametric(qid).seed_name, []).append(bank.parametric(qid))
    for members in groups.values():
        for seed in SEEDS:
            drawn = [m.params(seed) for m in members]
            shared = set.intersection(*(set(d) for d in drawn))
            assert all(d[k] == drawn[0][k] for d in drawn for k in shared)
        shared0 = set.intersection(*(set(m.params0) for m in members))
        assert all(m.params0[k] == members[0].params0[k] for m in members for k in shared0)


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
