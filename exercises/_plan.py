"""Which statements of a handed-in notebook its answers need: grade answers, not replays.

A chapter notebook draws figures and runs experiments that take seconds each; its answers need
little of that. The grader reads the notebook's code cells (never running them here), finds the
*answer statements* (the top-level statements that call ``check``) and keeps, going backwards,
every earlier statement that defines or changes a name a kept statement uses. Only those run in
the sandbox, in their cells' order, so an answer may use what earlier cells defined (imports,
helper functions, data) exactly as in the reader's own notebook.

The rules, per top-level statement:

- it *uses* every name it reads, including the global names read inside the functions it defines;
- it *defines* the names it assigns, imports, or binds with ``def``, ``class``, ``for``, ``with``
  or ``:=``; the name at the root of an attribute or item it assigns (``x.a = 1``, ``x[0] = 1``)
  or of a method it calls as a statement (``x.append(1)``, ``np.random.seed(0)``), and every name
  it passes to a call made as a statement (``exec(code, namespace)``, ``rng.shuffle(x)``): those
  may change the object;
- a plain assignment, ``def``, ``class`` or import at the top level *replaces* the names it
  binds, so statements before it that only defined those names are not needed;
- ``from m import *`` defines unknown names, and a statement that calls ``exec``, ``eval``,
  ``globals``, ``locals``, ``vars`` or ``__import__`` may use any name: when such a statement is
  kept, every statement before it is kept too.

What this cannot see: a statement whose only effect is outside Python's names (it writes a file
that a later answer reads) runs only if it also changes a name the answers need.

IPython syntax is not Python: a line that starts with ``%`` or ``!`` becomes ``pass``, and a cell
that starts with ``%%`` is not run. A cell that still is not valid Python is not run; if it holds
a ``check`` call, the report says why that answer could not be evaluated.

>>> cells = [(0, "import numpy as np\\nimport matplotlib.pyplot as plt"),
...          (1, "data = np.arange(3)\\nplt.plot(data)"),
...          (2, "def f(x):\\n    return np.mean(x)"),
...          (3, "from exercises import check\\ncheck('regression.implement_huber', f)")]
>>> plan = make_plan(cells)
>>> [(c.index, c.statements) for c in plan.cells]
[(0, [0]), (2, [0]), (3, [0, 1])]
>>> plan.question_cells
{'regression.implement_huber': 3}
"""

from __future__ import annotations

import ast
import re
import threading
from dataclasses import dataclass, field

# ast.parse is not thread-safe in CPython 3.11 ("AST constructor recursion depth mismatch" when
# two threads parse at once), and the grader plans several notebooks at once (--jobs).
_PARSE_LOCK = threading.Lock()
_DYNAMIC = frozenset({"exec", "eval", "globals", "locals", "vars", "__import__"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_CHECK_TEXT = re.compile(r"""check\(\s*(?:question_id\s*=\s*)?["']([\w.]+)["']""")


@dataclass
class CellPlan:
    """One cell to run: its index in the notebook, its source and the statements to run in it."""

    index: int
    source: str
    statements: list[int]


@dataclass
class Plan:
    """What to run, and what the report needs to explain an answer that did not run.

    ``question_cells`` maps each question id named in a ``check("...")`` call to the (last) cell
    that checks it; ``unrunnable`` maps a cell that is not valid Python, or that starts with a
    cell magic, to the reason.
    """

    cells: list[CellPlan] = field(default_factory=list)
    question_cells: dict[str, int] = field(default_factory=dict)
    unrunnable: dict[int, str] = field(default_factory=dict)
    n_code_cells: int = 0


@dataclass
class _Statement:
    cell: int
    position: int
    uses: set[str]
    defines: set[str]
    replaces: set[str]
    answers: bool
    star: bool
    dynamic: bool


def strip_ipython(source: str) -> str | None:
    """The cell as Python: magic and shell lines become ``pass``; None for a cell magic."""
    if source.lstrip().startswith("%%"):
        return None
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[: len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines)


def _root(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _check_names(tree: ast.Module, names: set[str]) -> None:
    """Add the names ``check`` is imported under (``from exercises import check as c``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "exercises":
            for alias in node.names:
                if alias.name == "check":
                    names.add(alias.asname or "check")


def _is_check_call(node: ast.AST, check_names: set[str]) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id in check_names) or (
        isinstance(func, ast.Attribute) and func.attr == "check"
    )


class _Binder(ast.NodeVisitor):
    """Collect the module-level names one statement binds (not those local to its functions)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.star = False

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store | ast.Del):
            self.names.add(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, ast.Store | ast.Del) and (root := _root(node)):
            self.names.add(root)
        self.generic_visit(node)

    visit_Subscript = visit_Attribute  # type: ignore[assignment]

    def visit_FunctionDef(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    ) -> None:
        self.names.add(node.name)  # the body is another scope

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]
    visit_ClassDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Lambda(self, node: ast.Lambda) -> None:
        return None

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.names.add(node.target.id)
        self.visit(node.value)

    def visit_ListComp(self, node: ast.AST) -> None:
        for child in ast.walk(node):  # only := escapes a comprehension
            if isinstance(child, ast.NamedExpr):
                self.names.add(child.target.id)

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp  # type: ignore[assignment]

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.star = True
            else:
                self.names.add(alias.asname or alias.name.split(".")[0])

    visit_ImportFrom = visit_Import  # type: ignore[assignment]


def _local_names(body: list[ast.AST]) -> set[str]:
    """Names a function (or comprehension) body binds: they are local to it."""
    binder = _Binder()
    for node in body:
        binder.visit(node)
    declared = {
        name
        for node in body
        for child in ast.walk(node)
        if isinstance(child, ast.Global | ast.Nonlocal)
        for name in child.names
    }
    return binder.names - declared


def _free_names(node: ast.AST, bound: frozenset[str]) -> set[str]:
    """The names ``node`` reads from the module's namespace (not its functions' own locals)."""
    out: set[str] = set()
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        args = node.args
        outer = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):
            outer += node.decorator_list
        for child in outer:
            out |= _free_names(child, bound)
        params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
        params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        body = node.body if isinstance(node.body, list) else [node.body]
        inner = bound | params | _local_names(body)
        for child in body:
            out |= _free_names(child, frozenset(inner))
        return out
    if isinstance(node, ast.ClassDef):
        for child in [*node.bases, *node.keywords, *node.decorator_list]:
            out |= _free_names(child, bound)
        for child in node.body:
            out |= _free_names(child, bound)
        return out
    if isinstance(node, _COMPREHENSIONS):
        targets = frozenset(
            n.id for gen in node.generators for n in ast.walk(gen.target) if isinstance(n, ast.Name)
        )
        for child in ast.iter_child_nodes(node):
            out |= _free_names(child, bound | targets)
        return out
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load) and node.id not in bound:
            out.add(node.id)
        return out
    for child in ast.iter_child_nodes(node):
        out |= _free_names(child, bound)
    return out


