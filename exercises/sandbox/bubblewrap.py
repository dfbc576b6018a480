"""Start the sandbox one handed-in notebook runs in, and talk to it under deadlines.

The sandbox is bubblewrap (``bwrap``, Debian package ``bubblewrap``), which needs no daemon:

- new namespaces for users, processes, network, IPC and host name: no network (not even the
  host's loopback), and its processes cannot see or signal any other;
- a file system made of: the system's ``/usr`` and the Python environment the grader runs in,
  read-only; the runner's folder :mod:`exercises.sandbox.inside` (``/grader/graderlib``), read-only; an empty, private
  ``/home/student`` (the working folder) and ``/tmp``, each a size-limited ``tmpfs``; fresh
  ``/proc`` and a minimal ``/dev``. Nothing else: no home folder, no other submission, no report,
  no ``/tmp`` of the host, no ``/etc``. The course's packages ``losses`` and ``course`` are
  visible read-only where they are installed (editable or not), as in a reader's kernel; the
  ``exercises`` package, which holds the answer keys, is not (a copy inside the Python environment
  is hidden under an empty ``tmpfs``);
- an environment with only what Python needs (none of the teacher's variables);
- ``--die-with-parent`` and a process namespace: when grading ends, or the grader dies,
  everything the submission started is killed;
- ``--new-session``: no access to the grader's terminal.

Resource limits (memory, processes, file size, open files, CPU time) are set by the runner
before any submitted code runs (:mod:`exercises.sandbox.inside.runner`), and can only be lowered afterwards.
The process limit is counted per user namespace, so it holds per submission. When the grader
runs as root, a process running as root on the host is exempt from that limit, so the grader makes
the sandbox's user namespace itself and maps the sandbox's user to an unused, unprivileged host
user (:data:`SANDBOX_HOST_UID`); the runner switches to it before running anything.

Without isolation (``--no-isolation``) the same runner runs as a plain child process with the
same protocol, limits and stand-ins, but it can read and write whatever the grader can.

>>> Limits(memory=512 * 1024**2).rlimits()["RLIMIT_AS"]
536870912
>>> _parents("/root/.pyenv/versions/3.11.7")
['/root', '/root/.pyenv', '/root/.pyenv/versions']
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .inside import protocol as wire
from .inside.protocol import ProtocolError  # noqa: F401  (raised by receive)

#: The user the notebook runs as inside the sandbox, and (when the grader is root) on the host.
SANDBOX_UID = 1000
SANDBOX_HOST_UID = 1_879_048_192
#: Where the runner lives inside the sandbox, and the working folder.
GRADER_DIR = "/grader"
WORK_DIR = "/home/student"
_BOOT = (
    "import sys; sys.path.insert(0, {path!r}); sys.dont_write_bytecode = True; "
    "from graderlib.runner import main; main()"
)
#: The course's packages a graded notebook uses as a reader's kernel does.
_VISIBLE_PACKAGES = ("losses", "course")
_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": WORK_DIR,
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "MPLBACKEND": "Agg",
    "MPLCONFIGDIR": "/tmp/matplotlib",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "LOSS_COURSE_PROGRESS": "off",
}


class SandboxUnavailable(Exception):
    """bubblewrap is missing or cannot create its namespaces on this machine."""


class ChannelClosed(Exception):
    """The sandboxed process ended (or closed its end) before the expected message."""


class ChannelTimeout(Exception):
    """The expected message did not come before the deadline."""


@dataclass(frozen=True)
class Limits:
    """Limits for one submission: ``memory`` (bytes of address space), ``processes``,
    ``file_size`` and ``disk`` (bytes; each tmpfs), ``open_files``, ``cpu_seconds``."""

    memory: int = 2 * 1024**3
    processes: int = 64
    file_size: int = 64 * 1024**2
    disk: int = 256 * 1024**2
    open_files: int = 256
    cpu_seconds: int = 900

    def rlimits(self) -> dict[str, int]:
        return {
            "RLIMIT_AS": self.memory,
            "RLIMIT_NPROC": self.processes,
            "RLIMIT_FSIZE": self.file_size,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CPU": self.cpu_seconds,
            "RLIMIT_CORE": 0,
        }


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def _is_root() -> bool:
    return os.geteuid() == 0


def install_hint() -> str:
    return (
        "grading other people's notebooks runs each one in a bubblewrap sandbox, and `bwrap` "
        "was not found. Install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: "
        "`sudo dnf install bubblewrap`), or pass --no-isolation to grade notebooks you trust "
        "(your own) without isolation."
    )


# ----------------------------------------------------------------------------- the file system


def _python_roots() -> list[str]:
    """The folders the Python environment lives in (bound read-only at the same paths)."""
    roots: list[str] = []
    exe_prefix = os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))
    for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, exe_prefix):
        for q in {p, os.path.realpath(p)}:
            if q in ("/", "") or q == "/usr" or q.startswith("/usr/"):
                continue
            if q not in roots:
                roots.append(q)
    # keep only the outermost of nested folders
    return [r for r in roots if not any(r != o and r.startswith(o + os.sep) for o in roots)]


def _package_folders(name: str) -> list[str]:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return []
    return [
        os.path.realpath(loc) for loc in ((spec.submodule_search_locations or []) if spec else [])
    ]


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r + os.sep) for r in roots)


def _hidden_folders(roots: list[str]) -> list[str]:
    """Folders of the grader's own package (the answer keys) the bound environment would expose."""
    return [f for f in _package_folders("exercises") if _inside(f, [*roots, "/usr"])]


