"""The experiments of the chapters, one module per chapter, numpy and :mod:`losses` only.

Each module makes its synthetic data with a seeded ``numpy.random.default_rng`` (nothing is
downloaded), trains with the gradients of :mod:`losses`, and returns plain numbers and arrays;
the notebooks only call these functions, draw the results with :mod:`course.viz` and read them.
"""
