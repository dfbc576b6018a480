"""Tests of :mod:`exercises.sandbox`."""
