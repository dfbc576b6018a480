"""Student copies (:mod:`exercises.teacher.release`): every chapter has worked solutions to
remove; a released copy holds none of them, keeps the exercises and their placeholders, grades as
"not attempted" and runs top to bottom; a release never writes over the originals."""

import json
import re

import pytest

from exercises import bank
from exercises.cli import main
from exercises.teacher import TeacherError, release_notebook, solutions, student_notebook
from tests.exercises._helpers import ROOT, require_sandbox

pytestmark = pytest.mark.sandbox

BOOK = ROOT / "book"
CHAPTERS = sorted(p for p in BOOK.glob("*.ipynb") if p.name != "how_to_use.ipynb")


def test_every_chapter_has_worked_solutions_to_hand_in():
    for chapter in CHAPTERS:
        nb = json.loads(chapter.read_text(encoding="utf-8"))
        assert solutions(nb), chapter.name


def test_release_removes_every_solution_and_the_copies_still_run(tmp_path):
    require_sandbox()
    out = tmp_path / "release"
    assert main(["release", str(BOOK), str(out)]) == 0
    released = sorted(p.name for p in out.glob("*.ipynb"))
    assert released == sorted(p.name for p in BOOK.glob("*.ipynb"))
    for chapter in CHAPTERS:
        original = json.loads(chapter.read_text(encoding="utf-8"))
        copy = (out / chapter.name).read_text(encoding="utf-8")
        assert "Show solution" not in copy
        # no line of any worked solution survives (short lines aside, and text that the code
        # cells themselves hold, such as the function's signature)
        given = "\n".join(
            "".join(c["source"]) for c in original["cells"] if c["cell_type"] == "code"
        )
        for block in solutions(original):
            for line in block.splitlines():
                line = line.strip()
                if len(line) > 25 and line not in given and not line.startswith("check("):
                    assert json.dumps(line)[1:-1] not in copy, (chapter.name, line)
        cells = json.loads(copy)["cells"]
        assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")
        # the exercise statements and their placeholders stay
        assert any("# your code here\n    ..." in "".join(c["source"]) for c in cells) or any(
            "= ...  #" in "".join(c["source"]) for c in cells
        )
    # the student copies run and grade as "not attempted", without errors
    report = tmp_path / "released.json"
    assert main(["grade", str(out), "-q", "--format", "json", "-o", str(report)]) == 0
    rows = json.loads(report.read_text())
    assert {r["notebook_status"] for r in rows} == {"ok"}
    assert {r["status"] for r in rows if r["question_id"]} == {"not_attempted"}
    assert main(["release", str(out), str(out)]) == 2  # never over the originals


