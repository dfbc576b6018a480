"""The question bank and the choice/numeric questions: keys, feedback, tolerances, errors."""

import numpy as np
import pytest

import exercises
from exercises import _core, check, questions
from tests._exercises_helpers import isolated_progress  # noqa: F401  (autouse fixture)

REQUIRED_CODE = {
    "regression.implement_huber",
    "classification.implement_cross_entropy",
    "imbalanced.implement_focal",
    "imbalanced.implement_dice",
    "distributions.implement_kl",
    "metric_learning.implement_triplet",
}
CHOICE = [q for q in _core.all_questions() if q.kind in ("single", "multiple")]
NUMERIC = [q for q in _core.all_questions() if q.kind == "numeric"]


def test_required_ids_and_chapters_exist():
    ids = {q["id"] for q in questions()}
    assert REQUIRED_CODE <= ids
    for chapter in (
        "regression",
        "classification",
        "imbalanced",
        "distributions",
        "metric_learning",
    ):
        kinds = {q["kind"] for q in questions(chapter)}
        # every chapter has concept (choice), numeric and code questions
        assert {"numeric", "code"} <= kinds and kinds & {"single", "multiple"}, chapter
    assert "closing.implement_dice_bce" in ids


def test_questions_lists_the_contract_fields():
    info = questions("regression")[0]
    assert set(info) == {"id", "chapter", "kind", "points", "prompt", "mirrors"}
    assert info["mirrors"].startswith("Self-check 1")
    assert all(q["chapter"] == "distributions" for q in questions("distributions"))
    with pytest.raises(KeyError, match="metric_learning"):
        questions("metric_learnin")


def test_unknown_id_is_a_keyerror_with_close_matches():
    with pytest.raises(KeyError, match="regression.implement_huber"):
        check("regression.implement_hubber", 1.0)
    with pytest.raises(KeyError, match="imbalanced.implement_dice"):
        check("implement_dice", 1.0)
    with pytest.raises(KeyError, match=r"exercises\.questions\(\)"):
        check("zzzz", 1.0)


def test_example_from_the_contract():
    r = check("regression.outlier_loss", "huber")
    assert r.passed and r.score == r.max_score == 1.0
    assert r.question_id == "regression.outlier_loss"


@pytest.mark.parametrize("q", CHOICE, ids=lambda q: q.id)
def test_choice_right_answer_passes(q):
    keys = sorted(q.correct_keys)
    r = check(q.id, keys[0] if q.kind == "single" else keys)
    assert r.passed and r.score == q.points, r.feedback
    assert r.hint == ""


@pytest.mark.parametrize("q", CHOICE, ids=lambda q: q.id)
def test_choice_each_wrong_option_fails_with_its_feedback_and_hint(q):
    for opt in q.options:
        if opt.correct:
            continue
        answer = opt.key if q.kind == "single" else [*sorted(q.correct_keys), opt.key]
        r = check(q.id, answer)
        assert not r.passed
        assert opt.feedback in r.feedback
        assert r.hint == q.hints[0]
        assert r.score < q.points


def test_single_choice_normalises_the_key_and_rejects_non_options():
    assert check("regression.outlier_loss", "  HUBER ").passed
    assert check("regression.outlier_loss", "Huber loss").passed  # the option's text works too
    assert check("regression.outlier_loss", ["huber"]).passed
    r = check("regression.outlier_loss", "log-cosh")
    assert not r.passed and "not one of the options" in r.feedback and "'d'" in r.feedback
    assert "huber" not in r.feedback.lower()  # the feedback names letters, never the keys
    assert (
        check("regression.outlier_loss", "d").passed
        and check("regression.outlier_loss", "(D)").passed
    )
    assert not check("regression.outlier_loss", "a").passed
    r = check("regression.outlier_loss", 3)
    assert not r.passed and r.score == 0 and "string" in r.feedback


