"""The runnable examples in the exercises package's docstrings (pytest's testpaths do not
include exercises/, so they are collected here)."""

import doctest
import importlib
import pkgutil

import pytest

import exercises
from tests._exercises_helpers import isolated_progress  # noqa: F401  (autouse fixture)

MODULES = sorted(
    {"exercises"}
    | {
        f"exercises.{m.name}"
        for m in pkgutil.iter_modules(exercises.__path__)
        if m.name != "__main__"
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
