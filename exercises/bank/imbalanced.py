r"""Exercises for the chapter on imbalanced data (focal, Dice and Tversky losses), mirroring
self-check 3.

Self-check 3 asks why plain cross-entropy fails to segment tumours covering under 2 % of a scan and
which two losses of the course address it. The questions below check that reasoning, the numbers of
the "all background" prediction, focal loss's modulating factor and α convention, the role of Dice's
smoothing term, and ask the reader to implement focal loss and Dice loss. Two more go beyond the
study guide: which Tversky weights favour recall, and the value of a Tversky loss.

Question ids: ``imbalanced.why_ce_fails``, ``imbalanced.two_losses``,
``imbalanced.background_accuracy``, ``imbalanced.background_dice``, ``imbalanced.focal_factor``,
``imbalanced.alpha_convention``, ``imbalanced.focal_vs_dice``, ``imbalanced.smooth_role``,
``imbalanced.implement_focal``, ``imbalanced.implement_dice``, ``imbalanced.focal_gradient_gamma1``,
``imbalanced.alpha_threshold``, ``imbalanced.tversky_recall``, ``imbalanced.tversky_value``.

>>> from exercises import check
>>> check("imbalanced.background_accuracy", 0.984).passed
True
"""

from __future__ import annotations

import numpy as np

import losses

from .model import Case, ChoiceQuestion, CodeQuestion, Mistake, NumericQuestion, Option
from .registry import register

CHAPTER = "imbalanced"
MIRRORS = "Self-check 3: segmenting tumours under 2 % of a scan (why cross-entropy fails, which two losses help)"
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
        "A model segments tumours that cover less than 2 % of each scan. Why does training with "
        "plain per-pixel cross-entropy tend to fail here?"
    ),
    options=(
        Option(
            "easy_negatives",
            "The loss is an average over pixels, and almost all pixels are easy background: "
            "predicting 'background everywhere' already gives a low loss, so little of the "
            "gradient pushes the model to find the tumour",
            True,
            "Right: the many easy negatives dominate the total, and the rare positives barely "
            "register.",
        ),
        Option(
            "not_pixelwise",
            "Cross-entropy cannot be applied to each pixel separately",
            False,
            "It can: per-pixel cross-entropy is the standard segmentation loss. The trouble is how "
            "the pixels are weighted, not whether it applies.",
        ),
        Option(
            "infinite",
            "Cross-entropy becomes infinite when the object is small",
            False,
            "The loss stays finite (and in practice small) whatever the object's size.",
        ),
        Option(
            "not_differentiable",
            "Cross-entropy has no gradient with respect to the predicted probabilities",
            False,
            "Cross-entropy is smooth in the probabilities; its gradients are just dominated by the "
            "background.",
        ),
    ),
    hints=("Count the pixels of each class and think about what the average of their losses is.",),
)

two_losses = ChoiceQuestion(
    id="imbalanced.two_losses",
    chapter=CHAPTER,
    kind="multiple",
    points=2,
    mirrors=MIRRORS,
    prompt="Which **two** losses of this course address the small-tumour problem?",
    options=(
        Option(
            "focal",
            "Focal loss",
            True,
            "It scales each pixel's cross-entropy by (1 − p_t)^γ, so the many easy background pixels "
            "count far less.",
        ),
        Option(
            "dice",
            "Dice loss",
            True,
            "It measures the overlap of prediction and mask, relative to their sizes, so a small "
            "object matters as much as a large one.",
        ),
        Option(
            "mse",
            "Mean squared error",
            False,
            "Per-pixel MSE is dominated by the background in the same way.",
        ),
        Option(
            "hinge",
            "Hinge loss",
            False,
            "Hinge loss weights the classes the same way cross-entropy does; nothing in it targets imbalance.",
        ),
        Option(
            "triplet",
            "Triplet loss",
            False,
            "Triplet loss learns embeddings from anchor/positive/negative triplets; it is not a "
            "segmentation loss.",
        ),
    ),
    hints=("One reweights the per-pixel loss, the other replaces it with an overlap measure.",),
)

background_accuracy = NumericQuestion(
    id="imbalanced.background_accuracy",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"A $50 \times 50$ scan has a tumour of 40 pixels. A model predicts 'background' for every "
        "pixel. What is its pixel accuracy, as a fraction between 0 and 1?"
    ),
    answer=0.984,
    abs_tol=1e-4,
    rel_tol=0.0,
    wrong_values=(
        (98.4, "Give the accuracy as a fraction (0.984), not as a percentage."),
        (0.016, "That is the share of tumour pixels, which the model gets wrong."),
        (0.0, "Every background pixel is classified correctly."),
    ),
    hints=("Accuracy = correctly classified pixels / all pixels; 50 × 50 = 2500.",),
    explanation="2460 of 2500 pixels are right: 98.4 % accuracy, and not one tumour pixel is found.",
)

