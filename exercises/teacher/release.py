"""Student copies of the chapter notebooks, and their opposite, an answer key.

:func:`release_notebook` removes every worked solution: the ``:::{dropdown} Show solution`` blocks
of the markdown cells (the rest of each cell, such as the next exercise's statement, stays), and
every output and execution count (outputs can carry what the static site needs to check answers
in the browser). The exercise cells keep their placeholders (``answer_1 = ...``,
``def my_huber(...): ...``) and their ``check`` calls, so a released notebook runs top to bottom
and grades as "not attempted" until the student answers.

:func:`solve_notebook` does the opposite: it pastes each worked solution's code into the exercise
cell that checks the same questions (an answer key, and what the tests and the grading benchmark
hand in as a class's submissions).

Both work on notebooks as plain JSON dicts (nbformat 4) and return new ones; :func:`release`
writes the student copies of a folder of notebooks.

For a class with a roster, :func:`student_notebook` makes one student's copy: the student's
numbers in every statement of a question with parameters (each piece of the book's statement that
shows a parameter, :attr:`~exercises.bank.Parametric.shown`, replaced by the student's), the
options of every choice question listed in the student's order under the student's letters, the
student id and the variant salt in the notebook's metadata (under ``"loss_course"``), and a first
cell that tells :func:`exercises.student` whose numbers ``check()`` grades. :func:`answer_key`
is one student's worked solutions, answered with that student's numbers.

>>> nb = {"cells": [
...     {"cell_type": "code", "source": 'answer_1 = ...\\ncheck("regression.outlier_loss", answer_1)',
...      "outputs": [{"output_type": "stream", "text": "..."}], "execution_count": 3,
...      "metadata": {}},
...     {"cell_type": "markdown", "metadata": {}, "source":
...      ':::{dropdown} Show solution\\n**(d)**\\n```python\\ncheck("regression.outlier_loss", "d")\\n```\\n:::\\n\\n### Exercise 2'}],
...     "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
>>> released = release_notebook(nb)
>>> released["cells"][1]["source"], released["cells"][0]["outputs"]
('### Exercise 2', [])
>>> solve_notebook(nb)["cells"][0]["source"]
'check("regression.outlier_loss", "d")\\n'
"""

from __future__ import annotations

import ast
import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import bank
from .files import TeacherError, find_notebooks, write_atomically
from .roster import Student

#: The key of the course's entry in a notebook's metadata.
METADATA_KEY = "loss_course"

_SOLUTION = re.compile(
    r"^:::\{dropdown\}[^\n]*[Ss]olution[^\n]*\n.*?^:::[ \t]*(?:\n|\Z)", re.M | re.S
)
_CODE = re.compile(r"```python\n(.*?)```", re.S)
_CHECKED = re.compile(r"""check\(\s*["']([\w.]+)["']""")


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def solutions(nb: dict[str, Any]) -> list[str]:
    """The text of every worked solution block in the notebook, in order."""
    found = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            found += [m.group(0) for m in _SOLUTION.finditer(_text(cell.get("source", "")))]
    return found


def release_notebook(nb: dict[str, Any]) -> dict[str, Any]:
    """A student copy: no solution blocks, no outputs (see the module docstring)."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.get("cells", []):
        if cell.get("cell_type") == "markdown":
            text = _SOLUTION.sub("", _text(cell.get("source", ""))).strip("\n")
            if not text.strip():
                continue  # the cell held only the solution
            cell["source"] = text
        elif cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cells.append(cell)
    out["cells"] = cells
    return out


def solve_notebook(nb: dict[str, Any]) -> dict[str, Any]:
    """An answer key: each solution's code replaces the exercise cell(s) checking its questions."""
    out = copy.deepcopy(nb)
    cells = out.get("cells", [])
    start = 0  # an exercise sits after the previous solution
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        blocks = _SOLUTION.findall(_text(cell.get("source", "")))
        for block in blocks:
            code = "".join(_CODE.findall(block))
            qids = set(_CHECKED.findall(code))
            if not qids:
                continue
            targets = [
                j
                for j in range(start, i)
                if cells[j].get("cell_type") == "code"
                and qids & set(_CHECKED.findall(_text(cells[j].get("source", ""))))
            ]
            for n, j in enumerate(targets):
                cells[j]["source"] = code if n == 0 else "# answered in the cell above"
                cells[j]["outputs"] = []
                cells[j]["execution_count"] = None
        if blocks:
            start = i + 1
    return out


