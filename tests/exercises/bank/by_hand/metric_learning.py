"""By-hand keys and parameter ranges of the metric-learning questions with variants."""

import math


def _hundredths(x):
    return abs(100 * x - round(100 * x)) < 1e-9


def _triplet_ok(p):
    gap = p["d_an"] - p["d_ap"]
    return (
        0.2 <= p["m"] <= 1.0
        and 0.4 <= p["d_ap"]
        and p["d_an"] <= 2 + 1e-9
        and _hundredths(p["d_an"])
        # semi-hard with Euclidean distances, easy with squared ones
        and 0.05 - 1e-9 <= gap <= p["m"] - 0.05 + 1e-9
        and p["d_ap"] ** 2 - p["d_an"] ** 2 + p["m"] < 0
    )


def info_nce_weight_by_hand(p):
    s = [p["cos_p"] / p["tau"], p["cos_n1"] / p["tau"], p["cos_n2"] / p["tau"]]
    return math.exp(s[1]) / sum(math.exp(v) for v in s)


BY_HAND = {
    "metric_learning.triplet_value": lambda p: max(0.0, p["d_ap"] - p["d_an"] + p["m"]),
    "metric_learning.squared_triplet_value": lambda p: max(
        0.0, p["d_ap"] ** 2 - p["d_an"] ** 2 + p["m"]
    ),
    "metric_learning.contrastive_value": lambda p: max(0.0, p["m"] - p["D"]) ** 2,
    "metric_learning.info_nce_weight": info_nce_weight_by_hand,
}

RANGES = {
    "metric_learning.triplet_value": _triplet_ok,
    "metric_learning.squared_triplet_value": _triplet_ok,
    "metric_learning.contrastive_value": lambda p: (
        p["m"] in (0.5, 0.8, 1.0, 1.2, 1.5, 2.0)
        and 0.05 <= p["D"] <= p["m"] - 0.1 + 1e-9
        and _hundredths(p["D"])
    ),
    "metric_learning.info_nce_weight": lambda p: (
        p["tau"] in (0.1, 0.2, 0.25, 0.4, 0.5, 0.8)
        and 1 > p["cos_p"] > p["cos_n1"] > p["cos_n2"] >= -0.9
        and p["cos_n1"] >= -0.3
    ),
}
