"""Helpers shared by the tests of :mod:`exercises` (the autouse fixture ``isolated_progress`` is in
``conftest.py`` beside this file).

- :func:`require_sandbox`, :func:`write_notebook`, :func:`write_class`, :func:`run_cli`: grading
  handed-in notebooks as a teacher does;
- :func:`huber_ok`: a correct answer to ``regression.implement_huber``, written from the formula;
- :func:`tolerance`, :func:`numeric_values`, :data:`TYPED`, :func:`format_cases`: the answers a
  reader may give to the numeric questions, for the site's parity with ``check()`` and for the
  number formatter.
"""

import math
from pathlib import Path

import numpy as np
import pytest

#: The repository's root folder.
ROOT = Path(__file__).resolve().parents[2]


def require_sandbox():
    """Skip a grading test without bubblewrap, or fail when REQUIRE_SANDBOX=1 (CI sets it)."""
    import os
    import shutil

    from exercises.sandbox.bubblewrap import Limits, SandboxUnavailable, probe

    why = None
    if shutil.which("bwrap") is None:
        why = "bubblewrap (bwrap) is not installed"
    else:
        try:
            probe(Limits())
        except SandboxUnavailable as exc:
            why = f"bubblewrap cannot make a sandbox here: {exc}"
    if why:
        if os.environ.get("REQUIRE_SANDBOX") == "1":
            pytest.fail(f"REQUIRE_SANDBOX=1 but {why}")
        pytest.skip(why)


def write_notebook(path, cells):
    """A notebook of code cells (after a title) at ``path``, as a student would hand it in."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell("# Exercises")] + [new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))


def run_cli(*args, env_extra=None, timeout=240, cwd=None):
    """``python -m exercises ARGS`` in a subprocess, as a teacher would run it: in a folder of
    their own (default: a new temporary one), where a report without ``--output`` leaves the class
    salt, never in the repository."""
    import os
    import subprocess
    import sys
    import tempfile

    env = dict(os.environ)
    env.update(env_extra or {})
    with tempfile.TemporaryDirectory(prefix="teacher-") as own:
        return subprocess.run(
            [sys.executable, "-m", "exercises", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
            cwd=cwd or own,
        )


def write_class(folder, notebooks):
    """Write ``{name: cells}`` as ``folder/name.ipynb``; return every file's bytes, to compare later."""
    for name, cells in notebooks.items():
        write_notebook(folder / f"{name}.ipynb", cells)
    return {p.name: p.read_bytes() for p in folder.glob("*.ipynb")}


# --------------------------------------------------------------------------- a correct answer


def huber_ok(y_true, y_pred, delta):
    """``regression.implement_huber`` written from the formula (not taken from the bank), as a
    reader would write it."""
    r = np.abs(y_true - y_pred)
    return np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)))


# --------------------------------------------------------------------------- numeric answers


def tolerance(q, target: float) -> float:
    """How far from ``target`` a number still counts as ``target`` for numeric question ``q``."""
    return max(q.abs_tol, q.rel_tol * abs(target))


def numeric_values(q) -> list[float]:
    """Numbers a reader may give to numeric question ``q``: the key, values within and just
    outside its tolerance (the boundary and the doubles next to it), each known wrong value and
    values near it, tiny, huge and infinite ones."""
    key, tol = q.answer, tolerance(q, q.answer)
    values = [key, -key, key * 100, key / 100, 0.0, -0.0, 1e-7, 1e16, -1e16, 5e-324, 1e300]
    for k in (0.5, 0.999, 1.001, 1.5, 3):
        values += [key + k * tol, key - k * tol]
    edge = key + tol  # the boundary and the doubles next to it
    values += [edge, float(np.nextafter(edge, math.inf)), float(np.nextafter(edge, -math.inf))]
    values += [key * (1 + 1e-9), key + 3e-4, key + 1.5e-6 * max(1.0, abs(key))]
    for wrong, _ in q.wrong_values:
        w = float(wrong)
        values += [w, w + 0.5 * tolerance(q, w), w - 2 * tolerance(q, w)]
    values += [207.97, 200.0003, 1.0000015, math.inf, -math.inf]
    return list(dict.fromkeys(values))


#: Typed texts besides the values' reprs: Python's float syntax, a decimal comma, non-numbers.
TYPED = [
    "",
    "   ",
    "nan",
    "-NaN",
    "Infinity",
    "-inf",
    "1e400",
    "1_0",
    "1__0",
    "+.5",
    "5.",
    ".",
    "1e",
    "e5",
    "0x10",
    "1,5",
    " 0,984\t",
    "1 000",
    "abc",
    "½",
    "\u0661",  # an Arabic-Indic one: float() reads it, the site (ASCII digits only) does not
]


def format_cases() -> list[tuple[float, float | None]]:
    """A few hundred (number, key) pairs: tiny, huge, negative, near the keys, integers, ties."""
    from exercises.bank import NumericQuestion, all_questions

    rng = np.random.default_rng(20240607)
    xs = [0.0, -0.0, 1.0, -1.0, 7.0, 100.0, 123456.0, 1234565.0, 12345675.0, 123456.5, 0.125]
    xs += [2.0**53, 2.0**53 + 2, 1e-7, 1e16, -1e16, 1e21, 1e-5, 1e-4, 9.9999e-5, 0.00012345]
    xs += [999999.5, 9999995.0, 0.5, 2.5, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308]
    xs += [1 / 3, -2 / 3, math.pi, math.e, 0.1, 0.2, 0.3, 1e300, -1e-300, 200.0003, 1.0000015]
    xs += list(rng.lognormal(0, 8, 120) * rng.choice([-1, 1], 120))
    xs += [float(f"{v:.3g}") for v in rng.normal(0, 50, 40)]
    xs += [math.inf, -math.inf, math.nan]
    cases: list[tuple[float, float | None]] = [(float(x), None) for x in xs]
    for q in all_questions():
        if not isinstance(q, NumericQuestion):
            continue
        key, tol = q.answer, tolerance(q, q.answer)
        for v in numeric_values(q)[:12] + [key + 1.01 * tol, key - 1.01 * tol]:
            cases.append((float(v), float(key)))
        cases.append((float(np.nextafter(key, math.inf)), float(key)))
    cases += [(200.0003, 200.0), (1.0000015, 1.0), (207.97, 200.0), (1e16 + 2, 1e16)]
    return cases
