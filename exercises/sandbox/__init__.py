"""Where untrusted code runs.

- :mod:`exercises.sandbox.bubblewrap` (the host side): the bubblewrap command line, the limits,
  and :class:`~exercises.sandbox.bubblewrap.Sandbox`, which starts the runner and talks to it
  under deadlines;
- :mod:`exercises.sandbox.inside`: the folder copied whole into the sandbox: the runner, the wire
  protocol both ends use, the case runner (which a reader's ``check()`` also uses, in a child
  process) and the rule of what an untrusted value is.

This room knows nothing of questions, keys or scores: it runs code and carries plain data. It
imports the standard library and numpy only (``tests/test_architecture.py`` enforces it).

>>> from exercises.sandbox.bubblewrap import Limits
>>> Limits().processes, Limits().rlimits()["RLIMIT_CORE"]
(64, 0)
"""
