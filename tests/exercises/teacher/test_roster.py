"""The class roster (:mod:`exercises.teacher.roster`): the columns a gradebook needs are read, a bad
roster is refused with the line that is wrong, and a submission is matched to its student by its
folder or file name."""

import pytest

from exercises.teacher import Student, TeacherError, match_student, read_roster


def write(tmp_path, text, name="roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_roster_gives_every_column_a_gradebook_needs(tmp_path):
    path = write(
        tmp_path,
        "\ufeffname,student,email,section,sis_user_id,sis_login_id,canvas_id,notes\n"
        "Alice Liddell,alice,a@x.org,A,1001,alice1,501,likes rabbits\n"
        "\n"
        "Bob,bob.smith_2,,B,,,,\n",
    )
    students = read_roster(path)
    assert students == [
        Student("alice", "Alice Liddell", "a@x.org", "A", "1001", "alice1", "501"),
        Student("bob.smith_2", "Bob", "", "B"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name\nAlice\n",
            "roster.csv, line 1: the roster needs a 'student' column (found: 'name')",
        ),
        ("", "roster.csv, line 1: the roster needs a 'student' column (found: no header)"),
        ("student\nalice\nbob\nAlice\n", "line 4: the student id 'Alice' is already on line 2"),
        ("student\nalice\n../bob\n", "line 3: '../bob' is not a safe student id"),
        ("student\n.hidden\n", "line 2: '.hidden' is not a safe student id"),
        ("student\nann lee\n", "line 2: 'ann lee' is not a safe student id"),
        ("student,name\n,Nobody\n", "line 2: '' is not a safe student id"),
        ("student\n", "roster.csv: the roster has no students"),
    ],
)
def test_a_bad_roster_is_refused_naming_the_line(tmp_path, text, message):
    with pytest.raises(TeacherError) as info:
        read_roster(write(tmp_path, text))
    assert message in str(info.value)


def test_a_missing_roster_is_a_teacher_error(tmp_path):
    with pytest.raises(TeacherError, match="--roster: cannot read"):
        read_roster(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("alice/regression.ipynb", "alice"),
        ("alice/week1/regression.ipynb", "alice"),
        ("alice.ipynb", "alice"),
        ("alice_regression.ipynb", "alice"),
        ("alice-regression.ipynb", "alice"),
        ("al_regression.ipynb", "al"),
        ("al/regression.ipynb", "al"),
        ("alicia_regression.ipynb", None),
        ("regression.ipynb", None),
        ("bob/regression.ipynb", None),
    ],
)
def test_a_submission_is_matched_by_its_folder_or_file_name(key, expected):
    roster = [Student("al"), Student("alice")]
    found = match_student(key, roster)
    assert (found.student if found else None) == expected