def test_multiple_choice_partial_credit():
    r = check("imbalanced.two_losses", ["focal"])
    assert (
        not r.passed
        and r.score == pytest.approx(1.0)
        and "1 correct option is missing" in r.feedback
    )
    r = check("imbalanced.two_losses", ["focal", "mse"])
    assert not r.passed and r.score == 0.0
    r = check("imbalanced.two_losses", "dice, focal")
    assert r.passed and r.score == 2.0
    assert check("imbalanced.two_losses", {"Dice", "FOCAL"}).passed
    r = check("imbalanced.two_losses", ["focal", "dice", "xentropy"])
    assert not r.passed and "Not an option: 'xentropy'" in r.feedback
    assert not check("imbalanced.two_losses", 5).passed


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
    "qid, value",
    [
        # keys computed by hand, independently of the bank and of `losses`
        ("regression.outlier_gradient_mse", 2 * 100),
        ("regression.outlier_gradient_huber", 1.0),
        ("regression.huber_value", 2 * (5 - 2 / 2)),
        ("regression.pinball_value", max(0.9 * (10 - 12), (0.9 - 1) * (10 - 12))),
        ("classification.hinge_value", 1 - (-1) * 0.3),
        ("classification.ce_value", -np.log(np.exp(2) / (np.exp(2) + np.exp(1) + 1))),
        ("imbalanced.background_accuracy", 2460 / 2500),
        ("imbalanced.background_dice", 1.0),
        ("imbalanced.focal_factor", (1 - 0.9) ** 2),
        ("distributions.kl_pq_value", 0.5 * np.log(0.5 / 0.9) + 0.5 * np.log(0.5 / 0.1)),
        ("distributions.kl_qp_value", 0.9 * np.log(0.9 / 0.5) + 0.1 * np.log(0.1 / 0.5)),
        ("metric_learning.triplet_value", max(0.0, 0.8 - 1.1 + 0.5)),
        ("metric_learning.contrastive_value", max(0.0, 1 - 0.4) ** 2),
    ],
)
def test_numeric_keys_match_hand_computation(qid, value):
    assert check(qid, value).passed


def test_kl_is_asymmetric_and_the_guides_error_is_not_a_key():
    assert not check("distributions.asymmetry", "symmetric").passed
    assert check("distributions.kl_pq_value", 0.5108).passed
    assert not check("distributions.kl_qp_value", 0.5108).passed
    # "triplet always trains faster" is a claim, not the answer
    r = check("metric_learning.triplet_advantage", "always_faster")
    assert not r.passed and "claim" in r.feedback


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


@pytest.mark.parametrize("placeholder", [..., None])
@pytest.mark.parametrize(
    "qid", ["regression.outlier_loss", "imbalanced.two_losses", "regression.huber_value"]
)
def test_placeholder_is_not_attempted(qid, placeholder):
    r = check(qid, placeholder)
    assert r.status == "not_attempted" and not r.passed and r.score == 0.0
    assert "Not attempted yet" in str(r)


def test_mixed_quiz_ids_exist_and_cover_every_chapter():
    from exercises.closing import MIXED_QUIZ

    chapters = {_core.get_question(i).chapter for i in MIXED_QUIZ}
    assert chapters == set(_core.CHAPTERS)
    assert all(_core.get_question(i).kind != "code" for i in MIXED_QUIZ)


def test_public_api():
    for name in ("check", "Result", "questions", "progress", "quiz"):
        assert hasattr(exercises, name)


def test_readers_answer_with_neutral_letters_in_a_stable_shuffled_order():
    qs = [q for q in _core.all_questions() if isinstance(q, _core.ChoiceQuestion)]
    for q in qs:
        shown = q.display_options
        assert sorted(o.key for o in shown) == sorted(o.key for o in q.options)
        assert [q.letter(o) for o in shown] == list("abcdefghij"[: len(shown)])
        for o in shown:  # a letter, the bank's key and the option's text name the same option
            assert q.option(q.letter(o)) is o and q.option(o.key) is o
    # the order is a pure function of the id: the notebook, the site and the grader agree
    assert [o.key for o in _core.get_question("regression.outlier_loss").display_options] == [
        "mse",
        "mae",
        "cross_entropy",
        "huber",
    ]
    # and the right answer is not always in the same place
    firsts = [q.letter(o) for q in qs for o in q.display_options if o.correct]
    assert max(firsts.count(letter) for letter in set(firsts)) < len(firsts) / 2


def test_the_contracts_example_key_still_works():
    assert check("regression.outlier_loss", "huber").passed  # exercises-api.md shows this call


def test_new_derivation_and_prediction_questions_agree_with_the_course_code():
    import losses
    from course.experiments import distributions as dist
    from course.experiments import imbalanced as imb

    z = np.log(0.8 / 0.2)  # the logit of p̂ = 0.8
    grad = losses.focal_grad([1.0], [z], alpha=None, gamma=1.0, from_logits=True, reduction="sum")
    assert check("imbalanced.focal_gradient_gamma1", float(grad[0])).passed
    assert not check("imbalanced.focal_gradient_gamma1", -0.2).passed  # cross-entropy's

    posteriors = np.linspace(0.5, 0.99, 491)
    q = imb.focal_optimal_prediction(posteriors, gamma=2.0, alpha=0.25)
    crossing = posteriors[np.argmin(np.abs(q - 0.5))]
    assert check("imbalanced.alpha_threshold", float(crossing)).passed
    assert not check("imbalanced.alpha_threshold", 0.5).passed

    fit = dist.fit_gaussian("reverse", init=(2.5, 0.5))
    assert fit.mu == pytest.approx(3.0, abs=0.05)  # the lighter mode, next to the start
    assert check("distributions.reverse_kl_start", "nearer").passed
