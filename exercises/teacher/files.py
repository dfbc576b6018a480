"""The teacher's files: finding notebooks, naming submissions, the class salt, safe writes.

>>> submission_keys(["subs"], [Path("subs/alice/regression.ipynb")])
{PosixPath('subs/alice/regression.ipynb'): 'alice/regression.ipynb'}
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

#: The class salt's file name, when no other is given (beside the report, or in the current folder).
SALT_FILE = "class-salt.txt"


class TeacherError(Exception):
    """What the teacher asked cannot be done: a path that does not exist, no notebook found, a
    salt that cannot be read, a sandbox that cannot run. The message says which and why."""


def find_notebooks(paths: Sequence[str]) -> list[Path]:
    """Notebooks named by ``paths`` (files or folders), in a stable order, without duplicates."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise TeacherError(f"no such file or folder: {raw}")
        if p.is_dir():
            for nb in sorted(p.rglob("*.ipynb")):
                parts = nb.relative_to(p).parts
                if any(
                    part.startswith(".") or part in ("_build", ".ipynb_checkpoints")
                    for part in parts
                ):
                    continue
                found.append(nb)
        elif p.suffix == ".ipynb":
            found.append(p)
        else:
            raise TeacherError(f"not a notebook (.ipynb): {raw}")
    unique: list[Path] = []
    seen: set[Path] = set()
    for nb in found:
        key = nb.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(nb)
    if not unique:
        raise TeacherError("no notebooks found in " + ", ".join(paths))
    return unique


def submission_keys(paths: Sequence[str], notebooks: Sequence[Path]) -> dict[Path, str]:
    """What seeds each notebook's cases: its path relative to the folder it was found under (its
    file name when given directly), so a regrade from another folder draws the same cases."""
    keys: dict[Path, str] = {}
    for nb in notebooks:
        for raw in paths:
            root = Path(raw)
            if root.suffix != ".ipynb" and nb.is_relative_to(root):
                keys[nb] = nb.relative_to(root).as_posix()
                break
        else:
            keys[nb] = nb.name
    return keys


def class_salt(path: Path) -> tuple[str, bool]:
    """The class salt kept in ``path``, made there (32 random bytes as hex) if the file does not
    exist: ``(salt, created)``. Keep the file, and keep it from the students: grading with it
    again draws the same random cases, and nobody without it can know them in advance."""
    if path.exists():
        try:
            salt = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise TeacherError(f"--salt: cannot read {path}: {exc}") from None
        if not salt:
            raise TeacherError(f"--salt: {path} is empty")
        return salt, False
    salt = os.urandom(32).hex()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, salt + "\n")
    except OSError as exc:
        raise TeacherError(f"--salt: cannot create {path}: {exc}") from None
    return salt, True


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new one, never half."""
    path = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
