"""Which statements of a handed-in notebook its answers need: grade answers, not replays.

A chapter notebook draws figures and runs experiments that take seconds each; its answers need
little of that. The grader reads the notebook's code cells (never running them here), finds the
*answer statements* (the top-level statements that call ``check``) and keeps, going backwards,
every statement that defines or changes a name a kept statement needs. Only those run in the
sandbox, in their cells' order, in one namespace.

The contract: the verdict of every question is the one a top-to-bottom run of the notebook gives
("Restart & Run All", an error ending its cell but not the run). Running fewer statements is an
optimisation that must never change a verdict: keeping too much only makes grading slower,
keeping too little is a bug. When the planner cannot follow the notebook it plans a *whole* run
(``Plan.whole`` says why) instead of guessing.

**IPython.** Every cell is first rewritten by IPython's own transformer (``%magic``, ``!cmd``,
``%%magic`` and ``f?`` become calls of ``get_ipython()``); ``CellPlan.source`` is that Python
source and ``CellPlan.statements`` index the top-level statements of ``ast.parse(source)``. The
runner executes it with a real IPython shell as ``get_ipython()``. The code given to the line
magics ``%time``, ``%timeit`` and ``%prun`` and to the cell magics ``%%time``, ``%%timeit`` (its
line is set-up code), ``%%prun`` and ``%%capture`` (which binds the name on its line, as
``%timeit -v name`` does) counts as part of the statement that holds the magic. Magics that change
no name (``%matplotlib``, ``%config``, ``%load_ext``, ``%autoreload``, ``%precision``, ``%who``,
``%history`` without ``-f``, ``f?``, ``%%html``, ``%%markdown``, ``%%latex``, ...) count as
nothing, except that like any statement they may fail; ``%aimport a, b`` binds ``a`` and
``b``. Any other magic or shell command means a whole run.

**The rules**, per top-level statement (a block such as ``for`` or ``if`` is one statement):

- it *uses* the names it reads when it runs (default values, decorators and class bodies run at
  the definition), and the names it deletes (``del x`` fails when ``x`` is not defined);
- the names read inside the bodies of the functions, lambdas and methods it defines are
  *deferred*: they are read whenever the function is called, so once a statement with deferred
  names is kept, every statement anywhere in the notebook (before or after it) that defines one
  of them is kept too (the pass runs again until nothing new is kept);
- it *defines* the names it binds (assignment, import, ``def``, ``class``, ``for``, ``with``,
  ``:=``, ``del``) and the names whose object it may change: the root of an item or attribute
  it stores or deletes (``x[0] = 1``, ``x.a = 1``), the target of an augmented assignment
  (``x += 1`` is in place for an array), the object of a method call (``x.append(1)``,
  ``y = rng.normal()``; not a reading method such as ``x.mean()`` or ``x.round()``, unless the
  notebook defines a method of that name) and every name passed to a call of the notebook's own
  code or of a known mutator (``f(x)``, ``shuffle(x[0])``, ``np.copyto(x, v)``, ``out=x``; a
  notebook function, def or lambda, only if its body changes a parameter or passes one on). A
  call of a builtin, an imported function or a library object's method (``print(x)``,
  ``np.mean(x)``, ``ax.plot(x)``) is taken to leave its arguments as they are;
  ``setattr(x, name, v)`` and ``delattr(x, name)`` store into ``x`` whatever ``name`` is, and
  ``getattr(x, name)`` only reads ``x`` (attributes are not told apart, so a computed attribute
  name changes nothing: only the notebook's namespace itself must not be reached by a name);
- names bound only by imports (modules such as ``np``, ``plt``) change only by an item or
  attribute store; otherwise every ``np.mean(x)`` would change ``np``. A call whose attribute
  chain holds ``random`` or ``seed`` (``np.random.seed(0)``, ``random.shuffle(x)``), and every
  call of a name imported from a module whose path holds ``random``, changes the module's
  random state instead: it both uses and defines the pseudo-name ``<random>`` (the shared
  generator state),
  so a kept random draw keeps every earlier one. Names bound only by ``def`` (functions) are not
  changed by being passed to a call;
- *aliases*: names that may share memory form one class, and a change to one defines them all.
  An assignment (also ``for`` targets over their iterable, ``with ... as``, ``:=``, unpacking, and
  a store ``x.a = y``) puts the names it binds in the class of the names read in its value. A
  call puts the names read in its arguments in one class with the object of a method call
  (``rows.extend(grid)``, ``ax.plot(p)``: the object may keep what it is given), with one
  another when there are several, and with what the called notebook function may change (it may
  store its argument there), when the call is the notebook's own code or a storing method
  (``append``, ``update``, ...). Aliases follow the notebook's order: each binding of a name makes
  a new object (``for a in axes.flat`` and a later ``for a in sweep`` do not join ``axes`` and
  ``sweep``); a binding that may not happen (in a loop, an ``if`` or a ``try``, or one that may
  fail) leaves every object the name may hold possible, and reads and changes see them all. A
  random generator (``rng = np.random.default_rng(0)``, and ``g = rng``) is in no alias class:
  its draws are new objects, and its state is followed by ``<random>``. Names bound only by imports or ``def`` are left out; a function's
  name stands for the non-callable names its body reads (``m = view(scan)`` or ``m = get()``
  where ``get`` returns a global), and for itself too when its default values or decorators read
  names (``def f(v, d=table)`` holds ``table``: changing ``table`` defines ``f``). Classes and
  their instances are aliases (class attributes are shared). Aliases are computed over the whole
  notebook, not in order: a plain rebinding (``m = 5``) never undoes them;
- *effects*: a function that declares ``global X`` or whose body changes a free name (store,
  method call, augmented assignment, argument, ``<random>``; locals that alias a free name count
  as it) changes it whenever it is called; so does any name whose binding reads such a function
  (``g = f``, ``def h(): f()``, ``c = C()``). A statement that reads such a name (calls it or
  merely passes it on) defines what it may change;
- only an assignment or ``def`` that surely runs and cannot fail (a literal value, a lambda, a
  ``def`` without decorators and with literal defaults and annotations, with no statement before
  it in its cell that may fail) *replaces* the names it binds, so that earlier statements that
  only defined them are not needed; a statement that may fail, or may not run, leaves the old
  value in place. For the statements after it in its own cell, any completed assignment, import
  or ``def`` replaces: if it fails, they do not run either;
- an error ends its cell: when a statement is kept, every earlier statement of its cell that
  may fail is kept too (else a statement that never ran in the reader's notebook would run here).

**Whole-run triggers** (``Plan.whole`` names the first cell that has one):

- a ``check`` question id that is not a string literal; ``check`` used other than by calling it
  outside any function (``check`` may be imported under another name, or called as ``ex.check``
  after ``import exercises as ex``); ``check`` rebound; a question id written ``check('...'`` in
  code where the planner found no such call;
- the ways to reach the notebook's namespace by a computed name: ``exec``, ``eval``,
  ``compile``, ``globals``, ``locals``, ``vars``, ``__import__``, ``breakpoint``, the modules
  ``importlib``, ``builtins``, ``__main__`` and ``subprocess``, ``sys.modules``,
  ``sys._getframe``, ``__globals__``;
- ``from m import *`` followed by a kept statement (but ``from exercises import *`` binds the
  names of the grader's ``exercises``: ``check``, ``quiz``, ``progress``, ``reset_progress``,
  ``questions``); a relative import, or an import of a top-level module that cannot be found
  here (such as a file that ``%%writefile`` would have written);
- any file or process input/output: a call of ``open``, ``load``, ``loadtxt``, ``read_csv``,
  ``save``, ``to_csv``, ``dump``, ``system``, ``remove``, ``chdir``, ``os._exit``, ... (but not
  ``savefig``: nobody reads figures back);
- IPython: any magic or shell command not modelled above, a modelled magic whose options or
  code the planner cannot read, a magic other than a harmless one inside a function,
  ``await`` outside a function, and IPython's output history (``_``, ``Out``, ``_i``, ...) read
  but never assigned.

A cell that is not valid Python even after the transform is recorded in ``Plan.unrunnable`` and
not run. It never matters to the verdicts: in a top-to-bottom run it raises ``SyntaxError``
before any of its statements run, so it defines nothing and answers nothing there either.

What this cannot see: effects outside the names of the notebook that the triggers above do not
name (a network request, a package's hidden global state other than random generators such as
matplotlib's current figure), a statement that kills the process by exhausting memory, and
answers that depend on time or on the order of a dict built from ``id``.

This module imports only the standard library, and IPython (lazily, to transform cells).

>>> cells = [(0, "import numpy as np\\nimport matplotlib.pyplot as plt\\n%matplotlib inline"),
...          (1, "data = np.arange(3)\\nplt.plot(data)"),
...          (2, "def f(x):\\n    return np.mean(x)"),
...          (3, "from exercises import check\\ncheck('regression.implement_huber', f)")]
>>> plan = make_plan(cells)
>>> [(c.index, c.statements) for c in plan.cells], plan.whole
([(0, [0]), (2, [0]), (3, [0, 1])], None)
>>> plan.cells[0].source.splitlines()[2]
"get_ipython().run_line_magic('matplotlib', 'inline')"
>>> plan.question_cells
{'regression.implement_huber': 3}
>>> make_plan([(0, "!ls"), (1, "check('regression.implement_huber', 1)")]).whole
'cell 1 runs the shell command !ls'
"""

