"""By-hand keys and parameter ranges of the distribution-matching questions with variants."""

BY_HAND = {}

RANGES = {}