def _changed_by_calls(node: ast.AST) -> set[str]:
    """Names a call whose result is discarded may change: the object of a method
    (``x.append(1)``, ``np.random.seed(0)``) and the names passed to it (``exec(code, namespace)``,
    ``rng.shuffle(x)``). A call whose result is kept (``y = f(x)``) is taken to compute, not to
    change its arguments."""
    changed: set[str] = set()
    for child in ast.iter_child_nodes(node):
        if isinstance(child, _SCOPES):
            continue  # a function's body runs when it is called, not here
        if isinstance(child, ast.Expr) and isinstance(child.value, ast.Call):
            call = child.value
            if isinstance(call.func, ast.Attribute) and (root := _root(call.func)):
                changed.add(root)
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                if isinstance(arg, ast.Starred):
                    arg = arg.value
                if isinstance(arg, ast.Name):
                    changed.add(arg.id)
        changed |= _changed_by_calls(child)
    return changed


def _analyse(cell: int, position: int, node: ast.stmt, check_names: set[str]) -> _Statement:
    binder = _Binder()
    binder.visit(node)
    defines = set(binder.names) | _changed_by_calls(ast.Module(body=[node], type_ignores=[]))
    replaces: set[str] = set()
    if isinstance(node, ast.Assign) and all(
        isinstance(t, ast.Name)
        or (isinstance(t, ast.Tuple) and all(isinstance(e, ast.Name) for e in t.elts))
        for t in node.targets
    ):
        replaces = set(binder.names)
    elif (
        isinstance(node, ast.AnnAssign)
        and node.value is not None
        and isinstance(node.target, ast.Name)
    ) or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Import):
        replaces = set(binder.names)
    elif isinstance(node, ast.ImportFrom) and not binder.star:
        replaces = set(binder.names)
    uses = _free_names(node, frozenset())
    if isinstance(node, ast.AugAssign) and (root := _root(node.target)):
        uses.add(root)
    answers = dynamic = False
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            dynamic = dynamic or child.id in _DYNAMIC
        elif isinstance(child, ast.Attribute | ast.Subscript) and isinstance(child.ctx, ast.Store):
            if root := _root(child):
                uses.add(root)
        answers = answers or _is_check_call(child, check_names)
    return _Statement(cell, position, uses, defines, replaces, answers, binder.star, dynamic)


def make_plan(cells: list[tuple[int, str]]) -> Plan:
    """The plan for the code cells ``(index in the notebook, source)``, in notebook order."""
    plan = Plan(n_code_cells=len(cells))
    parsed: list[tuple[int, str, ast.Module]] = []
    check_names = {"check"}
    for index, raw in cells:
        for qid in _CHECK_TEXT.findall(raw):
            plan.question_cells[qid] = index
        source = strip_ipython(raw)
        if source is None:
            plan.unrunnable[index] = (
                "it starts with a cell magic (%%), which plain Python cannot run"
            )
            continue
        try:
            with _PARSE_LOCK:
                tree = ast.parse(source)
        except (SyntaxError, ValueError) as exc:
            line = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
            plan.unrunnable[index] = (
                f"it is not valid Python: {exc.msg if isinstance(exc, SyntaxError) else exc}{line}"
            )
            continue
        _check_names(tree, check_names)
        for node in ast.walk(tree):
            if _is_check_call(node, check_names) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    plan.question_cells[first.value] = index
        parsed.append((index, source, tree))

    statements = [
        _analyse(index, position, node, check_names)
        for index, _source, tree in parsed
        for position, node in enumerate(tree.body)
    ]
    needed: set[str] = set()
    keep_all = False
    kept: set[tuple[int, int]] = set()
    for st in reversed(statements):
        # exec("check(...)") may answer too, so a dynamic statement always runs
        wanted = st.answers or st.dynamic or keep_all or bool(st.defines & needed)
        wanted = wanted or (st.star and bool(needed))
        if not wanted:
            continue
        kept.add((st.cell, st.position))
        needed -= st.replaces
        needed |= st.uses
        keep_all = keep_all or st.dynamic

    for index, source, tree in parsed:
        chosen = [p for p in range(len(tree.body)) if (index, p) in kept]
        if chosen:
            plan.cells.append(CellPlan(index, source, chosen))
    return plan
