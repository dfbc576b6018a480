"""How things look: the bank's texts, numbers, verdicts, quizzes and progress, as text and HTML.

- :mod:`~exercises.render.text`: the bank's Markdown subset as HTML and as plain text;
- :mod:`~exercises.render.numbers`: numbers in feedback, reports and the site (with the
  JavaScript twin of the formatter);
- :mod:`~exercises.render.theme`: the symbol, words and colours of each verdict;
- :mod:`~exercises.render.result`: a verdict as text, as a box in Jupyter and as the site's quiz
  shows it;
- :mod:`~exercises.render.quiz`: the quiz of the static site, and its widgets in a live kernel;
- :mod:`~exercises.render.progress`: :func:`exercises.progress`'s display;
- ``static/``: the site's JavaScript and CSS as real files (:mod:`~exercises.render.assets`),
  inlined into the pages since the site loads nothing from elsewhere.

Rendering never decides a verdict: it is given results and the data that
:func:`exercises.scoring.site_data` made, and shows them. This room imports
:mod:`exercises.bank` (the questions it shows), numpy and the standard library, and, lazily in a
live kernel, IPython and ipywidgets (``tests/test_architecture.py`` enforces it).

>>> from exercises.render.theme import VERDICTS
>>> VERDICTS["passed"][:2], VERDICTS["not_attempted"][:2]
(('✓', 'Correct'), ('…', 'Not attempted yet'))
"""