def test_a_released_chapter_runs_top_to_bottom(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.reads(
        json.dumps(release_notebook(json.loads((BOOK / "regression.ipynb").read_text()))), 4
    )
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(BOOK)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("Not attempted yet" in str(o) for o in outputs)


# ----------------------------------------------------------------------------- a class's release

CLASS_SALT = "test class salt"
VSALT = bank.variant_salt(CLASS_SALT)
SHOWN = [
    q.id
    for q in bank.all_questions()
    if bank.parametric(q.id) is not None and bank.parametric(q.id).shown is not None
]


def _statement_of(nb, qid):
    """The markdown cell above the first code cell that checks ``qid``."""
    statement = None
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            statement = text
        elif f'check("{qid}"' in text:
            return " ".join(statement.split())
    raise AssertionError(f"no check of {qid}")


def test_every_statement_shows_the_books_parameters_once_above_its_check():
    # variant 0 is what the book prints: each piece that shows a parameter is found once in the
    # statement above the question's check cell
    assert len(SHOWN) >= 5
    for qid in SHOWN:
        q = bank.get_question(qid)
        nb = json.loads((BOOK / f"{q.chapter}.ipynb").read_text(encoding="utf-8"))
        statement = _statement_of(release_notebook(nb), qid)
        for piece in bank.parametric(qid).shown(bank.parametric(qid).params0):
            assert statement.count(" ".join(piece.split())) == 1, (qid, piece)


def test_every_question_with_variants_checked_in_a_cell_shows_them_in_its_statement():
    # else a student's copy would print the book's numbers above a check of their own
    code = "".join(
        "".join(c["source"])
        for nb in BOOK.glob("*.ipynb")
        for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "code"
    )
    for q in bank.all_questions():
        if bank.parametric(q.id) is not None and f'check("{q.id}"' in code:
            assert q.id in SHOWN, q.id


def test_a_class_release_gives_each_student_their_own_numbers(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name\nalice,Alice\nbob,Bob\n", encoding="utf-8")
    (tmp_path / "class-salt.txt").write_text(CLASS_SALT + "\n")  # found beside the roster
    out = tmp_path / "copies"
    assert main(["release", str(BOOK), str(out), "--roster", str(roster)]) == 0
    salt = CLASS_SALT
    vsalt = bank.variant_salt(salt)
    assert sorted(p.name for p in out.iterdir()) == ["alice", "bob"]
    for student in ("alice", "bob"):
        assert sorted(p.name for p in (out / student).glob("*.ipynb")) == sorted(
            p.name for p in BOOK.glob("*.ipynb")
        )
        nb = json.loads((out / student / "regression.ipynb").read_text(encoding="utf-8"))
        assert nb["metadata"]["loss_course"] == {"student": student, "salt": vsalt}
        first = "".join(nb["cells"][0]["source"])
        assert f'exercises.student("{student}", salt="{vsalt}")' in first
        assert "Show solution" not in json.dumps(nb)
    # every parameterised question's statement shows each student's numbers, and they differ
    for qid in SHOWN:
        q = bank.get_question(qid)
        p = bank.parametric(qid)
        seen = {}
        for student in ("alice", "bob"):
            nb = json.loads((out / student / f"{q.chapter}.ipynb").read_text(encoding="utf-8"))
            statement = _statement_of(nb, qid)
            params = p.params(bank.variant_seed(vsalt, student, p.seed_name))
            for piece in p.shown(params):
                assert " ".join(piece.split()) in statement, (student, qid, piece)
            seen[student] = p.shown(params)
        assert seen["alice"] != seen["bob"], qid


def test_questions_asked_together_share_their_numbers():
    # Exercise 2 asks the MSE and the Huber gradient of one residual
    for student in ("alice", "bob", "carol"):
        mse = bank.variant_label("regression.outlier_gradient_mse", VSALT, student)
        huber = bank.variant_label("regression.outlier_gradient_huber", VSALT, student)
        assert huber.startswith(mse + ", delta=")


def test_a_statement_that_no_longer_shows_a_parameter_is_refused():
    nb = release_notebook(json.loads((BOOK / "regression.ipynb").read_text(encoding="utf-8")))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = "".join(cell["source"]).replace("the target is $y = 10$", "y is ten")
    with pytest.raises(TeacherError, match="regression.pinball_value must show"):
        student_notebook(nb, "alice", VSALT, name="regression.ipynb")


def test_a_released_copy_grades_its_students_numbers(monkeypatch):
    from exercises import api, check

    nb = student_notebook(
        release_notebook(json.loads((BOOK / "regression.ipynb").read_text(encoding="utf-8"))),
        "alice",
        VSALT,
    )
    exec("".join(nb["cells"][0]["source"]), {})  # the copy's first cell
    assert api._STUDENT == ("alice", VSALT)
    mine = bank.variant("regression.pinball_value", VSALT, "alice").answer
    book = bank.get_question("regression.pinball_value").answer
    assert mine != book
    assert check("regression.pinball_value", mine).passed
    assert not check("regression.pinball_value", book).passed
    # the quiz of the copy shows the student's numbers too
    theirs = bank.variant("regression.huber_value", VSALT, "alice").prompt
    assert theirs != bank.get_question("regression.huber_value").prompt
    assert any(q.prompt == theirs for q in api.quiz("regression").questions)


def test_a_class_release_makes_the_class_salt_beside_the_roster(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("student\nalice\n", encoding="utf-8")
    assert (
        main(
            [
                "release",
                str(BOOK / "regression.ipynb"),
                str(tmp_path / "out"),
                "--roster",
                str(roster),
            ]
        )
        == 0
    )
    salt = (tmp_path / "class-salt.txt").read_text().strip()
    assert len(salt) == 64 and "Created the class salt" in capsys.readouterr().err
    nb = json.loads((tmp_path / "out" / "alice" / "regression.ipynb").read_text())
    assert nb["metadata"]["loss_course"]["salt"] == bank.variant_salt(salt)
    assert salt not in json.dumps(nb)  # the copy carries the variant salt, never the class salt


def test_a_release_with_a_bad_roster_or_a_salt_alone_is_a_usage_error(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("student\nalice\nalice\n", encoding="utf-8")
    assert main(["release", str(BOOK), str(tmp_path / "a"), "--roster", str(roster)]) == 2
    assert "roster.csv, line 3: the student id 'alice' is already on line 2" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "a").exists()
    salt = tmp_path / "s.txt"
    assert main(["release", str(BOOK), str(tmp_path / "b"), "--salt", str(salt)]) == 2
    assert "--salt is for a release with --roster" in capsys.readouterr().err


CHOICE_ITEM = re.compile(r"^- \*\*\(([a-z])\)\*\*(.*(?:\n(?!- ).*)*)", re.M)


def _choice_statements(nb):
    """(question id, its statement's option items {letter: text}) for each choice question
    checked in the notebook, the n-th checked question of a statement taking its n-th list."""
    found, statement, listed = [], "", []
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            statement, listed = text, []
            continue
        for qid in dict.fromkeys(re.findall(r'check\("([\w.]+)"', text)):
            if isinstance(bank.get_question(qid), bank.ChoiceQuestion) and qid not in listed:
                lists = re.findall(
                    r"(?:^- \*\*\([a-z]\)\*\*.*\n?(?:^(?!- |\s*$).*\n?)*)+", statement, re.M
                )
                items = dict(CHOICE_ITEM.findall(lists[len(listed)]))
                found.append((qid, {k: " ".join(v.split()) for k, v in items.items()}))
                listed.append(qid)
    return found


@pytest.mark.parametrize("chapter", [c.stem for c in CHAPTERS])
def test_a_students_copy_lists_each_choice_questions_options_in_their_order(chapter):
    book_nb = release_notebook(json.loads((BOOK / f"{chapter}.ipynb").read_text(encoding="utf-8")))
    book = dict(_choice_statements(book_nb))
    orders = {}
    for student in ("alice", "bob", "carol", "dave"):
        mine = student_notebook(book_nb, student, VSALT)
        for qid, items in _choice_statements(mine):
            q_book, q_mine = bank.get_question(qid), bank.variant(qid, VSALT, student)
            assert len(items) == len(q_book.options)
            for opt in q_mine.options:  # the same option's text, under the student's letter
                book_opt = next(o for o in q_book.options if o.key == opt.key)
                want = book[qid][q_book.letter(book_opt)]
                if bank.parametric(qid) is not None:  # a scenario of its own: its own texts
                    want = " ".join(opt.text.split())
                assert items[q_mine.letter(opt)] == want, (qid, opt.key)
            orders.setdefault(qid, set()).add(tuple(o.key for o in q_mine.display_options))
        # around the lists, a statement is the book's (where it shows no parameter)
        pieces = [
            " ".join(piece.split())
            for qid in SHOWN
            for piece in bank.parametric(qid).shown(bank.parametric(qid).params0)
        ]
        for before, after in zip(book_nb["cells"], mine["cells"][1:], strict=True):
            text = " ".join("".join(before["source"]).split())
            if not any(piece in text for piece in pieces):
                assert CHOICE_ITEM.sub("", "".join(before["source"])) == CHOICE_ITEM.sub(
                    "", "".join(after["source"])
                )
    assert book  # every chapter asks choice questions in its exercises
    assert sum(len(o) > 1 for o in orders.values()) >= len(orders) / 2  # orders differ


def test_a_students_copy_runs_top_to_bottom_with_their_numbers():
    import nbformat
    from nbclient import NotebookClient

    book = json.loads((BOOK / "regression.ipynb").read_text(encoding="utf-8"))
    nb = nbformat.reads(json.dumps(student_notebook(release_notebook(book), "alice", VSALT)), 4)
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(BOOK)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("Not attempted yet" in str(o) for o in outputs)
    # the chapter's quiz, run in alice's copy, asks alice's version
    mine = bank.variant("regression.huber_value", VSALT, "alice").prompt
    assert mine != bank.get_question("regression.huber_value").prompt
    shown = json.dumps([o.get("data", {}).get("text/plain", "") for o in outputs])
    assert json.dumps(mine)[1:40] in shown
