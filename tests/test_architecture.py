"""The three packages and what each may import: the layout is the architecture.

- ``losses``: the loss library. numpy and the standard library only.
- ``course``: the book's figures and experiments. ``losses``, numpy, and matplotlib (with its
  own PIL and cycler), ipywidgets and IPython, the last three only inside the functions that draw.
- ``exercises``: the question bank and the grader. ``losses`` and numpy; the grader's batch
  (``exercises/teacher/batch.py``) also dask's distributed, for ``--scheduler``, the quiz
  (``exercises/render/quiz.py``) ipywidgets and IPython, inside the functions that build its live
  view in a kernel, and the grader's planner (``exercises/teacher/plan.py``) and sandbox runner
  (``exercises/sandbox/inside/runner.py``) IPython (and its ``traitlets``), which turns IPython
  syntax into Python and runs magics as Jupyter does, inside the functions that need it.

No package imports one that is listed after it in its rules (``losses`` knows neither of the
others; ``course`` and ``exercises`` do not know each other). Each rule is checked twice: on the
source (every ``import`` statement, including those inside functions) and in a fresh interpreter
(what an ``import`` really loads).

Inside ``exercises``, the rooms (:data:`ROOMS`) are layered: every import points to a lower
layer or stays in its room, no module imports another in a cycle (lazy imports included), and the
folder copied into the grading sandbox (``exercises/sandbox/inside/``: the answer keys stay
outside) imports only the standard library, numpy, itself and, lazily, IPython. No test or
benchmark reaches into another room's private names.
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
    "exercises/teacher/batch.py": {"distributed"},
    "exercises/teacher/class_report.py": {"matplotlib"},
    "exercises/render/quiz.py": {"ipywidgets", "IPython"},
    "exercises/teacher/plan.py": {"IPython"},
    "exercises/sandbox/inside/runner.py": {"IPython", "traitlets"},
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


# ----------------------------------------------------------------------------- the rooms of exercises

#: The rooms of ``exercises``, bottom up: a module may import its own room and the rooms of lower
#: layers only. ``api`` and ``teacher`` share a layer and do not know each other.
ROOMS = {
    "sandbox": 0,
    "bank": 1,
    "render": 2,
    "scoring": 3,
    "progress": 4,
    "api": 5,
    "teacher": 5,
    "cli": 6,
    "__init__": 7,
    "__main__": 7,
}
#: The folder copied into the grading sandbox, and what it may import besides itself.
INSIDE = "exercises.sandbox.inside"
INSIDE_ALLOWED = STDLIB | {"numpy", "IPython", "traitlets"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def exercises_imports(path: Path, name: str = "") -> dict[str, int]:
    """Every module of ``exercises`` that ``path`` (the module ``name``, by default the one at
    that path) imports, relative imports resolved and imports inside functions included, with
    the first line that does."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # ``from . import bank`` imports the module exercises.bank (its package is loaded
            # already); ``from .scoring import grade`` imports exercises.scoring
            modules = [f"{stem}.{a.name}" for a in node.names if is_module(f"{stem}.{a.name}")]
            targets = modules if len(modules) == len(node.names) else [stem, *modules]
        for target in targets:
            if target != name and (target == "exercises" or target.startswith("exercises.")):
                found.setdefault(target, node.lineno)
    return found


def is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def room_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_module_of_exercises_is_in_a_room():
    rooms = {room_of(module_name(p)) for p in package_files("exercises")}
    assert rooms <= set(ROOMS), rooms - set(ROOMS)
    assert {"bank", "scoring", "sandbox", "teacher", "render"} <= rooms


def test_every_import_in_exercises_points_down_or_stays_in_its_room():
    problems = []
    for path in package_files("exercises"):
        here = module_name(path)
        for target, line in exercises_imports(path).items():
            mine, theirs = room_of(here), room_of(target)
            if target == "exercises" and here != "exercises":
                problems.append(f"{here}:{line} imports the package exercises itself")
            elif mine != theirs and ROOMS[theirs] >= ROOMS[mine]:
                problems.append(f"{here}:{line} imports {target} (room {theirs!r} is not below)")
    assert not problems, "\n".join(problems)


