"""The runnable examples in the exercises package's docstrings (pytest's testpaths do not
include exercises/, so they are collected here)."""

import doctest
import importlib
import pkgutil

import pytest

import exercises

#: Every module of the package, those of its rooms included (not ``__main__``, which runs the CLI).
MODULES = sorted(
    {"exercises"}
    | {
        m.name
        for m in pkgutil.walk_packages(exercises.__path__, "exercises.")
        if m.name.rsplit(".", 1)[-1] != "__main__"
    }
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_every_module_has_examples():
    missing = [
        name
        for name in MODULES
        if not doctest.DocTestFinder().find(importlib.import_module(name))
        or not any(t.examples for t in doctest.DocTestFinder().find(importlib.import_module(name)))
    ]
    assert missing == []
