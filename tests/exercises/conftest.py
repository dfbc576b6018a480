"""Fixtures shared by the tests of :mod:`exercises`.

``isolated_progress`` (autouse) points ``LOSS_COURSE_PROGRESS`` at a temporary file, so that no
test reads or writes the real progress file in the home directory; a test that needs the file
asks for it by name. ``book_versions`` (autouse) starts every test with the book's version of
every question (no practice variant from :func:`exercises.another` left over).
"""

import pytest


@pytest.fixture(autouse=True)
def isolated_progress(tmp_path, monkeypatch):
    path = tmp_path / "progress" / "progress.json"
    monkeypatch.setenv("LOSS_COURSE_PROGRESS", str(path))
    return path


@pytest.fixture(autouse=True)
def book_versions(monkeypatch):
    from exercises import api

    monkeypatch.setattr(api, "_PRACTICE", {})
    monkeypatch.setattr(api, "_PRACTICE_SALT", "test salt")
    monkeypatch.setattr(api, "_STUDENT", None)
