"""The grading planner (:mod:`exercises.teacher.plan`): which statements of a notebook its
answers need.

Each test gives a few code cells ``(index, source)`` and says which ``(cell, statement)`` pairs
the plan keeps, or that it runs the whole notebook and why. The last test runs small random
notebooks both ways and compares every answer.
"""

from __future__ import annotations

import ast
import json
import random
import threading

import pytest

from exercises.teacher.plan import CellPlan, Plan, make_plan, whole_plan
from tests.exercises._helpers import ROOT

CHECK = "check('regression.implement_huber', {})"


def kept(cells: list[tuple[int, str]]) -> list[tuple[int, int]]:
    plan = make_plan(cells)
    assert plan.whole is None, plan.whole
    return [(c.index, s) for c in plan.cells for s in c.statements]


def whole(cells: list[tuple[int, str]]) -> str:
    plan = make_plan(cells)
    assert plan.whole is not None
    return plan.whole


def cells_of(*sources: str) -> list[tuple[int, str]]:
    return list(enumerate(sources))


# ----------------------------------------------------------------------------- the API


def test_the_plan_keeps_what_the_answer_needs_and_nothing_else():
    cells = cells_of(
        "import numpy as np\nimport matplotlib.pyplot as plt",
        "data = np.arange(3)\nplt.plot(data)",
        "def f(x):\n    return np.mean(x)",
        "from exercises import check\n" + CHECK.format("f"),
    )
    plan = make_plan(cells)
    assert isinstance(plan, Plan) and all(isinstance(c, CellPlan) for c in plan.cells)
    assert [(c.index, c.statements) for c in plan.cells] == [(0, [0]), (2, [0]), (3, [0, 1])]
    assert plan.question_cells == {"regression.implement_huber": 3}
    assert plan.unrunnable == {} and plan.n_code_cells == 4 and plan.whole is None


def test_the_plan_runs_what_answers_need():
    cells = [
        (0, "import numpy as np\nimport matplotlib.pyplot as plt\n%matplotlib inline"),
        (1, "p = np.linspace(0, 1)\nfig, ax = plt.subplots()\nax.plot(p, -np.log(p))"),
        (2, "x = expensive()\nx = 3\nhelper = lambda v: v + x"),
        (3, "def my_kl(p, q):\n    return np.sum(p * np.log(p / q))"),
        (4, "from exercises import check as c\nc('distributions.implement_kl', my_kl)"),
        (5, "%%time\ncheck('regression.outlier_loss', 'd')"),
        (6, "print(helper(1))"),
    ]
    plan = make_plan(cells)
    # the figure, the replaced expensive() and the unused helper do not run; p in my_kl is local;
    # the %%time cell runs, as IPython runs it (the tests of IPython below have the details)
    assert plan.whole is None
    assert [(c.index, c.statements) for c in plan.cells] == [
        (0, [0]),
        (3, [0]),
        (4, [0, 1]),
        (5, [0]),
    ]
    assert plan.question_cells == {
        "distributions.implement_kl": 4,
        "regression.outlier_loss": 5,
    }
    assert plan.unrunnable == {}
    dynamic = make_plan([(0, "a = 1"), (1, "b = 2"), (2, "exec('check(1, a)')\ncheck('x', b)")])
    assert dynamic.whole is not None and "exec" in dynamic.whole
    assert [(c.index, c.statements) for c in dynamic.cells] == [(0, [0]), (1, [0]), (2, [0, 1])]


def test_whole_plan_runs_every_statement_of_every_runnable_cell():
    cells = [(0, "a = 1\nb = 2"), (2, "# only a comment"), (3, "x = ("), (5, CHECK.format("a"))]
    plan = whole_plan(cells, "because")
    assert plan.whole == "because"
    assert [(c.index, c.statements) for c in plan.cells] == [(0, [0, 1]), (5, [0])]
    assert plan.question_cells == {"regression.implement_huber": 5}
    assert list(plan.unrunnable) == [3] and plan.n_code_cells == 4


