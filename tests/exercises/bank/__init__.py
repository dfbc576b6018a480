"""Tests of :mod:`exercises.bank`."""
