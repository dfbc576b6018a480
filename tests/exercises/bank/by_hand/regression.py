"""By-hand keys and parameter ranges of the regression questions with variants."""


def huber_by_hand(r: float, delta: float) -> float:
    return 0.5 * r * r if abs(r) <= delta else delta * (abs(r) - 0.5 * delta)


def pinball_by_hand(q: float, y: float, y_hat: float) -> float:
    r = y - y_hat
    return q * r if r >= 0 else (q - 1) * r


BY_HAND = {
    "regression.outlier_gradient_mse": lambda p: 2 * p["r"],
    "regression.outlier_gradient_huber": lambda p: min(p["r"], p["delta"]),
    "regression.huber_value": lambda p: huber_by_hand(p["r"], p["delta"]),
    "regression.pinball_value": lambda p: pinball_by_hand(p["q"], p["y"], p["y_hat"]),
}

RANGES = {
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
}
