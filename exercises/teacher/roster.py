"""The class roster: who the students are, read from a CSV file the teacher keeps.

One column is required, ``student``: the id that names each student's folder and files (letters,
digits, ``-``, ``_`` and ``.``, starting with a letter or a digit). The optional columns are what a
gradebook import needs: ``name``, ``email``, ``section``, ``sis_user_id``, ``sis_login_id`` and
``canvas_id``; other columns are ignored. A bad roster is refused with a message naming its line.

Ids are compared without regard to case when looking for duplicates (``Alice`` and ``alice``
would share a folder on some file systems).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
>>> _ = path.write_text("student,name\\nalice,Alice Liddell\\nbob,Bob\\n")
>>> [s.student for s in read_roster(path)]
['alice', 'bob']
>>> _ = path.write_text("student\\nalice\\n../bob\\n")
>>> read_roster(path)
Traceback (most recent call last):
...
exercises.teacher.files.TeacherError: roster.csv, line 3: '../bob' is not a safe student id (letters, digits, '-', '_' and '.', starting with a letter or a digit)
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, fields
from pathlib import Path

from .files import TeacherError

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True)
class Student:
    """One row of the roster."""

    student: str
    """The id: the name of the student's folder, and what grading matches submissions by."""
    name: str = ""
    email: str = ""
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    canvas_id: str = ""


COLUMNS = tuple(f.name for f in fields(Student))


def read_roster(path: str | Path) -> list[Student]:
    """The students of the roster at ``path``, in its order (see the module docstring)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's export may start with a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise TeacherError(f"--roster: cannot read {path}: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = [(h or "").strip() for h in reader.fieldnames or []]
    if "student" not in header:
        raise TeacherError(
            f"{path.name}, line 1: the roster needs a 'student' column (found: "
            f"{', '.join(repr(h) for h in header) or 'no header'})"
        )
    reader.fieldnames = header
    students: list[Student] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        values = {k: (row.get(k) or "").strip() for k in COLUMNS}
        sid = values["student"]
        if not sid and not any(values.values()):
            continue  # a blank line
        if not _SAFE_ID.fullmatch(sid):
            raise TeacherError(
                f"{path.name}, line {line}: {sid!r} is not a safe student id (letters, digits, "
                "'-', '_' and '.', starting with a letter or a digit)"
            )
        if sid.lower() in seen:
            raise TeacherError(
                f"{path.name}, line {line}: the student id {sid!r} is already on line "
                f"{seen[sid.lower()]}"
            )
        seen[sid.lower()] = line
        students.append(Student(**values))
    if not students:
        raise TeacherError(f"{path.name}: the roster has no students")
    return students


def match_student(key: str, students: list[Student]) -> Student | None:
    """The student a submission belongs to, from its path relative to the folder handed to
    grading (``key``): a folder named by the id (``alice/regression.ipynb``), else a file named
    by it (``alice.ipynb``, ``alice_regression.ipynb``, ``alice-regression.ipynb``); the longest
    id wins when several match. None when no id matches.

    >>> roster = [Student("al"), Student("alice")]
    >>> match_student("alice/regression.ipynb", roster).student
    'alice'
    >>> match_student("alice-regression.ipynb", roster).student
    'alice'
    >>> match_student("bob/regression.ipynb", roster) is None
    True
    """
    parts = Path(key).parts
    folders, stem = parts[:-1], Path(parts[-1]).stem if parts else ""
    by_id = {s.student: s for s in students}
    for folder in reversed(folders):
        if folder in by_id:
            return by_id[folder]
    found = [
        s
        for s in students
        if stem == s.student or any(stem.startswith(s.student + sep) for sep in "_-.")
    ]
    return max(found, key=lambda s: len(s.student), default=None)
