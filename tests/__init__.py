"""The repository's tests (a package, so that ``tests/exercises/`` can mirror the rooms of
:mod:`exercises` with test modules of the same names in several folders)."""
