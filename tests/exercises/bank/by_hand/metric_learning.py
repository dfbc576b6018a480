"""By-hand keys and parameter ranges of the metric-learning questions with variants."""

BY_HAND = {}

RANGES = {}
