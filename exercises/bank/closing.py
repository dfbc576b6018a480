r"""Exercises for the closing chapter: choosing a loss, the mixed quiz, and Dice + BCE.

The closing chapter's quiz mixes questions from every chapter's bank (:data:`MIXED_QUIZ`) with
the scenario questions below, which ask which loss fits a problem (the quick-reference table in
question form). Its code exercise combines two losses: binary cross-entropy plus Dice loss, a
common choice for segmentation.

Question ids: ``closing.choose_clean_regression``, ``closing.choose_detection``,
``closing.choose_vae``, ``closing.choose_verification``, ``closing.mae_over_huber``,
``closing.why_combine``, ``closing.implement_dice_bce``.

In the chapter notebook, ``exercises.quiz("mixed")`` shows :data:`MIXED_QUIZ`.

>>> from exercises import check
>>> check("closing.choose_vae", "kl").passed
True
"""

from __future__ import annotations

import numpy as np

import losses

from .model import Case, ChoiceQuestion, CodeQuestion, Mistake, Option
from .registry import register, register_quiz

CHAPTER = "closing"
MIRRORS = "Quick reference: which loss for which problem (all five self-checks)"


def _choice(qid, prompt, options, hint):
    return ChoiceQuestion(
        id=f"closing.{qid}",
        chapter=CHAPTER,
        kind="single",
        points=1,
        mirrors=MIRRORS,
        prompt=prompt,
        options=tuple(Option(*o) for o in options),
        hints=(hint,),
    )


choose_clean_regression = _choice(
    "choose_clean_regression",
    "You predict tomorrow's temperature. The measurement noise is small and roughly Gaussian, "
    "with no outliers. Which loss is the natural default?",
    (
        (
            "mse",
            "MSE",
            True,
            "With Gaussian noise, minimising MSE is maximum likelihood, and it estimates the mean.",
        ),
        (
            "huber",
            "Huber",
            False,
            "Huber would work, but with no outliers its δ is one more thing to tune for no gain.",
        ),
        ("hinge", "Hinge", False, "Hinge loss is for classification with ±1 labels."),
        (
            "kl",
            "KL divergence",
            False,
            "KL compares two probability distributions, not a number with a number.",
        ),
    ),
    "Clean, Gaussian noise: which loss is its maximum-likelihood loss?",
)

choose_detection = _choice(
    "choose_detection",
    "A dense object detector scores about 100 000 candidate boxes per image; only a handful "
    "contain an object. Which loss was designed for this classification problem?",
    (
        (
            "focal",
            "Focal loss",
            True,
            "Focal loss was introduced with RetinaNet for exactly this: it shrinks the loss of the many easy background boxes.",
        ),
        (
            "mse",
            "MSE on the class scores",
            False,
            "Squared error on scores does nothing about the 1-in-10 000 imbalance.",
        ),
        (
            "contrastive",
            "Contrastive loss",
            False,
            "Contrastive loss learns an embedding from pairs; it does not classify boxes.",
        ),
        ("kl", "KL divergence", False, "KL has no mechanism for the easy-negative problem."),
    ),
    "Which loss down-weights easy examples?",
)

choose_vae = _choice(
    "choose_vae",
    "In a variational autoencoder, which term keeps the encoder's distribution "
    r"$q(z \mid x)$ close to the prior $\mathcal{N}(0, I)$?",
    (
        (
            "kl",
            "KL divergence",
            True,
            "The ELBO's regulariser is KL(q(z|x) ‖ p(z)), with a closed form for Gaussians.",
        ),
        (
            "mse",
            "MSE between z and 0",
            False,
            "That only pulls the mean towards 0 and ignores the variance.",
        ),
        (
            "triplet",
            "Triplet loss",
            False,
            "Triplet loss orders distances between embeddings; it does not compare distributions.",
        ),
        ("dice", "Dice loss", False, "Dice measures overlap of segmentation masks."),
    ),
    "The term compares two distributions.",
)

