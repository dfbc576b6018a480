"""Auto-graded exercises for the loss-functions course.

In a chapter notebook::

    from exercises import check
    check("regression.outlier_loss", "d")            # a concept question: an option's letter
    check("regression.outlier_gradient_mse", 200)    # a numeric question: a number
    check("regression.implement_huber", my_huber)    # a code question: your function

A chapter's exercise cell ships with the placeholder and is graded in place::

    def my_huber(y_true, y_pred, delta):
        ...  # your code here

    check("regression.implement_huber", my_huber)

and the chapter's website quiz (choice and numeric questions, plus the code prompts) is the last
expression of a cell: ``exercises.quiz("regression")`` (the closing chapter: ``quiz("mixed")``).

``check`` returns a :class:`Result` (``.passed``, ``.score``, ``.max_score``, ``.feedback``,
``.hint``) that displays itself as a coloured verdict in Jupyter and as plain text in a terminal.
The placeholder ``...`` (or ``None``) gives "not attempted yet".

- :func:`questions` lists the bank (optionally one chapter's questions);
- :func:`quiz` renders a chapter's concept questions as a quiz that works on the static website;
- :func:`progress` shows what you have passed so far (stored outside the repository; see
  :mod:`exercises._progress` for where, and ``LOSS_COURSE_PROGRESS`` to move it);
- ``python -m exercises grade PATH...`` grades handed-in notebooks, each in a sandbox (see
  :mod:`exercises.cli`); ``python -m exercises release book/ OUT/`` writes student copies without
  the worked solutions; ``python -m exercises list`` prints the bank.

The bank has one module per chapter: :mod:`exercises.regression`, :mod:`exercises.classification`,
:mod:`exercises.imbalanced`, :mod:`exercises.distributions`, :mod:`exercises.metric_learning` and
:mod:`exercises.closing` (the final chapter's mixed quiz and combined exercise).

``exercises`` is the question bank and the grader. It imports :mod:`losses` (the references the
code questions compare with), numpy and the standard library; the command line
(:mod:`exercises.cli`) also dask's distributed, lazily, to grade on a cluster, the quiz
its live view's ipywidgets and IPython, lazily, in a kernel, and the grader's planner and sandbox
runner IPython, lazily, to read and run IPython syntax as Jupyter does. It never imports :mod:`course` (``tests/test_architecture.py`` enforces these rules).

Choice questions show their options under neutral letters, ``(a)``, ``(b)``, ..., in an order
shuffled once per question (the same everywhere), and are answered with the letters; the bank's
own option keys (``"huber"``), which name the options in its source, are never shown to readers
but are still accepted, so the call in the contract's example keeps working.

>>> from exercises import check
>>> check("regression.outlier_loss", "d").passed, check("regression.outlier_loss", "huber").passed
(True, True)
"""

from . import (  # noqa: F401  (importing a chapter module registers its questions)
    classification,
    closing,
    distributions,
    imbalanced,
    metric_learning,
    regression,
)
from ._api import check, questions
from ._core import CHAPTERS
from ._progress import progress, reset_progress
from ._quiz import quiz
from ._result import MIME_TYPE, Result

__all__ = [
    "CHAPTERS",
    "MIME_TYPE",
    "Result",
    "check",
    "progress",
    "questions",
    "quiz",
    "reset_progress",
]