def test_an_empty_or_comment_cell_is_not_planned():
    plan = make_plan([(0, ""), (1, "# nothing\n"), (2, CHECK.format(1))])
    assert [c.index for c in plan.cells] == [2]


def test_an_invalid_cell_is_reported_and_does_not_force_a_whole_run():
    # In a top-to-bottom run it raises SyntaxError before any statement runs: nothing changes.
    plan = make_plan(cells_of("a = 1", "check('regression.implement_huber', a) +"))
    assert plan.whole is None and plan.cells == []
    assert plan.unrunnable[1].startswith("it is not valid Python")
    assert plan.question_cells == {"regression.implement_huber": 1}


def test_planning_from_many_threads_gives_the_same_plans():
    cells = cells_of("%matplotlib inline\na = 1", "%%time\nb = a", CHECK.format("b"))
    expected = [(c.index, c.statements) for c in make_plan(cells).cells]
    results = []

    def plan() -> None:
        results.append([(c.index, c.statements) for c in make_plan(cells).cells])

    threads = [threading.Thread(target=plan) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 8


def test_planning_is_safe_from_many_threads():
    """ast.parse in CPython 3.11 fails when threads parse at once; --jobs plans in threads."""
    import concurrent.futures

    notebooks = [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "book").glob("*.ipynb"))
    ]
    cells = [
        [(i, "".join(c["source"])) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
        for nb in notebooks
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        plans = list(pool.map(make_plan, cells * 10))
    assert all(p.n_code_cells == len(c) for p, c in zip(plans, cells * 10, strict=True))


# ----------------------------------------------------------------------------- IPython


def test_the_source_is_what_ipythons_transformer_makes_of_the_cell():
    plan = make_plan(cells_of("%who\nunused = 0\n%matplotlib inline\nx = 1", CHECK.format("x")))
    source = plan.cells[0].source
    assert source.startswith("get_ipython().run_line_magic('who', '')")
    # statements of ast.parse(source); a magic may fail, which would end the cell before x = 1
    assert plan.cells[0].statements == [0, 2, 3]
    assert ast.unparse(ast.parse(source).body[3]) == "x = 1"


def test_a_line_magic_runs_its_code_as_part_of_the_statement():
    cells = cells_of("y = 2\nunused = 3", "def f(v):\n    return v", "x = %timeit -o f(y)")
    cells.append((3, CHECK.format("x")))
    assert kept(cells) == [(0, 0), (1, 0), (2, 0), (3, 0)]


def test_timeit_and_prun_options_are_not_code():
    cells = cells_of("y = 2", "x = %timeit -n 10 -r 3 -q -o abs(y)", CHECK.format("x"))
    assert kept(cells) == [(0, 0), (1, 0), (2, 0)]
    cells = cells_of("y = 2", "%prun -s cumulative -q x = abs(y)", CHECK.format("x"))
    assert kept(cells) == [(0, 0), (1, 0), (2, 0)]


def test_time_binds_the_names_its_code_assigns():
    cells = cells_of("y = 2", "%time x = y + 1", "%%time\nz = x * 2\nunused = 1", CHECK.format("z"))
    assert kept(cells) == [(0, 0), (1, 0), (2, 0), (3, 0)]


def test_the_line_of_cell_timeit_is_setup_code():
    cells = cells_of("y = 2", "%%timeit -n 1 -r 1 v = y\n" + CHECK.format("v"))
    assert kept(cells) == [(0, 0), (1, 0)]


def test_capture_binds_the_name_on_its_line():
    cells = cells_of("x = 1", "%%capture out\nprint(x)", CHECK.format("out"))
    assert kept(cells) == [(0, 0), (1, 0), (2, 0)]


def test_a_continuation_line_starting_with_percent_is_the_modulo_operator():
    cells = cells_of("a = 7\nb = 4", "x = (a\n     % b)", CHECK.format("x"))
    assert kept(cells) == [(0, 0), (0, 1), (1, 0), (2, 0)]


@pytest.mark.parametrize(
    "magic",
    [
        "%matplotlib inline",
        "%config InlineBackend.figure_format = 'svg'",
        "%load_ext autoreload",
        "%autoreload 2",
        "%precision 3",
        "%who",
        "np?",
        "%%html\n<b>hi</b>",
        "%%markdown\n# hi",
    ],
)
def test_harmless_magics_count_as_nothing(magic):
    cells = cells_of("import numpy as np", magic, CHECK.format("np.mean"))
    assert kept(cells) == [(0, 0), (2, 0)]


def test_aimport_binds_the_modules_it_imports():
    cells = cells_of("%aimport json", "x = json.dumps(1)", CHECK.format("x"))
    assert kept(cells) == [(0, 0), (1, 0), (2, 0)]


@pytest.mark.parametrize(
    ("magic", "named"),
    [
        ("!ls", "!ls"),
        ("files = !ls", "!ls"),
        ("%%bash\nls", "%%bash"),
        ("%%writefile helper.py\nx = 1", "%%writefile"),
        ("%run other.py", "%run"),
        ("%pip install numpy", "%pip"),
        ("%cd /tmp", "%cd"),
        ("%store x", "%store"),
        ("%load helper.py", "%load"),
        ("%history -f out.py", "%history"),
        ("%timeit -s setup f()", "%timeit"),  # an option %timeit does not have
        ("%prun -T out.txt f()", "%prun"),  # writes a file
        ("def f():\n    %time x = 1", "%time"),  # runs in the shell's namespace when called
        ("x = 1\n%%time\ny = 2", "%%time"),  # a cell magic that is not first in its cell
    ],
)
def test_other_magics_and_shell_commands_run_the_whole_notebook(magic, named):
    reason = whole(cells_of("x = 0", magic, CHECK.format("x")))
    assert reason.startswith("cell 2 ") and named in reason


# ----------------------------------------------------------------------------- deferred names


def test_a_helper_defined_after_the_function_that_calls_it_is_kept():
    cells = cells_of("def f(x):\n    return g(x)", "def g(x):\n    return x + 1", CHECK.format("f"))
    assert kept(cells) == [(0, 0), (1, 0), (2, 0)]


def test_a_helper_fixed_in_a_later_cell_is_kept():
    cells = cells_of(
        "def g(x):\n    return x",
        "def f(x):\n    return g(x)",
        "def g(x):\n    return x + 1",
        "unused = 1",
        CHECK.format("f"),
    )
    assert kept(cells) == [(0, 0), (1, 0), (2, 0), (4, 0)]


def test_a_constant_defined_later_and_the_names_it_needs_are_kept():
    cells = cells_of("base = 2", "f = lambda x: x * SCALE", "SCALE = base + 1", CHECK.format("f"))
    assert kept(cells) == [(0, 0), (1, 0), (2, 0), (3, 0)]


def test_default_values_and_decorators_are_needed_at_the_definition():
    cells = cells_of("d = 2\ndeco = lambda f: f", "@deco\ndef f(x=d):\n    return x", "d = 3")
    cells.append((3, CHECK.format("f")))
    assert kept(cells) == [(0, 0), (0, 1), (1, 0), (3, 0)]


# ----------------------------------------------------------------------------- changes


def test_calling_a_function_that_declares_a_global_defines_it():
    cells = cells_of(
        "total = 0",
        "def bump():\n    global total\n    total += 1",
        "def twice():\n    bump()\n    bump()",
        "twice()",
        "runner = [twice]",  # merely references it: may pass it on
        "unrelated = 1",
        CHECK.format("total"),
    )
    assert kept(cells) == [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (6, 0)]


def test_calling_a_function_that_changes_a_global_object_defines_it():
    cells = cells_of(
        "log = []", "def note(x):\n    log.append(x)", "y = note(3)", CHECK.format("log")
    )
    assert kept(cells) == [(0, 0), (1, 0), (2, 0), (3, 0)]


def test_a_method_call_changes_its_object_even_when_its_result_is_kept():
    cells = cells_of(
        "import numpy as np\nrng = np.random.default_rng(0)",
        "a = rng.normal(size=3)",
        "b = rng.normal(size=3)",
        CHECK.format("b"),
    )
    assert kept(cells) == [(0, 0), (0, 1), (1, 0), (2, 0), (3, 0)]


def test_a_module_changes_only_by_a_random_or_seed_call():
    cells = cells_of(
        "import numpy as np",
        "np.random.seed(0)",
        "m = np.mean([1, 2])",
        "noise = np.random.normal()",
        CHECK.format("np.random.normal()"),
    )
    assert kept(cells) == [(0, 0), (1, 0), (3, 0), (4, 0)]


@pytest.mark.parametrize(
    "alias",
    [
        "m = scan[:2]",
        "m = scan.T",
        "m = scan.reshape(3, 1)",
        "m = scan",
        "m = np.asarray(scan)",
        "_, m = 0, scan",
        "m = view(scan)",
    ],
)
def test_a_change_to_an_alias_defines_every_name_of_its_class(alias):
    cells = cells_of(
        "import numpy as np\nscan = np.zeros(3)\ndef view(a):\n    return a",
        alias,
        "m[:] = 1",
        "m.fill(2)",
        "m += 1",
        CHECK.format("scan"),
    )
    assert set(kept(cells)) >= {(1, 0), (2, 0), (3, 0), (4, 0)}


def test_a_loop_target_aliases_the_items_of_its_container():
    cells = cells_of(
        "grid = [[1], [2]]", "for row in grid:\n    row[:] = [0]", "n = 1", CHECK.format("grid")
    )
    assert kept(cells) == [(0, 0), (1, 0), (3, 0)]


def test_a_call_of_a_name_imported_from_a_random_module_draws_from_the_shared_generator():
    cells = cells_of(
        "import random\nfrom random import random as draw",
        "random.seed(0)",
        "draw()",
        CHECK.format("draw()"),
    )
    assert kept(cells) == [(0, 0), (0, 1), (1, 0), (2, 0), (3, 0)]


def test_a_class_and_its_instances_share_its_attributes():
    cells = cells_of(
        "log = []", "class Model:\n    seen = log", "m = Model()\nm.seen.append(1)", "other = 1"
    )
    cells.append((4, CHECK.format("log")))
    assert kept(cells) == [(0, 0), (1, 0), (2, 0), (2, 1), (4, 0)]


def test_a_function_holds_its_default_values():
    cells = cells_of("table = [1]", "def f(v, t=table):\n    return t", "table.append(2)")
    cells.append((3, CHECK.format("f")))
    assert kept(cells) == [(0, 0), (1, 0), (2, 0), (3, 0)]


def test_del_needs_the_name_it_deletes():
    cells = cells_of("x = 1", "del x\ny = 2", CHECK.format("y"))
    assert kept(cells) == [(0, 0), (1, 0), (1, 1), (2, 0)]


def test_a_call_may_store_its_arguments_in_its_object_or_where_it_changes():
    cells = cells_of("rows = [[1]]\nz = []", "z.extend(rows)", "rows[0].append(2)", "u = 1")
    assert kept(cells + [(4, CHECK.format("z"))]) == [(0, 0), (0, 1), (1, 0), (2, 0), (4, 0)]
    cells = cells_of("cache = []\nx = [1]", "def keep(v):\n    cache.append(v)", "keep(x)")
    cells += [(3, "x.append(2)"), (4, "u = 1"), (5, CHECK.format("cache"))]
    assert kept(cells) == [(0, 0), (0, 1), (1, 0), (2, 0), (3, 0), (5, 0)]


def test_passing_a_name_to_a_call_may_change_it():
    cells = cells_of("import random\nxs = [1, 2, 3]", "random.shuffle(xs)", CHECK.format("xs"))
    assert kept(cells) == [(0, 0), (0, 1), (1, 0), (2, 0)]


def test_a_plain_rebinding_does_not_change_the_aliases():
    cells = cells_of("scan = [1, 2]", "m = scan", "m = 5", CHECK.format("scan"))
    assert kept(cells) == [(0, 0), (3, 0)]


def test_an_assignment_that_may_fail_does_not_replace_the_old_value():
    cells = cells_of("x = 1", "x = broken()", "x = 2", "x = 3", CHECK.format("x"))
    assert kept(cells) == [(3, 0), (4, 0)]  # x = 3 cannot fail: it replaces x
    cells = cells_of("x = 1", "x = broken()", CHECK.format("x"))
    assert kept(cells) == [(0, 0), (1, 0), (2, 0)]
    cells = cells_of("x = 1", "broken()\nx = 2", CHECK.format("x"))  # x = 2 may not run
    assert kept(cells) == [(0, 0), (1, 0), (1, 1), (2, 0)]


def test_an_error_ends_its_cell_so_earlier_statements_that_may_fail_are_kept():
    cells = cells_of("plot(undefined)\nnote = 'text'\n" + CHECK.format(1))
    assert kept(cells) == [(0, 0), (0, 2)]


# ----------------------------------------------------------------------------- precision
# Keeping too much is never wrong, but a plan that keeps a whole chapter grades it as slowly as a
# replay: these are the rules that keep the book's own notebooks to the statements they need.


def test_a_library_call_neither_changes_nor_keeps_its_arguments():
    cells = cells_of(
        "import numpy as np\nimport matplotlib.pyplot as plt",
        "x = np.ones(3)\nfig, ax = plt.subplots()",
        "print(x, len(x))\nnp.mean(x)\nax.plot(x)",  # builtins, a module's function, a method
        "ax.set_title('t')",  # changes ax, which does not hold x
        CHECK.format("x"),
    )
    assert kept(cells) == [(0, 0), (1, 0), (4, 0)]


def test_notebook_functions_mutators_and_storing_methods_still_count():
    cells = cells_of(
        "import numpy as np\nx = np.ones(3)\ny = np.ones(3)\nbox = []",
        "def fill(v):\n    v[:] = 0",
        "fill(x)\nnp.copyto(y, 2.0)\nbox.append(y)",
        "box[0][:] = 5",  # through the list that holds y
        CHECK.format("(x, y)"),
    )
    assert kept(cells) == [
        (0, 0),
        (0, 1),
        (0, 2),
        (0, 3),
        (1, 0),
        (2, 0),
        (2, 1),
        (2, 2),
        (3, 0),
        (4, 0),
    ]


def test_a_notebook_function_changes_arguments_only_if_its_body_changes_a_parameter():
    pure = cells_of(
        "import numpy as np\nx = np.ones(3)",
        "def total(v):\n    w = v * 2\n    return w.sum()",
        "unit = lambda v: v / 2",
        "print(total(x), unit(x))",  # neither changes x
        CHECK.format("x"),
    )
    assert kept(pure) == [(0, 0), (0, 1), (4, 0)]
    for body in ("    w = v\n    w[0] = 5", "    v.sort()", "    np.copyto(v, 0.0)"):
        changing = cells_of(
            "import numpy as np\nx = np.ones(3)",
            "def f(v):\n" + body,
            "f(x)",
            CHECK.format("x"),
        )
        assert (2, 0) in kept(changing), body


def test_reading_methods_do_not_change_their_object():
    cells = cells_of(
        "import numpy as np\nx = np.arange(4.0)",
        "print(x.round(1), x.mean())",
        "x.sort()",  # a method that is not a known reader changes x
        CHECK.format("x"),
    )
    assert kept(cells) == [(0, 0), (0, 1), (2, 0), (3, 0)]
    mine = cells_of(
        "class A:\n    def mean(self):\n        self.v = 1",
        "a = A()",
        "a.mean()",
        CHECK.format("a"),
    )
    assert (2, 0) in kept(mine)  # the notebook's own method named like a reader


def test_a_rebinding_makes_a_new_object_for_aliases():
    cells = cells_of(
        "import numpy as np\ndata = np.ones(3)",
        "a = data[:2]",
        "a = [0.0]",  # a new object (surely: a literal), so a change to it is none to data
        "a[:] = [7.0]",
        CHECK.format("data"),
    )
    assert kept(cells) == [(0, 0), (0, 1), (4, 0)]


def test_a_binding_that_may_not_happen_keeps_the_old_object_possible():
    cells = cells_of(
        "import numpy as np\ndata = np.ones(3)",
        "a = data[:2]",
        "for a in []:\n    pass",  # an empty loop: a is still the view of data
        "a[:] = 7",
        CHECK.format("data"),
    )
    assert (3, 0) in kept(cells)


def test_an_assignment_that_may_fail_replaces_for_the_rest_of_its_cell():
    cells = cells_of(
        "import numpy as np\ny = np.zeros(2)",
        "y = np.r_[1.0, 2.0]\n" + CHECK.format("y"),  # if it fails, the check does not run
    )
    assert kept(cells) == [(0, 0), (1, 0), (1, 1)]
    later = cells_of(
        "import numpy as np\ny = np.zeros(2)",
        "y = np.r_[1.0, 2.0]",
        CHECK.format("y"),  # another cell: after a failure it would see the first y
    )
    assert kept(later) == [(0, 0), (0, 1), (1, 0), (2, 0)]


def test_a_random_generator_holds_no_data_but_its_draws_stay_in_order():
    cells = cells_of(
        "import numpy as np\nrng = np.random.default_rng(0)\ng = rng",
        "a = rng.normal(size=3)\nb = a + rng.normal(size=3)",
        "a[:] = 0",  # changes a (and b's input, not b)
        "g.normal()",  # the same generator under another name: a draw
        "c = rng.normal()",
        CHECK.format("c"),
    )
    plan = kept(cells)
    assert (3, 0) in plan and (1, 0) in plan and (1, 1) in plan  # every earlier draw
    assert (2, 0) not in plan


# ----------------------------------------------------------------------------- whole runs


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("qid = 'regression.implement_huber'\ncheck(qid, 1)", "not a literal"),
        ("def answer(v):\n    check('regression.implement_huber', v)", "inside a function"),
        ("c = check\nc('regression.implement_huber', 1)", "other than by calling"),
        ("print(check)", "other than by calling"),
        ("def check(q, a):\n    pass", "rebinds check"),
        ("from math import pi as check", "rebinds check"),
        ("exec('x = 1')", "exec"),
        ("y = eval('1')", "eval"),
        ("globals()['x'] = 1", "globals"),
        ("import importlib", "importlib"),
        ("import sys\nsys.modules[__name__].x = 1", "modules"),
        ("import helper_written_by_writefile", "not installed"),
        ("from . import sibling", "relative import"),
        ("data = open('x.csv').read()", "open"),
        ("import numpy as np\nx = np.load('x.npy')", "load"),
        ("import numpy as np\nnp.save('x.npy', [1])", "save"),
        ("import pickle\npickle.dump(1, None)", "dump"),
        ("import os\nos.remove('x')", "remove"),
        ("x = _ + 1", "output history"),
        ("text = \"check('regression.outlier_loss', 1)\"", "regression.outlier_loss"),
    ],
)
def test_what_the_planner_cannot_follow_runs_the_whole_notebook(code, why):
    reason = whole(cells_of("x = 0", code, CHECK.format("x")))
    assert reason.startswith("cell 2 ") and why in reason


