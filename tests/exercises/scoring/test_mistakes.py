"""Every diagnosis has a stable id and a one-line name, and grading names it: a numeric question's
known wrong value, a choice question's wrong option, a code question's known mistake (the class
report counts them; see :meth:`exercises.bank.Question.diagnoses`)."""

import pytest

from exercises import bank
from exercises.scoring import grade
from exercises.scoring.code import mistakes as code_mistakes
from exercises.scoring.common import result

QUESTIONS = [q.id for q in bank.all_questions()]


@pytest.mark.parametrize("qid", QUESTIONS)
def test_each_diagnosis_has_a_stable_id_and_a_one_line_name(qid):
    q = bank.get_question(qid)
    found = q.diagnoses()
    ids = [i for i, _ in found]
    assert len(ids) == len(set(ids)) and all(i.startswith(qid + ":") for i in ids)
    assert all(name and "\n" not in name and len(name) <= 90 for _, name in found)
    if q.kind != "code":
        assert found  # every numeric and choice question diagnoses something
    # the ids are the same in every student's version (the names may quote their numbers)
    mine = bank.variant(qid, "salt", "alice")
    assert [i for i, _ in mine.diagnoses()] == ids


@pytest.mark.parametrize(
    "qid", [q.id for q in bank.all_questions() if q.kind in ("numeric", "single", "multiple")]
)
def test_grading_names_the_misconception_an_answer_shows(qid):
    q = bank.variant(qid, "salt", "alice")
    ids = [i for i, _ in q.diagnoses()]
    if q.kind == "numeric":
        for k, (value, _) in enumerate(q.wrong_values):
            r = grade(q, value)
            assert r.mistake == ids[k] and r.answer == repr(float(value))
        assert grade(q, q.answer).mistake == ""
        assert grade(q, q.answer + 1e6).mistake == ""  # a wrong number no one predicted
        return
    for o in q.options:
        answer = q.letter(o) if q.kind == "single" else [q.letter(o)]
        r = grade(q, answer)
        assert r.answer == o.key
        if o.correct:
            assert r.mistake == ""
        else:
            assert r.mistake == f"{qid}:{o.key}"
    if q.kind == "multiple":  # two wrong options: both named
        wrong = [o for o in q.display_options if not o.correct][:2]
        if len(wrong) == 2:
            r = grade(q, [q.letter(o) for o in wrong])
            assert r.mistake.split(",") == [f"{qid}:{o.key}" for o in wrong]


@pytest.mark.parametrize("qid", [q.id for q in bank.all_questions() if q.kind == "code"])
def test_a_code_answer_is_named_by_the_known_mistake_whose_hint_it_got(qid):
    q = bank.get_question(qid)
    hints = [m.hint for m in q.mistakes]
    assert len(hints) == len(set(hints))  # so a hint names one mistake
    for m, (mid, _) in zip(q.mistakes, q.diagnoses(), strict=True):
        r = result(q, False, 0.0, "Not yet.", m.hint)
        assert code_mistakes(q, r) == [mid]
    assert code_mistakes(q, result(q, False, 0.0, "Not yet.", "something else")) == []
