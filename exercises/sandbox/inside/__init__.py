"""What runs inside the grading sandbox, copied there whole as the package ``graderlib``.

- :mod:`~exercises.sandbox.inside.runner`: the program that runs one handed-in notebook's
  planned cells and turns its ``check`` calls into messages;
- :mod:`~exercises.sandbox.inside.protocol`: the wire protocol, used by both ends (the grader's
  end is :class:`exercises.sandbox.bubblewrap.Sandbox`);
- :mod:`~exercises.sandbox.inside.cases`: runs a reader's function on cases without letting it
  crash or hang the caller (also used by ``check()`` outside any sandbox);
- :mod:`~exercises.sandbox.inside.values`: what an untrusted answer is (a placeholder, a number).

Since this folder is all the sandbox gets of :mod:`exercises`, it imports only the standard
library, numpy and itself (and IPython, lazily, for a cell in IPython syntax): never the bank, the
keys or the scorer (``tests/test_architecture.py`` enforces it).

>>> from exercises.sandbox.inside.values import is_placeholder
>>> is_placeholder(...), is_placeholder(0.5)
(True, False)
"""
