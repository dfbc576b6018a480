"""A class graded with its roster (:mod:`exercises.teacher.copies`, :mod:`~exercises.teacher.batch`):
every student is graded on their own numbers, whatever their notebook's metadata says; a notebook
answered with a classmate's numbers fails and is flagged with the classmate's id, in the
teacher's report only; a known mistake that happens to be a classmate's key is not flagged."""

import csv
import io
import json

import pytest

from exercises import bank
from exercises.cli import main
from exercises.scoring import Result
from exercises.teacher import NotebookReport, answer_key, flag_copies
from tests.exercises._helpers import ROOT, require_sandbox

BOOK = ROOT / "book"
SALT = "copy test salt"
VSALT = bank.variant_salt(SALT)
CHAPTERS = ("regression", "imbalanced")
ROSTER = ("alice", "bob", "dave", "erin")


def numeric_with_variants(chapter):
    return [
        q.id
        for q in bank.all_questions(chapter)
        if q.kind == "numeric" and bank.parametric(q.id) is not None
    ]


def key(qid, student):
    return bank.variant(qid, VSALT, student).answer


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """alice and erin answer their own numbers; bob hands in his copy answered with alice's
    numbers; dave hands in alice's notebook itself (her first cell and metadata); mallory is not
    on the roster."""
    require_sandbox()
    tmp = tmp_path_factory.mktemp("roster-class")
    (tmp / "roster.csv").write_text("student\n" + "\n".join(ROSTER) + "\n", encoding="utf-8")
    (tmp / "class-salt.txt").write_text(SALT + "\n", encoding="utf-8")
    subs = tmp / "submissions"
    for chapter in CHAPTERS:
        book = json.loads((BOOK / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        copies = {
            "alice": answer_key(book, "alice", VSALT),
            "bob": answer_key(book, "bob", VSALT, answers_from="alice"),
            "dave": answer_key(book, "alice", VSALT),
            "erin": answer_key(book, "erin", VSALT),
            "mallory": answer_key(book, "mallory", VSALT),
        }
        for student, nb in copies.items():
            (subs / student).mkdir(parents=True, exist_ok=True)
            (subs / student / f"{chapter}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    out = tmp / "report.csv"
    feedback = tmp / "feedback"
    status = main(
        [
            "grade",
            str(subs),
            "--roster",
            str(tmp / "roster.csv"),
            "-q",
            "--jobs",
            "2",
            "--format",
            "csv",
            "-o",
            str(out),
            "--feedback",
            str(feedback),
        ]
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    return {"rows": rows, "feedback": feedback}


def rows_of(graded, student):
    return [r for r in graded["rows"] if f"/{student}/" in r["notebook"]]


@pytest.mark.sandbox
def test_each_student_is_graded_on_their_own_numbers(graded):
    for student in ("alice", "erin"):
        rows = rows_of(graded, student)
        assert rows and all(r["status"] == "passed" for r in rows), student
        assert {r["student"] for r in rows} == {student}
        assert all(r["copy_of"] == "" for r in rows)
        for r in rows:
            if bank.parametric(r["question_id"]) is not None:
                label = bank.variant_label(r["question_id"], VSALT, student)
                assert r["variant"] == label and label


@pytest.mark.sandbox
def test_a_classmates_numbers_fail_and_are_flagged_with_the_classmate(graded):
    for student in ("bob", "dave"):
        rows = {r["question_id"]: r for r in rows_of(graded, student)}
        checked = [q for c in CHAPTERS for q in numeric_with_variants(c) if q in rows]
        assert len(checked) >= 4  # (regression.huber_value is asked in a quiz: no check())
        for qid in checked:
            row = rows[qid]
            assert row["student"] == student
            if key(qid, "alice") == pytest.approx(key(qid, student), abs=1e-6):
                continue  # the same key: not a copy anyone can see
            assert row["status"] == "failed", (student, qid)
            assert "alice" in row["copy_of"].split(", "), (student, qid)
        # the code questions are the same for everyone: right, and never flagged
        plain = [r for q, r in rows.items() if bank.get_question(q).kind == "code"]
        assert plain and all(r["status"] == "passed" and not r["copy_of"] for r in plain)


@pytest.mark.sandbox
def test_the_notebooks_metadata_is_never_trusted_and_a_mismatch_is_reported(graded):
    dave = rows_of(graded, "dave")
    assert {r["student"] for r in dave} == {"dave"}
    assert all(
        "the notebook's metadata names the student 'alice'; graded as 'dave'" in r["problems"]
        for r in dave
    )
    assert not any("metadata" in r["problems"] for r in rows_of(graded, "bob"))


@pytest.mark.sandbox
def test_a_file_of_no_student_on_the_roster_is_graded_on_the_books_numbers_and_reported(graded):
    rows = rows_of(graded, "mallory")
    assert rows and {r["student"] for r in rows} == {""}
    assert all("no student of the roster matches" in r["problems"] for r in rows)


@pytest.mark.sandbox
def test_the_copy_signal_stays_out_of_the_students_feedback(graded):
    text = "\n".join(p.read_text() for p in graded["feedback"].glob("*bob*"))
    assert text and "alice" not in text


@pytest.mark.sandbox
def test_grading_with_a_roster_needs_the_class_salt(tmp_path, capsys):
    require_sandbox()
    roster = tmp_path / "roster.csv"
    roster.write_text("student\nalice\n", encoding="utf-8")
    (tmp_path / "alice").mkdir()
    nb = answer_key(json.loads((BOOK / "regression.ipynb").read_text()), "alice", VSALT)
    (tmp_path / "alice" / "regression.ipynb").write_text(json.dumps(nb))
    assert main(["grade", str(tmp_path / "alice"), "--roster", str(roster), "-q"]) == 2
    assert "no class salt at" in capsys.readouterr().err
    assert not (tmp_path / "class-salt.txt").exists()  # none was made up


def report(student, qid, answer, status="failed"):
    rep = NotebookReport(f"{student}/x.ipynb", student=student)
    q = bank.get_question(qid)
    rep.results.append(Result(qid, q.chapter, q.kind, status, 0.0, 1.0, ""))
    rep.answers[qid] = answer
    return rep


def test_a_known_mistake_is_never_a_copy_even_when_it_is_a_classmates_key():
    # with a residual of 25 the slip "the squared error itself", r² = 625, is not a key; look
    # for students whose slip equals a classmate's key, on the question's own numbers
    qid = "regression.outlier_gradient_mse"
    students = [f"s{i:03d}" for i in range(300)]
    keys = {s: key(qid, s) for s in students}
    found = 0
    for s in students:
        for wrong, _ in bank.variant(qid, VSALT, s).wrong_values:
            others = [o for o in students if o != s and abs(keys[o] - wrong) < 1e-6]
            if others:
                rep = report(s, qid, wrong)
                flag_copies([rep], students, VSALT)
                assert rep.copies == {}, (s, wrong, others)
                found += 1
    assert found  # the case happens in a class of 300


def test_only_failed_numeric_answers_with_variants_are_compared():
    qid = "imbalanced.tversky_value"
    theirs = key(qid, "bob")
    passed = report("alice", qid, theirs, status="passed")
    no_student = report("", qid, theirs)
    plain = report(
        "alice", "regression.mae_constant", bank.get_question("regression.mae_constant").answer
    )
    flag_copies([passed, no_student, plain], ["alice", "bob"], VSALT)
    assert passed.copies == no_student.copies == plain.copies == {}
    copied = report("alice", qid, theirs)
    flag_copies([copied], ["alice", "bob", "carol"], VSALT)
    assert copied.copies == {qid: "bob"}