def test_a_star_import_runs_the_whole_notebook_only_before_a_kept_statement():
    assert whole(cells_of("from math import *", CHECK.format("pi"))).startswith("cell 1 imports *")
    assert kept(cells_of(CHECK.format(1), "from math import *")) == [(0, 0)]
    # the grader's exercises module holds known names
    assert kept(cells_of("from exercises import *\nx = 1", CHECK.format("x"))) == [
        (0, 0),
        (0, 1),
        (1, 0),
    ]


def test_await_outside_a_function_runs_the_whole_notebook():
    cells = cells_of("async def f():\n    await g()", "import asyncio\nawait asyncio.sleep(0)")
    assert whole(cells + [(2, CHECK.format(1))]) == "cell 2 uses await outside a function"


def test_check_may_be_imported_under_another_name_or_called_on_the_module():
    cells = cells_of(
        "from exercises import check as c\nimport exercises as ex",
        "c('regression.implement_huber', 1)",
        "ex.check('regression.outlier_loss', 'd')",
        "# check('regression.quantile_level', 1) was my first try",
    )
    plan = make_plan(cells)
    assert plan.whole is None
    assert [(c.index, c.statements) for c in plan.cells] == [(0, [0, 1]), (1, [0]), (2, [0])]
    assert plan.question_cells == {"regression.implement_huber": 1, "regression.outlier_loss": 2}


