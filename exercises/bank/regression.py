r"""Exercises for the regression chapter (MSE, MAE, Huber, quantile), mirroring self-check 1.

Self-check 1 asks which loss to use instead of MSE for house prices with a few extreme luxury
outliers, and why its formula helps. The questions below check the choice (Huber, with δ near the
noise level), the reason (its gradient is bounded by δ), the size of that gradient for an outlier
and what a smaller δ does to it, the value of the loss, the constant MAE picks, and ask the
reader to implement Huber. Three more go beyond the study guide, to the quantile (pinball) loss:
which level q gives a one-sided bound, the loss of one prediction (the residual's sign decides
which weight applies), and the margin by which conformalised quantile regression moves a band.

Every numeric key is computed here, from :mod:`losses` where a loss gives it.

Question ids: ``regression.outlier_loss``, ``regression.why_huber_helps``,
``regression.outlier_gradient_mse``, ``regression.outlier_gradient_huber``,
``regression.huber_pull_ratio``, ``regression.huber_value``, ``regression.mae_constant``,
``regression.huber_facts``, ``regression.implement_huber``, ``regression.quantile_level``,
``regression.pinball_value``, ``regression.conformal_margin``.

>>> from exercises import check
>>> check("regression.outlier_gradient_mse", 200).passed
True
"""

from __future__ import annotations

import math
import statistics
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

import losses

from .model import Case, ChoiceQuestion, CodeQuestion, Mistake, NumericQuestion, Option
from .registry import register
from .variants import Parametric, signed, tenths

CHAPTER = "regression"
MIRRORS = (
    "Self-check 1: house prices with extreme luxury outliers (which loss instead of MSE, and why)"
)
BEYOND_GUIDE = (
    "Beyond the study guide: the quantile (pinball) loss, which the guide does not cover "
    "(no self-check of its own)"
)


def _pull(loss: str, residual: float, **kw) -> float:
    """The size of one example's gradient |∂ℓ/∂ŷ| at residual r = y − ŷ, from :mod:`losses`."""
    grad = losses.LOSSES[loss][1]
    return abs(float(grad([residual], [0.0], reduction="sum", **kw)[0]))


outlier_loss = ChoiceQuestion(
    id="regression.outlier_loss",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        "You fit house prices, and a handful of luxury properties have prices far above the rest. "
        "Which loss keeps MSE's smooth behaviour for ordinary errors while stopping those few "
        "houses from dominating the fit?"
    ),
    # the order of the options fixes the letters readers see (a hash of the id and the position)
    options=(
        Option(
            "mse",
            "MSE: the ordinary houses' noise is Gaussian",
            False,
            "Gaussian noise is what MSE is made for, but the luxury houses are not Gaussian noise. "
            "MSE's pull grows with the residual, so the few luxury houses produce most of its "
            "gradient and tilt the line (the chapter's first table).",
        ),
        Option(
            "huber",
            "Huber loss, δ near the noise level",
            True,
            "Huber is quadratic for small residuals (like MSE) and linear beyond δ, so an outlier's "
            "pull on the fit is capped at δ. With δ near the noise level, a luxury house pulls "
            "about as hard as an ordinary miss.",
        ),
        Option(
            "mae",
            "MAE: its best constant is the median",
            False,
            "MAE is robust to outliers too, but its gradient is ±1 for every residual, however "
            "small, and undefined at zero: it does not keep MSE's smooth behaviour near the "
            "optimum.",
        ),
        Option(
            "huber_large_delta",
            "Huber loss, δ above the largest residual",
            False,
            "With δ above every residual, every house stays in the quadratic zone: Huber is then "
            "half the MSE, and the luxury houses dominate exactly as under MSE (the δ sweep: the "
            "error grows with δ).",
        ),
    ),
    hints=(
        "Look for the loss that is quadratic near zero and linear far from it, and ask where "
        "its switch must sit.",
    ),
)

why_huber_helps = ChoiceQuestion(
    id="regression.why_huber_helps",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        "Why does Huber loss's formula make the fit robust to the luxury outliers? "
        r"(Residual $r = y - \hat y$, threshold $\delta > 0$.)"
    ),
    options=(
        Option(
            "bounded_gradient",
            r"For $|r| > \delta$ its slope stays $\pm\delta$: no pull exceeds $\delta$",
            True,
            "Right: an outlier still counts, but it cannot pull harder than δ.",
        ),
        Option(
            "drops_outliers",
            r"Residuals with $|r| > \delta$ drop out of both the loss and its gradient",
            False,
            "They do not drop out: they contribute δ(|r| − δ/2), which keeps growing with |r|, and "
            "each pulls with strength δ. Only the growth rate (the gradient) is capped.",
        ),
        Option(
            "reversed",
            r"It is $|r|$ for small residuals and $\tfrac12 r^2$ beyond $|r| = \delta$",
            False,
            "That is the wrong way round: Huber is quadratic for small residuals and linear for "
            "large ones. Squaring the large ones would make outliers pull harder still.",
        ),
        Option(
            "smaller_values",
            r"For large $|r|$ its values are far below MSE's, so outliers cost much less",
            False,
            "The values are smaller, but an example's influence on the fit is the slope of its "
            "loss, not the value: 0.01·r² has small values too, and its pull still grows with r.",
        ),
    ),
    hints=("Compare the derivative of each piece with respect to the prediction.",),
)


