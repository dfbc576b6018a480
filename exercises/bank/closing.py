r"""Exercises for the closing chapter: choosing a loss, the mixed quiz, and Dice + BCE.

Every question here mixes the chapters: which loss fits a problem (the quick-reference table in
question form), how hard one example pulls under losses of different families (computed, with
the slips a reader makes), what a change of noise or batch does to a number (predicted, then
checked). The code exercise combines two losses: binary cross-entropy plus Dice loss, a common
choice for segmentation.

Question ids, by where the book asks them:

- the mixed quiz (:data:`MIXED_QUIZ`, shown by ``exercises.quiz("mixed")`` in the closing
  chapter): ``closing.choose_clean_regression``, ``closing.choose_interval``,
  ``closing.choose_vae``, ``closing.choose_verification``, ``closing.why_combine``,
  ``closing.logistic_pull``, ``closing.focal_easy_damping``, ``closing.infonce_at_start``;
- the closing chapter's exercises: ``closing.choose_detection``, ``closing.mae_over_huber``,
  ``closing.laplace_noise`` (predict, then run the experiment), ``closing.implement_dice_bce``;
- the page "How to use this course", which shows how a question works:
  ``closing.howto_huber_band``, ``closing.howto_huber_gradient``. They sit in this chapter's bank
  because every question belongs to a chapter and is asked once in the book.

>>> from exercises import check
>>> check("closing.choose_vae", "kl").passed
True
"""

from __future__ import annotations

import numpy as np

import losses

from .model import Case, ChoiceQuestion, CodeQuestion, Mistake, NumericQuestion, Option
from .registry import register, register_quiz
from .variants import Parametric

CHAPTER = "closing"
MIRRORS = "Quick reference: which loss for which problem (all five self-checks)"
HOW_TO = "How to use this course: a first question on the Huber formula and its slider"

#: MAE's error over MSE's on clean Gaussian data, for large samples: √(π/2), the median's
#: standard error over the mean's (the closing chapter measures it).
GAUSS_RATIO = float(np.sqrt(np.pi / 2))


def _choice(qid, prompt, options, hint, mirrors=MIRRORS):
    return ChoiceQuestion(
        id=f"closing.{qid}",
        chapter=CHAPTER,
        kind="single",
        points=1,
        mirrors=mirrors,
        prompt=prompt,
        options=tuple(Option(*o) for o in options),
        hints=(hint,),
    )


def _numeric(qid, prompt, answer, wrong_values, hint, explanation, *, tol, mirrors=MIRRORS):
    return NumericQuestion(
        id=f"closing.{qid}",
        chapter=CHAPTER,
        kind="numeric",
        points=1,
        mirrors=mirrors,
        prompt=prompt,
        answer=float(answer),
        abs_tol=tol,
        rel_tol=1e-4,
        wrong_values=tuple((float(v), text) for v, text in wrong_values),
        hints=(hint,),
        explanation=explanation,
    )


# ------------------------------------------------------------------- which loss for which problem

choose_clean_regression = _choice(
    "choose_clean_regression",
    "You forecast tomorrow's temperature. The errors of a good forecast are small and roughly "
    "Gaussian, with no outliers. Which loss gives the most accurate forecasts on average?",
    (
        (
            "mse",
            "MSE: the maximum-likelihood loss for this noise",
            True,
            "With Gaussian noise, minimising MSE is maximum likelihood; its estimate (the mean) is "
            "the least noisy one, and the robust losses have nothing to be robust against.",
        ),
        (
            "mae",
            "MAE: as accurate as MSE when there are no outliers",
            False,
            "Both aim at the same centre, but the median is the noisier estimate: with Gaussian "
            f"noise MAE's error is about √(π/2) ≈ {GAUSS_RATIO:.2f} times MSE's (the closing "
            "chapter measures it).",
        ),
        (
            "huber_small",
            "Huber with a small δ: robustness costs nothing",
            False,
            "A δ well below the noise puts almost every residual on the linear piece: the fit "
            "behaves like MAE and loses MSE's accuracy, with no outlier to guard against.",
        ),
        (
            "binned_ce",
            "Cross-entropy over 1 °C bins: a whole distribution",
            False,
            "Binning throws away the order of the values (a miss by one bin costs as much as a "
            "miss by ten) and rounds every forecast to a bin: a classification loss for a "
            "regression problem.",
        ),
    ),
    "Which loss is maximum likelihood for Gaussian noise, and what do the robust losses give up?",
)

