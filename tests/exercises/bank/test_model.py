"""The question model: a choice question's options under neutral letters, in a stable order."""

from exercises.bank import ChoiceQuestion, all_questions, get_question


def test_readers_answer_with_neutral_letters_in_a_stable_shuffled_order():
    qs = [q for q in all_questions() if isinstance(q, ChoiceQuestion)]
    for q in qs:
        shown = q.display_options
        assert sorted(o.key for o in shown) == sorted(o.key for o in q.options)
        assert [q.letter(o) for o in shown] == list("abcdefghij"[: len(shown)])
        for o in shown:  # a letter, the bank's key and the option's text name the same option
            assert q.option(q.letter(o)) is o and q.option(o.key) is o
    # the order is a pure function of the id: the notebook, the site and the grader agree
    assert [o.key for o in get_question("regression.outlier_loss").display_options] == [
        "mse",
        "mae",
        "huber_large_delta",
        "huber",
    ]
    # and the right answer is not always in the same place
    firsts = [q.letter(o) for q in qs for o in q.display_options if o.correct]
    assert max(firsts.count(letter) for letter in set(firsts)) < len(firsts) / 2
