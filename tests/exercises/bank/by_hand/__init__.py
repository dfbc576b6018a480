"""Independent references for the questions with variants, one module per chapter.

Each module holds ``BY_HAND`` (question id -> the key computed from the parameters without the
course's code) and ``RANGES`` (question id -> a predicate that says the parameters are in the
range where the question makes sense); :mod:`tests.exercises.bank.test_variants` merges them.
"""

from . import classification, closing, distributions, imbalanced, metric_learning, regression

BY_HAND = {}
RANGES = {}
for _module in (regression, classification, imbalanced, distributions, metric_learning, closing):
    assert not set(_module.BY_HAND) & set(BY_HAND)
    BY_HAND.update(_module.BY_HAND)
    RANGES.update(_module.RANGES)
