"""By-hand keys and parameter ranges of the closing-chapter questions with variants."""

BY_HAND = {}

RANGES = {}
