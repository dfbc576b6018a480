"""The teacher's tools: grade a class of notebooks, and release the notebooks to students.

The public API, which the command line (:mod:`exercises.cli`), the benchmarks and the tests call::

    from exercises import teacher

    teacher.require_sandbox(options)          # bubblewrap can run here (else TeacherError)
    reports = teacher.grade_notebooks(["submissions/"], options, jobs=2)
    print(teacher.format_table(reports))      # or format_json / format_csv / feedback_files
    teacher.release("book/", "student-copies/")

For a class with a roster (one folder per student, each with their own numbers)::

    roster = teacher.read_roster("roster.csv")
    salt, _ = teacher.class_salt(Path("class-salt.txt"))
    teacher.release("book/", "copies/", roster=roster, salt=salt)
    options = teacher.Options(salt=salt)
    reports = teacher.grade_notebooks(["submissions/"], options, roster=roster)

Inside:

- :mod:`~exercises.teacher.plan`: which statements of a notebook its answers need (or why the
  whole notebook must run);
- :mod:`~exercises.teacher.session`: one submission: planned, run in its sandbox, every answer
  scored here (:class:`Options`, :class:`NotebookReport`);
- :mod:`~exercises.teacher.batch`: many submissions, on this machine or a Dask cluster;
- :mod:`~exercises.teacher.reports`: table, JSON, CSV and feedback files;
- :mod:`~exercises.teacher.release`: student copies (one per student with a roster) and answer
  keys;
- :mod:`~exercises.teacher.roster`: the class roster, and which student a submission is;
- :mod:`~exercises.teacher.copies`: the copy signal (a wrong answer that is a classmate's key);
- :mod:`~exercises.teacher.class_report`: the teacher's HTML report of the class (what it got
  wrong) and the Canvas gradebook CSV;
- :mod:`~exercises.teacher.files`: finding notebooks, the class salt, safe writes.

This room imports :mod:`exercises.bank`, :mod:`exercises.scoring`, :mod:`exercises.sandbox`,
:mod:`exercises.render` (numbers in reports), numpy and the standard library; IPython (the
planner reads IPython syntax as Jupyter does) and, lazily, dask's distributed.

>>> from exercises import teacher
>>> teacher.Options().isolated
True
"""

from ..sandbox.bubblewrap import Limits, SandboxUnavailable
from .batch import ProgressLine, grade_notebooks, require_sandbox
from .class_report import CANVAS_COLUMNS, class_report, format_canvas
from .copies import flag_copies
from .files import (
    SALT_FILE,
    TeacherError,
    class_salt,
    find_notebooks,
    submission_keys,
    write_atomically,
)
from .release import (
    answer_key,
    release,
    release_notebook,
    solutions,
    solve_notebook,
    student_notebook,
    with_answers,
)
from .reports import (
    FIELDS,
    describe_isolation,
    feedback_files,
    format_csv,
    format_json,
    format_table,
    report_rows,
)
from .roster import Student, match_student, read_roster
from .session import (
    NotebookReport,
    Options,
    grade_notebook_data,
    grade_submission,
    read_notebook,
)

__all__ = [
    "CANVAS_COLUMNS",
    "FIELDS",
    "SALT_FILE",
    "Limits",
    "NotebookReport",
    "Options",
    "ProgressLine",
    "SandboxUnavailable",
    "Student",
    "TeacherError",
    "answer_key",
    "class_report",
    "class_salt",
    "describe_isolation",
    "feedback_files",
    "flag_copies",
    "find_notebooks",
    "format_canvas",
    "format_csv",
    "format_json",
    "format_table",
    "grade_notebook_data",
    "grade_submission",
    "grade_notebooks",
    "match_student",
    "read_notebook",
    "read_roster",
    "release",
    "release_notebook",
    "report_rows",
    "require_sandbox",
    "solutions",
    "solve_notebook",
    "student_notebook",
    "with_answers",
    "submission_keys",
    "write_atomically",
]