def test_check_in_a_top_level_block_or_with_a_keyword_id_is_an_answer():
    cells = cells_of(
        "x = 1\nunused = 2",
        "for v in [x]:\n    check('regression.implement_huber', v)",
        "if True:\n    check(question_id='regression.outlier_loss', answer='d')",
    )
    plan = make_plan(cells)
    assert [(c.index, c.statements) for c in plan.cells] == [(0, [0]), (1, [0]), (2, [0])]
    assert plan.question_cells == {"regression.implement_huber": 1, "regression.outlier_loss": 2}


def test_a_computed_attribute_name_is_an_attribute_like_any_other():
    # getattr only reads its object; setattr stores into it (no whole run: the notebook's
    # namespace is not reached by these)
    cells = cells_of("class B:\n    pass\nb = B()", "name = 'w'\nsetattr(b, name, 2)", "n = 1")
    cells.append((3, CHECK.format("getattr(b, name)")))
    assert kept(cells) == [(0, 0), (0, 1), (1, 0), (1, 1), (3, 0)]


def test_a_whole_run_plans_every_statement_of_every_runnable_cell():
    plan = make_plan(cells_of("x = 0\nunused = 1", "!ls", "x = (", CHECK.format("x")))
    assert plan.whole == "cell 2 runs the shell command !ls"
    assert [(c.index, c.statements) for c in plan.cells] == [(0, [0, 1]), (1, [0]), (3, [0])]
    assert list(plan.unrunnable) == [2]