from __future__ import annotations

import ast
import importlib.util
import io
import re
import threading
import tokenize
from dataclasses import dataclass, field
from typing import Any

# ast.parse is not thread-safe in CPython 3.11 ("AST constructor recursion depth mismatch" when
# two threads parse at once), and the grader plans several notebooks at once (--jobs). IPython's
# transformer is held under the same lock: nothing says it is thread-safe.
_PARSE_LOCK = threading.Lock()
_TRANSFORMER: Any = None

_RANDOM = "<random>"
_DYNAMIC = frozenset(
    {"exec", "eval", "compile", "globals", "locals", "vars", "__import__", "breakpoint"}
)
_DYNAMIC_MODULES = frozenset({"importlib", "builtins", "__main__", "subprocess"})
_DYNAMIC_ATTRIBUTES = frozenset({"_getframe", "currentframe", "__globals__", "f_globals"})
_FILE_IO = frozenset(
    (
        "open load loadtxt genfromtxt fromfile read_csv read_json read_table read_pickle "
        "read_text read_bytes write_text write_bytes save savez savez_compressed savetxt tofile "
        "to_csv to_pickle dump chdir system popen remove unlink rename mkdir makedirs rmtree "
        "copyfile _exit abort"
    ).split()
)
#: line magics that change no name of the notebook
_HARMLESS_LINE = frozenset(
    (
        "matplotlib config load_ext reload_ext autoreload aimport precision pprint xmode who "
        "whos who_ls pwd history lsmagic magic page pinfo pinfo2 psearch doctest_mode colors"
    ).split()
)
#: cell magics that only display their body
_HARMLESS_CELL = frozenset({"html", "HTML", "markdown", "latex", "svg", "javascript", "js"})
_CODE_LINE = frozenset({"time", "timeit", "prun"})
_CODE_CELL = frozenset({"time", "timeit", "prun", "capture"})
_MAGIC_METHODS = frozenset({"run_line_magic", "run_cell_magic", "system", "getoutput"})
#: Library functions and methods that change an argument they are given (besides ``out=``).
_MUTATORS = frozenset(
    {
        "next", "shuffle", "copyto", "put", "put_along_axis", "putmask", "place",
        "fill_diagonal", "at", "heappush", "heappop", "heapify", "heappushpop", "heapreplace",
        "insort", "insort_left", "insort_right", "setitem", "delitem", "iadd", "isub", "imul",
    }
)  # fmt: skip
#: Methods of numpy arrays, strings, containers and fitted models that read their object without
#: changing it (a method of the notebook's own classes is never taken to be one of these).
_READING = frozenset(
    {
        "round", "sum", "mean", "max", "min", "std", "var", "prod", "any", "all", "argmax",
        "argmin", "argsort", "copy", "astype", "reshape", "ravel", "flatten", "transpose",
        "tolist", "item", "dot", "cumsum", "cumprod", "clip", "squeeze", "nonzero", "diagonal",
        "conj", "real", "imag", "trace", "searchsorted", "view", "get", "keys", "values",
        "items", "count", "index", "format", "startswith", "endswith", "split", "rsplit",
        "join", "strip", "lstrip", "rstrip", "lower", "upper", "replace", "splitlines",
        "predict", "predict_proba", "decision_function", "score", "isclose", "is_integer",
        "hex", "bit_length", "conjugate", "tobytes", "nbytes", "issubset", "issuperset",
        "union", "intersection", "difference", "symmetric_difference", "isdisjoint",
    }
)  # fmt: skip
#: Statements that bind all their names when they complete.
_COMPLETE_BINDERS = (
    ast.Assign,
    ast.AnnAssign,
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
)
#: Factories of random generators (whose draws are new objects).
_GENERATORS = frozenset(
    {"default_rng", "Generator", "RandomState", "Random", "SystemRandom", "PCG64", "MT19937"}
)
#: Methods that store their arguments in their object (a list's append, a dict's update...).
_STORING = frozenset(
    {
        "append", "extend", "insert", "add", "update", "setdefault", "appendleft",
        "extendleft", "put", "push", "__setitem__", "register", "connect", "send",
    }
)  # fmt: skip
#: IPython's output history: read but never assigned in the notebook, it holds what ran before
_HISTORY = re.compile(r"_|__|___|_\d+|_i|_ii|_iii|_i\d+|_oh|_ih|_dh|In|Out")
_CHECK_TEXT = re.compile(r"""check\(\s*(?:question_id\s*=\s*)?["']([\w.]+)["']""")
_KNOWN_MODULES = frozenset({"exercises", "losses", "course"})
_EXERCISES_NAMES = frozenset({"check", "quiz", "progress", "reset_progress", "questions"})


