"""The reader's progress: which questions they have passed, kept between sessions.

Where it is stored
    ``$LOSS_COURSE_PROGRESS`` if that environment variable is set to a path; otherwise
    ``$XDG_DATA_HOME/loss-functions-course/progress.json``, with ``XDG_DATA_HOME`` defaulting to
    ``~/.local/share`` (on Windows ``%APPDATA%\\loss-functions-course\\progress.json``). It is never
    inside the repository. Set ``LOSS_COURSE_PROGRESS=off`` to record nothing (the command-line
    grader does this in the kernels it starts, so grading students' notebooks never touches the
    instructor's own progress).

What it holds
    ``{"version": 1, "questions": {"<id>": {"passed": bool, "best_score": float,
    "max_score": float, "attempts": int, "mastered": bool}}}``. A question stays passed once
    passed; ``best_score`` is the best score so far; ``mastered`` says that a fresh version of it
    (:func:`exercises.another`, other numbers) was answered right too, which is what shows that
    the method was learnt, not the one number. Only attempted answers are recorded (a placeholder
    is not). A file written before ``mastered`` existed reads as not mastered.

Safety
    Every write goes to a temporary file in the same folder followed by :func:`os.replace`, so a
    crash never leaves half a file; on POSIX a lock file serialises writers from several kernels.
    A file that cannot be read as progress is moved aside to ``progress.json.corrupt`` and a fresh
    one is started; this is reported as text (in :func:`exercises.progress`'s display and on
    ``sys.stderr``), not as a Python warning, so it cannot fail a test suite run with ``-W error``.
    A progress file that cannot be written (read-only home) never makes ``check`` fail.

>>> import tempfile
>>> store = ProgressStore(Path(tempfile.mkdtemp()) / "progress.json")
>>> store.record("regression.outlier_loss", passed=True, score=1.0, max_score=1.0)
>>> store.load()["regression.outlier_loss"]["passed"]
True
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import bank
from .render.progress import progress_html, progress_text

ENV_VAR = "LOSS_COURSE_PROGRESS"
_OFF = {"off", "0", "none", "false", "no"}


def default_path() -> Path:
    """The progress file used when ``LOSS_COURSE_PROGRESS`` is not set."""
    if os.name == "nt" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "loss-functions-course" / "progress.json"


class ProgressStore:
    """Reads and writes the progress file (``path=None`` means recording is switched off)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.notice = ""

    @classmethod
    def from_env(cls) -> ProgressStore:
        value = os.environ.get(ENV_VAR, "").strip()
        if value.lower() in _OFF and value:
            return cls(None)
        return cls(Path(value).expanduser() if value else default_path())

    # -- reading ------------------------------------------------------------------------

    def load(self) -> dict[str, dict[str, Any]]:
        """The recorded questions; a corrupt file is moved aside and reported in ``notice``."""
        if self.path is None or not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            questions = data["questions"]
            if not isinstance(questions, dict):
                raise TypeError("questions is not an object")
            clean: dict[str, dict[str, Any]] = {}
            for qid, rec in questions.items():
                clean[str(qid)] = {
                    "passed": bool(rec.get("passed", False)),
                    "best_score": float(rec.get("best_score", 0.0)),
                    "max_score": float(rec.get("max_score", 0.0)),
                    "attempts": int(rec.get("attempts", 0)),
                    "mastered": bool(rec.get("mastered", False)),
                }
            return clean
        except OSError as exc:
            self.notice = f"Could not read the progress file {self.path}: {exc}."
            return {}
        except Exception as exc:  # invalid JSON, wrong structure, wrong types
            backup = self.path.with_name(self.path.name + ".corrupt")
            try:
                os.replace(self.path, backup)
                moved = f"it was moved to {backup} and a fresh one was started"
            except OSError:
                moved = "it will be replaced"
            self.notice = (
                f"Note: the progress file {self.path} could not be read "
                f"({type(exc).__name__}); {moved}."
            )
            print(self.notice, file=sys.stderr)
            return {}

    # -- writing ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        assert self.path is not None
        try:
            import fcntl
        except ImportError:  # Windows: no lock; the atomic replace still prevents corruption
            yield
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a+") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _write(self, questions: dict[str, dict[str, Any]]) -> None:
        assert self.path is not None
        payload = json.dumps({"version": 1, "questions": questions}, indent=1, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".progress-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def record(
        self,
        question_id: str,
        *,
        passed: bool,
        score: float,
        max_score: float,
        fresh: bool = False,
    ) -> None:
        """Add one attempt (``fresh``: at a practice version with other numbers). Errors writing
        the file are swallowed (they are not the reader's)."""
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked():
                questions = self.load()
                rec = questions.get(
                    question_id,
                    {"passed": False, "best_score": 0.0, "max_score": max_score, "attempts": 0},
                )
                rec["mastered"] = bool(rec.get("mastered", False) or (passed and fresh))
                rec["passed"] = bool(rec["passed"] or passed)
                rec["best_score"] = max(float(rec["best_score"]), float(score))
                rec["max_score"] = float(max_score)
                rec["attempts"] = int(rec["attempts"]) + 1
                questions[question_id] = rec
                self._write(questions)
        except OSError:
            pass

    def reset(self) -> None:
        """Forget all progress (the file is replaced by an empty record)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            self._write({})


class Progress:
    """What :func:`exercises.progress` returns: per chapter, each question and its state.

    ``chapters`` maps a chapter id to a list of ``(question_id, state, best_score, max_score)``
    with ``state`` one of ``"passed"``, ``"tried"`` or ``"not tried"``. ``passed`` is the set of
    passed ids, ``mastered`` the set of ids also answered right on a fresh version; ``path`` the
    file; ``notice`` any problem met reading it.
    """

    def __init__(
        self,
        records: dict[str, dict[str, Any]],
        path: Path | None,
        notice: str = "",
    ) -> None:
        self.path = path
        self.notice = notice
        self.chapters: dict[str, list[tuple[str, str, float, float]]] = {}
        for chapter in bank.CHAPTERS:
            rows = []
            for q in bank.all_questions(chapter):
                rec = records.get(q.id)
                if rec is None:
                    rows.append((q.id, "not tried", 0.0, float(q.points)))
                else:
                    state = "passed" if rec["passed"] else "tried"
                    rows.append((q.id, state, float(rec["best_score"]), float(q.points)))
            self.chapters[chapter] = rows
        self.passed = {
            qid for rows in self.chapters.values() for qid, s, _, _ in rows if s == "passed"
        }
        self.mastered = {qid for qid in self.passed if records[qid].get("mastered", False)}

    def summary(self) -> dict[str, tuple[int, int]]:
        """``{chapter: (n_passed, n_questions)}``."""
        return {
            c: (sum(s == "passed" for _, s, _, _ in rows), len(rows))
            for c, rows in self.chapters.items()
        }

    def __str__(self) -> str:
        return progress_text(self)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return progress_html(self)


def progress() -> Progress:
    """What this reader has passed so far, chapter by chapter.

    >>> p = progress()
    >>> sorted(p.summary())[:2]
    ['classification', 'closing']
    """
    store = ProgressStore.from_env()
    records = store.load()
    return Progress(records, store.path, store.notice)


def reset_progress() -> None:
    """Forget everything recorded in the progress file."""
    ProgressStore.from_env().reset()