def import_graph() -> dict[str, set[str]]:
    """module -> the modules of exercises that loading it loads directly."""
    graph = {module_name(p): set(exercises_imports(p)) for p in package_files("exercises")}
    # importing a module imports its packages first (those of the importer are loaded already)
    for module in list(graph):
        mine = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)}
        for target in list(graph[module]):
            parts = target.split(".")
            graph[module] |= {".".join(parts[:i]) for i in range(2, len(parts))} - mine - {module}
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[str]:
    """Each import cycle found by a depth-first walk, as ``a -> b -> a``."""
    done: set[str] = set()
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycles.append(" -> ".join([*path[path.index(node) :], node]))
            return
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*path, node])
        done.add(node)

    for module in sorted(graph):
        visit(module, [])
    return cycles


def test_no_module_of_exercises_imports_itself_in_a_cycle():
    cycles = find_cycles(import_graph())
    assert not cycles, "\n".join(cycles)


def test_the_sandbox_folder_imports_nothing_the_sandbox_lacks():
    from exercises.sandbox import bubblewrap

    folder = ROOT / "exercises" / "sandbox" / "inside"
    files = sorted(folder.glob("*.py"))
    assert {f.name for f in files} >= {"runner.py", "protocol.py", "cases.py", "values.py"}
    problems = []
    for path in files:
        for name in imports_of(path):
            if name not in INSIDE_ALLOWED:
                problems.append(f"{path.name} imports {name}")
        for target in exercises_imports(path):
            if not (target == INSIDE or target.startswith(INSIDE + ".")):
                problems.append(f"{path.name} imports {target} (not in the sandbox)")
    assert not problems, problems
    # and the folder is what the sandbox gets: all of it, nothing else of exercises
    copied = bubblewrap.runner_folder(_fresh_dir())
    assert sorted(p.name for p in copied.iterdir()) == [f.name for f in files]


def _fresh_dir() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="arch-"))


def test_the_room_checker_catches_an_upward_and_a_cyclic_import(tmp_path):
    # The checker itself: relative and lazy imports resolved to modules; a cycle found.
    module = tmp_path / "model.py"
    module.write_text("from . import registry\n\ndef f():\n    from ..scoring import grade\n")
    found = exercises_imports(module, "exercises.bank.model")
    assert found == {"exercises.bank.registry": 1, "exercises.scoring": 4}
    assert ROOMS[room_of("exercises.scoring")] > ROOMS[room_of("exercises.bank.model")]
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == ["a -> b -> c -> a"]


def test_every_kind_of_question_has_its_rules_in_each_room():
    from exercises.bank import KINDS
    from exercises.render import quiz
    from exercises.scoring import SCORERS

    for table in (SCORERS, quiz.INPUTS, quiz.TEXTS, quiz.WIDGETS):
        assert set(table) == set(KINDS)


def _imported_names(path: Path) -> list[tuple[str, int]]:
    """``exercises.x.y`` modules and ``exercises.x.y.name`` names that ``path`` imports or uses
    by attribute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "exercises":
                out += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.startswith("exercises.")]
        elif isinstance(node, ast.Attribute):
            dotted = ast.unparse(node)
            if dotted.startswith("exercises."):
                out.append((dotted, node.lineno))
    return out


def test_tests_and_benchmarks_keep_out_of_other_rooms_private_names():
    problems = []
    files = sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "benchmarks").rglob("*.py"))
    for path in files:
        rel = path.relative_to(ROOT)
        # tests/exercises/<room>/... may use the private names of exercises.<room>
        own = rel.parts[2] if rel.parts[:2] == ("tests", "exercises") and len(rel.parts) > 3 else ""
        for dotted, line in _imported_names(path):
            parts = dotted.split(".")
            private = next(
                (p for p in parts[1:] if p.startswith("_") and not p.endswith("_")), None
            )
            if private and parts[1] != own:
                problems.append(f"{rel}:{line} uses {dotted}")
    assert not problems, "\n".join(problems)


def test_no_docstring_points_outside_the_repository():
    problems = []
    for package in ALLOWED:
        for path in package_files(package):
            text = path.read_text(encoding="utf-8")
            for bad in ("../shared", "shared/design", "/work/"):
                if bad in text:
                    problems.append(f"{path.relative_to(ROOT)} mentions {bad}")
    assert not problems, problems
