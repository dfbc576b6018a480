"""progress() (:mod:`exercises.progress`): recorded per question, kept in a JSON file outside the repository, robust."""

import json
import os
from pathlib import Path

import pytest

import exercises
from exercises import check, progress
from exercises.progress import ProgressStore, default_path


@pytest.fixture
def progress_file(isolated_progress):
    """The test's own progress file (never the real one in the home directory)."""
    return isolated_progress


def test_default_location_is_outside_the_repository(monkeypatch, tmp_path):
    monkeypatch.delenv("LOSS_COURSE_PROGRESS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "loss-functions-course" / "progress.json"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = default_path()
    assert (
        path == tmp_path / "home" / ".local" / "share" / "loss-functions-course" / "progress.json"
    )
    repo = Path(exercises.__file__).resolve().parent.parent
    assert repo not in path.resolve().parents


def test_check_records_progress_and_progress_reports_it(progress_file):
    assert not progress_file.exists()
    check("regression.outlier_loss", "mse")
    check("regression.outlier_loss", "huber")
    check("regression.outlier_loss", "mse")  # a later wrong answer does not un-pass
    check("regression.huber_value", 9)
    check("regression.outlier_gradient_mse", ...)  # placeholders are not recorded
    data = json.loads(progress_file.read_text())
    rec = data["questions"]["regression.outlier_loss"]
    assert rec == {
        "passed": True,
        "best_score": 1.0,
        "max_score": 1.0,
        "attempts": 3,
        "mastered": False,
    }
    assert "regression.outlier_gradient_mse" not in data["questions"]

    p = progress()
    assert p.path == progress_file
    assert p.passed == {"regression.outlier_loss"}
    assert p.summary()["regression"] == (1, len(exercises.questions("regression")))
    states = dict((qid, state) for qid, state, _, _ in p.chapters["regression"])
    assert states["regression.outlier_loss"] == "passed"
    assert states["regression.huber_value"] == "tried"
    assert states["regression.implement_huber"] == "not tried"
    text = str(p)
    assert (
        "✓ regression.outlier_loss (passed)" in text and "✗ regression.huber_value (tried)" in text
    )
    assert str(progress_file) in text
    html = p._repr_html_()
    assert "✓ passed" in html and "Regression losses" in html


def test_progress_survives_a_new_store(progress_file):
    check("distributions.zero_in_q", "infinite")
    # a fresh reader of the file (as after a kernel restart)
    assert "distributions.zero_in_q" in ProgressStore.from_env().load()


def test_corrupt_file_is_reported_and_replaced(progress_file, capsys):
    progress_file.parent.mkdir(parents=True)
    progress_file.write_text("{not json", encoding="utf-8")
    p = progress()
    assert "could not be read" in p.notice and "could not be read" in str(p)
    assert "progress.json.corrupt" in p.notice
    assert (progress_file.parent / "progress.json.corrupt").read_text() == "{not json"
    assert "could not be read" in capsys.readouterr().err
    r = check("regression.outlier_loss", "huber")
    assert r.passed
    assert json.loads(progress_file.read_text())["questions"]["regression.outlier_loss"]["passed"]


def test_wrong_structure_counts_as_corrupt(progress_file):
    progress_file.parent.mkdir(parents=True)
    progress_file.write_text(json.dumps({"questions": [1, 2]}), encoding="utf-8")
    assert progress().passed == set()
    check("regression.outlier_loss", "huber")
    assert progress().passed == {"regression.outlier_loss"}


def test_writes_are_atomic(progress_file, monkeypatch):
    check("regression.outlier_loss", "huber")
    before = progress_file.read_text()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    r = check("regression.huber_value", 8)  # the failed write is not the reader's problem
    assert r.passed
    assert progress_file.read_text() == before
    assert [f for f in os.listdir(progress_file.parent) if f.endswith(".tmp")] == []


def test_recording_can_be_switched_off(monkeypatch, tmp_path):
    monkeypatch.setenv("LOSS_COURSE_PROGRESS", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert check("regression.outlier_loss", "huber").passed
    assert progress().path is None and "switched off" in str(progress())
    assert not (tmp_path / ".local").exists()


def test_unwritable_location_never_breaks_check(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("LOSS_COURSE_PROGRESS", str(blocker / "sub" / "progress.json"))
    assert check("regression.outlier_loss", "huber").passed


def test_reset(progress_file):
    check("regression.outlier_loss", "huber")
    exercises.reset_progress()
    assert progress().passed == set()


def test_a_right_answer_to_a_fresh_version_counts_as_mastered(progress_file):
    check("regression.pinball_value", 0.2)  # the book's version: passed, not yet mastered
    p = progress()
    assert "regression.pinball_value" in p.passed and not p.mastered
    assert "(passed)" in str(p) and "mastered" not in str(p)

    fresh = exercises.another("regression.pinball_value").question
    wrong = fresh.answer + 1.0
    check("regression.pinball_value", wrong)  # a wrong answer to the fresh one: still not
    assert not progress().mastered
    check("regression.pinball_value", fresh.answer)
    p = progress()
    assert p.mastered == {"regression.pinball_value"}
    assert "✓ regression.pinball_value (passed, mastered on a fresh version)" in str(p)
    assert "✓ passed · mastered" in p._repr_html_()
    saved = json.loads(progress_file.read_text(encoding="utf-8"))["questions"]
    assert saved["regression.pinball_value"]["mastered"] is True


def test_a_progress_file_from_before_mastery_reads_as_not_mastered(progress_file):
    progress_file.parent.mkdir(parents=True)
    old = {"passed": True, "best_score": 1.0, "max_score": 1.0, "attempts": 2}
    progress_file.write_text(
        json.dumps({"version": 1, "questions": {"regression.huber_value": old}}), encoding="utf-8"
    )
    p = progress()
    assert "regression.huber_value" in p.passed and not p.mastered
    assert ProgressStore(progress_file).load()["regression.huber_value"]["mastered"] is False
