"""Auto-graded exercises for the loss-functions course.

In a chapter notebook::

    from exercises import check
    check("regression.outlier_loss", "d")            # a concept question: an option's letter
    check("regression.outlier_gradient_mse", 200)    # a numeric question: a number
    check("regression.implement_huber", my_huber)    # a code question: your function

A chapter's exercise cell ships with the placeholder and is graded in place::

    def my_huber(y_true, y_pred, delta):
        # your code here
        ...

    check("regression.implement_huber", my_huber)

and the chapter's website quiz (choice and numeric questions, plus the code prompts) is the last
expression of a cell: ``exercises.quiz("regression")`` (the closing chapter: ``quiz("mixed")``).

``check`` returns a :class:`Result` (``.passed``, ``.score``, ``.max_score``, ``.feedback``,
``.hint``) that displays itself as a coloured verdict in Jupyter and as plain text in a terminal.
The placeholder ``...`` (or ``None``) gives "not attempted yet".

- :func:`another` shows a fresh version of a question with other numbers, to practise on (the
  next ``check`` of that question grades it);
- :func:`student` (the first cell of a copy a teacher released for a class) gives this notebook
  the student's own numbers: ``check`` grades that student's version of each question;
- :func:`questions` lists the bank (optionally one chapter's questions);
- :func:`quiz` renders a chapter's concept questions as a quiz that works on the static website;
- :func:`progress` shows what you have passed so far (stored outside the repository; see
  :mod:`exercises.progress` for where, and ``LOSS_COURSE_PROGRESS`` to move it);
- ``python -m exercises grade PATH...`` grades handed-in notebooks, each in a sandbox;
  ``python -m exercises release book/ OUT/`` writes student copies without the worked solutions;
  ``python -m exercises list`` prints the bank (see :mod:`exercises.cli`, and
  :mod:`exercises.teacher` for the same from Python).

The package has four rooms and the renderers, and every import points down this list:

- :mod:`exercises.sandbox`: where untrusted code runs (the bubblewrap command line, and the folder
  copied into the sandbox: the runner, the wire protocol, the case runner); standard library and
  numpy only;
- :mod:`exercises.bank`: the questions, one module per chapter; imports :mod:`losses`;
- :mod:`exercises.render`: how things look (text, numbers, verdicts, quizzes, progress);
- :mod:`exercises.scoring`: one answer to one verdict, per kind of question;
- :mod:`exercises.progress` and :mod:`exercises.api`: the reader's functions;
- :mod:`exercises.teacher`: a class of notebooks (plan, session, batch, reports, release), with a
  small public API; :mod:`exercises.cli` parses the command line and calls it.

It never imports :mod:`course`; dask's distributed is imported lazily to grade on a cluster,
ipywidgets lazily in a kernel, IPython lazily to read and run IPython syntax as Jupyter does
(``tests/test_architecture.py`` enforces these rules).

Choice questions show their options under neutral letters, ``(a)``, ``(b)``, ..., in an order
shuffled once per question (the same everywhere), and are answered with the letters; the bank's
own option keys (``"huber"``), which name the options in its source, are never shown to readers
but are still accepted, so the call in the contract's example keeps working.

>>> from exercises import check
>>> check("regression.outlier_loss", "d").passed, check("regression.outlier_loss", "huber").passed
(True, True)
"""

from .api import another, check, questions, quiz, student
from .bank import CHAPTERS
from .progress import progress, reset_progress
from .scoring import MIME_TYPE, Result

__all__ = [
    "CHAPTERS",
    "MIME_TYPE",
    "Result",
    "another",
    "check",
    "progress",
    "questions",
    "quiz",
    "reset_progress",
    "student",
]
