"""By-hand keys and parameter ranges of the regression questions with variants."""

import math
from fractions import Fraction


def huber_by_hand(r: float, delta: float) -> float:
    return 0.5 * r * r if abs(r) <= delta else delta * (abs(r) - 0.5 * delta)


def pinball_by_hand(q: float, y: float, y_hat: float) -> float:
    r = y - y_hat
    return q * r if r >= 0 else (q - 1) * r


def conformal_by_hand(scores: tuple, alpha: float) -> float:
    # the ⌈(n + 1)(1 − α)⌉-th smallest score, the rank in exact fractions
    rank = math.ceil((len(scores) + 1) * (1 - Fraction(str(alpha))))
    return sorted(scores)[rank - 1]


def median_by_hand(prices: tuple) -> float:
    ordered = sorted(prices)
    return ordered[len(ordered) // 2]  # seven prices: the fourth


def mae_prices_in_range(prices: tuple) -> bool:
    ordinary, luxury = sorted(prices[:-1]), prices[-1]
    return (
        len(prices) == 7
        and all(1.5 <= p <= 9 and abs(10 * p - round(10 * p)) < 1e-9 for p in ordinary)
        and len(set(ordinary)) == 5  # one price twice: a single mode
        and 20 <= luxury <= 60
        and luxury == int(luxury)
        and round(10 * sum(prices)) % 7 == 0  # the mean is a tenth
    )


BY_HAND = {
    # the scenario of a choice question: the level whose share of late deliveries is ``late``
    "regression.quantile_level": lambda p: 1 - p["late"],
    "regression.outlier_gradient_mse": lambda p: 2 * p["r"],
    "regression.outlier_gradient_huber": lambda p: min(p["r"], p["delta"]),
    "regression.huber_value": lambda p: huber_by_hand(p["r"], p["delta"]),
    "regression.pinball_value": lambda p: pinball_by_hand(p["q"], p["y"], p["y_hat"]),
    # the luxury house is capped at δ, the ordinary one is inside the quadratic zone
    "regression.huber_pull_ratio": lambda p: p["delta_narrow"] / p["r_ordinary"],
    "regression.mae_constant": lambda p: median_by_hand(p["prices"]),
    "regression.conformal_margin": lambda p: conformal_by_hand(p["scores"], p["alpha"]),
}

RANGES = {
    "regression.quantile_level": lambda p: 0.05 <= p["late"] <= 0.3,
    "regression.outlier_gradient_mse": lambda p: 25 <= p["r"] <= 250,
    "regression.outlier_gradient_huber": lambda p: 25 <= p["r"] <= 250 and 0.2 <= p["delta"] <= 5,
    "regression.huber_value": lambda p: (
        p["delta"] in (1.5, 2.0, 2.5, 3.0) and p["delta"] + 1 <= p["r"] <= 12
    ),
    "regression.pinball_value": lambda p: (
        0.05 <= p["q"] <= 0.95
        and abs(p["q"] - 0.5) > 0.19
        and 5 <= p["y"] <= 20
        and 0.5 <= abs(p["y"] - p["y_hat"]) <= 6
    ),
    "regression.huber_pull_ratio": lambda p: (
        0.08 <= p["r_ordinary"] <= 0.25
        and p["r_ordinary"] + 0.05 <= p["delta_narrow"] + 1e-9
        and 0.2 <= p["delta_narrow"] <= 0.4
        and p["delta_wide"] in (0.8, 1.0, 1.2, 1.5, 2.0)
        and p["delta_wide"] >= 2 * p["delta_narrow"]
        and 8 <= p["r_luxury"] <= 15
    ),
    "regression.mae_constant": lambda p: mae_prices_in_range(p["prices"]),
    "regression.conformal_margin": lambda p: (
        8 <= len(p["scores"]) <= 12
        and len(set(p["scores"])) == len(p["scores"])
        and all(-3.5 <= s <= 4.5 and abs(20 * s - round(20 * s)) < 1e-9 for s in p["scores"])
        and p["alpha"] in (0.2, 0.25, 0.3)
        and conformal_by_hand(p["scores"], p["alpha"]) >= 0.3  # the band moves outwards
    ),
}