def _outlier_gradient_mse(params: dict) -> NumericQuestion:
    r = float(params["r"])
    return NumericQuestion(
        id="regression.outlier_gradient_mse",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            rf"One house has residual $r = y - \hat y = {r:g}$. Its squared-error term is "
            r"$(y - \hat y)^2$. What is the **size** (absolute value) of that term's gradient "
            r"with respect to the prediction $\hat y$?"
        ),
        answer=_pull("mse", r),
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (
                _pull("mse", r) / 2,
                "That is the gradient of ½(y − ŷ)²; the term here has no ½, so the chain rule "
                "gives a factor 2.",
            ),
            (
                -_pull("mse", r),
                "The sign is right for ∂/∂ŷ, but the question asks for the size: give |∂/∂ŷ|.",
            ),
            (
                float(losses.mse([r], [0.0])),
                "That is the value of the squared error itself, not its gradient.",
            ),
            (2.0, f"The derivative of r² is 2r: multiply by the residual, {r:g}."),
        ),
        hints=(
            rf"Differentiate $(y - \hat y)^2$ with respect to $\hat y$ and put in $r = {r:g}$.",
        ),
        explanation=f"The MSE gradient grows in proportion to the residual: 2 · {r:g}.",
    )


def _draw_outlier_residual(rng: np.random.Generator) -> dict:
    # a luxury outlier: far beyond any δ of the chapter, so that r, 2r, r² and 2 stay apart;
    # 226 residuals, so that a class's keys rarely coincide (the copy signal compares them)
    return {"r": float(rng.integers(25, 251))}


def _draw_outlier_huber(rng: np.random.Generator) -> dict:
    # the key is δ itself: 49 thresholds from 0.2 to 5, all far below the residual
    return {**_draw_outlier_residual(rng), "delta": round(0.1 * int(rng.integers(2, 51)), 1)}


def _shown_residual(params: dict) -> tuple[str, ...]:
    return (rf"A single house has residual $r = y - \hat y = {params['r']:g}$",)


#: the two gradients of Exercise 2 share their residual
_OUTLIER_GROUP = "regression.outlier_gradient"

outlier_gradient_mse = Parametric(
    build=_outlier_gradient_mse,
    draw=_draw_outlier_huber,  # the group's draw (its δ is the Huber question's)
    params0={"r": 100.0},
    group=_OUTLIER_GROUP,
    shown=_shown_residual,
)


def _outlier_gradient_huber(params: dict) -> NumericQuestion:
    r, d = float(params["r"]), float(params["delta"])
    return NumericQuestion(
        id="regression.outlier_gradient_huber",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            rf"A house has residual $r = y - \hat y = {r:g}$. Under Huber loss with "
            rf"$\delta = {d:g}$, what is the **size** of its gradient with respect to the "
            r"prediction $\hat y$?"
        ),
        answer=_pull("huber", r, delta=d),
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (
                r,
                "That is the quadratic piece's gradient r, but the quadratic piece only applies "
                f"for |r| ≤ δ. At r = {r:g} the linear piece δ(|r| − δ/2) applies.",
            ),
            (
                -_pull("huber", r, delta=d),
                "The question asks for the size: give the absolute value.",
            ),
            (
                float(losses.huber([r], [0.0], delta=d)),
                f"That is the value of the Huber loss at r = {r:g}, not its gradient.",
            ),
            (_pull("mse", r), "That is MSE's gradient. Huber's linear piece has slope δ."),
        ),
        hints=(r"Which piece applies when $|r| > \delta$? What is its slope?",),
        explanation=(
            f"Beyond δ Huber's slope is δ = {d:g}: "
            f"{_pull('mse', r) / _pull('huber', r, delta=d):g} times less pull than under MSE."
        ),
    )


outlier_gradient_huber = Parametric(
    build=_outlier_gradient_huber,
    draw=_draw_outlier_huber,
    params0={"r": 100.0, "delta": 1.0},
    group=_OUTLIER_GROUP,
    shown=lambda p: (*_shown_residual(p), f"under Huber with δ = {p['delta']:g}"),
)


