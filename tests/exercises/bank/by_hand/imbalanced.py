"""By-hand keys and parameter ranges of the imbalanced-data questions with variants."""

import math

from scipy.optimize import minimize_scalar


def focal_logit_gradient_by_hand(p: float, gamma: float) -> float:
    """∂FL/∂z of a positive predicted at p = σ(z), no α: differentiate −(1 − p)^γ ln p through
    dp/dz = p(1 − p)."""
    u = 1 - p
    dfl_dp = gamma * u ** (gamma - 1) * math.log(p) - u**gamma / p
    return dfl_dp * p * u


def focal_optimum_by_hand(pi: float, gamma: float) -> float:
    """The q that minimises π·FL(1, q) + (1 − π)·FL(0, q), no α, by Brent's method."""

    def expected(q: float) -> float:
        return -pi * (1 - q) ** gamma * math.log(q) - (1 - pi) * q**gamma * math.log(1 - q)

    return minimize_scalar(
        expected, bounds=(1e-9, 1 - 1e-9), method="bounded", options={"xatol": 1e-10}
    ).x


BY_HAND = {
    "imbalanced.tversky_value": lambda p: 1 - p["tp"] / (p["tp"] + 0.3 * p["fp"] + 0.7 * p["fn"]),
    "imbalanced.background_accuracy": lambda p: 1 - p["tumour"] / p["side"] ** 2,
    "imbalanced.background_dice": lambda p: 1.0,  # no overlap: the worst Dice loss, any scan
    "imbalanced.focal_factor": lambda p: (1 - p["p_t"]) ** p["gamma"],
    "imbalanced.focal_gradient_gamma1": lambda p: focal_logit_gradient_by_hand(p["p_hat"], 1.0),
    # the expected loss has a zero slope at q = 0.5 where π·α = (1 − π)(1 − α), whatever γ
    "imbalanced.alpha_threshold_derived": lambda p: 1 - p["alpha"],
    "imbalanced.focal_calibration": lambda p: focal_optimum_by_hand(p["posterior"], p["gamma"]),
}


def scan_in_range(p: dict) -> bool:
    return p["side"] in (25, 50, 100) and 0.005 <= p["tumour"] / p["side"] ** 2 < 0.02


RANGES = {
    "imbalanced.tversky_value": lambda p: (
        3 <= p["tp"] <= 12 and 1 <= p["fp"] <= 8 and 1 <= p["fn"] <= 8 and p["fp"] != p["fn"]
    ),
    "imbalanced.background_accuracy": scan_in_range,
    "imbalanced.background_dice": scan_in_range,
    "imbalanced.focal_factor": lambda p: p["gamma"] in (2, 3) and 0.6 <= p["p_t"] <= 0.95,
    "imbalanced.focal_gradient_gamma1": lambda p: 0.4 <= p["p_hat"] <= 0.95,
    "imbalanced.alpha_threshold_derived": lambda p: (
        0.02 <= p["alpha"] <= 0.45
        and abs(p["alpha"] - 0.25) > 0.025
        and p["gamma"] in (1, 2, 3, 4, 5)
    ),
    "imbalanced.focal_calibration": lambda p: (
        0.001 <= p["posterior"] <= 0.05 and p["gamma"] in (2, 2.5, 3, 3.5, 4)
    ),
}