def test_savefig_is_not_file_input():
    cells = cells_of("import matplotlib.pyplot as plt", "plt.savefig('f.png')", CHECK.format(1))
    assert kept(cells) == [(2, 0)]


# ----------------------------------------------------------------------------- random notebooks


def _run(cells: list[tuple[str, list[int] | None]]) -> dict[str, str]:
    """Run the statements (all when None) cell by cell, an error ending its cell only."""
    random.seed(0)  # the notebook may draw from the global generator without seeding it
    answers: dict[str, str] = {}
    namespace: dict = {"check": lambda q, a: answers.__setitem__(q, repr(a))}
    for source, statements in cells:
        body = ast.parse(source).body
        chosen = range(len(body)) if statements is None else statements
        code = compile(ast.Module([body[i] for i in chosen], []), "<cell>", "exec")
        try:
            exec(code, namespace)
        except Exception:
            pass
    return answers


_STATEMENTS = [
    "{a} = [{n}]",
    "{a} = {b} + [{n}]",
    "{a} = {b}",
    "{a}, {b} = {b}, [{n}]",
    "{a} = {b}[:]",
    "{a}.append({n})",
    "{a}[0] = {n}",
    "{a} += [{n}]",
    "del {a}",
    "{a} = f({b})",
    "{a} = g()",
    "g()",
    "h({a})",
    "def f(v):\n    return v + {a}",
    "def f(v):\n    return v",
    "def g():\n    global {a}\n    {a} = [{n}]\n    return {b}",
    "def g():\n    {a}.append({n})\n    return {b}",
    "def h(v):\n    v.append({n})",
    "for item in [{a}, {b}]:\n    item.append({n})",
    "{a} = [rng.random()]",
    "rng.random()",
    "check('q.{n}', {a})",
    "check('q.{n}', f({a}))",
    "check('q.{n}', g())",
    "{a} = [[{n}], [{n}]]",
    "for row in {a}:\n    row[0] = {n}",
    "{a} = view({b})",
    "def view(v):\n    return v",
    "def get():\n    return {a}",
    "{a} = get()",
    "{a}[:] = [{n}]",
    "{a} = {b}[0]",
    "k = lambda: {a}",
    "{a} = [v for v in {b}]",
    "[v.append({n}) for v in {a}]",
    "{a}.extend({b})",
    "def g():\n    w = {a}\n    w.append({n})",
    "if {n}:\n    {a} = [{n}]",
    "raise ValueError",
    "assert {a}",
    "{a} = {b}.copy()",
    "o = O()\no.items.append({n})",
    "class O:\n    items = {a}",
    "random.seed({n})",
    "{a} = [random.random()]",
    "from random import random as draw",
    "draw()",
    "def make():\n    def inner():\n        return {a}\n    return inner",
    "k = make()",
    "def deco(fn):\n    {a}.append({n})\n    return fn",
    "@deco\ndef f(v):\n    return v",
    "def f(v, d={a}):\n    return v + d",
    "try:\n    {a}.append({n})\nexcept Exception:\n    {b} = [{n}]",
    "if ({a} := {b}):\n    {a}.append({n})",
    "def g():\n    global {a}\n    {a} += [{n}]",
    "pair = ({a}, {b})",
    "pair[0].append({n})",
    "d = {{'k': {a}}}",
    "d['k'].append({n})",
    "{a} = sorted({b})",
    "{a}.sort()",
    "setattr(o, 'items', {a})",
    "def keep(v):\n    {a}.append(v)",
    "keep({b})",
    "{a}.append({b})",
]


