"""Tests of :mod:`exercises`, one folder per room (``bank``, ``scoring``, ``render``, ``sandbox``,
``teacher``) and one module per module above them (``api``, ``progress``, ``cli``)."""
