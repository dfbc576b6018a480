"""Tests of :mod:`exercises.render`."""
