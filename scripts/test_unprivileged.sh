#!/usr/bin/env bash
# The grading sandbox's tests again, as an ordinary user (run as root: `make test-unprivileged`;
# CI runs it after `make test`).
#
# Teachers grade as ordinary users, CI runs as root, and the grader takes another path as root
# (exercises/sandbox/bubblewrap.py: it makes the sandbox's user namespace itself and maps the student to an
# unused host uid) than as anyone else (bubblewrap's own --unshare-user). `make test` proves the
# root path; this script proves the other one, as a teacher would set it up:
#
#   1. a dedicated user ($LFC_UNPRIV_USER, default lfc-teacher), created with a home on first use
#      and kept afterwards (`userdel -r lfc-teacher` removes it);
#   2. bubblewrap must be able to make a user namespace as that user (kernel settings): if it
#      cannot, the script fails under CI=true or REQUIRE_SANDBOX=1, and otherwise says why and
#      skips (exit 0), like the tests' own require_sandbox();
#   3. a copy of the working tree (tracked files and untracked, not ignored ones, as they are on
#      disk: uncommitted changes included, so a developer tests what they are editing; in CI's
#      fresh clone that is the commit) in a fresh folder of the user's, in their home, since the
#      checkout itself may sit in a folder only root can enter (/root);
#   4. the user's own venv there, from Debian's /usr/bin/python3 (pyenv's Python lives under /root),
#      with the repository (editable, extras viz and cluster) and requirements*.txt but the book
#      build, JupyterLab and browser tools, at the versions of the checkout's .venv when
#      `make test` made one (so both runs differ only by the user);
#   5. pytest -m sandbox on the test modules marked `pytest.mark.sandbox` (the grading and
#      hostile-submission tests), with REQUIRE_SANDBOX=1 and the user's own HOME and TMPDIR, in a
#      clean environment (none of root's variables but pip's, proxies and certificates);
#   6. then no process of that user may be left from the run (a submission that escaped the
#      sandbox would be one); the folder is removed on exit (LFC_UNPRIV_KEEP=1 keeps it).
#
# Arguments are passed on to pytest (e.g. `-k fork_bomb -x`). Also: LFC_UNPRIV_TIMEOUT (pytest's
# time limit in seconds, default 1200), LFC_UNPRIV_PYTHON (default
# /usr/bin/python3), LFC_UNPRIV_DIR (where the work folder is made, default the user's home, as a
# teacher's venv would be), LFC_UNPRIV_SOURCE=head (test the last commit, `git archive HEAD`,
# instead of the working tree).
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
USER_NAME=${LFC_UNPRIV_USER:-lfc-teacher}
PY=${LFC_UNPRIV_PYTHON:-/usr/bin/python3}
start=$SECONDS

say() { printf '== unprivileged: %s\n' "$*"; }
die() { printf 'unprivileged: %s\n' "$*" >&2; exit 1; }
required() { [ "${CI:-}" = true ] || [ "${REQUIRE_SANDBOX:-}" = 1 ]; }

[ "$(id -u)" = 0 ] || die "run this as root: it creates the user '$USER_NAME' and runs the tests as that user (as an ordinary user, \`make test\` already takes the unprivileged path)"
[ "$(uname -s)" = Linux ] || die "the sandbox is Linux-only"
command -v bwrap >/dev/null || die "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
for tool in runuser useradd; do
  command -v "$tool" >/dev/null || die "$tool is needed (Debian: util-linux, passwd)"
done
[ -x "$PY" ] || die "no $PY: apt-get install python3 python3-venv (or set LFC_UNPRIV_PYTHON)"
"$PY" -c 'import ensurepip, sys; assert sys.version_info >= (3, 10)' 2>/dev/null ||
  die "$PY cannot make a venv (Python 3.10+ with ensurepip): apt-get install python3-venv"

# ---------------------------------------------------------------------------------------- the user
if ! id -u "$USER_NAME" >/dev/null 2>&1; then
  say "creating the user $USER_NAME"
  useradd --create-home --shell /bin/bash --user-group "$USER_NAME"
fi
HOME_DIR=$(getent passwd "$USER_NAME" | cut -d: -f6)
[ "$(id -u "$USER_NAME")" != 0 ] || die "$USER_NAME is root"
if [ ! -d "$HOME_DIR" ]; then
  mkdir -p "$HOME_DIR"
  chown "$USER_NAME:" "$HOME_DIR"
  chmod 750 "$HOME_DIR"
