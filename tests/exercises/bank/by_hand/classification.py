"""By-hand keys and parameter ranges of the classification questions with variants."""

BY_HAND = {
    "classification.hinge_value": lambda p: max(0.0, 1 - (-1) * p["f"]),
}

RANGES = {
    "classification.hinge_value": lambda p: 0 < p["f"] <= 3 and p["f"] != 1,
}