choose_interval = _choice(
    "choose_interval",
    "A hospital wants, for each new patient, a range of length of stay that holds the true stay "
    "for 90 % of patients. Stays are right-skewed, and their spread grows with age. Which "
    "training set-up gives that range?",
    (
        (
            "quantile",
            "Two pinball-loss models, q = 0.05 and q = 0.95",
            True,
            "Each pinball loss estimates a conditional quantile, whatever the shape or the spread "
            "of the noise; together the two bracket 90 % of the stays.",
        ),
        (
            "huber_pair",
            "Two Huber models, δ = 0.05 and δ = 0.95",
            False,
            "δ sets where Huber's gradient stops growing, not which quantile it estimates: both "
            "models estimate a centre of the stays, so they give two close points, not a range.",
        ),
        (
            "mse_band",
            "One MSE model ± a Gaussian 90 % band of residuals",
            False,
            "That band assumes symmetric noise of one spread for every patient: with skewed stays "
            "whose spread grows with age it is centred wrong, too wide for the young and too "
            "narrow for the old.",
        ),
        (
            "mae_median",
            "One MAE model, whose median resists the skew",
            False,
            "MAE gives one number per patient, the conditional median: a point, not a range.",
        ),
    ),
    "Which loss has a level that picks a quantile?",
)

choose_detection = _choice(
    "choose_detection",
    "A dense object detector classifies about 100 000 candidate boxes per image as object or "
    "background. Only a handful contain an object, and almost all the others are easy "
    "background. Which loss was designed for this classification problem?",
    (
        (
            "focal",
            "Focal loss",
            True,
            "Focal loss was introduced with RetinaNet for exactly this: its factor (1 − p_t)^γ "
            "quiets the many easy background boxes, so the few hard ones drive the gradient.",
        ),
        (
            "dice",
            "Dice loss",
            False,
            "Dice scores the overlap of a segmentation mask, the small-object case. A detector "
            "needs a loss per box that quiets the easy boxes, which is what focal loss does.",
        ),
        (
            "smoothing",
            "Cross-entropy with label smoothing",
            False,
            "Label smoothing caps how confident the targets are; it does nothing about the "
            "imbalance: the easy background boxes still make up almost all of the loss.",
        ),
        (
            "tversky",
            "Tversky loss, β > α",
            False,
            "Tversky prices missed pixels above false alarms in a segmentation mask; it is not a "
            "per-box classification loss and does not quiet the easy boxes.",
        ),
    ),
    "Which loss down-weights the examples the model already gets right?",
)

choose_vae = _choice(
    "choose_vae",
    "In a variational autoencoder, which term keeps the encoder's distribution "
    r"$q(z \mid x)$ close to the prior $\mathcal{N}(0, I)$?",
    (
        (
            "kl",
            "KL(q(z | x) ‖ prior), in closed form",
            True,
            "The ELBO's regulariser is KL(q(z|x) ‖ p(z)), with a closed form for Gaussians.",
        ),
        (
            "reverse_kl",
            "KL(prior ‖ q(z | x)), in closed form",
            False,
            "The direction matters: the ELBO takes the expectation under the encoder's q, which "
            "gives KL(q ‖ p). The reversed divergence is a different objective.",
        ),
        (
            "recon",
            "MSE between the decoded x̂ and x",
            False,
            "That is the reconstruction term: it makes z carry information about x, which pulls q "
            "away from the prior, not towards it.",
        ),
        (
            "mse",
            "MSE pulling each code z towards 0",
            False,
            "That only pulls the codes' mean towards 0 and says nothing about their spread: the "
            "encoder could shrink its variance to nothing.",
        ),
    ),
    "The term compares two distributions, and its direction comes from the ELBO.",
)

