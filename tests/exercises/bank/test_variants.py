"""Per-student variants: the same (salt, student, question) always gives the same question, keys
agree with an independent computation on many seeds, parameters stay in range, the known
mistakes stay distinguishable from the key, and variant 0 is the book's question."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from exercises import bank
from exercises.scoring import grade
from tests.exercises.bank.by_hand import BY_HAND, RANGES

WITH_PARAMETERS = [q.id for q in bank.all_questions() if bank.parametric(q.id)]
#: numeric questions with parameters, and choice questions whose scenario has them
PARAMETRIC = [q for q in WITH_PARAMETERS if bank.get_question(q).kind == "numeric"]
SCENARIOS = [q for q in WITH_PARAMETERS if bank.get_question(q).kind in ("single", "multiple")]
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
    assert set(WITH_PARAMETERS) == set(PARAMETRIC) | set(SCENARIOS) == set(BY_HAND) == set(RANGES)
    assert SCENARIOS  # at least one choice question whose scenario changes


@pytest.mark.parametrize("qid", SCENARIOS)
def test_a_scenario_variant_keeps_its_options_misconceptions_and_its_right_answer(qid):
    p, book = bank.parametric(qid), bank.get_question(qid)
    assert bank.variant(qid) is book and p.variant(None) is book
    assert RANGES[qid](p.params0)
    for seed in SEEDS:
        params = p.params(seed)
        assert RANGES[qid](params) and p.is_fresh(params)
        q = p.variant(seed)
        # the same options (by key: the same misconceptions), with texts of this scenario
        assert [o.key for o in q.options] == [o.key for o in book.options]
        assert [o.correct for o in q.options] == [o.correct for o in book.options]
        assert len({o.text for o in q.options}) == len(q.options)
        right = next(o for o in q.options if o.correct)
        assert f"{BY_HAND[qid](params):g}" in right.text, (params, right.text)
        assert q.prompt != book.prompt
        for o in q.options:
            r = grade(q, o.key)
            assert r.passed == o.correct and o.feedback in r.feedback


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
    book = bank.get_question(qid)
    assert (a.id, a.kind, a.points) == (book.id, book.kind, book.points)


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


@pytest.mark.parametrize("qid", PARAMETRIC)
def test_no_student_gets_the_books_numbers_or_the_books_key(qid):
    p = bank.parametric(qid)
    book = bank.get_question(qid)
    members = [
        bank.parametric(q) for q in PARAMETRIC if bank.parametric(q).seed_name == p.seed_name
    ]
    for seed in SEEDS:
        params = p.params(seed)
        # fresh for every question of the group, found before the redraws run out
        assert all(m.is_fresh(params) for m in members), params
        if book.kind == "numeric" and p.key_varies:
            assert not book.is_close(p.variant(seed).answer)


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
    versions = [bank.variant(qid, "class salt", s) for s in students]
    # a class of 24 sees many versions, not one (in their prompts, or for the Dice loss of "the
    # same scan", whose prompt shows no number, in the scans its known mistakes come from)
    assert len({(v.prompt, repr(v.wrong_values)) for v in versions}) >= 12
    book = bank.get_question(qid)
    assert all((v.prompt, v.wrong_values) != (book.prompt, book.wrong_values) for v in versions)


def test_an_unknown_question_has_no_variant():
    with pytest.raises(KeyError, match="Unknown question id"):
        bank.variant("regression.nope", "salt", "alice")
    assert bank.parametric("regression.outlier_loss") is None
    # a question with no version of its own: the book's for everyone
    assert not bank.has_variants("closing.howto_huber_gradient")
    assert bank.variant("closing.howto_huber_gradient", "salt", "alice") is bank.get_question(
        "closing.howto_huber_gradient"
    )


CHOICE = [q.id for q in bank.all_questions() if isinstance(q, bank.ChoiceQuestion)]


@pytest.mark.parametrize("qid", CHOICE)
def test_a_choice_question_shows_each_student_an_order_of_their_own(qid):
    book = bank.get_question(qid)
    assert bank.variant(qid, "class salt") is book  # no student: the book's order
    orders = set()
    for i in range(24):
        mine = bank.variant(qid, "class salt", f"student{i:02d}")
        if qid not in SCENARIOS:  # (a scenario variant has texts of its own)
            assert set(mine.options) == set(book.options) and mine.prompt == book.prompt
        assert {o.key for o in mine.options} == {o.key for o in book.options}
        assert mine == bank.variant(qid, "class salt", f"student{i:02d}")  # the same each time
        orders.add(tuple(o.key for o in mine.display_options))
        right = [mine.letter(o) for o in mine.display_options if o.correct]
        assert grade(mine, right[0] if mine.kind == "single" else right).passed
        # the bank's own option keys still name the options, whatever the order
        assert grade(
            mine,
            sorted(book.correct_keys)[0] if mine.kind == "single" else sorted(book.correct_keys),
        ).passed
    assert len(orders) >= 4


CODE = [q.id for q in bank.all_questions() if q.kind == "code"]
DRAWN = [qid for qid in CODE if bank.get_question(qid).fixed_draw is not None]


def _agree(q, a, b):
    return np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=q.rtol, atol=q.atol)


@pytest.mark.parametrize("qid", DRAWN)
def test_a_code_questions_fixed_cases_are_each_students_own(qid):
    book = bank.get_question(qid)
    assert bank.variant(qid, "class salt") is book  # no student: the book's cases
    with np.errstate(all="ignore"):
        book_expected = [np.asarray(book.reference(*c.args), float) for c in book.fixed_cases]
    seen = set()
    for i in range(60):
        mine = bank.variant(qid, "class salt", f"student{i:02d}")
        again = bank.variant(qid, "class salt", f"student{i:02d}")
        assert repr(mine.fixed_cases) == repr(again.fixed_cases)
        assert len(mine.fixed_cases) == len(book.fixed_cases)
        assert len({c.name for c in mine.fixed_cases}) == len(mine.fixed_cases)
        with np.errstate(all="ignore"):
            expected = [np.asarray(mine.reference(*c.args), float) for c in mine.fixed_cases]
        # finite, except where the book's edge is infinite by definition (KL with Q = 0 where
        # P is not)
        for e, b in zip(expected, book_expected, strict=True):
            assert np.array_equal(np.isfinite(e), np.isfinite(b)) and not np.isnan(e).any()
        # every known mistake is caught by the student's fixed cases, so it can be diagnosed
        for mistake in mine.mistakes:
            with np.errstate(all="ignore"):
                outs = [mistake.fn(*c.args) for c in mine.fixed_cases]
            assert not all(_agree(mine, o, e) for o, e in zip(outs, expected, strict=True)), (
                i,
                mistake.fn.__name__,
            )
        seen.add(tuple(c.name for c in mine.fixed_cases))
    assert len(seen) >= 10  # the students' cases differ


@pytest.mark.parametrize("qid", DRAWN)
def test_each_known_mistake_is_diagnosed_on_a_students_cases(qid):
    # the grader's own diagnosis, given the outputs the mistake gives on alice's cases (run
    # here: the mistakes call the course's functions, which a graded answer may not)
    from exercises.sandbox.inside.cases import Outcome
    from exercises.scoring.code import diagnose, expected_value, make_cases

    mine = bank.variant(qid, "class salt", "alice")
    assert [c.name for c in mine.fixed_cases] != [
        c.name for c in bank.get_question(qid).fixed_cases
    ]
    cases = make_cases(mine, np.random.default_rng(0))
    expected = [expected_value(mine, c) for c in cases]
    for mistake in mine.mistakes:
        with np.errstate(all="ignore"):
            outs = [np.asarray(mistake.fn(*c.args), dtype=np.float64) for c in cases]
        ok = [
            o.shape == e.shape and bool(np.isclose(o, e, rtol=mine.rtol, atol=mine.atol).all())
            for o, e in zip(outs, expected, strict=True)
        ]
        outcomes = [Outcome("ok", o) for o in outs]
        assert diagnose(mine, cases, expected, outcomes, ok) == mistake.hint, mistake.fn.__name__