def _two_decimals(numerator: float, denominator: float) -> str:
    """numerator / denominator to 2 decimals, computed in decimal (no float tie to round)."""
    ratio = Decimal(repr(numerator)) / Decimal(repr(denominator))
    return str(ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _huber_pull_ratio(params: dict) -> NumericQuestion:
    small, large = float(params["r_ordinary"]), float(params["r_luxury"])
    wide, narrow = float(params["delta_wide"]), float(params["delta_narrow"])

    def ratio(delta: float) -> float:
        return _pull("huber", large, delta=delta) / _pull("huber", small, delta=delta)

    return NumericQuestion(
        id="regression.huber_pull_ratio",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors="Predict: what a smaller δ does to the pull of an outlier",
        prompt=(
            rf"Under Huber loss an ordinary house misses by $r = {small:g}$ and a luxury house by "
            rf"$r = {large:g}$. With $\delta = {wide:g}$, the luxury house pulls on its "
            r"prediction ($|\partial\ell/\partial\hat y|$) "
            rf"{_two_decimals(wide, small)} times harder than the ordinary one. Predict the same "
            rf"ratio with $\delta = {narrow:g}$."
        ),
        answer=ratio(narrow),
        abs_tol=1e-6,
        rel_tol=0.01,
        wrong_values=(
            (
                ratio(wide),
                f"That is the ratio with δ = {wide:g}. A smaller δ lowers the luxury house's pull "
                "to the new δ, while the ordinary house, still inside the quadratic zone, keeps "
                "its pull.",
            ),
            (
                _pull("mse", large) / _pull("mse", small),
                "That is MSE's ratio, the residuals' own ratio: under Huber the luxury house's "
                "pull is capped at δ.",
            ),
            (
                1.0,
                f"Both pulls would be δ only if both residuals exceeded δ; {small:g} < {narrow:g}, "
                "so the ordinary house is in the quadratic zone and pulls with |r|.",
            ),
            (
                _pull("huber", large, delta=narrow),
                "That is the luxury house's pull alone; divide by the ordinary house's pull.",
            ),
        ),
        hints=(
            r"Huber's pull is $\min(|r|, \delta)$. Work out each house's pull with the new δ "
            "first.",
        ),
        explanation=(
            f"The luxury house pulls with δ = {narrow:g}, the ordinary house (|r| ≤ δ) with "
            f"|r| = {small:g}: a ratio of {_two_decimals(narrow, small)}. Lowering δ towards the "
            "noise level takes away most of the outlier's extra pull and leaves the ordinary "
            "houses alone, which is why δ is set from the noise scale."
        ),
    )


def _far_apart(q: NumericQuestion, gap: float) -> bool:
    """The key and every known slip at least ``gap`` apart (relative to the larger of two)."""
    values = [q.answer, *(v for v, _ in q.wrong_values)]
    return all(
        abs(a - b) > gap * max(abs(a), abs(b), 1.0)
        for k, a in enumerate(values)
        for b in values[:k]
    )


def _draw_huber_pull_ratio(rng: np.random.Generator) -> dict:
    # the same situation as the book's: an ordinary miss near the noise level (0.08 to 0.25),
    # inside the quadratic zone of both thresholds (so the key is δ_narrow / r_ordinary > 1), a
    # wide δ at least twice the narrow one, and a luxury miss of 8 to 15 beyond both
    while True:
        params = {
            "r_ordinary": round(0.01 * int(rng.integers(8, 26)), 2),
            "r_luxury": float(rng.integers(8, 16)),
            "delta_wide": float(rng.choice([0.8, 1.0, 1.2, 1.5, 2.0])),
            "delta_narrow": round(0.05 * int(rng.integers(4, 9)), 2),
        }
        if params["delta_narrow"] < params["r_ordinary"] + 0.05:
            continue
        if _far_apart(_huber_pull_ratio(params), 0.1):
            return params


huber_pull_ratio = Parametric(
    build=_huber_pull_ratio,
    draw=_draw_huber_pull_ratio,
    params0={"r_ordinary": 0.15, "r_luxury": 12.0, "delta_wide": 1.0, "delta_narrow": 0.2},
    shown=lambda p: (
        f"an ordinary house misses by $r = {p['r_ordinary']:g}$ and a luxury house by "
        f"$r = {p['r_luxury']:g}$",
        f"With δ = {p['delta_wide']:g} the luxury house pulls",
        f"${p['delta_wide']:g}/{p['r_ordinary']:g}$ times harder",
        f"the same ratio with δ = {p['delta_narrow']:g},",
    ),
)


def _huber_value(params: dict) -> NumericQuestion:
    r, d = float(params["r"]), float(params["delta"])

    def huber(residual: float, delta: float) -> float:
        return float(losses.huber([residual], [0.0], delta=delta))

    return NumericQuestion(
        id="regression.huber_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=rf"What is the Huber loss of a single residual $r = {r:g}$ with $\delta = {d:g}$?",
        answer=huber(r, d),
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (0.5 * r**2, "That is ½r², the quadratic piece; it only applies for |r| ≤ δ."),
            (d * r, "δ|r| alone is missing the −δ²/2 that makes the two pieces meet at |r| = δ."),
            (
                d * huber(r, 1.0),
                f"That uses |r| − 1/2, the formula for δ = 1. With δ = {d:g} the linear piece is "
                "δ(|r| − δ/2).",
            ),
            (d * (r - d), "That is δ(|r| − δ): the shift inside the bracket is δ/2, not δ."),
        ),
        hints=(r"For $|r| > \delta$ the loss is $\delta\,(|r| - \tfrac{1}{2}\delta)$.",),
        explanation=f"δ(|r| − δ/2) = {d:g} · ({r:g} − {d / 2:g}) = {huber(r, d):g}.",
    )


def _draw_huber_value(rng: np.random.Generator) -> dict:
    # |r| ≥ δ + 1 keeps the residual on the linear piece. The slips must differ from the key and
    # from each other: δ = 1 would make "|r| − 1/2" the key, δ = 1/2 would make it "|r| − δ",
    # and |r| = 2δ would make ½r² equal δ|r|.
    delta = float(rng.choice([1.5, 2.0, 2.5, 3.0]))
    r = float(rng.choice([r for r in range(int(np.ceil(delta)) + 1, 13) if r != 2 * delta]))
    return {"r": r, "delta": delta}


huber_value = Parametric(
    build=_huber_value, draw=_draw_huber_value, params0={"r": 5.0, "delta": 2.0}
)


