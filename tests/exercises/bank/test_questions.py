"""Questions that test understanding, not test-taking: properties of the whole bank.

Each property is stated once and checked over every question it concerns (scikit-learn's common
tests in spirit). The thresholds are the course's rules for choice questions:

- a test-taker who always picks the longest option must not do well: in at most one single-choice
  question in four is the right option strictly the longest;
- no option of 40 characters or more is over twice as long as the median of its question's other
  options (a long, careful option stands out as the answer);
- every wrong option has feedback of its own, which says why it is wrong;
- a multiple-choice prompt never tells how many options are right;
- every question is asked once in the book: in one exercise cell or one quiz.
"""

from __future__ import annotations

import json
import re
import statistics

import pytest

from exercises import bank
from tests.exercises._helpers import ROOT

CHOICE = [q for q in bank.all_questions() if q.kind in ("single", "multiple")]
SINGLE = [q for q in CHOICE if q.kind == "single"]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def right_is_strictly_longest(q: bank.ChoiceQuestion) -> bool:
    (right,) = [o for o in q.options if o.correct]
    return len(right.text) > max(len(o.text) for o in q.options if o is not right)


def test_the_longest_option_is_rarely_the_right_one():
    longest = [q.id for q in SINGLE if right_is_strictly_longest(q)]
    assert len(SINGLE) >= 20
    assert len(longest) <= len(SINGLE) / 4, longest


@pytest.mark.parametrize("q", CHOICE, ids=lambda q: q.id)
def test_no_option_stands_out_by_its_length(q):
    for o in q.options:
        others = [len(p.text) for p in q.options if p is not o]
        assert not (len(o.text) >= 40 and len(o.text) > 2 * statistics.median(others)), (
            f"({o.key}) has {len(o.text)} characters; the median of the others is "
            f"{statistics.median(others)}"
        )


@pytest.mark.parametrize("q", CHOICE, ids=lambda q: q.id)
def test_every_wrong_option_says_why_it_is_wrong(q):
    wrong = [o for o in q.options if not o.correct]
    assert all(len(o.feedback.strip()) >= 20 for o in wrong), q.id
    assert len({o.feedback for o in wrong}) == len(wrong), f"{q.id}: two options share feedback"


@pytest.mark.parametrize("q", [q for q in CHOICE if q.kind == "multiple"], ids=lambda q: q.id)
def test_a_multiple_choice_prompt_does_not_tell_the_count(q):
    count = r"\b(two|three|four|five|both|\d+)\b[^.?]*\b(are|is)\s+(true|right|correct)"
    assert not re.search(r"\bwhich (two|three|four|five|both)\b", q.prompt, re.I), q.prompt
    assert not re.search(count, q.prompt, re.I), q.prompt


def asked_in(notebook) -> list[str]:
    """The question ids a notebook asks: in ``check`` calls and quizzes of its code cells."""
    ids: list[str] = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        ids += re.findall(r"""\bcheck\(\s*["']([\w.]+)["']""", source)
        for call in re.finditer(r"\bquiz\(\s*(\[[^\]]*\]|[\"'][\w.]+[\"'])", source):
            arg = call.group(1)
            if arg.startswith("["):
                ids += re.findall(r"""["']([\w.]+)["']""", arg)
            else:
                ids += [q.id for q in bank.select(arg.strip("\"'"))]
    return ids


def test_every_question_is_asked_once_in_the_book():
    asked: dict[str, list[str]] = {}
    for nb in NOTEBOOKS:
        for qid in asked_in(nb):
            asked.setdefault(qid, []).append(nb.name)
    twice = {qid: where for qid, where in asked.items() if len(where) > 1}
    assert not twice, twice
    never = sorted({q.id for q in bank.all_questions()} - set(asked))
    assert not never, never


def test_the_ask_finder_reads_checks_and_quizzes(tmp_path):
    nb = tmp_path / "t.ipynb"
    cells = [
        {"cell_type": "code", "source": 'check("regression.outlier_loss", a)\n'},
        {"cell_type": "code", "source": 'quiz(["regression.huber_value", "regression.x"])'},
        {"cell_type": "markdown", "source": 'check("regression.mae_minimiser", "a")'},
    ]
    nb.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert asked_in(nb) == ["regression.outlier_loss", "regression.huber_value", "regression.x"]


#: How a predict-then-verify question asks: the cell after its exercise shows the answer.
PREDICT = "before you run the cell below"


def test_a_prediction_is_revealed_only_in_a_folded_cell():
    predicted = {q.id for q in bank.all_questions() if PREDICT in q.prompt}
    assert len(predicted) >= 4, predicted
    folded = set()
    for nb in NOTEBOOKS:
        cells = [c for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]]
        code = [c for c in cells if c["cell_type"] == "code"]
        for i, cell in enumerate(code[:-1]):
            ids = re.findall(r"""\bcheck\(\s*["']([\w.]+)["']""", "".join(cell["source"]))
            for qid in set(ids) & predicted:
                # on the site, the revealing cell's output stays folded until the reader asks
                assert "hide-output" in code[i + 1].get("metadata", {}).get("tags", []), qid
                folded.add(qid)
    assert folded == predicted
