"""Execute notebooks in place, in a fresh kernel, so that their committed outputs are current.

    python scripts/run_notebooks.py book/how_to_use.ipynb   # or: make notebooks

Run this after editing a notebook and commit the result: nbval compares a fresh run with the
committed outputs. It stores no widget state (the site must not need it: interactive figures carry
their own HTML view) and no execution timestamps (they would make every run a diff).

    python scripts/run_notebooks.py --cache _build/.jupyter_cache --toc _toc.yml

fills the book build's execution cache instead, running the notebooks in parallel (one process
per core) and leaving the files untouched; `jupyter-book build` then uses the cached results, so a
cold build takes about half the time on two cores. A notebook that fails here is simply not
cached: the build runs it again and reports the error.

The kernels run in the environment of the book build and of nbval (the Makefile and conftest.py
set the same variables): one BLAS/OpenMP thread, since the thread count changes the order of
floating-point sums and with it the last digits a notebook prints; and no progress recording,
so that a committed notebook shows neither the author's progress nor the path of its file.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

#: The environment of every notebook run: here, in nbval (conftest.py reads it from this file)
#: and in the book build (the Makefile exports the same variables).
NOTEBOOK_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "LOSS_COURSE_PROGRESS": "off",
}


def run(path: Path, timeout: int) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        record_timing=False,
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def fill_cache(cache_dir: Path, notebooks: list[Path], timeout: int) -> None:
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(cache_dir))
    for nb in notebooks:
        cache.add_nb_to_project(str(nb.resolve()))
    result = load_executor("local-parallel", cache).run_and_cache(
        filter_uris=[str(nb.resolve()) for nb in notebooks], timeout=timeout
    )
    for uri in result.errored:
        print(f"{uri}: failed; the book build will run it again and report why", file=sys.stderr)


def toc_notebooks(toc: Path) -> list[Path]:
    """The notebooks a Jupyter Book table of contents lists (commented-out lines excluded)."""
    entries = re.findall(r"^\s*(?:-\s*)?(?:file|root):\s*(\S+)", toc.read_text(), re.MULTILINE)
    found = [toc.parent / f"{entry}.ipynb" for entry in entries]
    return [p for p in found if p.is_file()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks or folders of notebooks")
    parser.add_argument("--toc", type=Path, help="also the notebooks listed in this _toc.yml")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    parser.add_argument(
        "--cache", type=Path, help="fill this jupyter-cache (the build's) instead of the files"
    )
    args = parser.parse_args(argv)
    os.environ.update(NOTEBOOK_ENV)  # inherited by every kernel started below
    notebooks = toc_notebooks(args.toc) if args.toc else []
    if not notebooks and not args.paths:
        parser.error("give notebooks, folders, or --toc")
    for p in args.paths:
        found = sorted(p.rglob("*.ipynb")) if p.is_dir() else [p]
        notebooks += [n for n in found if ".ipynb_checkpoints" not in n.parts]
    if args.cache:
        start = time.perf_counter()
        fill_cache(args.cache, notebooks, args.timeout)
        print(f"{len(notebooks)} notebooks cached in {time.perf_counter() - start:.1f} s")
        return 0
    for nb in notebooks:
        start = time.perf_counter()
        run(nb, args.timeout)
        print(f"{nb}: ran in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