def _mae_constant(prices) -> float:
    """The constant with the lowest MAE, from :func:`losses.mae`: the minimum of a sum of V's
    lies at one of the data points, so trying each is enough."""
    y = np.asarray(prices, dtype=np.float64)
    return float(min(y, key=lambda c: losses.mae(y, np.full_like(y, c))))


def _mae_constant_question(params: dict) -> NumericQuestion:
    # seven house prices (in hundreds of thousands of dollars), the last a luxury outlier
    prices = tuple(float(p) for p in params["prices"])
    key = _mae_constant(prices)
    farther = tuple(p if p != max(prices) else 10 * p for p in prices)
    below = sum(p < key for p in prices)
    return NumericQuestion(
        id="regression.mae_constant",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors="Compute: the constant that MAE picks, against MSE's",
        prompt=(
            f"Seven houses sell for {', '.join(f'{p:g}' for p in prices[:-1])} and "
            f"{prices[-1]:g} "
            r"(in hundreds of thousands of dollars). You predict every house with one constant "
            r"$c$. The $c$ that minimises the "
            rf"MSE is their mean, {np.mean(prices):g}. Which $c$ minimises the MAE "
            r"$\frac{1}{n}\sum_i |y_i - c|$?"
        ),
        answer=key,
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (
                float(np.mean(prices)),
                "That is the mean, MSE's constant: it minimises the squared error.",
            ),
            (
                statistics.mode(prices),
                "That is the most frequent price; MAE does not reward hitting a value exactly.",
            ),
            (
                0.5 * (min(prices) + max(prices)),
                "That is halfway between the extremes, set by the two most extreme prices alone.",
            ),
            (
                float(np.median(prices[:-1])),
                "You left out the luxury house. MAE counts it as one point above c, like any "
                "other: it does not drop it.",
            ),
        ),
        hints=("Each term |y_i − c| has slope −1 or +1 in c. Where do the slopes cancel?",),
        explanation=(
            f"The median: with {below} prices below {key:g} and "
            f"{sum(p > key for p in prices)} above, the ±1 slopes cancel. Make the luxury house "
            f"{max(farther):g} instead: the mean moves to {np.mean(farther):.1f}, and the median "
            f"stays at {_mae_constant(farther):g}."
        ),
    )


def _draw_mae_constant(rng: np.random.Generator) -> dict:
    # six ordinary prices from 1.5 to 9 (in tenths, so no float noise), one of them twice (the
    # mode), and a luxury house of 20 to 60 whose price makes the mean a tenth too; the key (the
    # median), the mean, the mode, the midrange and the median without the luxury house all at
    # least 0.2 apart, so the median has three prices strictly on each side
    while True:
        tenths = [int(t) for t in rng.choice(np.arange(15, 91), size=5, replace=False)]
        six = sorted([*tenths, tenths[int(rng.integers(0, 5))]])
        luxury = [v for v in range(20, 61) if (sum(six) + 10 * v) % 7 == 0]
        prices = (*(round(0.1 * t, 1) for t in six), float(luxury[int(rng.integers(len(luxury)))]))
        q = _mae_constant_question({"prices": prices})
        if q.spread() >= 0.2 - 1e-9:
            return {"prices": prices}


mae_constant = Parametric(
    build=_mae_constant_question,
    draw=_draw_mae_constant,
    params0={"prices": (2.0, 3.0, 3.0, 4.0, 5.0, 6.0, 40.0)},
    shown=None,  # asked only in the chapter's quiz, through the bank's prompt
)


huber_facts = ChoiceQuestion(
    id="regression.huber_facts",
    chapter=CHAPTER,
    kind="multiple",
    points=2,
    mirrors=MIRRORS,
    prompt=r"Which statements about Huber loss $L_\delta(r)$ are true?",
    options=(
        Option(
            "smooth_join",
            r"Its value and its slope are both continuous at $|r| = \delta$",
            True,
            "Both pieces equal δ²/2 there and both have slope ±δ: the ½ and the −δ/2 make them join.",
        ),
        Option(
            "half_mse_inside",
            r"For $|r| \le \delta$ it equals $\tfrac{1}{2} r^2$",
            True,
            "Yes: inside the threshold it is half the squared error.",
        ),
        Option(
            "bounded_slope",
            r"The size of its gradient never exceeds $\delta$",
            True,
            "The quadratic piece has slope r with |r| ≤ δ, the linear piece slope ±δ.",
        ),
        Option(
            "smoothl1_any_delta",
            r"PyTorch's SmoothL1Loss with $\beta = \delta$ equals Huber loss for every $\delta$",
            False,
            "SmoothL1 with β = δ equals Huber divided by δ; the two agree only when δ = 1.",
        ),
        Option(
            "ignores_large",
            r"Residuals with $|r| > \delta$ contribute a constant, so they do not affect the fit",
            False,
            "They contribute δ(|r| − δ/2), which grows with |r|; they do pull, just with a bounded force.",
        ),
    ),
    hints=("Write out both pieces and their derivatives at |r| = δ.",),
)

# ------------------------------------------------------- beyond the guide: the quantile loss


def _percent(x: float) -> str:
    return f"{100 * x:g} %"


#: a share as the book's statement says it in words (the book's 10 %), else as a percentage
_IN_WORDS = {0.1: ("nine in ten deliveries arrive", "one in ten deliveries arrives")}