fi

# What the user's processes see: a clean environment with their own HOME and TMPDIR (set below),
# plus what pip and the network need and CI's flag (a later PATH=... replaces this one).
user_env=(HOME="$HOME_DIR" USER="$USER_NAME" LOGNAME="$USER_NAME" SHELL=/bin/bash LANG=C.UTF-8
  PATH=/usr/bin:/bin
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 LOSS_COURSE_PROGRESS=off)
while IFS= read -r name; do
  case $name in
    PIP_* | http_proxy | https_proxy | no_proxy | HTTP_PROXY | HTTPS_PROXY | NO_PROXY | \
      SSL_CERT_FILE | SSL_CERT_DIR | REQUESTS_CA_BUNDLE | CI) user_env+=("$name=${!name}") ;;
  esac
done < <(compgen -e)

# Run a command as the user, from the folder $RUN_IN, in that environment.
as_user() { (cd "$RUN_IN" && runuser -u "$USER_NAME" -- env -i "${user_env[@]}" "$@"); }

# --------------------------------------------------------------------- can the user sandbox at all?
RUN_IN=/
if ! out=$(as_user bwrap --unshare-user --unshare-pid --unshare-net \
  --ro-bind / / /bin/true 2>&1); then
  msg="bubblewrap cannot make a user namespace as the ordinary user $USER_NAME: ${out:-no message}"
  msg+=$'\n'"Unprivileged user namespaces must be allowed. The kernel's settings here:"
  for key in kernel.unprivileged_userns_clone user.max_user_namespaces \
    kernel.apparmor_restrict_unprivileged_userns; do
    value=$(sysctl -n "$key" 2>/dev/null) && msg+=$'\n'"  $key = $value"
  done
  msg+=$'\n'"Allow them (as root): sysctl -w kernel.unprivileged_userns_clone=1 (Debian kernels),"
  msg+=" sysctl -w user.max_user_namespaces=15000 (if 0),"
  msg+=" sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu 23.10+),"
  msg+=" or run the container with user namespaces allowed."
  if required; then
    die "$msg"
  fi
  printf 'unprivileged: SKIPPED: %s\n' "$msg" >&2
  exit 0
fi

