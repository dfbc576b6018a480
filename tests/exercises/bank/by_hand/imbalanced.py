"""By-hand keys and parameter ranges of the imbalanced-data questions with variants."""

BY_HAND = {
    "imbalanced.tversky_value": lambda p: 1 - p["tp"] / (p["tp"] + 0.3 * p["fp"] + 0.7 * p["fn"]),
}

RANGES = {
    "imbalanced.tversky_value": lambda p: (
        3 <= p["tp"] <= 12 and 1 <= p["fp"] <= 8 and 1 <= p["fn"] <= 8 and p["fp"] != p["fn"]
    ),
}
