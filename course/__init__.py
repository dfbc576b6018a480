"""The book's apparatus: its figures and its experiments, apart from the loss library.

``course`` is what the chapters of the book use besides the losses themselves:
:mod:`course.viz` draws every figure in one style, with alt text and captions, and makes the
interactive figures that work both in a live kernel and on the static site;
:mod:`course.experiments` holds one module per chapter with the tested code of its experiments
(seeded synthetic data, training loops, measurements), so that a notebook only calls it, draws
the results and reads them; :mod:`course.accessible_citations` is a small Sphinx extension the
book's build loads (the bibliography's markup for screen readers).

It may import :mod:`losses`, numpy, the standard library, and, lazily inside the functions that
draw, matplotlib, ipywidgets and IPython; never :mod:`exercises`. ``import course`` loads
nothing but itself. The import rules of the three packages are enforced by
``tests/test_architecture.py``.
"""