@dataclass
class CellPlan:
    """One cell to run: its index in the notebook, its Python source (after IPython's
    transformer) and the top-level statements of that source to run."""

    index: int
    source: str
    statements: list[int]


@dataclass
class Plan:
    """What to run, and what the report needs to explain an answer that did not run.

    ``question_cells`` maps each question id named in a ``check("...")`` call to the (last) cell
    that checks it; ``unrunnable`` maps a cell that is not valid Python to the reason; ``whole``
    is None for a planned run, else the reason the whole notebook runs (then ``cells`` holds
    every runnable cell with all its statements).
    """

    cells: list[CellPlan] = field(default_factory=list)
    question_cells: dict[str, int] = field(default_factory=dict)
    unrunnable: dict[int, str] = field(default_factory=dict)
    n_code_cells: int = 0
    whole: str | None = None


# ----------------------------------------------------------------------------- reading cells


def _transform(raw: str) -> str:
    """The cell as Python, by IPython's own transformer (magics become ``get_ipython()`` calls)."""
    global _TRANSFORMER
    with _PARSE_LOCK:
        if _TRANSFORMER is None:
            from IPython.core.inputtransformer2 import TransformerManager

            _TRANSFORMER = TransformerManager()
        return _TRANSFORMER.transform_cell(raw)


def _parse(source: str) -> ast.Module:
    with _PARSE_LOCK:
        return ast.parse(source)


def _awaits(tree: ast.Module) -> bool:
    """Whether the cell awaits outside a function (IPython runs it; plain ``exec`` cannot)."""
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Await | ast.AsyncFor | ast.AsyncWith):
            return True
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            todo.extend(ast.iter_child_nodes(node))
    return False


def _code_text(source: str) -> str:
    """``source`` without its comments (a commented-out ``check(...)`` answers nothing)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    return " ".join(t.string for t in tokens if t.type != tokenize.COMMENT)


@dataclass
class _Cell:
    index: int
    source: str
    tree: ast.Module
    awaits: bool = False  # valid only with IPython's top-level await


def _read(cells: list[tuple[int, str]], plan: Plan) -> list[_Cell]:
    """Transform and parse every cell; fill ``question_cells`` and ``unrunnable``."""
    parsed = []
    for index, raw in cells:
        # a question id written check("...") in the cell's code, not in a comment (an invalid
        # cell's ids come from its raw text: the report says why those checks did not run)
        text = raw
        try:
            source = _transform(raw)
            tree = _parse(source)
        except SyntaxError as exc:
            line = f" (line {exc.lineno})" if exc.lineno else ""
            plan.unrunnable[index] = f"it is not valid Python: {exc.msg}{line}"
        except Exception as exc:  # IPython's transformer gave up, or a null byte
            plan.unrunnable[index] = f"it is not valid Python ({type(exc).__name__}: {exc})"
        else:
            text = _code_text(source)
            parsed.append(_Cell(index, source, tree, _awaits(tree)))
        for qid in _CHECK_TEXT.findall(text):
            plan.question_cells[qid] = index
    return parsed


def whole_plan(cells: list[tuple[int, str]], reason: str) -> Plan:
    """The plan that runs every statement of every runnable cell, in order."""
    plan = Plan(n_code_cells=len(cells))
    parsed = _read(cells, plan)
    _literal_question_ids(parsed, plan)
    return _whole(parsed, plan, reason)


def _whole(parsed: list[_Cell], plan: Plan, reason: str) -> Plan:
    plan.whole = reason
    plan.cells = [
        CellPlan(c.index, c.source, list(range(len(c.tree.body)))) for c in parsed if c.tree.body
    ]
    return plan


def _literal_question_ids(parsed: list[_Cell], plan: Plan) -> None:
    check_names, modules = _check_bindings(parsed)
    for cell in parsed:
        for node in ast.walk(cell.tree):
            if _is_check_call(node, check_names, modules):
                qid = _question_id(node)  # type: ignore[arg-type]
                if isinstance(qid, ast.Constant) and isinstance(qid.value, str):
                    plan.question_cells[qid.value] = cell.index


# ----------------------------------------------------------------------------- check calls


def _check_bindings(parsed: list[_Cell]) -> tuple[set[str], set[str]]:
    """The names ``check`` is bound to and the names module ``exercises`` is bound to."""
    check_names, modules = {"check"}, set()
    for cell in parsed:
        for node in ast.walk(cell.tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == (
                "exercises"
            ):
                for alias in node.names:
                    if alias.name == "check":
                        check_names.add(alias.asname or "check")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "exercises" or (
                        alias.asname is None and alias.name.startswith("exercises.")
                    ):
                        modules.add(alias.asname or "exercises")
    return check_names, modules


def _is_check_call(node: ast.AST, check_names: set[str], modules: set[str]) -> bool:
    if not isinstance(node, ast.Call):
        return False
    return _is_check_ref(node.func, check_names, modules)


def _is_check_ref(func: ast.AST, check_names: set[str], modules: set[str]) -> bool:
    return (isinstance(func, ast.Name) and func.id in check_names) or (
        isinstance(func, ast.Attribute)
        and func.attr == "check"
        and isinstance(func.value, ast.Name)
        and func.value.id in modules
    )


def _question_id(call: ast.Call) -> ast.AST | None:
    if call.args:
        return call.args[0]
    for keyword in call.keywords:
        if keyword.arg == "question_id":
            return keyword.value
    return None


# ----------------------------------------------------------------------------- names


class _Binder(ast.NodeVisitor):
    """Collect the module-level names one statement binds (not those local to its functions)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.imported: set[str] = set()
        self.defined: set[str] = set()  # by def
        self.random: set[str] = set()  # imported from a module whose path holds "random"
        self.modules: list[tuple[str, int]] = []
        self.foreign: set[str] = set()  # imported from elsewhere than exercises
        self.star = False

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store | ast.Del):
            self.names.add(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, ast.Store | ast.Del) and (base := _base(node)):
            self.names.add(base)
        self.generic_visit(node)

    visit_Subscript = visit_Attribute  # type: ignore[assignment]

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.names.add(node.name)  # the body is another scope
        self.defined.add(node.name)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.names.add(node.name)

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
        module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
        level = node.level if isinstance(node, ast.ImportFrom) else 0
        if isinstance(node, ast.ImportFrom):
            self.modules.append((module, level))
        for alias in node.names:
            if alias.name == "*" and module == "exercises" and not level:
                self.names |= _EXERCISES_NAMES  # what the grader's exercises module holds
                self.imported |= _EXERCISES_NAMES
                continue
            if alias.name == "*":
                self.star = True
                continue
            name = alias.asname or alias.name.split(".")[0]
            self.names.add(name)
            self.imported.add(name)
            if isinstance(node, ast.Import) or module.split(".")[0] != "exercises" or level:
                self.foreign.add(name)
            if isinstance(node, ast.Import):
                self.modules.append((alias.name, 0))
                if "random" in (alias.name if alias.asname else name):
                    self.random.add(name)
            elif "random" in module or "random" in alias.name or "seed" in alias.name:
                self.random.add(name)

    visit_ImportFrom = visit_Import  # type: ignore[assignment]


