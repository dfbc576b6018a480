"""The reader's functions (:mod:`exercises.api`): ``check``, ``questions`` and ``quiz`` as the
contract shows them."""

import pytest

import exercises
from exercises import check, questions, quiz
from exercises.bank import CHAPTERS


def test_public_api():
    for name in ("check", "Result", "questions", "progress", "quiz"):
        assert hasattr(exercises, name)


def test_example_from_the_contract():
    r = check("regression.outlier_loss", "huber")
    assert r.passed and r.score == r.max_score == 1.0
    assert r.question_id == "regression.outlier_loss"


def test_the_contracts_example_key_still_works():
    assert check("regression.outlier_loss", "huber").passed  # exercises-api.md shows this call


def test_questions_lists_the_contract_fields():
    info = questions("regression")[0]
    assert set(info) == {"id", "chapter", "kind", "points", "prompt", "mirrors"}
    assert info["mirrors"].startswith("Self-check 1")
    assert all(q["chapter"] == "distributions" for q in questions("distributions"))
    with pytest.raises(KeyError, match="metric_learning"):
        questions("metric_learnin")


def test_quiz_selection():
    assert [
        q.id for q in quiz(["regression.outlier_loss", "imbalanced.small_object_losses"]).questions
    ] == [
        "regression.outlier_loss",
        "imbalanced.small_object_losses",
    ]
    assert len(quiz("regression.outlier_loss").questions) == 1
    mixed = quiz("mixed")
    assert {q.chapter for q in mixed.questions} == {CHAPTERS[-1]} and len(mixed.questions) > 1
    assert all(q.kind != "code" for q in quiz("regression", include_code=False).questions)
    with pytest.raises(KeyError, match="regression"):
        quiz("regresion")
    with pytest.raises(KeyError, match="Did you mean"):
        quiz("regression.outlier_los")