choose_verification = _choice(
    "choose_verification",
    "You have scanned signatures in pairs, each pair labelled 'same writer' or 'different "
    "writers' (the writers themselves are not named), and want an embedding that verifies "
    "writers never seen in training. Which loss fits this data directly?",
    (
        (
            "contrastive",
            "Contrastive loss on the pairs",
            True,
            "It is defined on labelled pairs: pull same-writer pairs together, push "
            "different-writer pairs beyond a margin.",
        ),
        (
            "triplet",
            "Triplet loss on the pairs",
            False,
            "Triplet loss needs an anchor, a positive and a negative of known identities; pairs "
            "without writer names do not say which pairs share a writer.",
        ),
        (
            "cross_entropy",
            "Softmax cross-entropy over writers",
            False,
            "That needs every training signature labelled with its writer, from a fixed set, and "
            "by itself does not compare two signatures of writers it has never seen.",
        ),
        (
            "info_nce",
            "InfoNCE with in-batch negatives",
            False,
            "InfoNCE uses only positive pairs and treats every other example of the batch as a "
            "negative, so it throws away your 'different' labels and may push same-writer "
            "signatures apart.",
        ),
    ),
    "Which loss scores one labelled pair at a time?",
)

mae_over_huber = _choice(
    "mae_over_huber",
    "When is plain MAE a better choice than Huber?",
    (
        (
            "median",
            "When the median is the target, e.g. a delivery time",
            True,
            "MAE's minimiser is the (conditional) median, and it needs no δ. (The closing "
            "chapter's experiment adds a second case: many one-sided outliers, whose capped "
            "Huber pulls add up.)",
        ),
        (
            "clean",
            "When the data are clean, as MAE has no δ to tune",
            False,
            "On clean Gaussian data neither robust loss is needed, and MAE's error is about "
            f"√(π/2) ≈ {GAUSS_RATIO:.2f} times MSE's.",
        ),
        (
            "smooth",
            "When training needs a smooth gradient near zero",
            False,
            "MAE is the one with a kink at zero (its gradient jumps from −1 to 1); Huber is smooth "
            "there.",
        ),
        (
            "few_far",
            "When a few outliers are far off, as MAE ignores size",
            False,
            "Huber caps the pull of a far outlier too, and with δ set from the data it is as "
            "accurate as MAE when outliers are few; MAE's edge comes with many one-sided "
            "outliers.",
        ),
    ),
    "Which statistic does MAE estimate, and when does Huber's cap stop being enough?",
)

why_combine = _choice(
    "why_combine",
    "Segmentation models are often trained with Dice loss **plus** binary cross-entropy. Why "
    "combine them?",
    (
        (
            "complement",
            "BCE: a steady gradient per pixel; Dice: the object counts",
            True,
            "Each covers the other's weakness: Dice alone can give erratic gradients when the "
            "object is tiny, cross-entropy alone is dominated by the background.",
        ),
        (
            "reverse",
            "Cross-entropy removes Dice's bias towards all background",
            False,
            "It is the other way round: cross-entropy alone is dominated by the background "
            "pixels, while Dice, an overlap, cannot be won by predicting all background.",
        ),
        (
            "calibrate",
            "Dice turns BCE's pixel probabilities into calibrated ones",
            False,
            "Dice rewards overlap, not honest probabilities; if anything it pushes the outputs "
            "towards 0 and 1.",
        ),
        (
            "no_background_grad",
            "Dice alone gives no gradient to the background pixels",
            False,
            "It does: a background pixel's probability enters the denominator Σŷ, so raising it "
            "raises the Dice loss.",
        ),
    ),
    "What does each loss do badly on its own?",
)


# ------------------------------------------------- pulls across families, computed with losses


def _bce_pull(z):
    grad = losses.binary_cross_entropy_grad([1.0], [z], from_logits=True, reduction="sum")
    return abs(float(grad[0]))


def _focal_pull(z, gamma):
    grad = losses.focal_grad([1.0], [z], alpha=None, gamma=gamma, from_logits=True, reduction="sum")
    return abs(float(grad[0]))


def _logistic_pull(params: dict) -> NumericQuestion:
    z = float(params["z"])
    return _numeric(
        "logistic_pull",
        f"A positive example ($y = 1$) sits on the wrong side, with logit $z = {z:g}$. Under "
        f"the hinge loss (score ${z:g}$) it pulls with $|\\partial\\ell/\\partial f| = 1$; as a "
        f"regression residual of {-z:g} under Huber with δ = 1 it also pulls with 1. How hard "
        r"does it pull under binary cross-entropy from logits: what is $|\partial\ell/\partial z|$? "
        "Give three decimals.",
        _bce_pull(z),
        (
            (
                1.0,
                "That is the hinge's pull. The logistic pull is 1 − p̂: it approaches 1 as the "
                "example gets more wrong, but from below.",
            ),
            (
                1 / (1 + np.exp(-z)),
                "That is p̂ = σ(z), the predicted probability. The gradient is p̂ − y, so its size "
                "is 1 − p̂.",
            ),
            (
                np.log1p(np.exp(-z)),
                "That is the loss ln(1 + e^{−z}), not its gradient.",
            ),
        ),
        r"For a positive, $\partial\ell/\partial z = \hat p - 1$ with $\hat p = \sigma(z)$.",
        "Cross-entropy's pull on a wrong example is bounded too, like hinge's and Huber's, but it "
        "stays just below 1.",
        tol=1e-3,
    )


