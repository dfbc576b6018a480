"""Grade a generated class and print notebooks per second and peak memory.

Run it from the repository root (it needs bubblewrap, like grading does)::

    python benchmarks/bench_grading.py [--students 100] [--jobs 1 2] [--no-isolation]
    python benchmarks/bench_grading.py --solved --students 24     # the book's solutions

The class: ``--students`` notebooks, each a chapter of the book handed in by one student, the
chapters taken in turn. A student hands in the book's worked solutions (most of them), the
released notebook untouched (every fifth student: nothing attempted), or the solutions with a
slip in every code answer (every seventh: the sign of the loss flipped), so the grader meets
passing, failing and not-attempted answers alike. With ``--solved`` every student hands in the
worked solutions (24 students: the class of grading.md's goal, which must get full marks). Every
notebook is graded the way a teacher runs ``python -m exercises grade`` (the same functions, in
this process, with a class salt), once per ``--jobs`` value.

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    parser.add_argument("--no-isolation", action="store_true")
    parser.add_argument("--solved", action="store_true", help="every student hands in solutions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        folder = Path(tmp)
        make_class(folder, args.students, args.solved)
        notebooks = teacher.find_notebooks([str(folder)])
        options = teacher.Options(isolated=not args.no_isolation, salt="benchmark")
        print(
            f"{len(notebooks)} notebooks, isolation: {'none' if args.no_isolation else 'bubblewrap'}"
        )
        for jobs in args.jobs:
            start = time.perf_counter()
            reports = teacher.grade_notebooks([folder], options, jobs=jobs)
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


if __name__ == "__main__":
    main()
