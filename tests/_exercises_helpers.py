"""Shared fixtures for the tests of the ``exercises`` package (imported by tests/test_exercises*.py).

``isolated_progress`` points ``LOSS_COURSE_PROGRESS`` at a temporary file so that no test reads or
writes the real progress file in the home directory.
"""

import pytest


@pytest.fixture(autouse=True)
def isolated_progress(tmp_path, monkeypatch):
    path = tmp_path / "progress" / "progress.json"
    monkeypatch.setenv("LOSS_COURSE_PROGRESS", str(path))
    return path


def require_sandbox():
    """Skip a grading test without bubblewrap, or fail when REQUIRE_SANDBOX=1 (CI sets it)."""
    import os
    import shutil

    from exercises._isolation import Limits, SandboxUnavailable, probe

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
