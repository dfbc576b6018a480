"""The sandbox's command line (:mod:`exercises.sandbox.bubblewrap`): bubblewrap is what CI
installs, and a Python environment under the host's /tmp stays visible inside the sandbox.

How a sandboxed notebook fares against hostile code is tested end to end in
``tests/exercises/teacher/test_session.py``."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.exercises._helpers import ROOT

pytestmark = pytest.mark.sandbox


def test_bubblewrap_is_what_ci_installs():
    run = (ROOT / ".ci" / "run").read_text()
    assert "bubblewrap" in run and "REQUIRE_SANDBOX=1" in run
    if os.environ.get("REQUIRE_SANDBOX") == "1":
        assert shutil.which("bwrap")
        out = subprocess.run([shutil.which("bwrap"), "--version"], capture_output=True, text=True)
        assert out.returncode == 0 and sys.platform.startswith("linux")


def test_a_python_environment_under_tmp_stays_visible(tmp_path):
    """The sandbox's private /tmp is mounted before the Python environment is bound, so a venv
    that lives under the host's /tmp (a fresh clone there) is still found inside."""
    from exercises.sandbox import bubblewrap

    cmd = (
        bubblewrap.bwrap_command(tmp_path, bubblewrap.Limits(), None)
        if shutil.which("bwrap")
        else None
    )
    if cmd is None:
        pytest.skip("bubblewrap (bwrap) is not installed")
    tmpfs = cmd.index("/tmp", cmd.index("--tmpfs"))
    for root in bubblewrap._python_roots():
        bind = max(i for i, a in enumerate(cmd) if a == root and cmd[i - 1] == "--ro-bind")
        assert tmpfs < bind, root