def _fragment(text: str) -> re.Pattern[str]:
    """A piece of a statement, found whatever its line breaks."""
    return re.compile(r"\s+".join(re.escape(word) for word in text.split()))


def shown_pieces(question_id: str, salt: str, student: str) -> list[tuple[str, str]]:
    """The pieces of the book's statement of a question that show its parameters, each with the
    student's version: ``[(book's, student's), ...]``; empty for a question whose statement
    shows no parameter."""
    p = bank.parametric(question_id)
    if p is None or p.shown is None:
        return []
    theirs = bank.variant_params(question_id, salt, student)
    return list(zip(p.shown(p.params0), p.shown(theirs), strict=True))


#: A choice question's option list in a statement: ``- **(a)** text`` items, one after another
#: (an item may go on over several lines).
_OPTION_LIST = re.compile(r"(?:^- \*\*\([a-z]\)\*\*.*\n?(?:^(?!- |\s*$).*\n?)*)+", re.M)
_OPTION_ITEM = re.compile(r"^- \*\*\(([a-z])\)\*\*(.*(?:\n(?!- ).*)*)", re.M)


def _reorder_options(
    text: str, which: int, book: bank.ChoiceQuestion, theirs: bank.ChoiceQuestion, name: str
) -> str:
    """``text`` (a statement) with its ``which``-th option list in the student's order, each
    option under the student's letter."""
    lists = list(_OPTION_LIST.finditer(text))
    if which >= len(lists):
        raise TeacherError(
            f"{name}: the statement of {book.id} must list its options as '- **(a)** ...' "
            "above its check cell; the student would read the book's order"
        )
    block = lists[which]
    items = {m.group(1): m.group(2) for m in _OPTION_ITEM.finditer(block.group(0))}
    letters = bank.LETTERS[: len(book.options)]
    if sorted(items) != list(letters):
        raise TeacherError(f"{name}: the options of {book.id} are not (a) to ({letters[-1]})")
    trailing = block.group(0)[len(block.group(0).rstrip("\n")) :]
    by_key = {o.key: o for o in book.options}  # (a scenario variant has texts of its own)
    lines = [
        f"- **({theirs.letter(opt)})**{items[book.letter(by_key[opt.key])].rstrip(chr(10))}"
        for opt in theirs.display_options
    ]
    return text[: block.start()] + "\n".join(lines) + trailing + text[block.end() :]


def student_notebook(
    nb: dict[str, Any], student: str, salt: str, name: str = "notebook"
) -> dict[str, Any]:
    """One student's copy of a released notebook (:func:`release_notebook`'s output): see the
    module docstring. ``salt`` is the class's variant salt (:func:`exercises.bank.variant_salt`);
    ``name`` labels errors. Raises :class:`TeacherError` when a statement no longer shows a
    parameter where the bank says (the student would read the book's numbers and be graded on
    their own)."""
    out = copy.deepcopy(nb)
    cells = out.get("cells", [])
    statement: dict[str, Any] | None = None
    done: dict[str, str] = {}  # the pieces of this statement already replaced
    listed: list[str] = []  # the choice questions of this statement whose options are reordered
    for cell in cells:
        text = _text(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            statement, done, listed = cell, {}, []
            continue
        if cell.get("cell_type") != "code":
            continue
        for qid in dict.fromkeys(_CHECKED.findall(text)):
            try:
                pieces = shown_pieces(qid, salt, student)
                book = bank.get_question(qid)
            except KeyError:
                continue  # not a question of the bank: grading will say so
            if isinstance(book, bank.ChoiceQuestion) and qid not in listed and statement:
                theirs = bank.variant(qid, salt, student)
                statement["source"] = _reorder_options(
                    _text(statement.get("source", "")), len(listed), book, theirs, name
                )
                listed.append(qid)
            for book, theirs in pieces:
                if done.get(book) == theirs:
                    continue  # two questions of one statement share it (and their numbers)
                target = _text(statement.get("source", "")) if statement is not None else ""
                found = _fragment(book).findall(target)
                done[book] = theirs
                if len(found) != 1:
                    where = "found twice" if found else "not found"
                    raise TeacherError(
                        f"{name}: the statement of {qid} must show {book!r} once, above its "
                        f"check cell ({where}); the student would read the book's numbers"
                    )
                statement["source"] = _fragment(book).sub(lambda m, t=theirs: t, target)
    setup = (
        "# Your copy of this chapter, with your own numbers: run this cell first.\n"
        "import exercises\n"
        "\n"
        f"exercises.student({json.dumps(student)}, salt={json.dumps(salt)})"
    )
    cells.insert(
        0,
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {"tags": ["student-copy"]},
            "outputs": [],
            "source": setup,
        },
    )
    if "id" in (cells[1] if len(cells) > 1 else {}):
        cells[0]["id"] = "student-copy"
    out.setdefault("metadata", {})[METADATA_KEY] = {"student": student, "salt": salt}
    return out