background_dice = NumericQuestion(
    id="imbalanced.background_dice",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        "Same scan and same 'background everywhere' prediction. What is its Dice loss "
        r"$1 - \dfrac{2\sum_i y_i \hat y_i}{\sum_i y_i + \sum_i \hat y_i}$ (no smoothing)?"
    ),
    answer=1.0,
    abs_tol=1e-3,
    rel_tol=0.0,
    wrong_values=(
        (0.0, "That is the Dice coefficient (no overlap at all); the loss is 1 minus it."),
        (
            0.016,
            "Dice does not count background pixels as successes: only overlap with the tumour counts.",
        ),
        (0.984, "That is the pixel accuracy. Dice looks only at the overlap with the tumour."),
    ),
    hints=("The prediction contains no tumour pixel: what is the overlap Σ y·ŷ?",),
    explanation="The overlap is 0, so the Dice coefficient is 0 and the loss is 1, its worst value.",
)

focal_factor = NumericQuestion(
    id="imbalanced.focal_factor",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"In focal loss, the cross-entropy of each example is multiplied by $(1 - p_t)^\gamma$. "
        r"An easy example has $p_t = 0.9$. With $\gamma = 2$, by what factor is its loss multiplied?"
    ),
    answer=0.01,
    abs_tol=1e-6,
    rel_tol=1e-6,
    wrong_values=(
        (0.81, "That is p_t^γ; the factor is (1 − p_t)^γ."),
        (0.1, "That is (1 − p_t) to the power 1; γ = 2 squares it."),
        (0.2, "(1 − p_t)·γ multiplies by γ; γ is an exponent."),
        (
            100.0,
            "The factor shrinks the easy example's loss: it is (0.1)² = 0.01, not its inverse.",
        ),
    ),
    hints=("Compute (1 − 0.9)².",),
    explanation="(1 − 0.9)² = 0.01: an easy example counts a hundred times less than under cross-entropy.",
)