def _base(node: ast.AST) -> str | None:
    """The name at the base of ``x.a[0].b`` (not through calls)."""
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Starred):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _chain(node: ast.AST) -> list[str]:
    """Every name and attribute on the way to ``node``'s root, through calls and items."""
    parts = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            break
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return parts[::-1]


def _loads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _target_names(node: ast.AST) -> set[str]:
    """Names a binding target binds or whose object it stores into."""
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            out.add(n.id)
        elif isinstance(n, ast.Attribute | ast.Subscript) and (base := _base(n)):
            out.add(base)
    return out


def _local_names(body: list[ast.AST]) -> set[str]:
    """Names a function body binds: they are local to it."""
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


def _bindings(body: list[ast.AST]) -> list[tuple[set[str], set[str]]]:
    """(targets, names read in the value) of every binding in ``body``, nested ones included."""
    out = []
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, ast.Assign):
                value = _loads(n.value)
                out += [(_target_names(t), value) for t in n.targets]
            elif isinstance(n, ast.AnnAssign | ast.AugAssign) and n.value is not None:
                out.append((_target_names(n.target), _loads(n.value)))
            elif isinstance(n, ast.For | ast.AsyncFor | ast.comprehension):
                out.append((_target_names(n.target), _loads(n.iter)))
            elif isinstance(n, ast.withitem) and n.optional_vars is not None:
                out.append((_target_names(n.optional_vars), _loads(n.context_expr)))
            elif isinstance(n, ast.NamedExpr):
                out.append(({n.target.id}, _loads(n.value)))
    return out


# ----------------------------------------------------------------------------- one statement


@dataclass
class _Scope:
    kind: str  # "function", "comprehension" or "class"
    locals: set[str]
    alias: dict[str, set[str]]
    params: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Callee:
    """What a call calls: the root of its chain (``np`` in ``np.copyto``), its last name, whether
    it is a method call, and whether it is known to change an argument (``out=``, ``shuffle``)."""

    root: str
    last: str
    method: bool
    mutator: bool


@dataclass
class _Statement:
    cell: int
    position: int
    uses: set[str] = field(default_factory=set)
    deferred: set[str] = field(default_factory=set)
    binds: set[str] = field(default_factory=set)
    imported: set[str] = field(default_factory=set)
    foreign: set[str] = field(default_factory=set)
    defined: set[str] = field(default_factory=set)
    random_names: set[str] = field(default_factory=set)
    modules: list[tuple[str, int]] = field(default_factory=list)
    # (name, how: store/method/arg/global, inside a function, the call's chain holds random)
    changes: list[tuple[str, str, bool, bool]] = field(default_factory=list)
    calls: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)
    aliases: list[tuple[set[str], set[str]]] = field(default_factory=list)
    passes: list[tuple[set[str], set[str]]] = field(default_factory=list)  # (callee, arguments)
    # a call's arguments: (callee, name passed, inside a function) and (callee, holder, passed)
    arg_changes: list[tuple[_Callee, str, bool]] = field(default_factory=list)
    call_aliases: list[tuple[_Callee, set[str], set[str], bool]] = field(default_factory=list)
    # aliases made when a function runs, or by a class: they hold whatever the names' objects then
    late_aliases: list[tuple[set[str], set[str]]] = field(default_factory=list)
    methods: set[str] = field(default_factory=set)  # methods defined in the notebook's classes
    drawn_from: set[str] = field(default_factory=set)  # x in "v = x.method(...)"
    inplace: set[str] = field(default_factory=set)  # x in "x += ...": the same object after
    generators: set[str] = field(default_factory=set)  # x in "x = np.random.default_rng(0)"
    renames: list[tuple[set[str], str]] = field(default_factory=list)  # "g = rng": ({g}, rng)
    loop_targets: set[str] = field(default_factory=set)  # x in "for x in ...:" (top level)
    # what it binds whenever it completes: for the rest of its cell it replaces them even when it
    # may fail (if it fails, the rest of its cell does not run either)
    replaces_in_cell: set[str] = field(default_factory=set)
    # inside the functions it defines: how their parameters are changed, and the calls they are
    # passed to (a function that changes none leaves what its callers pass as it is)
    param_changes: list[str] = field(default_factory=list)
    param_passes: list[_Callee] = field(default_factory=list)
    qids: set[str] = field(default_factory=set)
    answers: bool = False
    star: bool = False
    fallible: bool = True
    replaces: set[str] = field(default_factory=set)
    whole: list[str] = field(default_factory=list)
    defines: set[str] = field(default_factory=set)


