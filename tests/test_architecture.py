"""The three packages and what each may import: the layout is the architecture.

- ``losses``: the loss library. numpy and the standard library only.
- ``course``: the book's figures and experiments. ``losses``, numpy, and matplotlib (with its
  own PIL and cycler), ipywidgets and IPython, the last three only inside the functions that draw.
- ``exercises``: the question bank and the grader. ``losses`` and numpy; the command line
  (``exercises/cli.py``) also dask's distributed, for ``--scheduler``, the
  quiz (``exercises/_quiz.py``) ipywidgets and IPython, inside the functions that build its live
  view in a kernel, and the grader's planner (``exercises/_plan.py``) and sandbox runner
  (``exercises/_runner.py``) IPython (and its ``traitlets``), which turns IPython syntax into
  Python and runs magics as Jupyter does, inside the functions that need it.
- The files copied into the grading sandbox (``_runner.py``, ``_sandbox.py``, ``_values.py``:
  the answer keys stay outside) import only the standard library, numpy, each other and, lazily,
  IPython.

No package imports one that is listed after it in its rules (``losses`` knows neither of the
others; ``course`` and ``exercises`` do not know each other). Each rule is checked twice: on the
source (every ``import`` statement, including those inside functions) and in a fresh interpreter
(what an ``import`` really loads).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
DRAWING = {"matplotlib", "PIL", "cycler", "ipywidgets", "IPython"}

#: package -> the top-level modules (besides the standard library and itself) it may import
ALLOWED = {
    "losses": {"numpy"},
    "course": {"numpy", "losses"} | DRAWING,
    "exercises": {"numpy", "losses"},
}
#: single modules that may import more than their package
EXTRA = {
    "exercises/cli.py": {"distributed"},
    "exercises/_quiz.py": {"ipywidgets", "IPython"},
    "exercises/_plan.py": {"IPython"},
    "exercises/_runner.py": {"IPython", "traitlets"},
}


def imports_of(path: Path) -> dict[str, int]:
    """Every absolute top-level module ``path`` imports, with the first line that does."""
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:  # a relative import stays inside the package
            continue
        for name in names:
            found.setdefault(name.split(".")[0], node.lineno)
    return found


def package_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_source_imports_follow_the_rules(package):
    files = package_files(package)
    assert files, f"no module in {package}/"
    problems = []
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        allowed = STDLIB | {package} | ALLOWED[package] | EXTRA.get(rel, set())
        for name, line in sorted(imports_of(path).items()):
            if name not in allowed:
                problems.append(f"{rel}:{line} imports {name}")
    assert not problems, (
        f"{package} may import only the standard library, itself and "
        f"{sorted(ALLOWED[package])}:\n" + "\n".join(problems)
    )


def test_the_sandbox_files_import_nothing_the_sandbox_lacks():
    from exercises import _isolation

    files = {ROOT / "exercises" / name for name in _isolation._RUNNER_FILES.values()}
    assert {f.name for f in files} == {"_runner.py", "_sandbox.py", "_values.py"}
    problems = []
    for path in sorted(files):
        for name in imports_of(path):
            if name not in STDLIB | {"numpy", "IPython", "traitlets"}:
                problems.append(f"{path.name} imports {name}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                if node.module and f"_{node.module.lstrip('_')}.py" not in {f.name for f in files}:
                    problems.append(f"{path.name} imports .{node.module} (not in the sandbox)")
                if not node.module:
                    problems.append(f"{path.name} imports from its package (not in the sandbox)")
    assert not problems, problems


def test_the_rules_catch_a_forbidden_import(tmp_path):
    # The checker itself: an import inside a function counts, a relative one does not.
    module = tmp_path / "m.py"
    module.write_text(
        "import numpy as np\nfrom . import x\n\ndef f():\n    import matplotlib.pyplot\n"
    )
    assert imports_of(module) == {"numpy": 1, "matplotlib": 5}


def loaded_by(statement: str) -> set[str]:
    """The top-level non-standard modules that ``statement`` loads in a fresh interpreter."""
    code = (
        "import sys, json\n"
        "before = set(sys.modules)\n"
        f"{statement}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in set(sys.modules) - before})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # multiprocessing registers the main module under a second name
    return set(json.loads(out.stdout)) - STDLIB - {"__mp_main__"}


def test_import_losses_loads_numpy_and_nothing_else():
    assert loaded_by("import losses") == {"losses", "numpy"}


def test_import_course_loads_nothing_heavy():
    assert loaded_by("import course") == {"course"}
    assert loaded_by("import course.viz") == {"course"}  # matplotlib waits for a figure
    assert loaded_by("import course.experiments.regression") == {"course", "losses", "numpy"}


def test_import_exercises_loads_losses_and_numpy_only():
    assert loaded_by("import exercises") == {"exercises", "losses", "numpy"}
    assert loaded_by("import exercises.cli") == {"exercises", "losses", "numpy"}