# ------------------------------------------------------------------------ a copy the user can read
WORK=$(as_user mktemp -d "${LFC_UNPRIV_DIR:-$HOME_DIR}/lfc-unprivileged.XXXXXX")
# shellcheck disable=SC2317  # (run by the trap)
cleanup() {
  local status=$?
  if [ "${LFC_UNPRIV_KEEP:-0}" = 1 ]; then
    say "kept $WORK"
  else
    local t0=$SECONDS
    rm -rf "$WORK"
    say "removed the work folder in $((SECONDS - t0)) s"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
RUN_IN=$WORK
REPO=$WORK/repo
VENV=$REPO/.venv
as_user mkdir "$REPO" "$WORK/tmp"
user_env+=(TMPDIR="$WORK/tmp" PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin")

files=$WORK/files  # root's, outside the copy
git=(git -c safe.directory="$SRC" -C "$SRC")
if [ "${LFC_UNPRIV_SOURCE:-worktree}" = head ]; then
  "${git[@]}" archive --format=tar HEAD | as_user tar -C "$REPO" -xf -
  copied="the commit $("${git[@]}" rev-parse --short HEAD) (LFC_UNPRIV_SOURCE=head)"
elif "${git[@]}" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # tracked and untracked-but-not-ignored files that exist (a deleted tracked file is skipped)
  "${git[@]}" ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do
      if [ -e "$SRC/$f" ] || [ -L "$SRC/$f" ]; then printf '%s\0' "$f"; fi
    done >"$files"
  tar -C "$SRC" --null -T "$files" -cf - | as_user tar -C "$REPO" -xf -
  copied="$(tr -cd '\0' <"$files" | wc -c) files of the working tree"
else
  tar -C "$SRC" --exclude=./.git --exclude=./.venv --exclude=./_build --exclude='*.egg-info' \
    --exclude=__pycache__ -cf - . | as_user tar -C "$REPO" -xf -
  copied="the folder (not a git checkout)"
fi
say "user $USER_NAME (uid $(id -u "$USER_NAME")), $copied copied to $REPO"

# ------------------------------------------------------------------------------- the user's venv
t=$SECONDS
# What the tests need: the requirements files but the book build, JupyterLab and the browser
# tests' tools (the sandbox tests use none of them, and they are most of the install).
skip='jupyter-book|jupyterlab|jupyterlab-myst|sphinx[a-z_.-]*|playwright|ruff'
tools=()
while IFS= read -r line; do tools+=("$line"); done < <(
  sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$REPO/requirements.txt" "$REPO/requirements-test.txt" |
    grep -vE '^(-|$)' | grep -viE "^($skip)([<>=!~ ;\[]|$)"
)
# The same versions as the root run's .venv, when there is one.
constraints=()
if [ -x "$SRC/.venv/bin/python" ]; then
  if "$SRC/.venv/bin/python" -m pip freeze --exclude-editable 2>/dev/null |
    grep -E '^[A-Za-z0-9_.-]+==' >"$WORK/constraints.txt"; then
    chmod 644 "$WORK/constraints.txt"
    constraints=(-c "$WORK/constraints.txt")
  fi
fi
as_user "$PY" -m venv "$VENV"
venv_time=$((SECONDS - t))
as_user "$VENV/bin/python" -m pip install --disable-pip-version-check -q "${constraints[@]}" \
  -e "${REPO}[viz,cluster]" "${tools[@]}"
pinned=${constraints[*]:+, at the versions of $SRC/.venv}
say "venv of $("$VENV/bin/python" --version 2>&1)$pinned made in $venv_time s, installed in $((SECONDS - t - venv_time)) s"

# -------------------------------------------------------------------------------------- the tests
cd "$REPO"
RUN_IN=$REPO
# The modules marked sandbox (module-level `pytestmark = pytest.mark.sandbox`), and any module
# that calls require_sandbox() without the mark yet: run whole (without -m), with a notice.
modules=()
select=(-m sandbox)
while IFS= read -r f; do
  if grep -q 'pytest\.mark\.sandbox' "$f"; then
    modules+=("$f")
  elif grep -q 'require_sandbox()' "$f"; then
    modules+=("$f")
    select=()
    echo "unprivileged: note: $f calls require_sandbox() but is not marked (add" \
      "'pytestmark = pytest.mark.sandbox'); run whole here" >&2
  fi
done < <(find tests -name 'test_*.py' | sort)
[ ${#modules[@]} -gt 0 ] || die "no test module is marked pytest.mark.sandbox"
user_env+=(REQUIRE_SANDBOX=1)
say "pytest ${select[*]} ${modules[*]} as $USER_NAME"
t=$SECONDS
status=0
limit=${LFC_UNPRIV_TIMEOUT:-1200}  # seconds, so that a hung test cannot take CI's whole time
as_user timeout -k 30 "$limit" python -m pytest "${select[@]}" -n auto --dist loadfile \
  "${modules[@]}" "$@" || status=$?
tests_time=$((SECONDS - t))
[ $status -ne 124 ] || echo "unprivileged: pytest stopped after $limit s (LFC_UNPRIV_TIMEOUT)" >&2

# Nothing the run started may outlive it (processes of the user running from the copy).
sleep 1
uid=$(id -u "$USER_NAME")
left=()
for proc in /proc/[0-9]*; do
  [ "$(stat -c %u "$proc" 2>/dev/null)" = "$uid" ] || continue
  cmdline=$(tr '\0' ' ' <"$proc/cmdline" 2>/dev/null) || continue
  if [[ $cmdline == *"$WORK"* ]]; then
    left+=("${proc#/proc/}")
    echo "unprivileged: left running after the tests, as $USER_NAME: ${proc#/proc/} $cmdline" >&2
  fi
done
if [ ${#left[@]} -gt 0 ]; then
  kill -9 "${left[@]}" 2>/dev/null || true
  [ $status -ne 0 ] || status=1
fi

if [ $status -eq 0 ]; then
  say "passed as $USER_NAME: tests in $tests_time s, $((SECONDS - start)) s in all"
else
  say "FAILED as $USER_NAME (exit $status): tests in $tests_time s, $((SECONDS - start)) s in all"
fi
exit "$status"
