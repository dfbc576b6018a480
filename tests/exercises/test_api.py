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


# --------------------------------------------------------------------------- practice variants


def test_another_shows_a_new_version_that_the_next_check_grades():
    import exercises
    from exercises import bank

    book = bank.get_question("regression.pinball_value")
    shown = [exercises.another("regression.pinball_value").question for _ in range(6)]
    assert len({q.prompt for q in shown}) >= 4  # each call a new version, mostly new numbers
    last = shown[-1]
    assert exercises.check(last.id, last.answer).passed
    if not book.is_close(last.answer):
        assert not exercises.check(last.id, book.answer).passed  # the book's key is not its key
    # the same numbers as bank.variant for the session's salt and attempt (one rule)
    assert last.prompt == bank.variant(last.id, "test salt", "practice", 6).prompt


def test_another_shows_it_as_text_and_html_with_how_to_answer():
    import exercises

    p = exercises.another("imbalanced.tversky_value")
    text, page = str(p), p._repr_html_()
    assert p.question.prompt in text and 'check("imbalanced.tversky_value", ...)' in text
    assert "Practice version 1" in text and "Practice version 1" in page
    assert "losscourse-prompt" in page and "<script" not in page


def test_a_question_with_one_version_is_shown_again_and_graded_as_in_the_book():
    import exercises

    p = exercises.another("closing.howto_huber_gradient")
    assert "one version" in p.note
    book = exercises.bank.get_question("closing.howto_huber_gradient")
    assert book.prompt in str(p)
    assert exercises.check("closing.howto_huber_gradient", book.answer).passed


def test_another_shows_a_choice_question_with_its_options_in_another_order():
    import exercises

    versions = [exercises.another("regression.outlier_loss").question for _ in range(6)]
    orders = {tuple(o.key for o in v.display_options) for v in versions}
    assert len(orders) >= 2
    last = versions[-1]
    right = last.letter(next(o for o in last.options if o.correct))
    assert exercises.check("regression.outlier_loss", right).passed


def test_without_another_check_grades_the_books_version():
    import exercises

    assert exercises.check("regression.pinball_value", 0.2).passed
    assert exercises.check("imbalanced.tversky_value", 0.3548).passed