alpha_convention = ChoiceQuestion(
    id="imbalanced.alpha_convention",
    chapter=CHAPTER,
    kind="single",
    points=1,
    mirrors=MIRRORS,
    prompt=(
        r"In the focal-loss paper and in torchvision's `sigmoid_focal_loss`, the weight $\alpha_t$ "
        r"is $\alpha$ for positives and $1 - \alpha$ for negatives. With the usual $\alpha = 0.25$, "
        "which is right?"
    ),
    options=(
        Option(
            "pos_025",
            "Positives are weighted 0.25 and negatives 0.75",
            True,
            "Yes. It looks backwards, but with γ = 2 the modulating factor already removes most "
            "negatives' loss, and the paper found α = 0.25 worked best with it.",
        ),
        Option(
            "pos_075",
            "Positives are weighted 0.75 and negatives 0.25",
            False,
            "That flips the convention: α multiplies the positives' term.",
        ),
        Option(
            "both_025",
            "Both classes are weighted 0.25",
            False,
            "Negatives get 1 − α.",
        ),
        Option(
            "alpha_exponent",
            "α is an exponent applied to p_t",
            False,
            "The exponent is γ, on (1 − p_t); α is a plain weight.",
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
    prompt="Both focal loss and Dice loss target imbalance. What is the difference in how they do it?",
    options=(
        Option(
            "reweight_vs_overlap",
            "Focal loss keeps a per-example classification loss and reweights it; Dice replaces the "
            "objective by a measure of overlap between the predicted and the true region",
            True,
            "Right. That is also why they are often combined (e.g. Dice + cross-entropy) for segmentation.",
        ),
        Option(
            "same",
            "They are the same loss written in two ways",
            False,
            "Focal loss is a sum of per-example terms; Dice is a ratio over the whole mask.",
        ),
        Option(
            "dice_per_pixel",
            "Dice reweights each pixel by its difficulty; focal loss measures overlap",
            False,
            "That swaps them.",
        ),
        Option(
            "focal_needs_masks",
            "Focal loss only works for segmentation masks, Dice only for detection",
            False,
            "Focal loss came from detection (RetinaNet) and applies to any binary classification; "
            "Dice is the segmentation one.",
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
            "empty_masks",
            "It keeps the ratio defined when both masks are empty (0/0) and softens the loss for "
            "very small objects",
            True,
            "With s > 0 two empty masks give (0 + s)/(0 + s) = 1, a Dice loss of 0.",
        ),
        Option(
            "regularise",
            "It is an L2 penalty on the predictions",
            False,
            "s is a constant added to a ratio, not a penalty on the weights or outputs.",
        ),
        Option(
            "speed",
            "It makes training converge faster",
            False,
            "Its purpose is numerical: a defined value and gentler gradients on tiny or empty masks.",
        ),
        Option(
            "threshold",
            "It thresholds the soft predictions at 0.5",
            False,
            "Soft Dice uses the probabilities directly; no threshold is applied.",
        ),
    ),
    hints=("Try both masks empty with s = 0.",),
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


def _sums(y, p):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    return np.sum(y * p), np.sum(y), np.sum(p)


def _m_no_smooth(y, p, s):
    i, a, b = _sums(y, p)
    return 1 - 2 * i / (a + b) if a + b > 0 else 0.0


def _m_smooth_denominator_only(y, p, s):
    i, a, b = _sums(y, p)
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

focal_gradient_gamma1 = NumericQuestion(
    id="imbalanced.focal_gradient_gamma1",
    chapter=CHAPTER,
    kind="numeric",
    points=2,
    mirrors="Derivation: the focal gradient with respect to the logit",
    prompt=(
        r"A positive example ($y = 1$) gets $\hat p = \sigma(z) = 0.8$. With $\gamma = 1$ and no "
        r"α, what is $\partial\,\mathrm{FL}/\partial z$, the gradient of its focal loss with "
        "respect to its logit? Derive it (or use the chapter's formula) and give 4 decimals."
    ),
    answer=-0.0757,
    abs_tol=5e-4,
    rel_tol=0.0,
    wrong_values=(
        (-0.2, "That is cross-entropy's gradient σ(z) − y: the focal factor is missing."),
        (
            -0.04,
            "That is (1 − p_t)^γ times cross-entropy's gradient. The product rule also "
            "differentiates the factor (1 − p_t)^γ itself, which adds the term γ·p_t·log p_t.",
        ),
        (0.0757, "Right size, wrong sign: raising a positive's logit lowers its loss."),
    ),
    hints=(
        r"Use $\partial\mathrm{FL}/\partial z = s\,u^\gamma(\gamma\,q\log q - u)$ with "
        r"$s = +1$, $q = p_t = 0.8$, $u = 1 - q$.",
    ),
    explanation=(
        "0.2 × (1 × 0.8 × ln 0.8 − 0.2) = 0.2 × (−0.1785 − 0.2) ≈ −0.0757, against −0.2 for "
        "cross-entropy: γ = 1 keeps about 38 % of this example's gradient, more than the 20 % "
        "of its loss."
    ),
)

alpha_threshold = NumericQuestion(
    id="imbalanced.alpha_threshold",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors="Reading a figure: where focal loss with α puts the 0.5 threshold",
    prompt=(
        "With α = 0.25 and γ = 2, a model that outputs the prediction q* minimising the expected "
        "focal loss says q* = 0.5 for inputs of which true posterior P(y = 1 | x)? Read it off "
        "the q*(π) figure, to two decimals."
    ),
    answer=0.75,
    abs_tol=0.02,
    rel_tol=0.0,
    wrong_values=(
        (
            0.5,
            "That is where it sits without α, and for cross-entropy; α = 0.25 weights the "
            "positives down, so it takes a higher posterior to reach 0.5.",
        ),
        (0.25, "α is 0.25, but the threshold moves the other way: up, not down."),
    ),
    hints=("Follow the α = 0.25 curve to the height q* = 0.5 and read the posterior below it.",),
    explanation=(
        "About 0.75: thresholding that model at 0.5 calls positive only inputs whose posterior "
        "exceeds 0.75, hence fewer predicted positives, higher precision and lower recall."
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
            "α = β = 0.5 with the focal exponent γ = 2, i.e. the loss (1 − TI)²",
            False,
            "The exponent reweights whole masks by how good their index already is; it does not "
            "change the price of a false negative against a false positive.",
        ),
    ),
    hints=("Which of the two weights multiplies the false negatives?",),
)

tversky_value = NumericQuestion(
    id="imbalanced.tversky_value",
    chapter=CHAPTER,
    kind="numeric",
    points=1,
    mirrors=BEYOND_GUIDE,
    prompt=(
        "A predicted mask has the soft counts TP = 6, FP = 4 and FN = 3 (in pixels). What is its "
        r"Tversky loss $1 - \dfrac{TP}{TP + \alpha\,FP + \beta\,FN}$ with α = 0.3 and β = 0.7 "
        "(no smoothing, no focal exponent)? Give 4 decimals."
    ),
    answer=0.3548,
    abs_tol=5e-4,
    rel_tol=0.0,
    wrong_values=(
        (0.6452, "That is the Tversky index; the loss is 1 minus it."),
        (
            0.3814,
            "α and β are swapped: α multiplies the false positives (4), β the false negatives (3).",
        ),
        (
            0.3684,
            "That is the Dice loss (α = β = ½); here a false negative costs 0.7, a false positive 0.3.",
        ),
        (0.5385, "That is the Jaccard loss (α = β = 1)."),
    ),
    hints=("The denominator is 6 + 0.3 × 4 + 0.7 × 3.",),
    explanation=(
        "6 / (6 + 1.2 + 2.1) = 6 / 9.3 ≈ 0.6452, so the loss is ≈ 0.3548. Dice (α = β = ½) "
        "would give 1 − 12/19 ≈ 0.3684: with β > α the three missed pixels weigh more than the "
        "four false ones."
    ),
)

register(
    why_ce_fails,
    two_losses,
    background_accuracy,
    background_dice,
    focal_factor,
    alpha_convention,
    focal_vs_dice,
    smooth_role,
    implement_focal,
    implement_dice,
    focal_gradient_gamma1,
    alpha_threshold,
    tversky_recall,
    tversky_value,
)