def _draw_logistic_pull(rng: np.random.Generator) -> dict:
    # clearly on the wrong side (beyond Huber's δ = 1), and not so far that 1 − p̂ is within a
    # few tolerances of the hinge's 1: z from −1.5 to −5 in quarters
    return {"z": -0.25 * int(rng.integers(6, 21))}


logistic_pull = Parametric(build=_logistic_pull, draw=_draw_logistic_pull, params0={"z": -3.0})


def _focal_easy_damping(params: dict) -> NumericQuestion:
    z, gamma = float(params["z"]), float(params["gamma"])
    p_easy = float(1 / (1 + np.exp(-z)))
    loss_factor = (1 - p_easy) ** gamma
    ratio = _focal_pull(z, gamma) / _bce_pull(z)
    return _numeric(
        "focal_easy_damping",
        f"An easy positive has logit $z = {z:g}$, so $\\hat p = \\sigma({z:g}) "
        f"\\approx {p_easy:.3f}$. Focal loss with γ = {gamma:g} (no α) multiplies its "
        f"cross-entropy **loss** by $(1 - \\hat p)^{{{gamma:g}}} \\approx {loss_factor:.4f}$. By "
        "what factor does it multiply its **gradient** with respect to $z$? Give "
        r"$|\partial \mathrm{FL}/\partial z| \,/\, |\partial \mathrm{BCE}/\partial z|$ to three "
        "significant figures.",
        ratio,
        (
            (
                loss_factor,
                "That is the loss's factor. The gradient also differentiates the modulating "
                "factor (1 − p̂)^γ, which adds a second term of the same sign.",
            ),
            (
                ratio - loss_factor,
                "That is only the term from differentiating (1 − p̂)^γ; add the cross-entropy "
                "term scaled by (1 − p̂)^γ.",
            ),
            (
                _focal_pull(z, gamma),
                "That is the focal gradient itself; divide it by the cross-entropy gradient, "
                "1 − p̂.",
            ),
        ),
        r"Differentiate $-(1 - p)^\gamma \ln p$ with respect to $p$, multiply by "
        r"$dp/dz = p(1 - p)$, and divide by cross-entropy's $1 - p$.",
        "On easy examples focal loss damps the gradient less than it damps the loss.",
        tol=5e-4,
    )


def _draw_focal_easy_damping(rng: np.random.Generator) -> dict:
    # an easy positive (p̂ from 0.73 to 0.97) and a γ of the chapter; every slip five
    # tolerances from the key and from the others
    while True:
        params = {
            "z": 0.25 * int(rng.integers(4, 15)),
            "gamma": float(rng.choice([1.5, 2.0, 2.5, 3.0])),
        }
        q = _focal_easy_damping(params)
        if q.spread() > 2.5e-3:
            return params


focal_easy_damping = Parametric(
    build=_focal_easy_damping,
    draw=_draw_focal_easy_damping,
    params0={"z": 2.0, "gamma": 2.0},
)


def _infonce_at_start(params: dict) -> NumericQuestion:
    n = int(params["n"])
    return _numeric(
        "infonce_at_start",
        "InfoNCE is a softmax cross-entropy over the batch: each anchor must pick its own positive "
        "among the $N$ positives of the batch (`losses.info_nce`). At initialisation the "
        "embeddings are nearly identical, so all the similarities are equal. What loss do you "
        f"expect for a batch of $N = {n}$ pairs? Give three decimals.",
        losses.info_nce(np.ones((n, 4)), np.ones((n, 4))),
        (
            (np.log2(n), "That is log₂ N; the losses use the natural logarithm."),
            (
                np.log(n - 1),
                "That counts only the negatives: the softmax's denominator holds the positive "
                "too, N candidates in all.",
            ),
            (
                np.log(2 * n - 1),
                "That is SimCLR's NT-Xent, where each of 2N views competes with its partner and "
                "2N − 2 negatives; `losses.info_nce` gives each anchor N candidates.",
            ),
            (1 / n, "That is the probability each candidate gets; the loss is −ln of it."),
        ),
        "A classifier that spreads its probability evenly over N classes has cross-entropy ln N.",
        "At the start InfoNCE sits at ln N, the chance level of an N-way classifier; the loss "
        "measures how far the embedding has moved from chance.",
        tol=1e-3,
    )


