"""Tests of :mod:`exercises.scoring`."""