class _Scanner:
    """Walk one top-level statement with its scopes and fill a :class:`_Statement`."""

    def __init__(self, st: _Statement, check_names: set[str], modules: set[str]) -> None:
        self.st = st
        self.check_names = check_names
        self.modules = modules
        self.scopes: list[_Scope] = []
        self.label = f"cell {st.cell + 1}"

    # -- scopes

    @property
    def later(self) -> bool:
        return any(s.kind == "function" for s in self.scopes)

    def _resolve(self, name: str, start: int | None = None) -> int | None:
        """Index of the function or comprehension scope ``name`` is local to, None if global."""
        top = len(self.scopes) - 1 if start is None else start
        for i in range(top, -1, -1):
            scope = self.scopes[i]
            if scope.kind != "class" and name in scope.locals:
                return i
        return None

    def _globals_of(self, name: str, start: int | None = None, seen: set | None = None) -> set:
        """The module-level names ``name`` (read here) may share memory with."""
        i = self._resolve(name, start)
        if i is None:
            return {name}
        seen = set() if seen is None else seen
        if (i, name) in seen:
            return set()
        seen.add((i, name))
        out: set[str] = set()
        for other in self.scopes[i].alias.get(name, ()):
            out |= self._globals_of(other, i, seen)
        return out

    def _change(self, node: ast.AST | None, how: str, random: bool = False) -> None:
        base = _base(node) if node is not None else None
        if base is None:
            return
        for name in self._globals_of(base):
            self.st.changes.append((name, how, self.later, random))
        if self._is_parameter(base):
            self.st.param_changes.append(how)

    def _is_parameter(self, name: str, start: int | None = None, seen: set | None = None) -> bool:
        """Whether ``name``, read here, may be (share memory with) a parameter of a function
        being defined: then a change to it may change what a caller passed."""
        i = self._resolve(name, start)
        if i is None:
            return False
        scope = self.scopes[i]
        if scope.kind == "function" and name in scope.params:
            return True
        seen = set() if seen is None else seen
        if (i, name) in seen:
            return False
        seen.add((i, name))
        return any(self._is_parameter(o, i, seen) for o in scope.alias.get(name, ()))

    def _whole(self, why: str) -> None:
        self.st.whole.append(f"{self.label} {why}")

    # -- the walk

    def statement(self, node: ast.stmt) -> None:
        binder = _Binder()
        binder.visit(node)
        st = self.st
        st.binds |= binder.names
        st.imported |= binder.imported
        st.foreign |= binder.foreign
        st.defined |= binder.defined
        st.random_names |= binder.random
        st.modules += binder.modules
        st.star = st.star or binder.star
        self.visit(node)

    def visit(self, node: ast.AST) -> None:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is not None:
            method(node)
        else:
            self.generic_visit(node)

    def generic_visit(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            self.visit(child)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store) or self._resolve(node.id) is not None:
            return  # del x reads x: it fails when x is not defined
        (self.st.deferred if self.later else self.st.uses).add(node.id)
        if node.id in self.check_names:
            self._whole(f"uses {node.id} other than by calling it")
        elif node.id in self.modules:
            self._whole(f"uses the module {node.id} other than by calling its check")
        elif node.id in _DYNAMIC:
            self._whole(f"uses {node.id}, which may read or change any name")
        elif node.id == "get_ipython":
            self._whole("calls get_ipython() in a way the planner does not follow")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, ast.Store | ast.Del):
            self._change(node, "store")
        if node.attr in _DYNAMIC_ATTRIBUTES or (
            node.attr == "modules" and isinstance(node.value, ast.Name) and node.value.id == "sys"
        ):
            self._whole(f"uses .{node.attr}, which may read or change any name")
        if (
            isinstance(node.value, ast.Name)
            and node.value.id in self.modules
            and self._resolve(node.value.id) is None
        ):
            if node.attr == "check":
                self._whole(f"uses {node.value.id}.check other than by calling it")
            (self.st.deferred if self.later else self.st.uses).add(node.value.id)
            return
        self.visit(node.value)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Store | ast.Del):
            self._change(node, "store")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, ast.Name) and not self.later:
            self.st.inplace.add(target.id)
        if isinstance(target, ast.Name):
            self.visit(ast.Name(id=target.id, ctx=ast.Load()))
        self._change(target, "store")
        self.visit(target)
        self.visit(node.value)
        self._alias([target], node.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        self._alias(node.targets, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.generic_visit(node)
        if node.value is not None:
            self._alias([node.target], node.value)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self._alias([node.target], node.value)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.generic_visit(node)
        self._alias([node.target], node.iter)

    visit_AsyncFor = visit_For  # type: ignore[assignment]

    def visit_withitem(self, node: ast.withitem) -> None:
        self.generic_visit(node)
        if node.optional_vars is not None:
            self._alias([node.optional_vars], node.context_expr)

    def _alias(self, targets: list[ast.AST], value: ast.AST) -> None:
        """Record that module-level targets may share memory with the names in ``value``."""
        names = {n for t in targets for n in _target_names(t) if self._resolve(n) is None}
        if self.later:  # inside a function: only the names it declares global are module-level
            names &= self._declared_global()
        if names and any(
            "random" in n.attr or "seed" in n.attr
            for n in ast.walk(value)
            if isinstance(n, ast.Attribute)
        ):
            self.st.random_names |= names  # a generator, or numpy's random module
        if names:
            values: set[str] = set()
            for n in _loads(value):
                values |= self._globals_of(n)
            if not self.later and isinstance(value, ast.Name):
                self.st.renames.append((names, value.id))
            if not self.later and isinstance(value, ast.Call):
                if isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Name):
                    self.st.drawn_from.add(value.func.value.id)
                if (_chain(value.func) or [""])[-1] in _GENERATORS:
                    self.st.generators |= names
            (self.st.late_aliases if self.later else self.st.aliases).append((names, values))

    def _declared_global(self) -> set[str]:
        out = set()
        for scope in self.scopes:
            out |= scope.alias.get("<global>", set())
        return out

    def visit_Global(self, node: ast.Global) -> None:
        if self.later:
            for name in node.names:
                self.st.changes.append((name, "global", True, False))

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        args = node.args
        outer: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        if not isinstance(node, ast.Lambda):
            outer += node.decorator_list
            outer += [a.annotation for a in every if a.annotation is not None]
            if node.returns is not None:
                outer.append(node.returns)
        for child in outer:
            self.visit(child)
        body = node.body if isinstance(node.body, list) else [node.body]
        alias: dict[str, set[str]] = {}
        for targets, values in _bindings(body):
            for t in targets:
                alias.setdefault(t, set()).update(values)
        alias["<global>"] = {
            n for s in body for c in ast.walk(s) if isinstance(c, ast.Global) for n in c.names
        }
        params = {a.arg for a in every}
        self.scopes.append(_Scope("function", params | _local_names(body), alias, params))
        for child in body:
            self.visit(child)
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function  # type: ignore

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for child in [*node.bases, *node.keywords, *node.decorator_list]:
            self.visit(child)
        if not self.scopes:  # its attributes and methods may hold or return what they read
            self.st.late_aliases.append(({node.name}, _loads(node)))
        self.st.methods |= {
            c.name for c in node.body if isinstance(c, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        self.scopes.append(_Scope("class", set(), {}))
        for child in node.body:
            self.visit(child)
        self.scopes.pop()

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp) -> None:
        generators = node.generators
        self.visit(generators[0].iter)  # evaluated in the enclosing scope
        alias: dict[str, set[str]] = {}
        for gen in generators:
            for t in _target_names(gen.target):
                alias.setdefault(t, set()).update(_loads(gen.iter))
        targets = {n.id for g in generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        self.scopes.append(_Scope("comprehension", targets, alias))
        for i, gen in enumerate(generators):
            if i:
                self.visit(gen.iter)
            for cond in gen.ifs:
                self.visit(cond)
        for name in ("elt", "key", "value"):
            if (child := getattr(node, name, None)) is not None:
                self.visit(child)
        self.scopes.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension  # type: ignore

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            _is_check_ref(func, self.check_names, self.modules)
            and self._resolve(_base(func) or "") is None
        ):
            self._check_call(node)
            return
        if (
            isinstance(func, ast.Attribute)
            and func.attr in _MAGIC_METHODS
            and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "get_ipython"
        ):
            self._magic(node, func.attr)
            return
        chain = _chain(func)
        last = chain[-1] if chain else ""
        if last in _FILE_IO:
            self._whole(f"calls {last}(), which reads or writes files or processes")
        if last in ("setattr", "delattr") and isinstance(func, ast.Name) and node.args:
            self._change(node.args[0], "store")  # as x.a = v, whatever the name
        self.st.calls.append((tuple(chain), self.later))
        random = any("random" in part or "seed" in part for part in chain)
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if isinstance(func, ast.Attribute):
            self._change(func.value, "method:" + last, random)
        callee = _Callee(
            chain[0] if chain else "",
            last,
            isinstance(func, ast.Attribute),
            last in _MUTATORS or any(k.arg == "out" for k in node.keywords),
        )
        for arg in arguments:
            base = _base(arg)
            if base is not None:
                for name in self._globals_of(base):
                    self.st.arg_changes.append((callee, name, self.later))
                if self._is_parameter(base):
                    self.st.param_passes.append(callee)
        # a call may store its arguments in its object or in one another (lst.extend(rows))
        passed: set[str] = set()
        for n in set().union(set(), *(_loads(a) for a in arguments)):
            passed |= self._globals_of(n)
        base = _base(func.value) if isinstance(func, ast.Attribute) else None
        holder = self._globals_of(base) if base else set()
        if passed and (holder or len(arguments) > 1):
            self.st.call_aliases.append((callee, holder | passed, passed, self.later))
        if passed:
            callee: set[str] = set()
            for n in _loads(func):
                callee |= self._globals_of(n)
            self.st.passes.append((callee, passed))
        self.generic_visit(node)

    def _check_call(self, node: ast.Call) -> None:
        if self.later:
            self._whole("calls check inside a function")
        qid = _question_id(node)
        if isinstance(qid, ast.Constant) and isinstance(qid.value, str):
            self.st.qids.add(qid.value)
        else:
            self._whole("calls check with a question id that is not a literal")
        self.st.answers = True
        if isinstance(node.func, ast.Attribute):
            self.st.uses.add(_base(node.func) or "")
        else:
            self.st.uses.add(node.func.id)  # type: ignore[attr-defined]
        for child in [*node.args, *node.keywords]:
            self.visit(child)

    # -- IPython

    def _magic(self, node: ast.Call, method: str) -> None:
        args = node.args
        texts = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if node.keywords or len(texts) != len(args) or not texts:
            self._whole(f"calls get_ipython().{method} in a way the planner does not follow")
            return
        if method in ("system", "getoutput"):
            self._whole(f"runs the shell command !{texts[0]}")
            return
        name, line = texts[0], texts[1] if len(texts) > 1 else ""
        cell = method == "run_cell_magic"
        sign = "%%" if cell else "%"
        if name == "history" and not cell and {"-f", "-g"} & set(line.split()):
            self._whole("uses the magic %history with a file")
            return
        if name == "aimport" and not cell:  # %aimport a, b imports a and b
            for module in (m.strip().lstrip("-") for m in line.split(",")):
                if module:
                    self.st.binds.add(module.split(".")[0])
                    self.st.modules.append((module, 0))
            return
        if name in (_HARMLESS_CELL if cell else _HARMLESS_LINE):
            return
        if name not in (_CODE_CELL if cell else _CODE_LINE) or len(texts) != (3 if cell else 2):
            self._whole(f"uses the magic {sign}{name}")
            return
        if self.later:
            self._whole(f"uses the magic {sign}{name} inside a function")
            return
        try:
            codes = _magic_code(name, line, texts[2] if cell else None)
        except _Unreadable as exc:
            self._whole(f"uses the magic {sign}{name} in a way the planner does not follow ({exc})")
            return
        for code in codes:
            try:
                tree = _parse(_transform(code))
            except Exception:
                self._whole(f"uses the magic {sign}{name} with code that is not valid Python")
                return
            for child in tree.body:
                self.statement(child)
        if name == "capture" and (out := _capture_name(line)):
            self.st.binds.add(out)
        elif name == "timeit" and (out := _timeit_name(line)):
            self.st.binds.add(out)


class _Unreadable(Exception):
    pass


class _Options:
    options_table: dict[str, str] = {}


def _magic_code(name: str, line: str, body: str | None) -> list[str]:
    """The Python code a ``time``/``timeit``/``prun``/``capture`` magic runs (as IPython reads
    its options)."""
    from IPython.core import magic_arguments
    from IPython.core.magic import Magics
    from IPython.core.magics.execution import ExecutionMagics

    try:
        if name == "time":
            _args, extra = magic_arguments.parse_argstring(ExecutionMagics.time, line, partial=True)
            return [" ".join(extra), body or ""]
        if name == "timeit":
            _opts, stmt = Magics.parse_options(
                _Options(), line, "n:r:tcp:qov:", posix=False, strict=False, preserve_non_opts=True
            )
            return [stmt, body or ""]
        if name == "prun":
            opts, stmt = Magics.parse_options(
                _Options(), line, "D:l:rs:T:q", list_all=True, posix=False
            )
            if "T" in opts or "D" in opts:
                raise _Unreadable("-T and -D write files")
            return [stmt + ("\n" + body if body is not None else "")]
        magic_arguments.parse_argstring(ExecutionMagics.capture, line)
        return [body or ""]
    except _Unreadable:
        raise
    except BaseException as exc:  # UsageError, or argparse's SystemExit
        raise _Unreadable(f"its options {line!r} do not parse") from exc


def _capture_name(line: str) -> str | None:
    from IPython.core import magic_arguments
    from IPython.core.magics.execution import ExecutionMagics

    return magic_arguments.parse_argstring(ExecutionMagics.capture, line).output or None


def _timeit_name(line: str) -> str | None:
    from IPython.core.magic import Magics

    opts, _stmt = Magics.parse_options(
        _Options(), line, "n:r:tcp:qov:", posix=False, strict=False, preserve_non_opts=True
    )
    return opts["v"] if "v" in opts else None


# ----------------------------------------------------------------------------- may it fail?


def _literal(node: ast.AST | None) -> bool:
    """A value whose evaluation cannot raise."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple | ast.List):
        return all(_literal(e) for e in node.elts)
    if isinstance(node, ast.Set):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(isinstance(k, ast.Constant) for k in node.keys) and all(
            _literal(v) for v in node.values
        )
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return isinstance(node.operand, ast.Constant) and isinstance(
            node.operand.value, int | float | complex
        )
    if isinstance(node, ast.Lambda):
        return all(_literal(d) for d in [*node.args.defaults, *node.args.kw_defaults])
    return False


def _infallible(node: ast.stmt) -> bool:
    if isinstance(node, ast.Pass | ast.Global | ast.Nonlocal):
        return True
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Constant)
    if isinstance(node, ast.Assign):
        return all(isinstance(t, ast.Name) for t in node.targets) and _literal(node.value)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        args = node.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        return (
            not node.decorator_list
            and all(_literal(d) for d in [*args.defaults, *args.kw_defaults])
            and all(isinstance(a.annotation, ast.Constant | None) for a in every)
            and isinstance(node.returns, ast.Constant | None)
        )
    return False


# ----------------------------------------------------------------------------- the notebook


class _Classes:
    """Union-find over names: the alias classes."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, names: set[str]) -> None:
        names = set(names)
        if names:
            first = self.find(names.pop())
            for n in names:
                self.parent[self.find(n)] = first

    def expand(self, names: set[str]) -> set[str]:
        roots = {self.find(n) for n in names}
        return set(names) | {n for n in self.parent if self.find(n) in roots}


def _importable(module: str) -> bool:
    top = module.split(".")[0]
    if top in _KNOWN_MODULES:
        return True
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def _notebook_whole(statements: list[_Statement], check_names: set[str]) -> str | None:
    """The first reason (in notebook order) to run the whole notebook, from single statements."""
    bound = set().union(*(st.binds for st in statements)) if statements else set()
    for st in statements:
        label = f"cell {st.cell + 1}"
        if st.whole:
            return st.whole[0]
        for module, level in st.modules:
            top = module.split(".")[0]
            if level:
                return f"{label} has a relative import"
            if top in _DYNAMIC_MODULES:
                return f"{label} imports {top}, which may read or change any name"
            if not _importable(module):
                return f"{label} imports {top}, which is not installed for grading"
        if rebound := ((st.binds - st.imported) | st.foreign) & check_names:
            return f"{label} rebinds {sorted(rebound)[0]}"
        history = {n for n in st.uses | st.deferred if _HISTORY.fullmatch(n)} - bound
        if history:
            return f"{label} reads IPython's output history ({sorted(history)[0]})"
    return None


def _resolve_definitions(statements: list[_Statement]) -> None:
    """Fill each statement's ``defines``: what it binds, changes, or changes through aliases and
    the effects of the functions it reads."""
    imported = set().union(*(st.imported for st in statements))
    defined = set().union(*(st.defined for st in statements))
    other = set().union(*(st.binds - st.imported - st.defined for st in statements))
    import_only, def_only = imported - defined - other, defined - imported - other
    random_names = set().union(*(st.random_names for st in statements))
    # A random generator's draws are new objects: v = rng.normal() is no alias of rng (the
    # generator's state is followed by the pseudo-name <random>).
    generators = set().union(*(st.generators for st in statements))
    for st in statements:  # g = rng: g is the same generator
        for names, source in st.renames:
            if source in generators:
                st.generators |= names
                generators |= names
    random_names |= generators
    only_generators = generators - set().union(*(st.binds - st.generators for st in statements))
    bound = set().union(*(st.binds for st in statements))
    methods = set().union(*(st.methods for st in statements))

    def changes_object(how: str, random: bool) -> bool:
        """Whether a method call (``how`` is ``"method:NAME"``) changes its object."""
        method = how.split(":", 1)[1]
        return random or method not in _READING or method in methods

    def counts(name: str, how: str, random: bool) -> bool:
        if name in import_only:  # a random call changes the module's random state: <random>
            return how == "store"
        if how.startswith("method:"):
            return changes_object(how, random)
        return not (name in def_only and how == "arg")

    def notebook_code(callee: _Callee) -> bool:
        """Whether a call may run the notebook's own code (which may change or keep what it is
        given), or is known to change an argument. A call of a builtin, of an imported function
        or of a library object's method (``print(x)``, ``np.mean(x)``, ``ax.plot(x)``) is taken
        to leave its arguments as they are, and not to keep them."""
        if callee.mutator:
            return True
        if callee.method:
            return callee.last in methods
        return callee.root in bound and callee.root not in import_only

    # A notebook function (def or lambda) changes the arguments it is given only if its body
    # changes a parameter, or passes one to a call that may change it.
    changes_parameters: set[str] = set()
    for st in statements:
        hows = [
            h for h in st.param_changes if not h.startswith("method:") or changes_object(h, False)
        ]
        if hows or any(notebook_code(c) for c in st.param_passes):
            changes_parameters |= st.defined
    leaves_arguments = def_only - changes_parameters

    for st in statements:
        for callee, name, inside in st.arg_changes:
            if notebook_code(callee) and not (
                not callee.method and not callee.mutator and callee.root in leaves_arguments
            ):
                st.changes.append((name, "arg", inside, False))
        for callee, holders, passed, inside in st.call_aliases:
            if notebook_code(callee) or (callee.method and callee.last in _STORING):
                (st.late_aliases if inside else st.aliases).append((holders, passed))

    now: dict[int, set[str]] = {}
    direct: dict[str, set[str]] = {}
    sources: dict[str, set[str]] = {}
    for i, st in enumerate(statements):
        changed: set[str] = set()
        later: set[str] = set()
        for name, how, inside, random in st.changes:
            if counts(name, how, random):
                (later if inside else changed).add(name)
        for chain, inside in st.calls:
            if chain and (
                chain[0] in random_names or any("random" in p or "seed" in p for p in chain)
            ):
                if inside:
                    later.add(_RANDOM)
                    st.deferred.add(_RANDOM)
                else:
                    changed.add(_RANDOM)
                    st.uses.add(_RANDOM)
        now[i] = changed
        for name in st.binds:
            direct.setdefault(name, set()).update(later)
            sources.setdefault(name, set()).update(st.uses | st.deferred)

    effects = {name: set(direct.get(name, ())) for name in sources}
    grew = True
    while grew:
        grew = False
        for name, srcs in sources.items():
            for s in srcs & effects.keys():
                if not effects[s] <= effects[name]:
                    effects[name] |= effects[s]
                    grew = True

    # What a function's name stands for in an alias: the non-callable names its body reads, and
    # itself when it holds objects (default values, what its decorators were given).
    body_names: dict[str, set[str]] = {}
    holders: set[str] = set()
    for st in statements:
        for name in st.defined & def_only:
            body_names.setdefault(name, set()).update(st.deferred)
            if st.uses - import_only:
                holders.add(name)
                st.aliases.append(({name}, st.uses))

    def stands_for(name: str, seen: set[str]) -> set[str]:
        if name == _RANDOM or name in import_only or name in seen:
            return set()
        if name not in def_only:
            return {name}
        seen.add(name)
        out = {name} if name in holders else set()
        return out.union(*(stands_for(n, seen) for n in body_names.get(name, ())))

    # Aliases follow the notebook's order: each statement that binds a name gives it a new object
    # (a version), so ``for a in axes.flat`` and a later ``for a in zip(sweep, ...)`` do not make
    # ``axes`` and ``sweep`` aliases. An alias made when a function runs, or by a class, holds
    # for every version of its names.
    # A binding that may not happen (in an if, a loop or a try; after a statement of its cell
    # that may fail; an assignment that may fail) leaves the name holding its old object or the
    # new one: ``possible`` is the set of versions a name may hold before each statement.
    possible: dict[str, frozenset[int]] = {}
    before: list[dict[str, frozenset[int]]] = []
    new: list[dict[str, int]] = []
    version: dict[str, int] = {}
    for st in statements:
        before.append(possible)
        possible = dict(possible)
        made: dict[str, int] = {}
        for name in st.binds:
            version[name] = made[name] = version.get(name, 0) + 1
            if name in st.replaces:
                possible[name] = frozenset({made[name]})
            else:
                possible[name] = possible.get(name, frozenset({0})) | {made[name]}
        new.append(made)

    def read(i: int, names: set[str]) -> set[tuple[str, int]]:
        """The objects the names may stand for while statement ``i`` runs (old and new, if it
        binds them: ``x = x[::-1]`` is a view of the old ``x``)."""
        out = set()
        for name in names:
            if name not in statements[i].loop_targets:  # in its loop, a target is the new one
                versions = before[i].get(name, frozenset({0}))
                if len(versions) > 1:  # 0 is "not bound yet" (no object) once a binding may be
                    versions -= {0}  # (one a function makes with global is in every version)
                out |= {(name, v) for v in versions}
            if name in new[i]:
                out.add((name, new[i][name]))
        return out

    def bound_by(i: int, names: set[str]) -> set[tuple[str, int]]:
        return {(n, new[i][n]) for n in names if n in new[i]} | read(i, names - new[i].keys())

    def every(names: set[str]) -> set[tuple[str, int]]:
        return {(n, v) for n in names for v in range(version.get(n, 0) + 1)}

    def objects(names: set[str], plain: Any) -> set[tuple[str, int]]:
        """``plain`` for the names themselves; a function's name stands for the names its body
        reads, whatever their version when it runs."""
        # a generator holds nothing but its state, which <random> follows
        own = {n for n in names if n not in def_only | import_only | only_generators} & bound
        functions = set().union(set(), *(stands_for(n, set()) for n in names if n in def_only))
        return plain(own) | every(functions & bound)  # a builtin (print) holds nothing of ours

    classes = _Classes()
    for i, st in enumerate(statements):
        drawn = st.drawn_from & only_generators
        if drawn:
            st.aliases = [(t, v - drawn) for t, v in st.aliases]
        for callee, passed in st.passes:  # a function may store its argument where it changes
            stored = set().union(set(), *(effects.get(n, set()) for n in callee))
            if stored - {_RANDOM}:
                st.aliases.append((stored, passed))
        for targets, values in st.aliases:
            classes.union(
                objects(targets, lambda n, i=i: bound_by(i, n))
                | objects(values, lambda n, i=i: read(i, n))
            )
        for targets, values in st.late_aliases:
            classes.union(objects(targets | values, every))

    for i, st in enumerate(statements):
        changed = set(now[i])
        for name in st.uses:
            changed |= effects.get(name, set())
        # x += 1 on an array leaves x the same object
        for name in st.inplace:
            classes.union(read(i, {name}))
        objs = read(i, changed - {_RANDOM}) | ({(_RANDOM, 0)} if _RANDOM in changed else set())
        st.defines = st.binds | changed | {name for name, _v in classes.expand(objs)}


def _statements(parsed: list[_Cell], check_names: set[str], modules: set[str]) -> list:
    out = []
    for cell in parsed:
        runs = True  # no statement before it in its cell may fail: it surely runs
        for position, node in enumerate(cell.tree.body):
            st = _Statement(cell.index, position)
            _Scanner(st, check_names, modules).statement(node)
            st.fallible = not _infallible(node)
            if isinstance(node, ast.For | ast.AsyncFor):
                st.loop_targets = _target_names(node.target)
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Lambda)
                and all(isinstance(t, ast.Name) for t in node.targets)
            ):
                st.defined |= st.binds  # f = lambda x: ... is a function, as a def is
            if isinstance(node, _COMPLETE_BINDERS) and not (
                isinstance(node, ast.AnnAssign) and node.value is None
            ):
                st.replaces_in_cell = set(st.binds)
            if runs and not st.fallible and isinstance(node, ast.Assign | ast.FunctionDef):
                st.replaces = set(st.binds)
            runs = runs and not st.fallible
            out.append(st)
    return out