def _quantile_level(params: dict) -> ChoiceQuestion:
    late = float(params["late"])  # the share of deliveries allowed to arrive after the promise
    q_right, q_low, q_band = round(1 - late, 4), late, round(1 - late / 2, 4)
    before, after = _IN_WORDS.get(
        late,
        (f"{_percent(1 - late)} of deliveries arrive", f"{_percent(late)} of deliveries arrive"),
    )
    band = "the chapter's 90 % band" if late == 0.1 else f"a two-sided {_percent(1 - late)} band"
    return ChoiceQuestion(
        id="regression.quantile_level",
        chapter=CHAPTER,
        kind="single",
        points=1,
        mirrors=BEYOND_GUIDE,
        prompt=(
            "A delivery service promises each customer an arrival time, predicted by a model "
            r"trained with the quantile loss $\max\big(q\,r,\ (q - 1)\,r\big)$, $r = y - \hat y$, "
            r"where $y$ is the actual delivery time. It wants deliveries to arrive later than "
            f"promised only {_percent(late)} of the time. Which level q should it train with?"
        ),
        options=(
            Option(
                "q90",
                rf"$q = {q_right:g}$: {before} before it",
                True,
                f"At the minimiser a fraction q of the targets lies below the prediction: "
                f"{_percent(q_right)} of deliveries arrive before the promise and "
                f"{_percent(late)} after it. A late delivery (r > 0) costs q = {q_right:g} per "
                f"minute, an early one only {late:g}, so the promise moves up until just "
                f"{_percent(late)} are late.",
            ),
            Option(
                "q10",
                rf"$q = {q_low:g}$: {after} after it",
                False,
                f"That is the {_percent(late)} quantile: only {_percent(late)} of deliveries "
                f"would arrive before the promise and {_percent(q_right)} after it. "
                "Under-predicting (a late delivery, r > 0) costs q per minute, so a small q makes "
                "late promises cheap.",
            ),
            Option(
                "median_plus",
                rf"$q = 0.5$, then a margin of {_percent(late)} on every promise",
                False,
                f"q = 0.5 gives the median. How far the {_percent(q_right)} point lies above the "
                "median depends on the spread of the delivery times, which changes from one order "
                "to the next (it grows with the distance); a fixed "
                f"{_percent(late)} margin does not target any share of late deliveries.",
            ),
            Option(
                "q95",
                rf"$q = {q_band:g}$, the upper line of {band}",
                False,
                f"The {q_band:g} line is the upper edge of a two-sided {_percent(q_right)} band: "
                f"only {_percent(late / 2)} of deliveries arrive after it, so it promises later "
                f"than needed. A one-sided promise that is late {_percent(late)} of the time is "
                f"the {_percent(q_right)} quantile.",
            ),
        ),
        hints=("At the best constant, what fraction of the targets lies below the prediction?",),
    )


quantile_level = Parametric(
    build=_quantile_level,
    # a scenario of its own: the share of late deliveries the service accepts
    draw=lambda rng: {"late": float(rng.choice([0.05, 0.2, 0.25, 0.3]))},
    params0={"late": 0.1},
    shown=lambda p: (
        f"only {_percent(p['late'])} of the time",
        *(o.text for o in _quantile_level(p).options),
    ),
)


def _pinball_value(params: dict) -> NumericQuestion:
    q, y, yhat = float(params["q"]), float(params["y"]), float(params["y_hat"])
    res = y - yhat

    def pinball(level: float, target: float = y, pred: float = yhat) -> float:
        return round(float(losses.quantile([target], [pred], q=level)), 12)

    over = res < 0  # an over-prediction: the weight is 1 - q
    weight, other = (1 - q, q) if over else (q, 1 - q)
    return NumericQuestion(
        id="regression.pinball_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=BEYOND_GUIDE,
        prompt=(
            rf"With $q = {q:g}$, the target is $y = {y:g}$ and the prediction $\hat y = {yhat:g}$. "
            r"What is the quantile (pinball) loss $\max\big(q\,r,\ (q - 1)\,r\big)$ of this one "
            r"prediction, with $r = y - \hat y$?"
        ),
        answer=pinball(q),
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (
                round(other * abs(res), 12),
                f"That weights |r| by {other:g}, the price of an "
                f"{'under' if over else 'over'}-prediction. Here r = {signed(res)} "
                f"{'< 0' if over else '> 0'}, so the weight is {weight:g}.",
            ),
            (
                round(q * res if over else (q - 1) * res, 12),
                "That is the smaller of q·r and (q − 1)·r; the max takes the larger one.",
            ),
            (
                -pinball(q),
                "Check the sign: the max of q·r and (q − 1)·r is never negative.",
            ),
            (
                pinball(0.5),
                f"That is half the absolute error, the quantile loss for q = 0.5, not for q = {q:g}.",
            ),
            (
                float(losses.mae([y], [yhat])),
                "That is the absolute error |r|; the quantile loss weights it by q or by 1 − q.",
            ),
        ),
        hints=(
            r"Compute $r = y - \hat y$ first. Which of $q\,r$ and $(q - 1)\,r$ is larger for that "
            r"$r$?",
        ),
        explanation=(
            f"r = {y:g} − {yhat:g} = {signed(res)} (an {'over' if over else 'under'}-prediction), so the "
            f"max picks {'(q − 1)' if over else 'q'}·r = {pinball(q):g}. Missing by the same amount "
            f"on the other side would cost {round(other * abs(res), 12):g}: that asymmetry pushes "
            f"the q = {q:g} prediction to the {q:.0%} quantile."
        ),
    )