choose_verification = _choice(
    "choose_verification",
    "You have scanned signatures in pairs, each pair labelled 'same writer' or 'different "
    "writers', and want an embedding for verification. Which loss fits this data directly?",
    (
        (
            "contrastive",
            "Contrastive loss",
            True,
            "It is defined on labelled pairs: pull same-writer pairs together, push others beyond a margin.",
        ),
        (
            "triplet",
            "Triplet loss",
            False,
            "Triplet loss needs anchor/positive/negative triplets; you could build them, but the data you have are pairs.",
        ),
        (
            "cross_entropy",
            "Cross-entropy over writers",
            False,
            "That needs a fixed set of writer classes and cannot verify new writers by distance.",
        ),
        ("huber", "Huber", False, "Huber is a regression loss."),
    ),
    "Which loss scores one pair at a time?",
)

mae_over_huber = _choice(
    "mae_over_huber",
    "When is plain MAE a better choice than Huber?",
    (
        (
            "median",
            "When you want the model to predict the median (e.g. a delivery-time estimate that is "
            "too early as often as too late) and the noise is heavy-tailed",
            True,
            "MAE's minimiser is the (conditional) median, and it needs no δ to tune.",
        ),
        ("clean", "When the data are clean and Gaussian", False, "Then MSE is the natural choice."),
        (
            "smooth",
            "When you need a loss with a smooth gradient at zero error",
            False,
            "MAE is the one with a kink at zero; Huber is smooth there.",
        ),
        (
            "classes",
            "When the targets are class labels",
            False,
            "Neither is a classification loss.",
        ),
    ),
    "Which estimator does MAE target?",
)

why_combine = _choice(
    "why_combine",
    "Segmentation models are often trained with Dice loss **plus** binary cross-entropy. Why combine them?",
    (
        (
            "complement",
            "Cross-entropy gives every pixel a smooth, well-behaved gradient (helpful early in "
            "training), while Dice scores the overlap and so keeps a small object from being "
            "ignored",
            True,
            "Each covers the other's weakness: Dice alone can be unstable when masks are tiny, "
            "cross-entropy alone is dominated by the background.",
        ),
        (
            "same",
            "They are equivalent, so the sum is just twice as strong",
            False,
            "They are different objectives.",
        ),
        (
            "probabilities",
            "Dice turns the outputs into calibrated probabilities",
            False,
            "Dice does not calibrate anything.",
        ),
        (
            "speed",
            "The sum is cheaper to compute than either loss alone",
            False,
            "It costs the sum of both.",
        ),
    ),
    "What does each loss do badly on its own?",
)


# ----------------------------------------------------------------------------- code question

_NAMES = ("y_true", "y_pred", "smooth")


def _dice_bce_reference(y_true, y_pred, smooth):
    return losses.binary_cross_entropy(y_true, y_pred) + float(
        losses.dice(y_true, y_pred, smooth=smooth)
    )


def _case(name, y, p, smooth):
    return Case(
        name, (np.array(y, dtype=np.float64), np.array(p, dtype=np.float64), smooth), _NAMES
    )


def _random_case(rng: np.random.Generator) -> Case:
    shape = (int(rng.integers(3, 10)), int(rng.integers(3, 10)))
    y = (rng.random(shape) < rng.uniform(0.05, 0.4)).astype(np.float64)
    p = np.round(np.clip(0.7 * y + rng.uniform(0.02, 0.3, size=shape), 0.01, 0.99), 3)
    smooth = float(rng.choice([1e-6, 1.0, 10.0]))
    return Case(f"{y.size} pixels, smooth = {smooth:g}", (y, p, smooth), _NAMES)


def _bce(y, p):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _m_dice_only(y, p, s):
    return float(losses.dice(y, p, smooth=s))


def _m_bce_only(y, p, s):
    return losses.binary_cross_entropy(y, p)


def _m_bce_sum(y, p, s):
    return float(np.sum(_bce(y, p))) + float(losses.dice(y, p, smooth=s))


def _m_coefficient(y, p, s):
    return losses.binary_cross_entropy(y, p) + 1.0 - float(losses.dice(y, p, smooth=s))


