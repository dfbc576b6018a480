"""By-hand keys and parameter ranges of the classification questions with variants."""

import math


def ce_by_hand(z) -> float:
    """−ln softmax(z)₁: the true class is the first."""
    return -math.log(math.exp(z[0]) / sum(math.exp(v) for v in z))


def crammer_singer_by_hand(s) -> float:
    """max(0, 1 − (s_y − max_{c≠y} s_c)) with the first class true."""
    return max(0.0, 1.0 - (s[0] - max(s[1:])))


def ece_two_bins_by_hand(y, p) -> float:
    """Σ_b (n_b / N)·|ȳ_b − p̄_b| over the bins [0, 0.5) and [0.5, 1]."""
    total = 0.0
    for members in (
        [i for i, v in enumerate(p) if v < 0.5],
        [i for i, v in enumerate(p) if v >= 0.5],
    ):
        if members:
            mean_y = sum(y[i] for i in members) / len(members)
            mean_p = sum(p[i] for i in members) / len(members)
            total += len(members) / len(p) * abs(mean_y - mean_p)
    return total


def _on_grid(x: float, step: float) -> bool:
    return abs(x / step - round(x / step)) < 1e-9


def _ce_in_range(z) -> bool:
    gaps = [z[0] - v for v in z[1:]]
    return (
        len(z) == 3
        and all(_on_grid(v, 0.5) for v in z)
        and 1 <= z[0] <= 3
        and all(0.5 <= g <= 5 for g in gaps)  # the true class keeps the largest logit
        and ce_by_hand(z) >= 0.05
    )


def _multiclass_hinge_in_range(s) -> bool:
    rival, low = max(s[1:]), min(s[1:])
    return (
        len(s) == 3
        and all(_on_grid(v, 0.05) for v in s)
        and 1 <= s[0] <= 2
        and 0.05 - 1e-9 <= rival - s[0] <= 2.5 + 1e-9  # misclassified
        and 0.05 - 1e-9 <= s[0] - low <= 0.9 + 1e-9  # below the true class, within the margin
    )


def _ece_in_range(p, y) -> bool:
    n_low = sum(v < 0.5 for v in p)
    low_y, high_y = sum(y[:n_low]) / n_low, sum(y[n_low:]) / (5 - n_low)
    low_p, high_p = sum(p[:n_low]) / n_low, sum(p[n_low:]) / (5 - n_low)
    return (
        len(p) == len(y) == 5
        and list(p) == sorted(p)
        and all(_on_grid(v, 0.05) and 0 < v < 1 and v != 0.5 for v in p)
        and len(set(p)) == 5
        and set(y) <= {0, 1}
        and n_low in (2, 3)
        and low_y > low_p  # gaps of opposite signs, as in the book
        and high_y < high_p
    )


BY_HAND = {
    "classification.hinge_value": lambda p: max(0.0, 1 - (-1) * p["f"]),
    "classification.ce_value": lambda p: ce_by_hand(p["z"]),
    "classification.multiclass_hinge_value": lambda p: crammer_singer_by_hand(p["s"]),
    "classification.ece_two_bins": lambda p: ece_two_bins_by_hand(p["y"], p["p"]),
}

RANGES = {
    "classification.hinge_value": lambda p: 0 < p["f"] <= 3 and p["f"] != 1,
    "classification.ce_value": lambda p: _ce_in_range(p["z"]),
    "classification.multiclass_hinge_value": lambda p: _multiclass_hinge_in_range(p["s"]),
    "classification.ece_two_bins": lambda p: _ece_in_range(p["p"], p["y"]),
}
