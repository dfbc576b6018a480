"""Grade a generated class and print notebooks per second and peak memory.

Run it from the repository root (it needs bubblewrap, like grading does)::

    python benchmarks/bench_grading.py [--students 100] [--jobs 1 2] [--no-isolation]
    python benchmarks/bench_grading.py --solved --students 24     # the book's solutions
    python benchmarks/bench_grading.py --roster --students 24     # per-student numbers

The class: ``--students`` notebooks, each a chapter of the book handed in by one student, the
chapters taken in turn. A student hands in the book's worked solutions (most of them), the
released notebook untouched (every fifth student: nothing attempted), or the solutions with a
slip in every code answer (every seventh: the sign of the loss flipped), so the grader meets
passing, failing and not-attempted answers alike. With ``--solved`` every student hands in the
worked solutions (24 students: the class of grading.md's goal, which must get full marks). Every
notebook is graded the way a teacher runs ``python -m exercises grade`` (the same functions, in
this process, with a class salt), once per ``--jobs`` value.

With ``--roster`` the class is released with a roster: each student answers their own numbers
(:func:`exercises.teacher.answer_key`), except the planted copies (every seventh student, from the
student three before, who has the same chapter), and the class is graded with the roster. The run
then checks, and prints, that every student was graded on their own numbers, that the copy
signal flags exactly the planted copies, and that the grader names exactly the misconceptions
planted (every third student answers one numeric question with its first known slip); exit
status 1 otherwise. ``--report class.html`` writes the class report of the last run.

Printed per run: wall time, notebooks per second, the total score, how many notebooks ran whole
(and why, the commonest reasons), the peak resident memory of this process (the grader) and the
largest of any one sandboxed notebook (``ru_maxrss`` of the children).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercises import teacher  # noqa: E402


def make_class(folder: Path, students: int, solved: bool = False) -> None:
    chapters = sorted(p for p in (ROOT / "book").glob("*.ipynb") if p.name != "how_to_use.ipynb")
    for s in range(students):
        chapter = chapters[s % len(chapters)]
        nb = json.loads(chapter.read_text(encoding="utf-8"))
        if s % 5 == 4 and not solved:
            nb = teacher.release_notebook(nb)
        else:
            nb = teacher.solve_notebook(nb)
            if s % 7 == 6 and not solved:
                for cell in nb["cells"]:
                    source = (
                        "".join(cell["source"])
                        if isinstance(cell["source"], list)
                        else cell["source"]
                    )
                    if cell["cell_type"] == "code" and "    return " in source:
                        cell["source"] = source.replace("    return ", "    return -", 1)
        (folder / f"student{s:03d}_{chapter.name}").write_text(json.dumps(nb), encoding="utf-8")


#: Chapters whose numeric questions with variants are answered in a ``check`` cell.
COPIED = ("regression", "classification", "imbalanced")


def make_roster_class(
    folder: Path, students: int, salt: str
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """A class released with a roster (see the module docstring); returns the planted copies,
    ``{(student, question id): the student copied}``, and the planted misconceptions,
    ``{(student, question id): the diagnosis id}``."""
    from exercises import bank
    from exercises.teacher import with_answers

    vsalt = bank.variant_salt(salt)
    chapters = [ROOT / "book" / f"{c}.ipynb" for c in COPIED]
    planted: dict[tuple[str, str], str] = {}
    mistakes: dict[tuple[str, str], str] = {}
    for s in range(students):
        sid = f"student{s:03d}"
        chapter = chapters[s % len(chapters)]
        book = json.loads(chapter.read_text(encoding="utf-8"))
        if s % 5 == 4:
            nb = teacher.student_notebook(teacher.release_notebook(book), sid, vsalt)
        elif s % 7 == 6:
            source = f"student{s - len(chapters):03d}"
            nb = teacher.answer_key(book, sid, vsalt, answers_from=source)
            for q in bank.all_questions(chapter.stem):
                checked = any(
                    f'check("{q.id}"' in "".join(c["source"])
                    for c in book["cells"]
                    if c["cell_type"] == "code"
                )
                if q.kind == "numeric" and bank.parametric(q.id) is not None and checked:
                    mine = bank.variant(q.id, vsalt, sid)
                    if not mine.is_close(bank.variant(q.id, vsalt, source).answer):
                        planted[(sid, q.id)] = source
        else:
            nb = teacher.answer_key(book, sid, vsalt)
            if s % 3 == 1:  # one known mistake: the last numeric question's first slip
                code = "".join("".join(c["source"]) for c in nb["cells"])
                qid = [
                    q.id
                    for q in bank.all_questions(chapter.stem)
                    if q.kind == "numeric" and f'check("{q.id}"' in code
                ][-1]
                slip = bank.variant(qid, vsalt, sid).wrong_values[0][0]
                for cell in nb["cells"]:
                    if cell["cell_type"] == "code":
                        cell["source"] = with_answers("".join(cell["source"]), {qid: slip})
                mistakes[(sid, qid)] = bank.get_question(qid).diagnoses()[0][0]
        (folder / sid).mkdir()
        (folder / sid / chapter.name).write_text(json.dumps(nb), encoding="utf-8")
    (folder.parent / "roster.csv").write_text(
        "student\n" + "".join(f"student{s:03d}\n" for s in range(students)), encoding="utf-8"
    )
    return planted, mistakes


def check_roster_class(reports, planted, salt: str) -> bool:
    """Print whether every student was graded on their own numbers and the copy signal flagged
    exactly the planted copies; True if both hold."""
    from exercises import bank

    vsalt = bank.variant_salt(salt)
    own = all(
        rep.variants.get(q) == bank.variant_label(q, vsalt, rep.student)
        for rep in reports
        for q in rep.variants
    ) and all(rep.student == Path(rep.path).parent.name for rep in reports)
    flagged = {
        (rep.student, q): who.split(", ") for rep in reports for q, who in rep.copies.items()
    }
    # a flag names every classmate whose key the answer is: the copied one must be among them
    same = flagged.keys() == planted.keys() and all(planted[k] in flagged[k] for k in planted)
    print(
        f"  every student graded on their own numbers: {own}; copy flags: {len(flagged)}, "
        f"planted copies: {len(planted)}, the same: {same}"
    )
    return own and same


def check_misconceptions(reports, planted, copiers) -> bool:
    """Print whether the grader names exactly the planted misconceptions (the copiers aside:
    a classmate's letters are wrong options for them); True if so."""
    found = {
        (rep.student, r.question_id): r.mistake
        for rep in reports
        for r in rep.results
        if r.mistake and rep.student not in copiers
    }
    same = found == planted
    print(f"  misconceptions named: {len(found)}, planted: {len(planted)}, the same: {same}")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    parser.add_argument("--no-isolation", action="store_true")
    parser.add_argument("--solved", action="store_true", help="every student hands in solutions")
    parser.add_argument(
        "--roster", action="store_true", help="release with a roster, plant copies, grade with it"
    )
    parser.add_argument("--report", metavar="HTML", help="write the last run's class report")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        roster = planted = mistakes = None
        if args.roster:
            planted, mistakes = make_roster_class(folder, args.students, "benchmark")
            roster = teacher.read_roster(Path(tmp) / "roster.csv")
        else:
            make_class(folder, args.students, args.solved)
        notebooks = teacher.find_notebooks([str(folder)])
        options = teacher.Options(isolated=not args.no_isolation, salt="benchmark")
        print(
            f"{len(notebooks)} notebooks, isolation: {'none' if args.no_isolation else 'bubblewrap'}"
        )
        for jobs in args.jobs:
            start = time.perf_counter()
            reports = teacher.grade_notebooks([folder], options, jobs=jobs, roster=roster)
            seconds = time.perf_counter() - start
            score = sum(r.score for r in reports)
            most = sum(r.max_score for r in reports)
            problems = sum(r.status != "ok" for r in reports)
            whole = [re.sub(r"cell \d+", "cell N", r.ran_whole) for r in reports if r.ran_whole]
            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"--jobs {jobs}: {seconds:.1f} s, {len(notebooks) / seconds:.1f} notebooks/s, "
                f"score {score:g}/{most:g}, {problems} notebooks with problems, "
                f"{len(whole)} ran whole ({100 * len(whole) / len(reports):.0f} %); peak memory: "
                f"grader {own:.0f} MiB, largest sandbox {child:.0f} MiB"
            )
            for why, n in collections.Counter(whole).most_common(5):
                print(f"    ran whole ({n}): {why}")
            if planted is not None:
                ok = check_roster_class(reports, planted, "benchmark") and ok
                copiers = {student for student, _ in planted}
                ok = check_misconceptions(reports, mistakes, copiers) and ok
            if args.report:
                start = time.perf_counter()
                Path(args.report).write_text(teacher.class_report(reports), encoding="utf-8")
                print(f"  class report: {args.report} in {time.perf_counter() - start:.1f} s")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