#: batch sizes people train with (ln N − ln(N − 1), a known slip, stays 2.6 tolerances from the
#: key up to 384)
_BATCHES = (16, 24, 32, 40, 48, 64, 80, 96, 128, 160, 192, 256, 320, 384)

infonce_at_start = Parametric(
    build=_infonce_at_start,
    draw=lambda rng: {"n": int(rng.choice(_BATCHES))},
    params0={"n": 256},
)


# ------------------------------------------------------------- predict, then run (the chapter)

laplace_noise = _choice(
    "laplace_noise",
    "Predict before you run the cell below. Keep the housing data clean (no outliers) but "
    "replace the Gaussian noise by Laplace noise with the same standard deviation: the same "
    "spread, with heavier tails and a sharper peak at 0. Over many data sets, how does MAE's "
    "mean slope error now compare with MSE's?",
    (
        (
            "smaller",
            "Smaller: the median is now the sharper estimate",
            True,
            "The median's error depends on how much noise sits near 0, not on σ alone: Laplace "
            "noise has a peak there, so the median beats the mean (1/√2 of its error for large "
            "samples).",
        ),
        (
            "same_ratio",
            f"Still about {GAUSS_RATIO:.2f} times MSE's: same σ, same ratio",
            False,
            "The mean's error depends only on σ, but the median's depends on the density at 0, "
            "which is higher for Laplace noise of the same σ: the ratio changes.",
        ),
        (
            "equal",
            "About equal: without outliers both find the line",
            False,
            "Both aim at the same line, but their estimates are not equally noisy; which one is "
            "the less noisy depends on the shape of the noise.",
        ),
        (
            "larger",
            "Larger than with Gaussian noise: tails hurt MAE too",
            False,
            "Heavy tails hurt the mean, whose pull grows with every large residual; MAE pulls "
            "with ±1 whatever the size.",
        ),
    ),
    "The mean's error depends only on σ; the median's depends on how much noise lies near 0.",
)


# --------------------------------------------------------------- the page "How to use this course"

_HOWTO_DELTA, _HOWTO_R = 0.5, 2.0
howto_huber_gradient = _numeric(
    "howto_huber_gradient",
    f"Set δ = {_HOWTO_DELTA:g} with the slider. A point has residual $r = y - \\hat y = "
    f"{_HOWTO_R:g}$. What is the Huber gradient $\\partial\\ell_\\delta/\\partial\\hat y$ there, "
    "with its sign?",
    losses.huber_grad([_HOWTO_R], [0.0], delta=_HOWTO_DELTA, reduction="sum")[0],
    (
        (
            -_HOWTO_R,
            "That is −r, the gradient inside the band |r| ≤ δ; this residual lies outside it.",
        ),
        (
            -losses.huber_grad([_HOWTO_R], [0.0], delta=_HOWTO_DELTA, reduction="sum")[0],
            "Right size, wrong sign: the derivative is taken with respect to ŷ, and r = y − ŷ "
            "falls as ŷ rises.",
        ),
        (
            losses.huber([_HOWTO_R], [0.0], delta=_HOWTO_DELTA, reduction="sum"),
            "That is the loss δ(|r| − δ/2), not its gradient.",
        ),
        (
            losses.huber_grad([_HOWTO_R], [0.0], delta=1.0, reduction="sum")[0],
            "That is the gradient for δ = 1; this question sets a different δ.",
        ),
    ),
    "Is |r| inside the band |r| ≤ δ? Then read the matching line of the gradient's formula.",
    "Outside the band the gradient is −δ·sign(r), however large r is.",
    tol=1e-6,
    mirrors=HOW_TO,
)

