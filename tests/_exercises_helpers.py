"""Shared fixtures for the tests of the ``exercises`` package (imported by tests/test_exercises*.py).

``isolated_progress`` points ``LOSS_COURSE_PROGRESS`` at a temporary file so that no test reads or
writes the real progress file in the home directory.
"""

import pytest


@pytest.fixture(autouse=True)
def isolated_progress(tmp_path, monkeypatch):
    path = tmp_path / "progress" / "progress.json"
    monkeypatch.setenv("LOSS_COURSE_PROGRESS", str(path))
    monkeypatch.delenv("LOSS_COURSE_RESULTS_LOG", raising=False)
    return path