_ANSWERS = ["x", "y", "z", "f(x)", "g()", "k()", "O.items", "d", "pair"]


def _random_notebook(r: random.Random) -> list[tuple[int, str]]:
    cells = [(0, "import random\nrng = random.Random(0)\nx = [1]\ny = [2]\nz = [3]")]
    for index in range(1, r.randint(4, 14)):
        lines = [
            r.choice(_STATEMENTS).format(a=r.choice("xyz"), b=r.choice("xyz"), n=r.randint(0, 3))
            for _ in range(r.choice((1, 1, 1, 2, 3)))
        ]
        cells.append((index, "\n".join(lines)))
    for answer in r.sample(_ANSWERS, r.randint(1, 3)):  # one cell each: an error ends a cell
        cells.append((len(cells), f"check('end.{len(cells)}', {answer})"))
    return cells


@pytest.mark.parametrize("seed", range(400))
def test_a_planned_run_gives_the_answers_of_a_whole_run(seed):
    cells = _random_notebook(random.Random(seed))
    plan = make_plan(cells)
    assert plan.whole is None
    planned = {c.index: c.statements for c in plan.cells}
    full = _run([(source, None) for _, source in cells])
    fast = _run([(source, planned[i]) for i, source in cells if i in planned])
    assert fast == full, "\n# ---\n".join(source for _, source in cells)
