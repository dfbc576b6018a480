r"""Exercises for the chapter on imbalanced data (focal, Dice and Tversky losses), mirroring
self-check 3.

Self-check 3 asks why plain cross-entropy fails to segment tumours covering under 2 % of a scan and
which losses of the course address it. The questions below check that reasoning, the numbers of
the "all background" prediction, what focal loss's factor and its α do, how focal and Dice differ,
the role of Dice's smoothing term, and ask the reader to implement focal loss and Dice loss. The
others make the reader compute or predict: a focal gradient, how it changes when γ grows, where α
puts the 0.5 threshold, what a focal-trained model predicts instead of the posterior
(calibration), which Tversky weights favour recall, and the value of a Tversky loss.

Question ids: ``imbalanced.why_ce_fails``, ``imbalanced.small_object_losses``,
``imbalanced.background_accuracy``, ``imbalanced.background_dice``, ``imbalanced.focal_factor``,
``imbalanced.alpha_convention``, ``imbalanced.focal_vs_dice``, ``imbalanced.smooth_role``,
``imbalanced.implement_focal``, ``imbalanced.implement_dice``, ``imbalanced.focal_gradient_gamma1``,
``imbalanced.gamma_step_gradient``, ``imbalanced.alpha_threshold_derived``,
``imbalanced.focal_calibration``, ``imbalanced.tversky_recall``, ``imbalanced.tversky_value``.

>>> from exercises import check
>>> check("imbalanced.background_accuracy", 0.984).passed
True
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

import losses

from .model import Case, ChoiceQuestion, CodeQuestion, Mistake, NumericQuestion, Option
from .registry import register
from .variants import Parametric

CHAPTER = "imbalanced"
MIRRORS = "Self-check 3: segmenting tumours under 2 % of a scan (why cross-entropy fails, which losses help)"
BEYOND_GUIDE = (
    "Beyond the study guide: the Tversky and focal Tversky losses, which the guide does not cover "
    "(no self-check of its own)"
)

why_ce_fails = ChoiceQuestion(
    id="imbalanced.why_ce_fails",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        "A model segments tumours that cover less than 2 % of each scan. Why does training it "
        "with plain per-pixel cross-entropy tend to fail?"
    ),
    options=(
        Option(
            "overflow",
            "The log of a tiny tumour probability overflows, and training becomes unstable",
            False,
            "Computed from the logits, cross-entropy is stable (the log-sum-exp of the "
            "classification chapter): nothing overflows. The loss is finite and small, and that "
            "is the trouble.",
        ),
        Option(
            "easy_negatives",
            "The easy background pixels outnumber the tumour's and dominate the mean loss",
            True,
            "Right: 'background everywhere' already earns a low mean loss, so finding the tumour "
            "lowers it very little, and the easy background takes most of the gradient.",
        ),
        Option(
            "capped",
            "A missed tumour pixel's loss is capped, so missing the whole tumour is cheap",
            False,
            "Cross-entropy is not capped: a tumour pixel predicted at 0.01 costs ln 100 ≈ 4.6 "
            "nats. It is the mean over thousands of pixels that makes that cost small.",
        ),
        Option(
            "vanishing",
            "Its gradient vanishes on the tumour pixels the model gets wrong, as the sigmoid saturates",
            False,
            "The other way round: on a logit, cross-entropy's gradient is σ(z) − y, largest (near "
            "−1) on a tumour pixel the model misses. Vanishing gradients belong to MSE on a "
            "sigmoid.",
        ),
    ),
    hints=("Count the pixels of each class and think about what the average of their losses is.",),
)

small_object_losses = ChoiceQuestion(
    id="imbalanced.small_object_losses",
    chapter=CHAPTER,
    kind="multiple",
    points=3,
    mirrors=MIRRORS,
    prompt=(
        "Trained with per-pixel cross-entropy, a segmenter of tumours that cover under 2 % of a "
        "scan ends up predicting background almost everywhere. Which of these losses address "
        "that problem?"
    ),
    options=(
        Option(
            "focal",
            "Focal loss with γ = 2",
            True,
            "Its factor (1 − p_t)^γ silences the many easy background pixels, so the hard ones, "
            "tumour pixels among them, drive training.",
        ),
        Option(
            "mse",
            "Mean squared error on the probabilities",
            False,
            "Per-pixel MSE is a mean over pixels too: on a 50 × 50 scan with a 40-pixel tumour, "
            "predicting 0 everywhere costs only 40/2500 = 0.016, so the background dominates it "
            "as it dominates cross-entropy.",
        ),
        Option(
            "tversky",
            "Tversky loss",
            True,
            "Like Dice, it scores the overlap and gives the correct background no credit; it also "
            "lets you price a missed pixel (β) above a false alarm (α).",
        ),
        Option(
            "dice",
            "Soft Dice loss",
            True,
            "It scores the overlap of prediction and mask relative to their sizes, so 'all "
            "background' gets the worst loss, 1, however many pixels it gets right.",
        ),
        Option(
            "focal_gamma0",
            "Focal loss with γ = 0 and α = 0.5",
            False,
            "With γ = 0 there is no modulating factor, and α = 0.5 weights both classes alike: "
            "that is half of cross-entropy, with the same problem.",
        ),
    ),
    hints=(
        "Ask of each loss: is it a mean of per-pixel terms in which the easy background still "
        "counts in full?",
    ),
)


def _scan(side: int, tumour: int) -> np.ndarray:
    """A ``side`` × ``side`` scan whose first ``tumour`` pixels (row by row) are the tumour."""
    scan = np.zeros((side, side))
    scan.flat[:tumour] = 1.0
    return scan


def _background_accuracy(params: dict) -> NumericQuestion:
    n, t = int(params["side"]), int(params["tumour"])
    scan = _scan(n, t)
    accuracy = float(np.mean(scan == 0))
    share = float(scan.mean())
    return NumericQuestion(
        id="imbalanced.background_accuracy",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            rf"A ${n} \times {n}$ scan has a tumour of {t} pixels. A model predicts 'background' "
            "for every pixel. What is its pixel accuracy, as a fraction between 0 and 1?"
        ),
        answer=accuracy,
        abs_tol=1e-4,
        rel_tol=0.0,
        wrong_values=(
            (
                100 * accuracy,
                f"Give the accuracy as a fraction ({accuracy:g}), not as a percentage.",
            ),
            (share, "That is the share of tumour pixels, which the model gets wrong."),
            (0.0, "Every background pixel is classified correctly."),
        ),
        hints=(f"Accuracy = correctly classified pixels / all pixels; {n} × {n} = {n * n}.",),
        explanation=(
            f"{int(np.sum(scan == 0))} of {scan.size} pixels are right: {accuracy:.1%} "
            "accuracy, and not one tumour pixel is found."
        ),
    )


#: The scans of the variants: square, with a pixel count that divides a power of ten, so the
#: accuracy has at most four decimals (the tolerance is 1e-4), and a tumour covering 0.5 % to
#: under 2 % of it, as in the chapter: 25 × 25 with 4 to 12 pixels, 50 × 50 with 13 to 49,
#: 100 × 100 with 50 to 199 (196 scans, drawn alike, so two students rarely share one)
_SCANS = tuple(
    (side, tumour)
    for side, (low, high) in {25: (4, 12), 50: (13, 49), 100: (50, 199)}.items()
    for tumour in range(low, high + 1)
)


def _draw_background_scan(rng: np.random.Generator) -> dict:
    # (a scan with the book's accuracy 0.984, such as 25 × 25 with 10 pixels, is drawn again by
    # Parametric.params, as the book prints that answer)
    side, tumour = _SCANS[int(rng.integers(len(_SCANS)))]
    return {"side": side, "tumour": tumour}


#: Exercise 3 asks the accuracy and the Dice loss of one scan (the Dice loss is 1 for any scan, so
#: only the accuracy has variants; the group would give both the same scan)
background_accuracy = Parametric(
    build=_background_accuracy,
    draw=_draw_background_scan,
    params0={"side": 50, "tumour": 40},
    group="imbalanced.background_scan",
    shown=lambda p: (
        rf"A ${p['side']} \times {p['side']}$ scan contains a tumour of {p['tumour']} pixels",
    ),
)


def _background_dice(params: dict) -> NumericQuestion:
    scan = _scan(int(params["side"]), int(params["tumour"]))
    dice = float(losses.dice(scan, np.zeros_like(scan), smooth=0.0))  # 1, the worst
    return NumericQuestion(
        id="imbalanced.background_dice",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            "Same scan and same 'background everywhere' prediction. What is its Dice loss "
            r"$1 - \dfrac{2\sum_i y_i \hat y_i}{\sum_i y_i + \sum_i \hat y_i}$ (no smoothing)?"
        ),
        answer=dice,
        abs_tol=1e-3,
        rel_tol=0.0,
        wrong_values=(
            (1 - dice, "That is the Dice coefficient (no overlap at all); the loss is 1 minus it."),
            (
                float(scan.mean()),
                "Dice does not count background pixels as successes: only overlap with the tumour "
                "counts.",
            ),
            (
                float(np.mean(scan == 0)),
                "That is the pixel accuracy. Dice looks only at the overlap with the tumour.",
            ),
        ),
        hints=("The prediction contains no tumour pixel: what is the overlap Σ y·ŷ?",),
        explanation=(
            "The overlap is 0, so the Dice coefficient is 0 and the loss is 1, its worst value."
        ),
    )


#: the Dice loss of the same scan: 1 for every scan (that is the lesson), so its variants differ
#: in the scan its known mistakes are computed from
background_dice = Parametric(
    build=_background_dice,
    draw=_draw_background_scan,
    params0={"side": 50, "tumour": 40},
    group="imbalanced.background_scan",
    shown=background_accuracy.shown,
    key_varies=False,
)

_POWER = {2: ("²", "squares"), 3: ("³", "cubes")}


def _focal_factor_of(p_t: float, gamma: int) -> float:
    """Focal loss of a positive at ``p_t`` (no α) over its cross-entropy: (1 − p_t)^γ."""
    return round(
        float(
            losses.focal([1.0], [p_t], alpha=None, gamma=gamma)
            / losses.binary_cross_entropy([1.0], [p_t])
        ),
        12,  # 0.01, not 0.009999999999999995
    )


def _times(ratio: float) -> str:
    """'100' for a whole ratio, 'about 13.7' otherwise."""
    if abs(ratio - round(ratio)) < 1e-9:
        return f"{ratio:.0f}"
    return f"about {ratio:.3g}" if ratio < 100 else f"about {ratio:.0f}"


def _focal_factor(params: dict) -> NumericQuestion:
    p, g = float(params["p_t"]), int(params["gamma"])
    factor = _focal_factor_of(p, g)
    sup, verb = _POWER[g]
    return NumericQuestion(
        id="imbalanced.focal_factor",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=MIRRORS,
        prompt=(
            r"In focal loss, the cross-entropy of each example is multiplied by "
            rf"$(1 - p_t)^\gamma$. An easy example has $p_t = {p:g}$. With $\gamma = {g}$, by "
            "what factor is its loss multiplied?"
        ),
        answer=factor,
        abs_tol=1e-6,
        rel_tol=1e-6,
        wrong_values=(
            (p**g, "That is p_t^γ; the factor is (1 − p_t)^γ."),
            (1 - p, f"That is (1 − p_t) to the power 1; γ = {g} {verb} it."),
            ((1 - p) * g, "(1 − p_t)·γ multiplies by γ; γ is an exponent."),
            (
                1 / factor,
                f"The factor shrinks the easy example's loss: it is ({1 - p:g}){sup} = "
                f"{factor:g}, not its inverse.",
            ),
        ),
        hints=(f"Compute (1 − {p:g}){sup}.",),
        explanation=(
            f"(1 − {p:g}){sup} = {factor:g}: an easy example counts {_times(1 / factor)} times "
            "less than under cross-entropy."
        ),
    )


def _draw_focal_factor(rng: np.random.Generator) -> dict:
    # an easy example (p_t from 0.6 to 0.95) and γ = 2 or 3 (γ = 1 would make the slip
    # "(1 − p_t) to the power 1" the key); the slips at least 2 % apart, as (1 − p_t)·γ comes
    # close to p_t^γ near p_t = 0.73 for γ = 2 and 0.82 for γ = 3
    while True:
        params = {
            "p_t": round(0.01 * int(rng.integers(60, 96)), 2),
            "gamma": int(rng.choice([2, 3])),
        }
        q = _focal_factor(params)
        values = [q.answer, *(v for v, _ in q.wrong_values)]
        if all(abs(a - b) > 0.02 * max(a, b) for k, a in enumerate(values) for b in values[:k]):
            return params


#: asked only in the chapter's quiz cell: no statement of the book shows its numbers
focal_factor = Parametric(
    build=_focal_factor, draw=_draw_focal_factor, params0={"p_t": 0.9, "gamma": 2}
)

alpha_convention = ChoiceQuestion(
    id="imbalanced.alpha_convention",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        "RetinaNet's focal loss (and torchvision's `sigmoid_focal_loss`) is used with α = 0.25 "
        "and γ = 2. What does α = 0.25 do?"
    ),
    options=(
        Option(
            "easy_share",
            "It keeps 25 % of the loss of every easy example, whatever its class",
            False,
            "Damping the easy examples is the job of the modulating factor (1 − p_t)^γ. α is a "
            "constant weight per class, the same for an easy and a hard example.",
        ),
        Option(
            "pos_075",
            "It weights the rare positives by 0.75 and the negatives by 0.25",
            False,
            "That is the inverse-frequency intuition, but the convention runs the other way: α "
            "multiplies the positives' term and 1 − α the negatives'.",
        ),
        Option(
            "threshold_025",
            "It moves the 0.5 threshold down to a posterior of 0.25",
            False,
            "It moves it up: with α = 0.25 a prediction of 0.5 means a posterior of about 0.75 "
            "(the q* figure), so fewer points are called positive.",
        ),
        Option(
            "pos_025",
            "It weights the rare positives by 0.25 and the negatives by 0.75",
            True,
            "Yes. It looks backwards, but with γ = 2 the modulating factor already removes most "
            "negatives' loss, and the paper found α = 0.25 worked best with it.",
        ),
    ),
    hints=("α_t = α when y = 1 and 1 − α when y = 0.",),
)

focal_vs_dice = ChoiceQuestion(
    id="imbalanced.focal_vs_dice",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt="Both focal loss and Dice loss are used against a rare class. How do they differ?",
    options=(
        Option(
            "by_frequency",
            "Focal weights each class by how rare it is; Dice weights each pixel by how hard it is",
            False,
            "Mixed up: focal's (1 − p_t)^γ weights examples by how hard they are (α is the class "
            "weight, and 0.25 is not the inverse frequency); Dice weights no pixel but scores a "
            "ratio over the whole mask.",
        ),
        Option(
            "background_credit",
            "Dice credits correct background too, just less than each tumour pixel",
            False,
            "Dice gives the true negatives no credit at all: they appear nowhere in "
            "2TP/(2TP + FP + FN). That is why 'all background' scores a Dice loss of 1.",
        ),
        Option(
            "reweight_vs_overlap",
            "Focal reweights per-pixel cross-entropy; Dice scores the overlap of whole masks",
            True,
            "Right. That is also why they are often combined (e.g. Dice + cross-entropy) for "
            "segmentation.",
        ),
        Option(
            "detection_only",
            "Focal only applies to detection boxes, Dice only to segmentation masks",
            False,
            "Focal loss applies to any per-example classification, pixels included: the chapter "
            "trains a segmenter with it. Dice needs a region to overlap, so it is the "
            "segmentation one.",
        ),
        Option(
            "sum_of_pixels",
            "Both are sums over pixels; Dice just gives each pixel a different weight",
            False,
            "Dice is not a sum of per-pixel terms but a ratio over the whole mask: each pixel's "
            "gradient depends on all the others through the intersection and the sizes.",
        ),
    ),
    hints=("Is the loss a sum over examples, or a ratio over the whole region?",),
)

smooth_role = ChoiceQuestion(
    id="imbalanced.smooth_role",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"Soft Dice loss is often written $1 - \dfrac{2\sum y\hat y + s}{\sum y + \sum \hat y + s}$. "
        r"What does the smoothing term $s$ do?"
    ),
    options=(
        Option(
            "tiny_gentle",
            "A tiny s, such as 1e-6, keeps the gradient small on empty masks",
            False,
            "The opposite: on an empty mask the gradient is 1/s per pixel, a million for "
            "s = 10⁻⁶ (the chapter's printout). A larger s, such as 1, is the gentle one.",
        ),
        Option(
            "never_zero",
            "A perfect prediction can no longer reach a loss of exactly 0",
            False,
            "With s in both places a perfect mask scores (2|G| + s)/(2|G| + s) = 1, a loss of "
            "exactly 0. Adding s to the denominator only would have that effect.",
        ),
        Option(
            "background_credit",
            "It gives the correctly predicted background a little credit",
            False,
            "s is a constant, not a count of pixels: the background still earns nothing, however "
            "large the image.",
        ),
        Option(
            "empty_masks",
            "Two empty masks score s/s = 1 rather than 0/0: a loss of 0",
            True,
            "Right: nothing to find and nothing predicted is a perfect answer, and with s > 0 the "
            "formula says so without a special case.",
        ),
    ),
    hints=("Try both masks empty, first with s = 0, then with s = 1.",),
)


# ----------------------------------------------------------------------------- focal: code

_FOCAL_NAMES = ("y_true", "p", "alpha", "gamma")


def _focal_reference(y_true, p, alpha, gamma):
    return losses.focal(y_true, p, alpha=alpha, gamma=gamma)


def _fcase(name, y, p, alpha, gamma):
    return Case(
        name,
        (np.array(y, dtype=np.float64), np.array(p, dtype=np.float64), alpha, gamma),
        _FOCAL_NAMES,
    )


def _random_focal_case(rng: np.random.Generator) -> Case:
    shape = (
        (int(rng.integers(4, 40)),)
        if rng.random() < 0.75
        else (int(rng.integers(2, 5)), int(rng.integers(2, 6)))
    )
    y = (rng.random(shape) < rng.uniform(0.2, 0.6)).astype(np.float64)
    y.flat[0], y.flat[1] = 1.0, 0.0
    p = np.round(rng.uniform(0.02, 0.98, size=shape), 4)
    alpha = float(np.round(rng.uniform(0.05, 0.95), 2))
    if abs(alpha - 0.5) < 0.1:
        alpha = 0.3
    gamma = float(rng.choice([0.5, 1.0, 2.0, 3.0, 5.0]))
    return Case(
        f"{y.size} examples, α = {alpha:g}, γ = {gamma:g}", (y, p, alpha, gamma), _FOCAL_NAMES
    )


def _twentieths(rng: np.random.Generator, low: int, high: int, size: int) -> np.ndarray:
    """``size`` probabilities on a 0.05 grid, ``low``/20 to ``high``/20 (printable without noise)."""
    return np.round(0.05 * rng.integers(low, high + 1, size=size), 2)


def _focal_fixed_draw(rng: np.random.Generator) -> tuple[Case, ...]:
    """A student's fixed cases of ``implement_focal``: the book's six edges with other values
    (every p strictly inside (0, 1); α never 0.5 where it is drawn, so a flipped α_t shows)."""
    # an easy positive, an easy negative, a hard positive, a hard negative
    a1, g1 = float(rng.choice([0.1, 0.2, 0.25, 0.3, 0.4])), float(rng.choice([1.5, 2.0, 2.5, 3.0]))
    p1 = np.array(
        [
            _twentieths(rng, 14, 19, 1)[0],
            _twentieths(rng, 1, 6, 1)[0],
            _twentieths(rng, 2, 8, 1)[0],
            _twentieths(rng, 11, 18, 1)[0],
        ]
    )
    # γ = 0 and α = 0.5 kept: half of binary cross-entropy; both classes present
    n2 = int(rng.integers(3, 6))
    y2 = rng.permutation(np.r_[1.0, 0.0, (rng.random(n2 - 2) < 0.5).astype(float)])
    p2 = _twentieths(rng, 2, 18, n2)
    # α above 0.5 and γ = 1 kept (the linear factor), five examples, one predicted at 0.5
    a3 = float(rng.choice([0.6, 0.7, 0.75, 0.8, 0.9]))
    y3 = rng.permutation([0.0, 0.0, 1.0, 1.0, float(rng.integers(2))])
    p3 = _twentieths(rng, 1, 19, 5)
    p3[int(rng.integers(5))] = 0.5
    # easy examples (p_t from 0.9 to 0.99), a large γ
    a4, g4 = float(rng.choice([0.1, 0.2, 0.25, 0.3])), float(rng.choice([4.0, 5.0, 6.0]))
    y4 = rng.permutation([1.0, 0.0, 1.0, 0.0])
    p_t4 = rng.choice([0.9, 0.95, 0.96, 0.97, 0.98, 0.99], size=4)
    p4 = np.round(np.where(y4 == 1, p_t4, 1 - p_t4), 2)
    # negatives only: an easy, a middling and a hard one
    a5, g5 = float(rng.choice([0.1, 0.2, 0.25, 0.3, 0.4])), float(rng.choice([1.0, 2.0, 3.0]))
    p5 = np.array(
        [
            _twentieths(rng, 1, 4, 1)[0],
            _twentieths(rng, 8, 12, 1)[0],
            _twentieths(rng, 16, 19, 1)[0],
        ]
    )
    # a 2-D array with a fractional γ, with a very easy positive and a very easy negative
    a6, g6 = float(rng.choice([0.6, 0.7, 0.8, 0.9])), float(rng.choice([0.5, 1.5, 2.5]))
    shape6 = [(2, 3), (3, 2), (2, 4)][int(rng.integers(3))]
    y6 = rng.permutation(np.r_[1.0, 0.0, 1.0, 0.0, (rng.random(np.prod(shape6) - 4) < 0.5)])
    p6 = _twentieths(rng, 2, 18, y6.size)
    p6[np.flatnonzero(y6 == 1)[0]] = float(rng.choice([0.99, 0.995, 0.999]))
    p6[np.flatnonzero(y6 == 0)[0]] = float(rng.choice([0.001, 0.01, 0.02]))
    r6, c6 = shape6
    return (
        _fcase(f"positives and negatives, α = {a1:g}, γ = {g1:g}", [1, 0, 1, 0], p1, a1, g1),
        _fcase(
            f"γ = 0 and α = 0.5 (half of binary cross-entropy), {n2} examples", y2, p2, 0.5, 0.0
        ),
        _fcase(f"α = {a3:g}, γ = 1", y3, p3, a3, 1.0),
        _fcase(f"easy examples, α = {a4:g}, γ = {g4:g}", y4, p4, a4, g4),
        _fcase(f"negatives only, α = {a5:g}, γ = {g5:g}", np.zeros(3), p5, a5, g5),
        _fcase(
            f"a {r6} × {c6} array, α = {a6:g}, γ = {g6:g}",
            y6.reshape(shape6),
            p6.reshape(shape6),
            a6,
            g6,
        ),
    )


def _parts(y, p):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    p_t = np.where(y == 1, p, 1 - p)
    return y, p, p_t


def _m_alpha_flipped(y, p, a, g):
    y, p, p_t = _parts(y, p)
    a_t = np.where(y == 1, 1 - a, a)
    return np.mean(-a_t * (1 - p_t) ** g * np.log(p_t))


def _m_alpha_positives_only(y, p, a, g):
    y, p, p_t = _parts(y, p)
    a_t = np.where(y == 1, a, 1.0)
    return np.mean(-a_t * (1 - p_t) ** g * np.log(p_t))


def _m_no_alpha(y, p, a, g):
    y, p, p_t = _parts(y, p)
    return np.mean(-((1 - p_t) ** g) * np.log(p_t))


def _m_pt_power(y, p, a, g):
    y, p, p_t = _parts(y, p)
    a_t = np.where(y == 1, a, 1 - a)
    return np.mean(-a_t * p_t**g * np.log(p_t))


def _m_p_not_pt(y, p, a, g):
    y, p, p_t = _parts(y, p)
    a_t = np.where(y == 1, a, 1 - a)
    return np.mean(-a_t * (1 - p) ** g * np.log(p_t))


def _m_gamma_times(y, p, a, g):
    y, p, p_t = _parts(y, p)
    a_t = np.where(y == 1, a, 1 - a)
    return np.mean(-a_t * (1 - p_t) * g * np.log(p_t))


def _m_no_modulation(y, p, a, g):
    y, p, p_t = _parts(y, p)
    a_t = np.where(y == 1, a, 1 - a)
    return np.mean(-a_t * np.log(p_t))


def _m_focal_sum(y, p, a, g):
    return losses.focal(y, p, alpha=a, gamma=g, reduction="sum")


def _m_focal_log2(y, p, a, g):
    y, p, p_t = _parts(y, p)
    a_t = np.where(y == 1, a, 1 - a)
    return np.mean(-a_t * (1 - p_t) ** g * np.log2(p_t))


def _m_log_p_always(y, p, a, g):
    y, p, p_t = _parts(y, p)
    a_t = np.where(y == 1, a, 1 - a)
    return np.mean(-a_t * (1 - p_t) ** g * np.log(p))


implement_focal = CodeQuestion(
    id="imbalanced.implement_focal",
    chapter=CHAPTER,
    kind="code",
    points=3,
    mirrors=MIRRORS,
    prompt=(
        "Write `focal(y_true, p, alpha, gamma)` returning the **mean** binary focal loss. "
        "`y_true` holds 0s and 1s, `p` the predicted probabilities of class 1 (same shape, never "
        r"exactly 0 or 1). With $p_t = p$ where $y = 1$ and $1 - p$ where $y = 0$, and "
        r"$\alpha_t = \alpha$ where $y = 1$ and $1 - \alpha$ where $y = 0$ (torchvision's "
        "convention), each element's loss is"
        "\n\n"
        r"$$\mathrm{FL} = -\alpha_t\,(1 - p_t)^{\gamma}\,\ln p_t .$$"
        "\n\n"
        "Use numpy and no loops; return one number."
    ),
    signature="focal(y_true, p, alpha, gamma)",
    stand_ins=("losses.focal", "losses.focal_grad"),
    reference=_focal_reference,
    fixed_cases=(
        _fcase(
            "positives and negatives, α = 0.25, γ = 2",
            [1, 0, 1, 0],
            [0.9, 0.2, 0.3, 0.6],
            0.25,
            2.0,
        ),
        _fcase(
            "γ = 0 and α = 0.5 (half of binary cross-entropy)", [1, 0, 1], [0.8, 0.3, 0.4], 0.5, 0.0
        ),
        _fcase("α = 0.75, γ = 1", [0, 0, 1, 1, 0], [0.1, 0.7, 0.95, 0.2, 0.5], 0.75, 1.0),
        _fcase("easy examples, α = 0.25, γ = 5", [1, 0, 1, 0], [0.99, 0.01, 0.97, 0.05], 0.25, 5.0),
        _fcase("negatives only, α = 0.25, γ = 2", [0, 0, 0], [0.05, 0.5, 0.9], 0.25, 2.0),
        _fcase(
            "a 2 × 3 array, α = 0.6, γ = 0.5",
            [[1, 0, 0], [0, 1, 1]],
            [[0.35, 0.45, 0.02], [0.85, 0.6, 0.999]],
            0.6,
            0.5,
        ),
    ),
    random_case=_random_focal_case,
    fixed_draw=_focal_fixed_draw,
    n_random=8,
    mistakes=(
        Mistake(
            _m_alpha_flipped,
            "α_t is flipped: torchvision (and the RetinaNet paper) weight positives (y = 1) by α "
            "and negatives by 1 − α.",
        ),
        Mistake(
            _m_alpha_positives_only,
            "Negatives must be weighted too: α_t = 1 − α where y = 0 (you used 1).",
        ),
        Mistake(
            _m_no_alpha,
            "The α_t weight is missing: multiply by α for positives and 1 − α for negatives.",
        ),
        Mistake(
            _m_pt_power,
            "The modulating factor is (1 − p_t)^γ, not p_t^γ: easy examples (p_t near 1) must count less.",
        ),
        Mistake(
            _m_p_not_pt,
            "The modulating factor uses p_t (the probability of the true class), not p: "
            "for a negative it is (1 − (1 − p))^γ = p^γ.",
        ),
        Mistake(_m_gamma_times, "γ is an exponent: (1 − p_t) ** gamma, not (1 − p_t) * gamma."),
        Mistake(
            _m_no_modulation, "The (1 − p_t)^γ factor is missing: that is α-balanced cross-entropy."
        ),
        Mistake(
            _m_log_p_always, "Use ln p_t, not ln p: for a negative example the log is of 1 − p."
        ),
        Mistake(_m_focal_sum, "You returned the sum; the question asks for the mean."),
        Mistake(_m_focal_log2, "Use the natural logarithm (np.log), not log base 2."),
    ),
    hints=(
        "Build p_t and alpha_t with np.where(y_true == 1, ..., ...), then combine them elementwise "
        "and take the mean.",
    ),
)


# ----------------------------------------------------------------------------- Dice: code

_DICE_NAMES = ("y_true", "y_pred", "smooth")


def _dice_reference(y_true, y_pred, smooth):
    return losses.dice(y_true, y_pred, smooth=smooth)


def _dcase(name, y, p, smooth):
    return Case(
        name, (np.array(y, dtype=np.float64), np.array(p, dtype=np.float64), smooth), _DICE_NAMES
    )


_MASK = np.zeros((4, 4))
_MASK[1:3, 1:3] = 1.0
_PRED = np.zeros((4, 4))
_PRED[1:3, 2:4] = 1.0
_SOFT = np.array(
    [[0.1, 0.2, 0.0, 0.0], [0.0, 0.9, 0.7, 0.1], [0.2, 0.6, 0.8, 0.0], [0.0, 0.1, 0.0, 0.3]]
)


def _random_dice_case(rng: np.random.Generator) -> Case:
    if rng.random() < 0.7:
        shape = (int(rng.integers(3, 12)), int(rng.integers(3, 12)))
    else:
        shape = (2, int(rng.integers(3, 7)), int(rng.integers(3, 7)))
    y = (rng.random(shape) < rng.uniform(0.05, 0.4)).astype(np.float64)
    if rng.random() < 0.5:
        p = np.round(rng.uniform(0.0, 1.0, size=shape), 3)
    else:
        p = np.round(np.clip(y + rng.normal(0, 0.3, size=shape), 0.0, 1.0), 3)
    smooth = float(rng.choice([1e-6, 0.5, 1.0, 5.0, 10.0]))
    return Case(f"{y.size} pixels, smooth = {smooth:g}", (y, p, smooth), _DICE_NAMES)


def _dice_fixed_draw(rng: np.random.Generator) -> tuple[Case, ...]:
    """A student's fixed cases of ``implement_dice``: the book's seven edges with other values.
    The smooths whose value is the point stay: a tiny 1e-6 (practically none), 0 with no
    overlap, 1 and 0 on two empty masks."""
    rows, cols = int(rng.integers(4, 7)), int(rng.integers(4, 8))
    h, w = int(rng.integers(2, 4)), int(rng.integers(2, cols // 2 + 1))  # w ≤ cols/2
    r0, c0 = int(rng.integers(rows - h + 1)), int(rng.integers(cols - w + 1))
    mask = np.zeros((rows, cols))
    mask[r0 : r0 + h, c0 : c0 + w] = 1.0
    k = int(mask.sum())
    # shifted by one pixel: an overlap (h, w ≥ 2), but not all of it (h < rows, w < cols)
    shifted = np.roll(mask, int(rng.choice([-1, 1])), axis=int(rng.integers(2)))
    apart = np.roll(mask, w, axis=1)  # w columns along: disjoint, as cols ≥ 2w
    e1 = (int(rng.integers(2, 5)), int(rng.integers(2, 5)))
    e0 = (int(rng.integers(2, 5)), int(rng.integers(2, 5)))
    large = float(rng.choice([10.0, 20.0, 50.0, 100.0]))
    soft = np.where(
        mask == 1,
        rng.choice([0.6, 0.7, 0.8, 0.9], size=mask.shape),
        rng.choice([0.0, 0.0, 0.0, 0.1, 0.2, 0.3], size=mask.shape),
    )  # as the book's: above 0.5 on the mask, below it off it (thresholding gives a loss of 0)
    s7 = float(rng.choice([0.5, 1.0, 2.0]))
    return (
        _dcase(f"a {rows} × {cols} mask with partial overlap, smooth = 1e-6", mask, shifted, 1e-6),
        _dcase(f"a perfect prediction of {k} pixels, smooth = 1e-6", mask, mask, 1e-6),
        _dcase(f"no overlap at all ({k} pixels each), smooth = 0", mask, apart, 0.0),
        _dcase(f"two empty {e1[0]} × {e1[1]} masks, smooth = 1", np.zeros(e1), np.zeros(e1), 1.0),
        _dcase(f"two empty {e0[0]} × {e0[1]} masks, smooth = 0", np.zeros(e0), np.zeros(e0), 0.0),
        _dcase(f"a small mask ({k} pixels) with a large smooth = {large:g}", mask, shifted, large),
        _dcase(f"soft predictions, smooth = {s7:g}", mask, soft, s7),
    )


def _sums(y, p):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    return np.sum(y * p), np.sum(y), np.sum(p)


def _m_no_smooth(y, p, s):
    i, a, b = _sums(y, p)
    return 1 - 2 * i / (a + b) if a + b > 0 else 0.0


def _m_smooth_denominator_only(y, p, s):
    i, a, b = _sums(y, p)
    with np.errstate(invalid="ignore"):  # NaN on two empty masks with smooth 0, silently
        return 1 - 2 * i / (a + b + s)


def _m_smooth_numerator_only(y, p, s):
    i, a, b = _sums(y, p)
    return 1 - (2 * i + s) / (a + b) if a + b > 0 else 0.0


def _m_no_two(y, p, s):
    i, a, b = _sums(y, p)
    return 1 - (i + s) / (a + b + s) if a + b + s > 0 else 0.0


def _m_iou(y, p, s):
    i, a, b = _sums(y, p)
    return 1 - (i + s) / (a + b - i + s) if a + b - i + s > 0 else 0.0


def _m_coefficient(y, p, s):
    return 1.0 - float(losses.dice(y, p, smooth=s))


def _m_squared(y, p, s):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    den = np.sum(y**2) + np.sum(p**2) + s
    return 1 - (2 * np.sum(y * p) + s) / den if den > 0 else 0.0


def _m_threshold(y, p, s):
    return float(losses.dice(y, (np.asarray(p) > 0.5).astype(float), smooth=s))


def _m_means(y, p, s):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    den = np.mean(y) + np.mean(p) + s
    return 1 - (2 * np.mean(y * p) + s) / den if den > 0 else 0.0


def _m_empty_is_one(y, p, s):
    i, a, b = _sums(y, p)
    return 1 - (2 * i + s) / (a + b + s) if a + b + s > 0 else 1.0


implement_dice = CodeQuestion(
    id="imbalanced.implement_dice",
    chapter=CHAPTER,
    kind="code",
    points=3,
    mirrors=MIRRORS,
    prompt=(
        "Write `dice(y_true, y_pred, smooth)` returning the soft Dice **loss** of one sample: "
        "`y_true` is a binary mask, `y_pred` predicted probabilities of the same shape (any "
        "shape), and the sums run over all elements:"
        "\n\n"
        r"$$L = 1 - \frac{2\sum_i y_i \hat y_i + s}{\sum_i y_i + \sum_i \hat y_i + s}.$$"
        "\n\n"
        "Two empty masks (all zeros) are a perfect match: return 0 for them, also when "
        "`smooth` is 0. Use numpy and no loops; return one number."
    ),
    signature="dice(y_true, y_pred, smooth)",
    stand_ins=("losses.dice", "losses.dice_grad"),
    reference=_dice_reference,
    fixed_cases=(
        _dcase("a 4 × 4 mask with partial overlap, smooth = 1e-6", _MASK, _PRED, 1e-6),
        _dcase("a perfect prediction, smooth = 1e-6", _MASK, _MASK, 1e-6),
        _dcase("no overlap at all, smooth = 0", _MASK, np.roll(_MASK, 2, axis=1), 0.0),
        _dcase("two empty masks, smooth = 1", np.zeros((3, 3)), np.zeros((3, 3)), 1.0),
        _dcase("two empty masks, smooth = 0", np.zeros((3, 3)), np.zeros((3, 3)), 0.0),
        _dcase("a small mask with a large smooth = 100", _MASK, _PRED, 100.0),
        _dcase("soft predictions, smooth = 1", _MASK, _SOFT, 1.0),
    ),
    random_case=_random_dice_case,
    fixed_draw=_dice_fixed_draw,
    n_random=8,
    mistakes=(
        Mistake(_m_coefficient, "You returned the Dice coefficient; the loss is 1 minus it."),
        Mistake(
            _m_no_smooth, "`smooth` is ignored: add it to both the numerator and the denominator."
        ),
        Mistake(
            _m_smooth_denominator_only,
            "`smooth` must be added to the numerator too, otherwise two empty masks score a loss "
            "of 1 and a perfect prediction never reaches 0.",
        ),
        Mistake(
            _m_smooth_numerator_only,
            "`smooth` must be added to the denominator as well as the numerator.",
        ),
        Mistake(
            _m_no_two, "The intersection is counted twice in Dice: the numerator is 2·Σ y·ŷ + s."
        ),
        Mistake(
            _m_iou,
            "That is the IoU (Jaccard) loss, intersection / union; Dice is 2·intersection / (|A| + |B|).",
        ),
        Mistake(
            _m_squared,
            "You squared the terms of the denominator (the V-Net variant). This exercise uses the "
            "plain sums Σ y + Σ ŷ.",
        ),
        Mistake(
            _m_threshold,
            "Soft Dice uses the probabilities as they are; do not threshold them at 0.5.",
        ),
        Mistake(
            _m_means,
            "Use sums, not means: with means the same `smooth` weighs far more relative to the "
            "overlap.",
        ),
        Mistake(
            _m_empty_is_one, "Two empty masks agree perfectly, so their Dice loss is 0, not 1."
        ),
    ),
    hints=(
        "Compute the intersection np.sum(y_true * y_pred) and the two sums; handle the case where "
        "the denominator is 0 before dividing.",
    ),
)


def _logit_grad(p_hat: float, gamma: float) -> float:
    """∂FL/∂z of a positive example predicted at ``p_hat``, no α, from :func:`losses.focal_grad`."""
    z = np.log(p_hat) - np.log1p(-p_hat)
    return float(
        losses.focal_grad([1.0], [z], alpha=None, gamma=gamma, from_logits=True, reduction="sum")[0]
    )


def _focal_gradient_gamma1(params: dict) -> NumericQuestion:
    p = float(params["p_hat"])
    u = 1 - p
    grad = _logit_grad(p, 1.0)
    ce_grad = _logit_grad(p, 0.0)  # σ(z) − y = −u
    return NumericQuestion(
        id="imbalanced.focal_gradient_gamma1",
        chapter=CHAPTER,
        kind="numeric",
        points=2,
        mirrors="Derivation: the focal gradient with respect to the logit",
        prompt=(
            rf"A positive example ($y = 1$) gets $\hat p = \sigma(z) = {p:g}$. With $\gamma = 1$ "
            r"and no α, what is $\partial\,\mathrm{FL}/\partial z$, the gradient of its focal "
            "loss with respect to its logit? Derive it (or use the chapter's formula) and give 4 "
            "decimals."
        ),
        answer=round(grad, 4),
        abs_tol=5e-4,
        rel_tol=0.0,
        wrong_values=(
            (
                round(ce_grad, 4),
                "That is cross-entropy's gradient σ(z) − y: the focal factor is missing.",
            ),
            (
                round(u * ce_grad, 4),
                "That is (1 − p_t)^γ times cross-entropy's gradient. The product rule also "
                "differentiates the factor (1 − p_t)^γ itself, which adds the term γ·p_t·log p_t.",
            ),
            (
                round(-grad, 4),
                "Right size, wrong sign: raising a positive's logit lowers its loss.",
            ),
        ),
        hints=(
            r"Use $\partial\mathrm{FL}/\partial z = \tilde y\,u^\gamma(\gamma\,p_t\log p_t - u)$ "
            rf"with $\tilde y = 2y - 1 = +1$, $p_t = {p:g}$ and $u = 1 - p_t$.",
        ),
        explanation=(
            f"{u:g} × (1 × {p:g} × ln {p:g} − {u:g}) = {u:g} × (−{-p * np.log(p):.4f} − {u:g}) "
            f"≈ {grad:.4f}, against {round(ce_grad, 4):g} for cross-entropy: γ = 1 keeps about "
            f"{grad / ce_grad:.0%} of this example's gradient, more than the {100 * u:.0f} % of "
            "its loss."
        ),
    )


def _draw_focal_gradient_gamma1(rng: np.random.Generator) -> dict:
    # p̂ from 0.4 to 0.95 in steps of 0.005: above 1/e, so that γ = 1 keeps less than all of
    # cross-entropy's gradient, and each slip (4 decimals) at least four tolerances from the key
    # and from the others
    while True:
        params = {"p_hat": round(0.005 * int(rng.integers(80, 191)), 3)}
        q = _focal_gradient_gamma1(params)
        if q.spread() > 2e-3:
            return params


focal_gradient_gamma1 = Parametric(
    build=_focal_gradient_gamma1,
    draw=_draw_focal_gradient_gamma1,
    params0={"p_hat": 0.8},
    shown=lambda p: (rf"gets $\hat p = \sigma(z) = {p['p_hat']:g}$",),
)

# how the logit gradient of an easy example (p_t = 0.9) changes when γ goes from 2 to 3
# (no variants: the book's cell right after Exercise 7 computes this answer for p_t = 0.9)
_STEP_LOSS = 1 - 0.9  # the loss's factor, (1 − p_t)^3 / (1 − p_t)^2
_STEP_GRAD = _logit_grad(0.9, 3.0) / _logit_grad(0.9, 2.0)  # ≈ 0.133

gamma_step_gradient = NumericQuestion(
    id="imbalanced.gamma_step_gradient",
    chapter=CHAPTER,
    kind="numeric",
    points=2,
    mirrors="Prediction: what raising γ does to an easy example's focal gradient",
    prompt=(
        r"An easy example has $p_t = 0.9$. Raise focal loss's γ from 2 to 3 (no α): its loss "
        r"is multiplied by $1 - p_t = 0.1$. By what factor is the size of its gradient with "
        r"respect to the logit multiplied? Predict it from the chapter's formula before you run "
        "the cell below; give 3 decimals."
    ),
    answer=_STEP_GRAD,
    abs_tol=1e-3,
    rel_tol=0.0,
    wrong_values=(
        (
            _STEP_LOSS,
            "That is the loss's factor. The gradient has a second term, γ·p_t·|ln p_t|, which "
            "grows with γ, so the gradient is damped less than the loss.",
        ),
        (1 / _STEP_GRAD, "That is the inverse: a larger γ makes the gradient smaller, not larger."),
        (
            _STEP_LOSS**2,
            "(1 − p_t)² is the loss's factor from γ = 0 to 2; from 2 to 3 one more factor "
            "(1 − p_t) appears, and the gradient also changes its second term.",
        ),
    ),
    hints=(
        r"The size of the gradient is $u^\gamma(u + \gamma\,p_t\,|\log p_t|)$ with "
        r"$u = 1 - p_t$: compute it for γ = 3 and for γ = 2 and divide.",
    ),
    explanation=(
        f"0.1³(0.1 + 3 × 0.9 ln(1/0.9)) / 0.1²(0.1 + 2 × 0.9 ln(1/0.9)) ≈ {_STEP_GRAD:.3f}, more "
        f"than the loss's {_STEP_LOSS:.1f}: each step of γ cuts the gradient of an easy example "
        "by less than it cuts its loss (for p_t near 1, a step from γ to γ + 1 multiplies it by "
        "about (γ + 2)/(γ + 1) · (1 − p_t))."
    ),
)


def _threshold_posterior(alpha: float, gamma: float) -> float:
    """The posterior π at which the expected focal loss has its minimum at q = 0.5: there the
    slopes balance, π·α·g₁ + (1 − π)(1 − α)·g₀ = 0, with the unweighted slopes g of
    :func:`losses.focal_grad` at q = 0.5."""
    g1, g0 = losses.focal_grad([1.0, 0.0], [0.5, 0.5], alpha=None, gamma=gamma, reduction="none")
    return float((1 - alpha) * g0 / ((1 - alpha) * g0 - alpha * g1))


def _alpha_threshold_derived(params: dict) -> NumericQuestion:
    a, g = float(params["alpha"]), float(params["gamma"])
    crossing = _threshold_posterior(a, g)
    return NumericQuestion(
        id="imbalanced.alpha_threshold_derived",
        chapter=CHAPTER,
        kind="numeric",
        points=2,
        mirrors="Derivation: where focal loss with α puts the 0.5 threshold",
        prompt=(
            r"For an input whose true posterior is $\pi = P(y = 1 \mid x)$, the best prediction "
            r"$q^*$ minimises $\pi\,\mathrm{FL}(1, q) + (1 - \pi)\,\mathrm{FL}(0, q)$, where "
            r"$\alpha_t$ is $\alpha$ for positives and $1 - \alpha$ for negatives. The chapter's "
            r"figure draws $q^*(\pi)$ for α = 0.25 and γ = 2 only. Derive the posterior at which "
            rf"$q^* = 0.5$ for α = {a:g} and γ = {g:g}; give two decimals."
        ),
        answer=crossing,
        abs_tol=0.005,
        rel_tol=0.0,
        wrong_values=(
            (
                a,
                "That is α itself. The positives are weighted down, so it takes a higher "
                "posterior to reach q* = 0.5, not a lower one.",
            ),
            (
                0.5,
                f"That is where it sits without α (and for cross-entropy); α = {a:g} weights the "
                "positives down, which moves it up.",
            ),
            (
                _threshold_posterior(0.25, 2.0),
                f"That is the crossing of the chapter's figure, for α = 0.25. Derive it for "
                f"α = {a:g}.",
            ),
        ),
        hints=(
            "At q = 0.5 a positive and a negative have the same p_t, so their unweighted focal "
            "losses have slopes of the same size and opposite signs: where do the α-weighted "
            "slopes cancel?",
        ),
        explanation=(
            "At q = 0.5 the slopes cancel when π·α = (1 − π)(1 − α), that is π = 1 − α = "
            f"{crossing:.2f}, whatever γ: γ sets how far predictions are pulled towards ½, α where "
            "the 0.5 crossing sits. Thresholding such a model at 0.5 calls positive only the "
            "inputs whose posterior exceeds 1 − α."
        ),
    )


def _draw_alpha_threshold(rng: np.random.Generator) -> dict:
    # α from 0.02 to 0.45 weights the positives down (the slips' feedback says so) and keeps the
    # key 1 − α at least 0.05 from 0.5; α from 0.23 to 0.27 is left out, whose key would be
    # within 0.02 of the figure's crossing 0.75 (a slip). γ changes nothing: that is the point
    # (and the book's α = 0.1, whose key the book prints, is drawn again by Parametric.params).
    while True:
        k = int(rng.integers(2, 46))
        gamma = float(rng.integers(1, 6))
        if not 23 <= k <= 27:
            return {"alpha": round(0.01 * k, 2), "gamma": gamma}


alpha_threshold_derived = Parametric(
    build=_alpha_threshold_derived,
    draw=_draw_alpha_threshold,
    params0={"alpha": 0.1, "gamma": 3.0},
    shown=lambda p: (rf"$q^* = 0.5$ for α = {p['alpha']:g} and γ = {p['gamma']:g}",),
)


@lru_cache(maxsize=1024)
def _focal_optimum(posterior: float, gamma: float) -> float:
    """The q that minimises π·FL(1, q) + (1 − π)·FL(0, q) (no α), on a grid of step 10⁻⁵."""
    q = np.linspace(1e-5, 1 - 1e-5, 99_999)
    pos = losses.focal(np.ones_like(q), q, alpha=None, gamma=gamma, reduction="none")
    neg = losses.focal(np.zeros_like(q), q, alpha=None, gamma=gamma, reduction="none")
    return float(q[np.argmin(posterior * pos + (1 - posterior) * neg)])


def _small_q_optimum(posterior: float, gamma: float) -> float:
    """The minimum of the small-q approximation −π log q + q^(γ + 1) of the expected focal
    loss, (π/(γ + 1))^(1/(γ + 1)), to 3 decimals (the known slip of the calibration question)."""
    return round((posterior / (gamma + 1)) ** (1 / (gamma + 1)), 3)


def _focal_calibration(params: dict) -> NumericQuestion:
    pi, g = float(params["posterior"]), float(params["gamma"])
    q_star = round(_focal_optimum(pi, g), 5)  # on the grid of step 10⁻⁵
    return NumericQuestion(
        id="imbalanced.focal_calibration",
        chapter=CHAPTER,
        kind="numeric",
        points=2,
        mirrors="Calibration: what a focal-trained model predicts instead of the posterior",
        prompt=(
            rf"Positives are rare: for some inputs the true posterior is $\pi = {pi:g}$. A model "
            rf"trained with focal loss (γ = {g:g}, no α) has reached the minimum of the expected "
            r"loss $\pi\,\mathrm{FL}(1, q) + (1 - \pi)\,\mathrm{FL}(0, q)$ on them. Which "
            r"probability $q^*$ does it predict? Minimise over $q$ numerically (a fine grid of $q$ "
            "and `losses.focal`); give 3 decimals."
        ),
        answer=q_star,
        abs_tol=2e-3,
        rel_tol=0.0,
        wrong_values=(
            (
                pi,
                "That is cross-entropy's answer: a proper scoring rule predicts the posterior. "
                "Focal loss's factor (1 − q)^γ on the positives' term makes a higher q cheaper.",
            ),
            (
                _small_q_optimum(pi, g),
                f"That is the small-q approximation (π/{g + 1:g})^(1/{g + 1:g}), a few per cent "
                "off here: minimise the exact expression.",
            ),
            (
                0.5,
                "q* = 0.5 only at π = 0.5 (without α): the pull is towards ½, not all the way.",
            ),
        ),
        hints=(
            "q = np.linspace(1e-5, 1 - 1e-5, 99_999); evaluate losses.focal(..., "
            "reduction='none') for y = 1 and y = 0, weight them by π and 1 − π, and take the q of "
            "the smallest sum.",
        ),
        explanation=(
            f"q* ≈ {q_star:.3f}: about {q_star / pi:.0f} times the true frequency. Focal loss is "
            "not a proper scoring rule: it pulls every prediction towards ½, so its probabilities "
            "must be recalibrated before they can be read as frequencies."
        ),
    )


def _draw_focal_calibration(rng: np.random.Generator) -> dict:
    # a rare positive (π from 0.001 to 0.05) and γ from 2 to 4 in steps of ½; the small-q
    # approximation is kept where it is off by at least 0.004 (two tolerances, as in the book's
    # version) and by at most 10 % (its feedback says "a few per cent"); for γ = 1 it never is
    while True:
        pi = round(0.001 * int(rng.integers(1, 51)), 3)
        gamma = float(rng.choice([2.0, 2.5, 3.0, 3.5, 4.0]))
        q_star = round(_focal_optimum(pi, gamma), 5)
        gap = abs(q_star - _small_q_optimum(pi, gamma))
        if 0.004 <= gap <= 0.1 * q_star:
            return {"posterior": pi, "gamma": gamma}


focal_calibration = Parametric(
    build=_focal_calibration,
    draw=_draw_focal_calibration,
    params0={"posterior": 0.01, "gamma": 2.0},
    shown=lambda p: (
        rf"the true posterior is $\pi = {p['posterior']:g}$",
        f"focal loss (γ = {p['gamma']:g}, no α)",
    ),
)

tversky_recall = ChoiceQuestion(
    id="imbalanced.tversky_recall",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=BEYOND_GUIDE,
    prompt=(
        "A screening model segments small lesions. A missed lesion pixel costs far more than a "
        "false alarm, which a radiologist will dismiss. You train with the Tversky loss "
        r"$1 - \dfrac{TP}{TP + \alpha\,FP + \beta\,FN}$. Which setting fits?"
    ),
    options=(
        Option(
            "fn_dearer",
            "α = 0.3, β = 0.7",
            True,
            "Right: a missed object pixel now costs more than a false alarm, so the trained model "
            "marks more pixels as object; recall rises and precision falls.",
        ),
        Option(
            "fp_dearer",
            "α = 0.7, β = 0.3",
            False,
            "That makes the false alarm the dearer error: the model turns cautious, precision rises "
            "and recall falls. β is the weight of the false negatives.",
        ),
        Option(
            "dice",
            "α = β = 0.5",
            False,
            "That is the Dice loss: a miss and a false alarm cost the same.",
        ),
        Option(
            "jaccard",
            "α = β = 1",
            False,
            "That is the Jaccard (IoU) loss: symmetric too, it favours neither kind of error.",
        ),
        Option(
            "focal_exponent",
            "α = β = 0.5, focal exponent 2",
            False,
            "The exponent reweights whole masks by how good their index already is; it does not "
            "change the price of a false negative against a false positive.",
        ),
    ),
    hints=("Which of the two weights multiplies the false negatives?",),
)


_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


def _missed(n: int) -> str:
    return "the one missed pixel weighs" if n == 1 else f"the {_WORDS[n]} missed pixels weigh"


def _false(n: int) -> str:
    return "the one false one" if n == 1 else f"the {_WORDS[n]} false ones"


def _tversky_loss(tp: int, fp: int, fn: int, alpha: float, beta: float) -> float:
    """Tversky loss of the soft counts TP, FP, FN through :func:`losses.tversky`: TP + FN
    object pixels predicted at TP / (TP + FN), and FP background pixels predicted at 1."""
    y = np.r_[np.ones(tp + fn), np.zeros(fp)]
    p = np.r_[np.full(tp + fn, tp / (tp + fn)), np.ones(fp)]
    return float(losses.tversky(y, p, alpha=alpha, beta=beta, smooth=0.0))


def _tversky_value(params: dict) -> NumericQuestion:
    tp, fp, fn = int(params["tp"]), int(params["fp"]), int(params["fn"])
    loss = _tversky_loss(tp, fp, fn, 0.3, 0.7)
    return NumericQuestion(
        id="imbalanced.tversky_value",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=BEYOND_GUIDE,
        prompt=(
            f"A predicted mask has the soft counts TP = {tp}, FP = {fp} and FN = {fn} (in pixels). "
            r"What is its Tversky loss $1 - \dfrac{TP}{TP + \alpha\,FP + \beta\,FN}$ with "
            "α = 0.3 and β = 0.7 (no smoothing, no focal exponent)? Give 4 decimals."
        ),
        answer=round(loss, 4),
        abs_tol=5e-4,
        rel_tol=0.0,
        wrong_values=(
            (round(1 - loss, 4), "That is the Tversky index; the loss is 1 minus it."),
            (
                round(_tversky_loss(tp, fp, fn, 0.7, 0.3), 4),
                f"α and β are swapped: α multiplies the false positives ({fp}), β the false "
                f"negatives ({fn}).",
            ),
            (
                round(_tversky_loss(tp, fp, fn, 0.5, 0.5), 4),
                "That is the Dice loss (α = β = ½); here a false negative costs 0.7, a false "
                "positive 0.3.",
            ),
            (
                round(_tversky_loss(tp, fp, fn, 1.0, 1.0), 4),
                "That is the Jaccard loss (α = β = 1).",
            ),
        ),
        hints=(f"The denominator is {tp} + 0.3 × {fp} + 0.7 × {fn}.",),
        explanation=(
            f"{tp} / ({tp} + {0.3 * fp:g} + {0.7 * fn:g}) = {tp} / {tp + 0.3 * fp + 0.7 * fn:g} "
            f"≈ {1 - loss:.4f}, so the loss is ≈ {loss:.4f}. Dice (α = β = ½) would give "
            f"1 − {2 * tp}/{2 * tp + fp + fn} ≈ {_tversky_loss(tp, fp, fn, 0.5, 0.5):.4f}: with "
            f"β > α {_missed(fn)} "
            + (
                f"more than {_false(fp)}."
                if 0.7 * fn > 0.3 * fp
                else f"less in all than {_false(fp)}, though each weighs more."
            )
        ),
    )


def _draw_tversky_value(rng: np.random.Generator) -> NumericQuestion:
    # FP ≠ FN, or swapping α and β, and Dice, would give the key; and every slip at least four
    # tolerances from the key and from the others, so the diagnosis is never ambiguous
    while True:
        params = {
            "tp": int(rng.integers(3, 13)),
            "fp": int(rng.integers(1, 9)),
            "fn": int(rng.integers(1, 9)),
        }
        if params["fp"] == params["fn"]:
            continue
        q = _tversky_value(params)
        if q.spread() > 2e-3:
            return params


tversky_value = Parametric(
    build=_tversky_value,
    draw=_draw_tversky_value,
    params0={"tp": 6, "fp": 4, "fn": 3},
    shown=lambda p: (f"soft counts TP = {p['tp']}, FP = {p['fp']} and FN = {p['fn']}",),
)

register(
    why_ce_fails,
    small_object_losses,
    background_accuracy,
    background_dice,
    focal_factor,
    alpha_convention,
    focal_vs_dice,
    smooth_role,
    implement_focal,
    implement_dice,
    focal_gradient_gamma1,
    gamma_step_gradient,
    alpha_threshold_derived,
    focal_calibration,
    tversky_recall,
    tversky_value,
)