howto_huber_band = _choice(
    "howto_huber_band",
    "In the slider's figure the residual runs from −3 to 3. For which δ of the slider is the "
    "Huber loss equal to ½ r² over the whole plotted range?",
    (
        (
            "three",
            "δ = 3",
            True,
            "The band |r| ≤ δ then covers the whole plot, so the quadratic piece applies "
            "everywhere on it (any δ ≥ 3 would do).",
        ),
        (
            "quarter",
            "δ = 0.25",
            False,
            "A small δ makes the quadratic band narrow: the loss is linear almost everywhere, "
            "like MAE scaled by δ.",
        ),
        (
            "one",
            "δ = 1",
            False,
            "With δ = 1 the loss turns linear beyond |r| = 1: the gradient panel is clipped at ±1.",
        ),
        (
            "none",
            "No δ: Huber always ends linear",
            False,
            "Huber is ½ r² wherever |r| ≤ δ; a large enough δ puts the whole plotted range inside "
            "the band.",
        ),
    ),
    "Huber is quadratic inside the shaded band |r| ≤ δ.",
    mirrors=HOW_TO,
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


def _pred_on_grid(rng: np.random.Generator, y: np.ndarray, obj=(10, 19), bg=(1, 7)) -> np.ndarray:
    """Predicted probabilities on a 0.05 grid: 0.5 to 0.9 on the object, 0.05 to 0.3 off it
    (strictly inside (0, 1), printable without noise)."""
    hi = 0.05 * rng.integers(obj[0], obj[1], size=y.shape)
    lo = 0.05 * rng.integers(bg[0], bg[1], size=y.shape)
    return np.round(np.where(y > 0, hi, lo), 2)


def _dice_bce_fixed_draw(rng: np.random.Generator) -> tuple[Case, ...]:
    """A student's fixed cases of ``implement_dice_bce``: the book's four edges with other
    values (the empty mask with smooth = 1 and the tiny object with smooth = 1e-6 kept exact:
    those values are the point)."""
    # a small mask with a few object pixels
    shape1 = [(3, 3), (3, 4), (4, 3)][int(rng.integers(0, 3))]
    k1 = int(rng.integers(2, 5))
    y1 = np.zeros(shape1)
    y1.flat[rng.choice(y1.size, size=k1, replace=False)] = 1.0
    s1 = float(rng.choice([0.5, 1.0, 2.0]))
    # an empty mask, smooth = 1
    shape2 = [(2, 3), (3, 2), (2, 4)][int(rng.integers(0, 3))]
    y2 = np.zeros(shape2)
    # a tiny object: a single pixel, smooth = 1e-6
    shape3 = [(2, 4), (3, 3), (2, 5)][int(rng.integers(0, 3))]
    y3 = np.zeros(shape3)
    y3.flat[int(rng.integers(0, y3.size))] = 1.0
    # a large smooth, half the mask object
    s4 = float(rng.choice([20.0, 50.0, 100.0]))
    y4 = np.zeros((2, 2))
    y4.flat[rng.choice(4, size=2, replace=False)] = 1.0
    return (
        _case(
            f"a {shape1[0]} × {shape1[1]} mask with {k1} object pixels, smooth = {s1:g}",
            y1,
            _pred_on_grid(rng, y1),
            s1,
        ),
        _case(
            f"an empty {shape2[0]} × {shape2[1]} mask, smooth = 1",
            y2,
            _pred_on_grid(rng, y2),
            1.0,
        ),
        _case(
            f"a tiny object (1 pixel of {y3.size}), smooth = 1e-6",
            y3,
            _pred_on_grid(rng, y3, obj=(6, 13), bg=(1, 4)),
            1e-6,
        ),
        _case(f"a large smooth = {s4:g}", y4, _pred_on_grid(rng, y4, obj=(11, 19)), s4),
    )


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
    fixed_draw=_dice_bce_fixed_draw,
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
    choose_interval,
    choose_detection,
    choose_vae,
    choose_verification,
    mae_over_huber,
    why_combine,
    logistic_pull,
    focal_easy_damping,
    infonce_at_start,
    laplace_noise,
    implement_dice_bce,
    howto_huber_gradient,
    howto_huber_band,
)

#: The closing chapter's mixed quiz: this chapter's questions that mix the others, and only
#: those that are not exercises of the chapter or of "How to use this course" (every question
#: is asked once in the book).
MIXED_QUIZ: tuple[str, ...] = (
    "closing.choose_clean_regression",
    "closing.choose_interval",
    "closing.choose_vae",
    "closing.choose_verification",
    "closing.why_combine",
    "closing.logistic_pull",
    "closing.focal_easy_damping",
    "closing.infonce_at_start",
)
register_quiz("mixed", MIXED_QUIZ)
