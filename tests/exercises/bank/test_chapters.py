"""The chapters' questions: the required ids, the keys (computed here by hand, and from the
course's own code), the code questions' edge cases and references, and the closing mixed quiz."""

import numpy as np
import pytest

import losses
from exercises import check, questions
from exercises.bank import CHAPTERS, get_question
from tests.exercises._helpers import huber_ok

REQUIRED_CODE = {
    "regression.implement_huber",
    "classification.implement_cross_entropy",
    "imbalanced.implement_focal",
    "imbalanced.implement_dice",
    "distributions.implement_kl",
    "metric_learning.implement_triplet",
}


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
        ("distributions.ce_value", -(0.5 * np.log(0.9) + 0.5 * np.log(0.1))),
        ("distributions.logit_gradient", 0.7 - 0.5),
        ("metric_learning.squared_triplet_value", max(0.0, 0.8**2 - 1.1**2 + 0.5)),
        ("metric_learning.info_nce_weight", np.e / (np.exp(1.6) + np.e + np.exp(-1.0))),
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


def test_mixed_quiz_ids_exist_and_are_the_closing_chapters_own():
    from exercises.bank.closing import MIXED_QUIZ

    chapters = {get_question(i).chapter for i in MIXED_QUIZ}
    assert chapters == {CHAPTERS[-1]}  # "closing": each question is asked once, no other chapter's
    assert all(get_question(i).kind != "code" for i in MIXED_QUIZ)


def test_new_derivation_and_prediction_questions_agree_with_the_course_code():
    from course.experiments import distributions as dist
    from course.experiments import imbalanced as imb

    z = np.log(0.8 / 0.2)  # the logit of p̂ = 0.8
    grad = losses.focal_grad([1.0], [z], alpha=None, gamma=1.0, from_logits=True, reduction="sum")
    assert check("imbalanced.focal_gradient_gamma1", float(grad[0])).passed
    assert not check("imbalanced.focal_gradient_gamma1", -0.2).passed  # cross-entropy's

    posteriors = np.linspace(0.5, 0.99, 491)
    q = imb.focal_optimal_prediction(posteriors, gamma=3.0, alpha=0.1)
    crossing = posteriors[np.argmin(np.abs(q - 0.5))]
    assert check("imbalanced.alpha_threshold_derived", float(crossing)).passed
    assert not check("imbalanced.alpha_threshold_derived", 0.5).passed

    fit = dist.fit_gaussian("reverse", init=(2.5, 0.5))
    assert fit.mu == pytest.approx(3.0, abs=0.05)  # the lighter mode, next to the start
    assert check("distributions.reverse_kl_start", "nearer").passed


# --------------------------------------------------------------------------- code questions


def _case_names(qid):
    return " | ".join(c.name for c in get_question(qid).fixed_cases)


def test_required_edge_cases_are_present():
    huber = get_question("regression.implement_huber")
    assert any(c.args[2] != 1 for c in huber.fixed_cases)
    r = np.concatenate([np.ravel(c.args[0] - c.args[1]) / c.args[2] for c in huber.fixed_cases])
    assert (r > 1).any() and (r < -1).any()

    dice = get_question("imbalanced.implement_dice")
    empty = [c for c in dice.fixed_cases if not c.args[0].any() and not c.args[1].any()]
    assert {c.args[2] for c in empty} >= {0.0, 1.0}
    assert max(c.args[2] for c in dice.fixed_cases) >= 10

    kl = get_question("distributions.implement_kl")
    assert any((c.args[0] == 0).any() for c in kl.fixed_cases)

    for qid, idx in (
        ("classification.implement_cross_entropy", 1),
        ("imbalanced.implement_focal", 1),
    ):
        q = get_question(qid)
        cases = q.fixed_cases + tuple(q.random_case(np.random.default_rng(5)) for _ in range(20))
        for c in cases:
            p = np.asarray(c.args[idx])
            assert ((p > 0) & (p < 1)).all(), qid
    assert "Q is zero where P is not" in _case_names("distributions.implement_kl")


def test_reference_functions_agree_with_losses():
    # the bank's references are the library's functions
    y = np.array([0.0, 1.0, 5.0])
    p = np.array([0.5, 3.0, 0.0])
    q = get_question("regression.implement_huber")
    assert q.reference(y, p, 2.0) == pytest.approx(losses.huber(y, p, delta=2.0))
    assert q.reference(y, p, 2.0) == pytest.approx(huber_ok(y, p, 2.0))
