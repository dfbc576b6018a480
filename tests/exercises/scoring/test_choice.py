"""Choice questions (``single`` and ``multiple``): keys, each wrong option's feedback and hint,
normalised keys, answers that are not options, and partial credit."""

import pytest

from exercises import check
from exercises.bank import all_questions

CHOICE = [q for q in all_questions() if q.kind in ("single", "multiple")]


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
    assert check("regression.outlier_loss", "Huber loss, δ near the noise level").passed  # its text
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
    r = check("imbalanced.small_object_losses", ["focal"])
    assert (
        not r.passed
        and r.score == pytest.approx(1.0)
        and "2 correct options are missing" in r.feedback
    )
    r = check("imbalanced.small_object_losses", ["focal", "mse"])
    assert not r.passed and r.score == 0.0
    r = check("imbalanced.small_object_losses", "dice, focal, tversky")
    assert r.passed and r.score == 3.0
    assert check("imbalanced.small_object_losses", {"Dice", "FOCAL", "tversky"}).passed
    r = check("imbalanced.small_object_losses", ["focal", "dice", "xentropy"])
    assert not r.passed and "Not an option: 'xentropy'" in r.feedback
    assert not check("imbalanced.small_object_losses", 5).passed
