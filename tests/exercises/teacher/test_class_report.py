"""The class report (:mod:`exercises.teacher.class_report`) of a generated class graded with its
roster: every planted misconception is counted for exactly the students who made it, the grid is
the JSON report's, the page works offline in Chromium with no console error and no axe-core
violation, and the Canvas gradebook has its header and one row per student."""

import csv
import html
import io
import json
import re

import pytest

from exercises import bank
from exercises.cli import main
from exercises.render.text import plain_text
from exercises.teacher import CANVAS_COLUMNS, answer_key, with_answers
from exercises.teacher.class_report import STATES, cell_state
from tests._browser import AXE_RUN, AXE_TAGS
from tests.exercises._helpers import ROOT, require_sandbox

pytestmark = pytest.mark.sandbox

BOOK = ROOT / "book"
SALT = "report test salt"
VSALT = bank.variant_salt(SALT)
STUDENTS = [f"s{i:02d}" for i in range(9)]
#: what each student gets wrong on purpose: (question, how) where how is a known wrong value's
#: index (numeric) or a wrong option's key (choice)
PLANTED = {
    "s01": ("regression.pinball_value", 0),
    "s02": ("regression.pinball_value", 0),
    "s03": ("regression.pinball_value", 1),
    "s04": ("regression.outlier_loss", "mse"),
    "s05": ("regression.outlier_loss", "mse"),
    "s06": ("regression.outlier_loss", "mae"),
    "s07": ("regression.outlier_gradient_mse", 0),
}
UNTOUCHED = "s08"
#: on the roster, but hands in nothing
ABSENT = "s99"


def planted_id(qid, how):
    q = bank.get_question(qid)
    return f"{qid}:slip{how + 1}" if q.kind == "numeric" else f"{qid}:{how}"


def planted_answer(student, qid, how):
    q = bank.variant(qid, VSALT, student)
    if q.kind == "numeric":
        return q.wrong_values[how][0]
    return q.letter(next(o for o in q.options if o.key == how))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    require_sandbox()
    from exercises.teacher import release_notebook, student_notebook

    tmp = tmp_path_factory.mktemp("report-class")
    roster = tmp / "roster.csv"
    roster.write_text(
        "student,name,section,sis_user_id\n"
        + "".join(f"{s},Student {s},A,{1000 + i}\n" for i, s in enumerate([*STUDENTS, ABSENT])),
        encoding="utf-8",
    )
    (tmp / "class-salt.txt").write_text(SALT + "\n")
    book = json.loads((BOOK / "regression.ipynb").read_text(encoding="utf-8"))
    for student in STUDENTS:
        if student == UNTOUCHED:
            nb = student_notebook(release_notebook(book), student, VSALT)
        else:
            nb = answer_key(book, student, VSALT)
        if student in PLANTED:
            qid, how = PLANTED[student]
            for cell in nb["cells"]:
                if cell["cell_type"] == "code":
                    source = "".join(cell["source"])
                    cell["source"] = with_answers(source, {qid: planted_answer(student, qid, how)})
        (tmp / "subs" / student).mkdir(parents=True)
        (tmp / "subs" / student / "regression.ipynb").write_text(json.dumps(nb))
    report, rows, canvas = tmp / "class.html", tmp / "class.json", tmp / "canvas.csv"
    common = ["grade", str(tmp / "subs"), "--roster", str(roster), "-q", "--jobs", "2"]
    assert main([*common, "--format", "json", "-o", str(rows), "--report", str(report)]) == 0
    assert main([*common, "--format", "canvas", "-o", str(canvas)]) == 0
    return {
        "html": report.read_text(encoding="utf-8"),
        "path": report,
        "rows": json.loads(rows.read_text()),
        "canvas": canvas.read_text(),
    }


def test_the_rows_name_each_planted_misconception(graded):
    found = {(r["student"], r["mistake"]) for r in graded["rows"] if r["mistake"]}
    want = {(s, planted_id(qid, how)) for s, (qid, how) in PLANTED.items()}
    assert found == want


