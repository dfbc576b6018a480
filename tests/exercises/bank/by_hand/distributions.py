"""By-hand keys and parameter ranges of the distribution-matching questions with variants."""

import math


def _two(p):
    """P = (p, 1 − p) and Q = (q, 1 − q) of Exercise 5."""
    return (p["p"], 1 - p["p"]), (p["q"], 1 - p["q"])


def kl_by_hand(first, second):
    return sum(a * math.log(a / b) for a, b in zip(first, second, strict=True))


def cross_entropy_by_hand(target, pred):
    return -sum(a * math.log(b) for a, b in zip(target, pred, strict=True))


def _three_ok(dist):
    """A three-outcome distribution in hundredths, every probability at least 0.05."""
    return (
        len(dist) == 3
        and all(0.05 <= v <= 0.9 and abs(100 * v - round(100 * v)) < 1e-9 for v in dist)
        and abs(sum(dist) - 1) < 1e-9
    )


def _pq_ok(p):
    return (
        0.1 <= p["p"] <= 0.9
        and 0.05 <= p["q"] <= 0.95
        and abs(p["p"] - p["q"]) >= 0.2 - 1e-9
        and abs(p["p"] + p["q"] - 1) > 1e-9  # q = 1 − p would make both directions equal
    )


BY_HAND = {
    "distributions.kl_pq_value": lambda p: kl_by_hand(*_two(p)),
    "distributions.kl_qp_value": lambda p: kl_by_hand(*reversed(_two(p))),
    "distributions.ce_value": lambda p: cross_entropy_by_hand(*_two(p)),
    # through the softmax, ∂KL/∂z₁ = Q₁ − P₁
    "distributions.logit_gradient": lambda p: p["q"][0] - p["p"][0],
}

RANGES = {
    "distributions.kl_pq_value": _pq_ok,
    "distributions.kl_qp_value": _pq_ok,
    "distributions.ce_value": _pq_ok,
    "distributions.logit_gradient": lambda p: (
        _three_ok(p["q"])
        and _three_ok(p["p"])
        and 0.2 <= p["q"][0] <= 0.8
        and 0.2 <= p["p"][0] <= 0.8
        and abs(p["q"][0] - p["p"][0]) >= 0.1 - 1e-9
    ),
}
