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

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .files import TeacherError, find_notebooks, write_atomically

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


def release(
    source: str | Path,
    out: str | Path,
    on_written: Callable[[Path, int], None] | None = None,
) -> list[Path]:
    """Write the student copy (:func:`release_notebook`) of each notebook under ``source`` (a
    notebook or a folder) into ``out``, at the same relative path; ``on_written(target,
    n_solutions_removed)`` is called after each. Returns the files written."""
    source, out = Path(source), Path(out)
    notebooks = find_notebooks([str(source)])
    folder = source if source.is_dir() else source.parent
    if out.resolve() == folder.resolve():
        raise TeacherError("OUT must not be the folder the notebooks are in")
    written = []
    for nb_path in notebooks:
        try:
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TeacherError(f"not a notebook: {nb_path}: {exc}") from None
        target = out / nb_path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        released = json.dumps(release_notebook(nb), indent=1, ensure_ascii=False) + "\n"
        write_atomically(target, released)
        written.append(target)
        if on_written is not None:
            on_written(target, len(solutions(nb)))
    return written