def with_answers(source: str, answers: dict[str, Any]) -> str:
    """``source`` with the answer of each ``check("<id>", answer)`` whose id is in ``answers``
    replaced by that value (the source unchanged where it is not plain Python)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    spans = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and len(node.args) >= 2):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        first = node.args[0]
        if name != "check" or not isinstance(first, ast.Constant):
            continue
        if first.value in answers:
            arg = node.args[1]
            start = starts[arg.lineno - 1] + arg.col_offset
            end = starts[arg.end_lineno - 1] + arg.end_col_offset
            spans.append((start, end, json.dumps(answers[first.value])))
    for start, end, text in sorted(spans, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def answer_key(
    nb: dict[str, Any], student: str, salt: str, answers_from: str | None = None
) -> dict[str, Any]:
    """One student's answer key of a book notebook: its worked solutions pasted in
    (:func:`solve_notebook`), every numeric question with parameters answered with the student's
    key, and the statements, metadata and first cell of :func:`student_notebook`.
    ``answers_from`` names another student whose keys are written instead (a copied notebook:
    what the tests and the benchmark hand in to see the copy signal).

    >>> book = json.loads((Path(__file__).parents[2] / "book" / "regression.ipynb").read_text())
    >>> key = answer_key(book, "alice", "salt")
    >>> mine = bank.variant("regression.pinball_value", "salt", "alice").answer
    >>> sources = [_text(c["source"]) for c in key["cells"] if c["cell_type"] == "code"]
    >>> any(f'check("regression.pinball_value", {mine!r})' in s for s in sources)
    True
    """
    solved = solve_notebook(nb)
    whose = answers_from or student
    answers: dict[str, Any] = {}
    for q in bank.all_questions():
        if q.kind == "numeric" and bank.parametric(q.id) is not None:
            answers[q.id] = bank.variant(q.id, salt, whose).answer
        elif isinstance(q, bank.ChoiceQuestion):  # the letters of the student's order
            v = bank.variant(q.id, salt, whose)
            right = [v.letter(o) for o in v.display_options if o.correct]
            answers[q.id] = right[0] if q.kind == "single" else right
    for cell in solved.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["source"] = with_answers(_text(cell.get("source", "")), answers)
    return student_notebook(solved, student, salt)


def release(
    source: str | Path,
    out: str | Path,
    on_written: Callable[[Path, int], None] | None = None,
    *,
    roster: list[Student] | None = None,
    salt: str = "",
) -> list[Path]:
    """Write the student copy (:func:`release_notebook`) of each notebook under ``source`` (a
    notebook or a folder) into ``out``, at the same relative path; ``on_written(target,
    n_solutions_removed)`` is called after each. Returns the files written.

    With a ``roster``, each student gets a folder ``out/<student>/`` of copies with their own
    numbers (:func:`student_notebook`), from the class salt ``salt``."""
    source, out = Path(source), Path(out)
    notebooks = find_notebooks([str(source)])
    folder = source if source.is_dir() else source.parent
    if out.resolve() == folder.resolve():
        raise TeacherError("OUT must not be the folder the notebooks are in")
    if roster is not None and not salt:
        raise TeacherError("a release for a roster needs the class salt")
    released: list[tuple[Path, dict[str, Any], int]] = []
    for nb_path in notebooks:
        try:
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TeacherError(f"not a notebook: {nb_path}: {exc}") from None
        released.append((nb_path.relative_to(folder), release_notebook(nb), len(solutions(nb))))
    copies: list[tuple[Path, dict[str, Any], int]] = []
    if roster is None:
        copies = released
    else:
        vsalt = bank.variant_salt(salt)
        for st in roster:
            for rel, nb, n in released:
                theirs = student_notebook(nb, st.student, vsalt, name=str(rel))
                copies.append((Path(st.student) / rel, theirs, n))
    written = []
    for rel, nb, n in copies:  # every copy is made before the first is written
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        written.append(target)
        if on_written is not None:
            on_written(target, n)
    return written
