"""By-hand keys and parameter ranges of the closing chapter's questions with variants."""

import math


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def focal_gradient_ratio(z: float, gamma: float) -> float:
    """|∂FL/∂z| / |∂BCE/∂z| for a positive at p = σ(z), no α: FL = −(1 − p)^γ ln p, so
    dFL/dp = γ(1 − p)^(γ−1) ln p − (1 − p)^γ / p, and BCE's dp-derivative is −1/p."""
    p = sigmoid(z)
    dfl_dp = gamma * (1 - p) ** (gamma - 1) * math.log(p) - (1 - p) ** gamma / p
    return abs(dfl_dp) / (1 / p)


BY_HAND = {
    "closing.logistic_pull": lambda p: 1 - sigmoid(p["z"]),
    "closing.focal_easy_damping": lambda p: focal_gradient_ratio(p["z"], p["gamma"]),
    "closing.infonce_at_start": lambda p: math.log(p["n"]),
}

RANGES = {
    "closing.logistic_pull": lambda p: -5 <= p["z"] <= -1.5,
    "closing.focal_easy_damping": lambda p: (
        1 <= p["z"] <= 3.5 and p["gamma"] in (1.5, 2.0, 2.5, 3.0)
    ),
    "closing.infonce_at_start": lambda p: 16 <= p["n"] <= 384,
}
