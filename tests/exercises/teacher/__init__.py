"""Tests of :mod:`exercises.teacher`."""