def _course_folders(roots: list[str]) -> list[str]:
    """Folders of ``losses`` and ``course`` outside the bound environment (an editable install)."""
    return [
        f
        for name in _VISIBLE_PACKAGES
        for f in _package_folders(name)
        if not _inside(f, [*roots, "/usr"])
    ]


def _parents(path: str) -> list[str]:
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def runner_folder(into: Path) -> Path:
    """Copy :mod:`exercises.sandbox.inside` into ``into/graderlib`` (readable by the sandbox's
    user): its Python files, nothing else."""
    here = Path(__file__).resolve().parent / "inside"
    folder = into / "graderlib"
    folder.mkdir(mode=0o755)
    for source in sorted(here.glob("*.py")):
        target = folder / source.name
        shutil.copyfile(source, target)
        target.chmod(0o644)
    folder.chmod(0o755)
    return folder


def bwrap_command(runner: Path, limits: Limits, userns_fd: int | None) -> list[str]:
    """The bubblewrap command line that runs the runner in ``runner`` (see the module doc)."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(install_hint())
    roots = _python_roots()
    course = _course_folders(roots)
    cmd = [bwrap]
    if userns_fd is not None:
        cmd += ["--userns", str(userns_fd), "--cap-drop", "ALL"]
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-user"]  # unprivileged: bwrap maps the grader's own user
    cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
    cmd += ["--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
    # The private /tmp and working folder first: a Python environment that lives under the
    # host's /tmp (a fresh clone's .venv, say) is then bound on top of the empty tmpfs.
    for folder in ("/tmp", WORK_DIR):
        cmd += ["--perms", "1777", "--size", str(limits.disk), "--tmpfs", folder]
    destinations = [*roots, *course, f"{GRADER_DIR}/graderlib"]
    for d in sorted({p for dest in destinations for p in _parents(dest)} - {"/tmp", WORK_DIR}):
        cmd += ["--perms", "0755", "--dir", d]
    cmd += ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    cmd += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for root in roots:
        cmd += ["--ro-bind", root, root]
    for hidden in _hidden_folders(roots):
        cmd += ["--tmpfs", hidden]
    for folder in course:
        cmd += ["--ro-bind", folder, folder]
    cmd += ["--ro-bind", str(runner), f"{GRADER_DIR}/graderlib"]
    cmd += ["--proc", "/proc", "--dev", "/dev"]
    # the root of the sandbox (a tmpfs bwrap made, holding the mount points) read-only: only the
    # two size-limited tmpfs above stay writable (as an unprivileged grader, the root would
    # otherwise be writable by the submission, in memory and without a size limit)
    # /dev too: as an unprivileged grader bwrap makes its tmpfs (and /dev/shm) the submission's
    # own, writable without a size limit
    cmd += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", WORK_DIR]
    for key, value in _ENV.items():
        cmd += ["--setenv", key, value]
    cmd += [sys.executable, "-I", "-c", _BOOT.format(path=GRADER_DIR)]
    return cmd


def _user_namespace() -> int:
    """A user namespace mapping the sandbox's user to an unprivileged host user (grader as root).

    Root inside stays host root only so that bubblewrap can build the sandbox; the runner drops to
    :data:`SANDBOX_UID` before running anything, which also drops every capability.
    """
    helper = subprocess.Popen(
        ["unshare", "--user", "--", "sleep", "60"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        own = os.readlink("/proc/self/ns/user")
        deadline = time.monotonic() + 10
        while True:
            try:
                if os.readlink(f"/proc/{helper.pid}/ns/user") != own:
                    break
            except OSError:
                pass
            if helper.poll() is not None or time.monotonic() > deadline:
                raise SandboxUnavailable("could not create a user namespace (`unshare --user`)")
            time.sleep(0.001)
        mapping = f"0 0 1\n{SANDBOX_UID} {SANDBOX_HOST_UID} 1\n"
        for name in ("uid_map", "gid_map"):
            with open(f"/proc/{helper.pid}/{name}", "w") as fh:
                fh.write(mapping)
        return os.open(f"/proc/{helper.pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
    finally:
        helper.kill()
        helper.wait()


# ----------------------------------------------------------------------------- the process


class Sandbox:
    """One running runner (isolated or not) and its message channel."""

    def __init__(self, *, isolated: bool, limits: Limits) -> None:
        self.isolated = isolated
        self.limits = limits
        self._tmp = tempfile.TemporaryDirectory(prefix="exercises-grade-")
        tmp = Path(self._tmp.name)
        runner = runner_folder(tmp)
        self._stderr = open(tmp / "stderr", "w+b")  # noqa: SIM115 (closed in close())
        self.drop_to: int | None = None
        userns_fd = None
        try:
            if isolated:
                if _is_root():
                    userns_fd = _user_namespace()
                    self.drop_to = SANDBOX_UID
                cmd = bwrap_command(runner, limits, userns_fd)
                cwd, env = "/", dict(_ENV)
            else:
                work = tmp / "work"
                work.mkdir()
                cmd = [sys.executable, "-I", "-c", _BOOT.format(path=str(tmp))]
                cwd, env = str(work), {**_ENV, "HOME": str(work), "TMPDIR": str(work)}
                env["MPLCONFIGDIR"] = str(work / ".matplotlib")
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                cwd=cwd,
                env=env,
                pass_fds=(userns_fd,) if userns_fd is not None else (),
                start_new_session=True,
            )
        except BaseException:
            self._stderr.close()
            self._tmp.cleanup()
            raise
        finally:
            if userns_fd is not None:
                os.close(userns_fd)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        os.set_blocking(self._in, False)
        os.set_blocking(self._out, False)
        self._reader = wire.LineReader()

    # -- messages

    def start(self, cells: list[dict[str, Any]], cell_timeout: float, deadline: float) -> None:
        """Send the plan and wait for the runner's hello, sent once it has dropped privileges and
        set its limits; :class:`SandboxUnavailable` if it did not start as expected."""
        plan = {"t": wire.PLAN, "cells": cells, "cell_timeout": cell_timeout, "uid": self.drop_to}
        self.send({**plan, "limits": self.limits.rlimits()}, deadline)
        hello = self.receive(deadline)
        if hello.get("t") != wire.HELLO or (
            self.drop_to is not None and hello.get("uid") != self.drop_to
        ):
            detail = self.startup_error() or hello
            raise SandboxUnavailable(f"the sandbox did not start as expected: {detail}")

    def send(self, message: dict[str, Any], deadline: float) -> None:
        data = memoryview(wire.frame(message))
        while data:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout
            _, ready, _ = select.select([], [self._in], [], left)
            if not ready:
                continue
            try:
                n = os.write(self._in, data)
            except (BrokenPipeError, OSError) as exc:
                raise ChannelClosed from exc
            data = data[n:]

    def receive(self, deadline: float) -> dict[str, Any]:
        """The next message; :class:`~exercises.sandbox.inside.protocol.ProtocolError` for one
        that breaks the protocol, :class:`ChannelTimeout` or :class:`ChannelClosed`."""
        while (message := self._reader.pop()) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout
            ready, _, _ = select.select([self._out], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self._out, 1 << 20)
            except OSError as exc:
                raise ChannelClosed from exc
            if not chunk:
                raise ChannelClosed
            self._reader.feed(chunk)
        return message

    # -- the end

    def exit_description(self) -> str:
        """How the process ended, in words (after it did)."""
        code = self.proc.poll()
        if code is None:
            return "it was stopped"
        if code < 0:
            return f"killed by signal {-code}"
        return f"exit status {code}"

    def startup_error(self) -> str:
        """What bubblewrap or Python printed before the runner took over its output."""
        with contextlib.suppress(OSError):
            self._stderr.seek(0)
            return self._stderr.read(4000).decode("utf-8", "replace").strip()
        return ""

    def close(self) -> None:
        """Kill everything the submission started and remove the sandbox's folders."""
        with contextlib.suppress(OSError):
            os.killpg(self.proc.pid, 9)
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout, self._stderr):
            with contextlib.suppress(Exception):
                stream.close()
        self._tmp.cleanup()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def probe(limits: Limits) -> None:
    """Start one empty sandbox; raise :class:`SandboxUnavailable` with the reason if it fails."""
    if bwrap_path() is None:
        raise SandboxUnavailable(install_hint())
    box = Sandbox(isolated=True, limits=limits)
    try:
        box.start([], 1, time.monotonic() + 60)
    except (ChannelClosed, ChannelTimeout, ProtocolError, OSError) as exc:
        with contextlib.suppress(subprocess.TimeoutExpired):
            box.proc.wait(5)
        detail = box.startup_error()
        raise SandboxUnavailable(
            "bubblewrap is installed but could not start a sandbox on this machine"
            + (f": {detail}" if detail else f" ({type(exc).__name__})")
            + ". User namespaces may be disabled (sysctl kernel.unprivileged_userns_clone, or "
            "a container without them); --no-isolation grades without a sandbox."
        ) from exc
    finally:
        box.close()