def _m_positive_term_only(y, p, s):
    y = np.asarray(y, dtype=float)
    return float(np.mean(-y * np.log(p))) + float(losses.dice(y, p, smooth=s))


def _m_average(y, p, s):
    return 0.5 * _dice_bce_reference(y, p, s)


implement_dice_bce = CodeQuestion(
    id="closing.implement_dice_bce",
    chapter=CHAPTER,
    kind="code",
    points=3,
    mirrors=MIRRORS,
    prompt=(
        "Write `dice_bce(y_true, y_pred, smooth)` for one segmentation mask: the **mean** binary "
        "cross-entropy over all pixels **plus** the soft Dice loss (sums over all pixels):"
        "\n\n"
        r"$$L = \frac{1}{N}\sum_i -\bigl[y_i \ln \hat y_i + (1 - y_i)\ln(1 - \hat y_i)\bigr] "
        r"\;+\; 1 - \frac{2\sum_i y_i\hat y_i + s}{\sum_i y_i + \sum_i \hat y_i + s}.$$"
        "\n\n"
        "`y_true` is a binary mask and `y_pred` holds probabilities strictly between 0 and 1. "
        "You may call your own functions from the earlier chapters. Return one number."
    ),
    signature="dice_bce(y_true, y_pred, smooth)",
    stand_ins=(
        "losses.dice",
        "losses.dice_grad",
        "losses.binary_cross_entropy",
        "losses.binary_cross_entropy_grad",
    ),
    reference=_dice_bce_reference,
    fixed_cases=(
        _case(
            "a 3 × 3 mask, smooth = 1",
            [[0, 1, 0], [1, 1, 0], [0, 0, 0]],
            [[0.1, 0.8, 0.2], [0.6, 0.9, 0.3], [0.05, 0.1, 0.2]],
            1.0,
        ),
        _case(
            "an empty mask, smooth = 1", np.zeros((2, 3)), [[0.1, 0.2, 0.05], [0.3, 0.1, 0.02]], 1.0
        ),
        _case(
            "a tiny object, smooth = 1e-6",
            [[0, 0, 0, 0], [0, 1, 0, 0]],
            [[0.1, 0.1, 0.1, 0.1], [0.1, 0.4, 0.1, 0.1]],
            1e-6,
        ),
        _case("a large smooth = 50", [[1, 1], [0, 0]], [[0.7, 0.6], [0.2, 0.1]], 50.0),
    ),
    random_case=_random_case,
    n_random=8,
    mistakes=(
        Mistake(_m_dice_only, "Only the Dice part is there: add the mean binary cross-entropy."),
        Mistake(_m_bce_only, "Only the cross-entropy part is there: add the Dice loss."),
        Mistake(_m_bce_sum, "The cross-entropy part must be the mean over pixels, not the sum."),
        Mistake(
            _m_coefficient, "You added the Dice coefficient; add the Dice loss, 1 − coefficient."
        ),
        Mistake(
            _m_positive_term_only,
            "Binary cross-entropy has two terms: include (1 − y)·ln(1 − ŷ) for background pixels.",
        ),
        Mistake(_m_average, "Add the two losses; do not average them."),
    ),
    hints=(
        "Compute the two losses separately and check each against the chapters' functions first.",
    ),
)

register(
    choose_clean_regression,
    choose_detection,
    choose_vae,
    choose_verification,
    mae_over_huber,
    why_combine,
    implement_dice_bce,
)

#: The closing chapter's mixed quiz: concept questions from every chapter, then the scenarios.
MIXED_QUIZ: tuple[str, ...] = (
    "regression.outlier_loss",
    "regression.outlier_gradient_huber",
    "classification.zero_loss",
    "classification.multilabel",
    "imbalanced.two_losses",
    "imbalanced.background_dice",
    "distributions.asymmetry",
    "distributions.forward_kl_fit",
    "metric_learning.triplet_advantage",
    "metric_learning.triplet_value",
    "closing.choose_clean_regression",
    "closing.choose_detection",
    "closing.choose_vae",
    "closing.choose_verification",
    "closing.mae_over_huber",
    "closing.why_combine",
)
register_quiz("mixed", MIXED_QUIZ)