def test_each_planted_misconception_is_counted_for_exactly_its_students(graded):
    page = graded["html"]
    for mid in {planted_id(qid, how) for qid, how in PLANTED.values()}:
        who = sorted(s for s, (qid, how) in PLANTED.items() if planted_id(qid, how) == mid)
        m = re.search(
            rf"<small>\({re.escape(mid)}\)</small></td><td class='num'>(\d+)</td><td>([^<]*)</td>",
            page,
        )
        assert m, mid
        assert int(m.group(1)) == len(who) and m.group(2).split(", ") == who, mid
        # and named by its one-line name
        qid = mid.split(":")[0]
        name = plain_text(dict(bank.get_question(qid).diagnoses())[mid])  # no TeX offline
        assert html.escape(name) in page


def test_the_grid_is_the_json_report(graded):
    page = graded["html"]
    cells = re.findall(
        r'<tr><th scope="row">([^<]+?)(?: <small>[^<]*</small>)?</th>(.*?)</tr>',
        page[page.index('class="grid"') :],
        re.S,
    )
    shown = {
        (who, qid): state
        for who, row in cells
        for state, qid in re.findall(r'data-state="(\w+)" data-qid="([\w.]+)"', row)
    }
    want = {(r["student"], r["question_id"]): cell_state(r) for r in graded["rows"]}
    assert {k: v for k, v in shown.items() if v != "missing"} == want
    assert set(dict.fromkeys(v for v in want.values())) <= set(STATES)
    assert {"passed", "failed", "not_attempted"} <= set(want.values())
    # a student of the roster who handed in nothing has a row, every cell "not handed in"
    absent = {v for (who, _), v in shown.items() if who == ABSENT}
    assert absent == {"missing"}
    assert f"handed in nothing: {ABSENT}" in page
    assert '<th scope="row">s01 <small>Student s01</small></th>' in page


def test_the_worst_three_questions_come_first_with_their_misconception(graded):
    page = graded["html"]
    worst = page[page.index('id="worst"') : page.index('id="grid"')]
    assert worst.count("<li>") == 3
    assert "regression.pinball_value" in worst  # 3 of 9 got it wrong, 1 did not answer


def test_the_canvas_gradebook_has_its_header_and_one_row_per_student(graded):
    rows = list(csv.reader(io.StringIO(graded["canvas"])))
    assert rows[0] == [*CANVAS_COLUMNS, "Regression losses"]
    assert rows[1][0] == "Points Possible"
    students = rows[2:]
    assert [r[0] for r in students] == [f"Student {s}" for s in [*STUDENTS, ABSENT]]
    assert [r[2] for r in students] == [str(1000 + i) for i in range(len(STUDENTS) + 1)]
    assert students[-1][5] == ""  # nothing handed in: no grade rather than 0
    totals = {r["student"]: 0.0 for r in graded["rows"]}
    for r in graded["rows"]:
        totals[r["student"]] += r["score"]
    for s, row in zip(STUDENTS, students[:-1], strict=True):
        assert float(row[5]) == pytest.approx(totals[s])


def test_canvas_needs_the_roster(tmp_path, capsys):
    (tmp_path / "a.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4}))
    assert main(["grade", str(tmp_path / "a.ipynb"), "--format", "canvas", "-q"]) == 2
    assert "--format canvas needs --roster" in capsys.readouterr().err


def test_the_report_works_offline_without_errors_and_passes_axe(graded, browser, axe_script):
    page = browser.new_page()
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(("file://", "data:"))
            else (outside.append(r.request.url), r.abort())
        ),
    )
    try:
        page.goto(graded["path"].as_uri(), wait_until="load")
        assert (
            page.evaluate("() => document.images[0].complete && document.images[0].naturalWidth")
            > 0
        )
        # a column's header sorts the rows by that question
        page.click("table.grid th button[data-col='1']")
        assert page.get_attribute("table.grid thead th:nth-child(2)", "aria-sort") == "ascending"
        page.add_script_tag(content=axe_script)
        violations = page.evaluate(AXE_RUN, AXE_TAGS)
        assert violations == [], violations
        assert errors == [] and outside == []
    finally:
        page.close()
