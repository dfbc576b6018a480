"""pytest configuration shared by the whole repository.

With ``--nbval`` (``pytest --nbval book/``) the notebooks are run by this environment's Python
(so ``losses`` and ``exercises`` are importable whatever kernels are installed elsewhere) and
their outputs are compared after the patterns of ``tests/nbval_sanitize.cfg``.

Every kernel and build started from the tests runs in :data:`NOTEBOOK_ENV`: one BLAS/OpenMP
thread (the number of threads changes the order of floating-point sums, so a notebook run with
two threads could print other last digits than the committed run), and no progress recording (a
test run must not write to the reader's progress file, nor a notebook show its path).
"""

import importlib.util
import os
from pathlib import Path

ROOT = Path(__file__).parent
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def _notebook_env() -> dict[str, str]:
    """The environment of every notebook run, defined once in scripts/run_notebooks.py (the
    Makefile exports the same variables for the book build)."""
    spec = importlib.util.spec_from_file_location(
        "run_notebooks", ROOT / "scripts" / "run_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.NOTEBOOK_ENV)


NOTEBOOK_ENV = _notebook_env()


def pytest_configure(config):
    for name, value in NOTEBOOK_ENV.items():
        os.environ.setdefault(name, value)
    option = config.option
    if not (getattr(option, "nbval", False) or getattr(option, "nbval_lax", False)):
        return
    if getattr(option, "nbval_sanitize_with", None) is None:
        option.nbval_sanitize_with = str(SANITIZE)
    if not getattr(option, "nbval_kernel_name", None):
        option.nbval_current_env = True


def pytest_ignore_collect(collection_path, config):
    """With --nbval, run the book's notebooks only, not notebooks kept as test fixtures."""
    if collection_path.suffix != ".ipynb" or not getattr(config.option, "nbval", False):
        return None
    try:
        parts = collection_path.resolve().relative_to(Path(__file__).parent.resolve()).parts
    except ValueError:  # outside the repository
        return None
    return True if parts and parts[0] == "tests" else None