def make_plan(cells: list[tuple[int, str]]) -> Plan:
    """The plan for the code cells ``(index in the notebook, source)``, in notebook order."""
    plan = Plan(n_code_cells=len(cells))
    parsed = _read(cells, plan)
    check_names, modules = _check_bindings(parsed)
    statements = _statements(parsed, check_names, modules)
    for st in statements:
        for qid in st.qids:
            plan.question_cells[qid] = st.cell
    reason = _notebook_whole(statements, check_names)
    if reason is None and (awaiting := [c.index for c in parsed if c.awaits]):
        reason = f"cell {awaiting[0] + 1} uses await outside a function"
    if reason is None:
        for cell in parsed:
            answered = set().union(*(st.qids for st in statements if st.cell == cell.index))
            unseen = set(_CHECK_TEXT.findall(_code_text(cell.source))) - answered
            if unseen:
                reason = (
                    f"cell {cell.index + 1} names question {sorted(unseen)[0]} in a way the "
                    "planner does not follow"
                )
                break
    if reason is not None:
        return _whole(parsed, plan, reason)
    _resolve_definitions(statements)

    kept: set[tuple[int, int]] = set()
    deferred: set[str] = set()
    changed = True
    while changed:
        changed = False
        # what later cells need, and what the kept statements after this one in its cell need
        needed: set[str] = set()
        here: set[str] = set()
        cell, kept_later_in_cell = None, False
        for st in reversed(statements):
            key = (st.cell, st.position)
            if st.cell != cell:
                cell, kept_later_in_cell = st.cell, False
                needed |= here
                here = set()
            wanted = key in kept or st.answers or bool(st.defines & (needed | here | deferred))
            wanted = wanted or (kept_later_in_cell and st.fallible)
            if not wanted:
                continue
            if key not in kept:
                kept.add(key)
                changed = True
            kept_later_in_cell = True
            needed -= st.replaces
            here -= st.replaces | st.replaces_in_cell
            here |= st.uses
            if not st.deferred <= deferred:
                deferred |= st.deferred
                changed = True

    for st in statements:
        if st.star and any(k > (st.cell, st.position) for k in kept):
            return _whole(parsed, plan, f"cell {st.cell + 1} imports * (unknown names)")

    for cell in parsed:
        chosen = [p for p in range(len(cell.tree.body)) if (cell.index, p) in kept]
        if chosen:
            plan.cells.append(CellPlan(cell.index, cell.source, chosen))
    return plan