def _draw_pinball_value(rng: np.random.Generator) -> dict:
    # q away from 0.5 (whose slip "half the absolute error" would be the key), and a miss of
    # 0.5 to 6 on either side
    q = float(rng.choice([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]))
    y = float(rng.integers(5, 21))
    miss = 0.5 * float(rng.integers(1, 13)) * float(rng.choice([-1.0, 1.0]))
    return {"q": q, "y": y, "y_hat": y + miss}


pinball_value = Parametric(
    build=_pinball_value,
    draw=_draw_pinball_value,
    params0={"q": 0.9, "y": 10.0, "y_hat": 12.0},
    shown=lambda p: (
        rf"With $q = {p['q']:g}$, the target is $y = {p['y']:g}$ and the prediction "
        rf"$\hat y = {p['y_hat']:g}$.",
    ),
)


def _kth_smallest(scores, k: int) -> float:
    return float(np.sort(scores)[k - 1])


def _conformal_rank(n: int, level: float) -> int:
    """⌈(n + 1) · level⌉, the float error of the product rounded away first."""
    return math.ceil(round((n + 1) * level, 9))


def _ordinal(k: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st."""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


_NUMBER_WORDS = dict(enumerate(("eight", "nine", "ten", "eleven", "twelve"), start=8))


def _conformal_margin(params: dict) -> NumericQuestion:
    # calibration scores (minutes outside the band; negative inside) and the miss rate α
    scores = tuple(float(s) for s in params["scores"])
    alpha = float(params["alpha"])
    n = len(scores)
    rank = _conformal_rank(n, 1 - alpha)
    level = f"{100 * (1 - alpha):g}"
    return NumericQuestion(
        id="regression.conformal_margin",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors="Compute: the margin of conformalised quantile regression",
        prompt=(
            f"Conformalised quantile regression: {n} calibration deliveries, which the fitted "
            r"band has not seen, score $E_i = \max\big(\mathrm{lo}(x_i) - y_i,\ y_i - "
            r"\mathrm{hi}(x_i)\big)$ (in minutes; negative inside the band): "
            + "$"
            + ", ".join(f"{s:g}" for s in scores)
            + f"$. For a target level of {level} % ($\\alpha = {alpha:g}$), by how many "
            "minutes must each edge of the band move outwards?"
        ),
        answer=_kth_smallest(scores, rank),
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (
                _kth_smallest(scores, math.ceil(round(n * (1 - alpha), 9))),
                "That is the ⌈n(1 − α)⌉-th smallest score. The rank must count the new delivery "
                "too: take the ⌈(n + 1)(1 − α)⌉-th.",
            ),
            (
                float(np.quantile(scores, 1 - alpha)),
                "np.quantile interpolates between two scores by default; the guarantee needs an "
                "actual score, the ⌈(n + 1)(1 − α)⌉-th smallest.",
            ),
            (
                max(scores),
                "The largest score is safe but more than needed: it guarantees "
                f"{n}/{n + 1} of the deliveries, not {level} %.",
            ),
            (
                _kth_smallest(scores, _conformal_rank(n, alpha)),
                "That counts from the wrong end: the ⌈(n + 1)α⌉-th smallest score would let most "
                "deliveries fall outside.",
            ),
        ),
        hints=(r"Sort the scores and take the $\lceil (n + 1)(1 - \alpha) \rceil$-th smallest.",),
        explanation=(
            f"⌈({n} + 1) · {1 - alpha:g}⌉ = {rank}: the {_ordinal(rank)} smallest score. A new "
            f"delivery's score is equally likely to take any of the {n + 1} ranks, so it stays "
            f"at or below this one with probability at least {rank}/{n + 1} "
            f"= {100 * rank / (n + 1):.1f} %."
        ),
    )


def _draw_conformal_margin(rng: np.random.Generator) -> dict:
    # 8 to 12 distinct scores from −3.5 to 4.5 minutes (in steps of 0.05, for a wide spread of
    # keys in a class) and a target level of 70 to 80 %; kept when the rank ⌈(n + 1)(1 − α)⌉ is
    # below n (else the key is the largest score) and above ⌈n(1 − α)⌉, when the margin is
    # outwards (at least 0.3 minutes), and when the key and the four slips are 0.1 or more apart
    while True:
        n = int(rng.integers(8, 13))
        alpha = float(rng.choice([0.2, 0.25, 0.3]))
        steps = rng.choice(np.arange(-70, 91), size=n, replace=False)
        params = {"scores": tuple(round(0.05 * int(k), 2) for k in steps), "alpha": alpha}
        if _conformal_rank(n, 1 - alpha) >= n:
            continue
        q = _conformal_margin(params)
        if q.answer >= 0.3 and q.spread() >= 0.1 - 1e-9:
            return params


def _shown_conformal(params: dict) -> tuple[str, ...]:
    scores, alpha = params["scores"], params["alpha"]
    return (
        f"{_NUMBER_WORDS[len(scores)]} calibration deliveries",
        "$" + r",\ ".join(f"{s:g}" for s in scores) + "$",
        rf"target level of {100 * (1 - alpha):g} % ($\alpha = {alpha:g}$)",
    )


conformal_margin = Parametric(
    build=_conformal_margin,
    draw=_draw_conformal_margin,
    params0={"scores": (-2.6, 0.4, -0.8, 1.7, -1.5, 3.2, -0.3, 0.9, -2.1, 2.2), "alpha": 0.2},
    shown=_shown_conformal,
)


# ----------------------------------------------------------------------------- code question

_NAMES = ("y_true", "y_pred", "delta")


def _huber_reference(y_true, y_pred, delta):
    return losses.huber(y_true, y_pred, delta=delta)


def _arr(*values):
    return np.array(values, dtype=np.float64)


def _huber_fixed_draw(rng: np.random.Generator) -> tuple[Case, ...]:
    """A student's fixed cases of ``implement_huber``: the book's six edges with other values."""
    d1 = float(rng.choice([0.8, 1.2, 1.5, 2.0]))  # δ ≠ 1, residuals all inside ±δ
    y1 = tenths(rng, -3, 3, 3)
    r1 = tenths(rng, -0.6 * d1, 0.6 * d1, 3)
    d2 = float(rng.choice([0.5, 0.7, 1.5, 2.0]))  # beyond +δ and beyond −δ
    r2 = np.array([2.5 * d2, -2.5 * d2, 0.4 * d2, -0.2 * d2]).round(2)
    d3 = float(rng.choice([2.5, 3.0, 3.5]))  # both sides of ±δ, a larger δ
    y3 = tenths(rng, 0, 4, 5)
    r3 = np.array([-1.5 * d3, 1.6 * d3, 0.2 * d3, -0.3 * d3, -2.4 * d3]).round(2)
    d4 = float(rng.choice([0.2, 0.3, 0.4]))  # a small δ, large negative residuals
    y4 = tenths(rng, -1, 2, 3)
    r4 = np.array([-6.0 * d4, -0.3 * d4, -5.0 * d4]).round(2)
    d5 = float(rng.choice([1.0, 1.5, 2.5]))  # a single outlier
    y5, r5 = tenths(rng, 0, 5, 1), np.array([float(rng.choice([-1.0, 1.0])) * 4.0 * d5])
    d6 = float(rng.choice([0.5, 0.6, 0.8]))  # a 2 × 3 array
    y6 = tenths(rng, 0, 5, 6).reshape(2, 3)
    r6 = (np.array([[-0.4, 2.0, -0.8], [0.0, -5.0, 0.2]]) * d6).round(2)
    return (
        Case(f"small residuals only, δ = {d1:g}", (y1, (y1 - r1).round(2), d1), _NAMES),
        Case(f"residuals beyond +δ and beyond −δ, δ = {d2:g}", (np.zeros(4), -r2, d2), _NAMES),
        Case(f"δ = {d3:g}, residuals on both sides of ±δ", (y3, (y3 - r3).round(2), d3), _NAMES),
        Case(f"δ = {d4:g}, large negative residuals", (y4, (y4 - r4).round(2), d4), _NAMES),
        Case(f"a single outlier, δ = {d5:g}", (y5, (y5 - r5).round(2), d5), _NAMES),
        Case(f"a 2 × 3 array, δ = {d6:g}", (y6, (y6 - r6).round(2), d6), _NAMES),
    )


def _random_huber_case(rng: np.random.Generator) -> Case:
    delta = float(np.round(np.exp(rng.uniform(np.log(0.2), np.log(4.0))), 3))
    shape = (int(rng.integers(2, 30)),) if rng.random() < 0.7 else tuple(rng.integers(2, 6, size=2))
    y_true = np.round(rng.normal(0.0, 3.0, size=shape), 3)
    # residuals on both sides of ±delta
    residual = rng.normal(0.0, 1.5 * delta, size=shape)
    residual.flat[0] = 2.5 * delta
    residual.flat[1] = -2.5 * delta
    y_pred = np.round(y_true - residual, 3)
    return Case(f"{y_true.size} values, δ = {delta:g}", (y_true, y_pred, delta), _NAMES)


def _m_no_half(y, p, d):
    r = np.abs(np.asarray(y) - np.asarray(p))
    return float(np.mean(np.where(r <= d, r**2, d * (r - 0.5 * d))))


def _m_no_offset(y, p, d):
    r = np.abs(np.asarray(y) - np.asarray(p))
    return float(np.mean(np.where(r <= d, 0.5 * r**2, d * r)))


def _m_delta_one_linear(y, p, d):
    r = np.abs(np.asarray(y) - np.asarray(p))
    return float(np.mean(np.where(r <= d, 0.5 * r**2, r - 0.5)))


def _m_full_delta_offset(y, p, d):
    r = np.abs(np.asarray(y) - np.asarray(p))
    return float(np.mean(np.where(r <= d, 0.5 * r**2, d * (r - d))))


def _m_signed_condition(y, p, d):
    r = np.asarray(y) - np.asarray(p)
    return float(np.mean(np.where(r <= d, 0.5 * r**2, d * (np.abs(r) - 0.5 * d))))


def _m_signed_condition_pred(y, p, d):
    r = np.asarray(p) - np.asarray(y)
    return float(np.mean(np.where(r <= d, 0.5 * r**2, d * (np.abs(r) - 0.5 * d))))


def _m_smooth_l1(y, p, d):
    r = np.abs(np.asarray(y) - np.asarray(p))
    return float(np.mean(np.where(r < d, 0.5 * r**2 / d, r - 0.5 * d)))


def _m_sum(y, p, d):
    return losses.huber(y, p, delta=d, reduction="sum")


def _m_half_mse(y, p, d):
    return float(np.mean(0.5 * (np.asarray(y) - np.asarray(p)) ** 2))


def _m_mae(y, p, d):
    return float(np.mean(np.abs(np.asarray(y) - np.asarray(p))))


def _m_mse(y, p, d):
    return float(np.mean((np.asarray(y) - np.asarray(p)) ** 2))


implement_huber = CodeQuestion(
    id="regression.implement_huber",
    chapter=CHAPTER,
    kind="code",
    points=3,
    mirrors=MIRRORS,
    prompt=(
        r"Write `huber(y_true, y_pred, delta)` returning the **mean** Huber loss over all "
        r"elements, with residual $r = y - \hat y$:"
        "\n\n"
        r"$$L_\delta(r) = \begin{cases} \tfrac{1}{2} r^2 & |r| \le \delta \\ "
        r"\delta\,(|r| - \tfrac{1}{2}\delta) & |r| > \delta \end{cases}$$"
        "\n\n"
        "The inputs are numpy arrays of the same shape (any shape) and `delta` is a positive "
        "float. Use numpy and no loops; return one number."
    ),
    signature="huber(y_true, y_pred, delta)",
    stand_ins=("losses.huber", "losses.huber_grad"),
    reference=_huber_reference,
    fixed_cases=(
        Case(
            "small residuals only, δ = 1", (_arr(1.0, 2.0, 3.0), _arr(1.5, 1.8, 3.2), 1.0), _NAMES
        ),
        Case(
            "residuals beyond +δ and beyond −δ, δ = 1",
            (_arr(0.0, 0.0, 0.0, 0.0), _arr(3.0, -2.5, 0.4, -0.2), 1.0),
            _NAMES,
        ),
        Case(
            "δ = 2.5, residuals on both sides of ±δ",
            (_arr(0.0, 1.0, 2.0, 3.0, 4.0), _arr(5.0, -3.0, 2.5, 3.2, 10.0), 2.5),
            _NAMES,
        ),
        Case(
            "δ = 0.3, large negative residuals",
            (_arr(-1.0, 0.5, 2.0), _arr(1.0, 0.6, 4.0), 0.3),
            _NAMES,
        ),
        Case("a single outlier, δ = 1.5", (_arr(2.0), _arr(9.0), 1.5), _NAMES),
        Case(
            "a 2 × 3 array, δ = 0.5",
            (
                np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]),
                np.array([[0.2, -1.0, 2.4], [3.0, 6.5, 4.9]]),
                0.5,
            ),
            _NAMES,
        ),
    ),
    random_case=_random_huber_case,
    fixed_draw=_huber_fixed_draw,
    n_random=8,
    mistakes=(
        Mistake(_m_sum, "You returned the sum over elements; the question asks for the mean."),
        Mistake(
            _m_smooth_l1,
            "That is PyTorch's SmoothL1Loss with β = δ, which equals Huber divided by δ. "
            "Huber's quadratic piece is ½r² (no division by δ) and its linear piece δ(|r| − δ/2).",
        ),
        Mistake(_m_no_half, "The quadratic piece is missing its ½: it should be ½r², not r²."),
        Mistake(
            _m_no_offset,
            "The linear piece should be δ(|r| − δ/2): without the −δ²/2 the two pieces do not meet "
            "at |r| = δ.",
        ),
        Mistake(
            _m_full_delta_offset,
            "The linear piece subtracts too much: it is δ(|r| − δ/2), not δ(|r| − δ).",
        ),
        Mistake(
            _m_delta_one_linear,
            "Your linear piece ignores δ (|r| − ½ is Huber for δ = 1 only). Use δ(|r| − δ/2).",
        ),
        Mistake(
            _m_signed_condition,
            "Negative residuals beyond −δ are treated as small: compare |r| (the absolute value) "
            "with δ, not r itself.",
        ),
        Mistake(
            _m_signed_condition_pred,
            "Residuals on one side of zero are treated as small: compare |r| (the absolute value) "
            "with δ, not the signed difference.",
        ),
        Mistake(
            _m_half_mse,
            "You always use the quadratic piece ½r²; switch to the linear piece when |r| > δ.",
        ),
        Mistake(_m_mse, "That is the MSE; Huber is ½r² up to δ and linear beyond it."),
        Mistake(_m_mae, "That is the MAE; Huber is quadratic (½r²) for |r| ≤ δ."),
    ),
    hints=(
        "Compute r = y_true − y_pred, then np.where(np.abs(r) <= delta, quadratic, linear), "
        "and take the mean.",
    ),
)

register(
    outlier_loss,
    why_huber_helps,
    outlier_gradient_mse,
    outlier_gradient_huber,
    huber_pull_ratio,
    huber_value,
    mae_constant,
    huber_facts,
    implement_huber,
    quantile_level,
    pinball_value,
    conformal_margin,
)
