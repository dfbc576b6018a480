r"""Chapter 3's experiments: a rare class in detection (focal loss) and in segmentation (Dice,
Tversky).

Two experiments, trained with the analytic gradients of :mod:`losses.imbalanced` and
:mod:`losses.classification`:

* **A, detection-like imbalance (1 positive per 100 negatives).** :func:`detection_data` makes
  the data, :func:`fit_detector` trains a logistic classifier with binary cross-entropy or focal
  loss; :func:`loss_shares` measures how much of the total loss comes from the easy negatives
  and :func:`loss_cdf` draws the cumulative distribution of the loss (Lin et al., 2017, fig. 4);
  :func:`detection_metrics` gives the minority class's precision, recall, F1 and average
  precision. :func:`focal_curves` gives the loss and gradient curves of the paper's fig. 1.
  :func:`focal_optimal_prediction` finds the prediction that minimises the expected focal loss
  at a posterior, and :func:`calibration_study` measures, with :func:`calibration_error` and
  against the true posterior, how calibrated the probabilities of focal-trained models are
  (Mukhoti et al., 2020).
* **B, a small object (< 2 % of the pixels).** :func:`segmentation_data` makes noisy images with
  one small bright disk each; :func:`fit_segmenter` trains a per-pixel logistic model on
  :func:`pixel_features` with BCE, soft Dice, both, focal loss or the (focal) Tversky loss;
  :func:`all_background` scores the "predict nothing" answer and :func:`overlap_scores` gives
  Dice, F1 and IoU of hard masks. :func:`tversky_sweep` trains with Tversky losses that price
  false positives (α) and false negatives (β = 1 − α) differently, and
  :func:`precision_recall_curve` traces the pixel precision-recall curve of one model's scores.

Example:
    >>> d = detection_data(seed=0)
    >>> int(d.y_train.sum()), len(d.y_train)                # 1 positive per 100 negatives
    (100, 10100)
    >>> s = loss_shares(d.y_train, np.full(d.y_train.shape, 0.01), gammas=[0.0, 2.0])
    >>> bool(s.easy_negative[0] > s.easy_negative[1])       # γ = 2 silences the easy ones
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    dice,
    dice_grad,
    focal,
    focal_grad,
    sigmoid,
    tversky,
    tversky_grad,
)

from .classification import reliability

__all__ = [
    "GAMMAS",
    "AllBackground",
    "Calibration",
    "Detection",
    "DetectionMetrics",
    "Detector",
    "FocalCurves",
    "LossCDF",
    "LossShares",
    "Overlap",
    "Segmentation",
    "Segmenter",
    "TverskySweep",
    "all_background",
    "calibration_error",
    "calibration_study",
    "detection_data",
    "detection_metrics",
    "fit_detector",
    "fit_segmenter",
    "focal_curves",
    "focal_damping",
    "focal_optimal_prediction",
    "focal_optimal_prediction_at",
    "loss_cdf",
    "loss_shares",
    "overlap_scores",
    "pixel_features",
    "precision_recall_curve",
    "segmentation_data",
    "segmentation_objective",
    "tversky_sweep",
]

GAMMAS = (0.0, 0.5, 1.0, 2.0, 5.0)
"""The focusing parameters of the focal-loss paper's figures; γ = 0 is cross-entropy."""


def _per_sample_focal(y, p, gamma, alpha):
    """Per-sample focal loss of probabilities p (γ = 0, α = None: binary cross-entropy)."""
    return focal(y, p, alpha=alpha, gamma=gamma, reduction="none")


# ----------------------------------------------------------------------------- focal curves


@dataclass(frozen=True)
class FocalCurves:
    r"""Focal loss and its gradient with respect to the logit, for a positive sample, as
    functions of :math:`p_t`; row ``k`` of ``loss`` and ``grad`` is for ``gammas[k]``."""

    p_t: np.ndarray
    gammas: tuple
    alpha: float | None
    loss: np.ndarray
    grad: np.ndarray


def focal_curves(p_t=None, gammas=GAMMAS, *, alpha: float | None = None) -> FocalCurves:
    r"""Focal loss :math:`-\alpha_t(1-p_t)^\gamma\log p_t` against :math:`p_t`, one curve per γ.

    :math:`p_t` is the probability given to the true class, so a sample of either class with
    the same :math:`p_t` has the same loss (without α); the curves are computed for a positive
    with :math:`\hat p = p_t` using :func:`losses.focal`, and the gradient with respect to its
    logit :math:`z = \log\frac{p_t}{1-p_t}` with :func:`losses.focal_grad` (``from_logits=True``).
    For γ = 0 the gradient is :math:`p_t - 1`, cross-entropy's; it is negative (raising the logit
    lowers the loss), and for γ > 0 it fades much faster as :math:`p_t \to 1`.

    Args:
        p_t: probabilities of the true class (default: 199 points on [0.005, 0.995]).
        gammas: the focusing parameters.
        alpha: α for the positive class, or ``None`` (the paper's fig. 1 uses none).

    Example:
        >>> c = focal_curves([0.5, 0.9], gammas=[0.0, 2.0])
        >>> c.loss.round(4).tolist()                 # -log p_t, then damped by (1 - p_t)^2
        [[0.6931, 0.1054], [0.1733, 0.0011]]
        >>> c.grad[0].round(4).tolist()              # γ = 0: p_t - 1
        [-0.5, -0.1]
    """
    p = np.linspace(0.005, 0.995, 199) if p_t is None else np.asarray(p_t, dtype=np.float64)
    ones = np.ones_like(p)
    z = np.log(p) - np.log1p(-p)  # the logit whose sigmoid is p_t
    loss = np.stack([_per_sample_focal(ones, p, g, alpha) for g in gammas])
    grad = np.stack(
        [
            focal_grad(ones, z, alpha=alpha, gamma=g, from_logits=True, reduction="sum")
            for g in gammas
        ]
    )
    return FocalCurves(p, tuple(float(g) for g in gammas), alpha, loss, grad)


def focal_damping(p_t, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    r"""How much focal loss (no α) scales down cross-entropy's loss and its gradient.

    Returns ``(loss_ratio, grad_ratio)``: :math:`\mathrm{FL}/\mathrm{CE} = (1-p_t)^\gamma` and
    :math:`|\partial\mathrm{FL}/\partial z| / |\partial\mathrm{CE}/\partial z|
    = (1-p_t)^\gamma\,\bigl(1 + \gamma\,p_t\,|\log p_t| / (1-p_t)\bigr)`, both computed from
    :func:`losses.focal` and :func:`losses.focal_grad`. Their quotient is at least 1 and tends to
    :math:`1 + \gamma` as :math:`p_t \to 1`: the gradient is damped *less* than the loss. Since
    :math:`p_t|\log p_t| < 1 - p_t`, the gradient ratio stays below :math:`(1+\gamma)(1-p_t)^\gamma`,
    so on easy examples (:math:`p_t > 0.9`) the loss is cut to less than :math:`0.1^\gamma` of
    cross-entropy's and the gradient to less than :math:`(1+\gamma)\,0.1^\gamma`.

    Example:
        >>> loss_ratio, grad_ratio = focal_damping([0.9], 2.0)
        >>> float(loss_ratio[0].round(4)), float(grad_ratio[0].round(4))
        (0.01, 0.029)
    """
    c = focal_curves(p_t, gammas=[0.0, gamma])
    return c.loss[1] / c.loss[0], c.grad[1] / c.grad[0]


def focal_optimal_prediction(posterior, *, gamma: float = 2.0, alpha: float | None = None):
    r"""The prediction :math:`q^*` that minimises the expected focal loss at a posterior.

    For an input whose label is 1 with probability :math:`\pi`, a model that predicts :math:`q`
    pays on average :math:`\pi\,\mathrm{FL}(1, q) + (1-\pi)\,\mathrm{FL}(0, q)`. The best
    :math:`q` is searched on a grid of logits :math:`z` with step 0.002 on :math:`[-20, 20]`
    (so :math:`q = \sigma(z)` from :math:`2\cdot10^{-9}` to :math:`1 - 2\cdot10^{-9}`, with the
    same relative precision for a rare class as for a common one), then refined by the vertex
    of the parabola through the best grid point and its two neighbours. Cross-entropy (γ = 0, no
    α) gives :math:`q^* = \pi`, a proper scoring rule. Without α the focal objective is
    symmetric under :math:`\pi \leftrightarrow 1-\pi`, :math:`q \leftrightarrow 1-q`, so
    :math:`q^*(0.5) = 0.5`: the outputs are pulled towards 0.5 (under-confident) but the 0.5
    threshold stays Bayes'. α breaks the symmetry: :math:`q^* = 0.5` at :math:`\pi = 1 - \alpha`,
    whatever γ (at :math:`q = 0.5` both classes have the same :math:`p_t`, so their unweighted
    slopes are equal and opposite, and :math:`\pi\alpha = (1-\pi)(1-\alpha)`).

    Example:
        >>> focal_optimal_prediction([0.2, 0.5, 0.9], gamma=0.0).round(4).tolist()
        [0.2, 0.5, 0.9]
        >>> focal_optimal_prediction([0.5], gamma=2.0).round(4).tolist()
        [0.5]
        >>> float(focal_optimal_prediction([0.5], gamma=2.0, alpha=0.25)[0].round(2))
        0.4
        >>> float(focal_optimal_prediction([0.01], gamma=2.0)[0].round(3))   # not 0.01
        0.154
    """
    pi = np.asarray(posterior, dtype=np.float64)
    flat = np.atleast_1d(pi).ravel()
    h = 0.002
    z = np.linspace(-20.0, 20.0, 20001)  # step h
    ones = np.ones_like(z)
    fl_pos = focal(ones, z, alpha=alpha, gamma=gamma, from_logits=True, reduction="none")
    fl_neg = focal(0 * ones, z, alpha=alpha, gamma=gamma, from_logits=True, reduction="none")
    best = np.empty_like(flat)
    for start in range(0, flat.size, 256):  # 256 posteriors at a time: 40 MB, not 8 GB
        chunk = flat[start : start + 256, None]
        expected = chunk * fl_pos + (1 - chunk) * fl_neg
        k = np.clip(np.argmin(expected, axis=1), 1, z.size - 2)
        rows = np.arange(k.size)
        e0, e1, e2 = expected[rows, k - 1], expected[rows, k], expected[rows, k + 1]
        # vertex of the parabola through (z_{k-1}, e0), (z_k, e1), (z_{k+1}, e2)
        curvature = e0 - 2 * e1 + e2
        with np.errstate(divide="ignore", invalid="ignore"):
            shift = np.where(curvature > 0, 0.5 * (e0 - e2) / curvature, 0.0)
        best[start : start + 256] = z[k] + h * np.clip(shift, -1.0, 1.0)
    q = sigmoid(best)
    return q.reshape(np.atleast_1d(pi).shape)


# ------------------------------------------------------------------- experiment A: the data


@dataclass(frozen=True)
class Detection:
    """A 1:``ratio`` two-class problem in 2-D: labels 1 (rare positives) and 0, train and
    held-out sets from the same generator; ``mean_pos`` is the positives' centre (the
    negatives are centred at 0)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    mean_pos: np.ndarray
    ratio: int

    def posterior(self, X) -> np.ndarray:
        r"""The true :math:`P(y = 1 \mid x)` of the generator, the best any model can do:
        for two unit-covariance Gaussians its log-odds are linear,
        :math:`\mu\cdot x - \tfrac12\|\mu\|^2 - \ln(\text{ratio})`, so logistic regression
        is the right model family."""
        X = np.asarray(X, dtype=np.float64)
        mu = self.mean_pos
        return sigmoid(X @ mu - 0.5 * mu @ mu - np.log(self.ratio))


def detection_data(
    n_pos: int = 100,
    ratio: int = 100,
    *,
    n_test_pos: int = 300,
    distance: float = 3.0,
    seed: int = 0,
) -> Detection:
    r"""Rare positives :math:`\mathcal N(\mu, I)` among ``ratio`` times as many negatives
    :math:`\mathcal N(0, I)`, in 2-D, with :math:`\|\mu\| =` ``distance``.

    Like anchors in object detection: almost every negative is far from every positive (easy
    background), a thin tail of negatives reaches into the positives' region (hard negatives).
    The training set has ``n_pos`` positives, the held-out set ``n_test_pos``, each with
    ``ratio`` negatives per positive.

    Example:
        >>> d = detection_data(seed=1)
        >>> d.X_train.shape, int(d.y_test.sum()), d.y_test.size
        ((10100, 2), 300, 30300)
    """
    rng = np.random.default_rng(seed)
    mu = distance * np.array([0.8, 0.6])

    def draw(n_p):
        n_n = ratio * n_p
        X = np.concatenate([mu + rng.standard_normal((n_p, 2)), rng.standard_normal((n_n, 2))])
        y = np.concatenate([np.ones(n_p), np.zeros(n_n)])
        return X, y

    X_train, y_train = draw(n_pos)
    X_test, y_test = draw(n_test_pos)
    return Detection(X_train, y_train, X_test, y_test, mu, ratio)


# ------------------------------------------------------------- experiment A: where is the loss


@dataclass(frozen=True)
class LossShares:
    r"""For each γ in ``gammas``: the share of the total loss from easy negatives
    (:math:`p_t >` ``easy``), from the other (hard) negatives and from positives, and the
    total itself. Each row of shares sums to 1."""

    gammas: tuple
    easy: float
    easy_negative: np.ndarray
    hard_negative: np.ndarray
    positive: np.ndarray
    total: np.ndarray
    n_easy_negative: int
    n_hard_negative: int
    n_positive: int


def loss_shares(
    y, p, gammas=GAMMAS, *, alpha: float | None = None, easy: float = 0.9
) -> LossShares:
    r"""Split the total focal loss of predictions ``p`` between easy negatives, hard negatives
    and positives, for each γ.

    A sample is *easy* when the model already gives its true class a probability
    :math:`p_t >` ``easy`` (0.9 by default); only negatives are split, since the rare positives
    are what we care about whatever their difficulty. With γ = 0 (and ``alpha=None``) the loss is
    binary cross-entropy: each easy negative adds little, less than :math:`-\ln 0.9 \approx 0.105`,
    but there are so many that together they can outweigh the few positives. The modulating
    factor :math:`(1-p_t)^\gamma` is below :math:`0.1^\gamma` for every easy sample.

    Note:
        For a model trained *to convergence* with cross-entropy and a bias, the bias's gradient
        vanishes, :math:`\sum_i (p_i - y_i) = 0`, so :math:`\sum_{\text{neg}} p_i =
        \sum_{\text{pos}} (1 - p_i)`. For small :math:`p`, a negative's loss
        :math:`-\ln(1 - p_i)` is about :math:`p_i` and a positive's :math:`-\ln p_i \ge 1 - p_i`,
        so the negatives' total is then at most about the positives': easy negatives cannot
        *dominate* a converged model's cross-entropy, whatever the ratio. They dominate during
        training, while the model still gives the negatives too much probability (see
        :attr:`Detector.easy_share`), which is when focal loss matters.

    Args:
        y: labels 0/1.
        p: predicted probabilities of class 1 (from any model).
        gammas: the focusing parameters to compare.
        alpha: focal loss's α (``None``: no class weighting, to isolate γ's effect).
        easy: the :math:`p_t` above which a sample counts as easy.

    Example:
        >>> s = loss_shares([1, 0, 0], [0.5, 0.05, 0.2], gammas=[0.0])
        >>> round(float(s.easy_negative[0]), 4)        # ln(1/.95) / (ln 2 + ln(1/.95) + ln(1/.8))
        0.053
    """
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    p_t = np.where(y == 1, p, 1 - p)
    groups = {
        "easy_negative": (y == 0) & (p_t > easy),
        "hard_negative": (y == 0) & (p_t <= easy),
        "positive": y == 1,
    }
    shares = {k: np.empty(len(gammas)) for k in groups}
    total = np.empty(len(gammas))
    for i, g in enumerate(gammas):
        per = _per_sample_focal(y, p, g, alpha)
        total[i] = per.sum()
        for k, mask in groups.items():
            shares[k][i] = per[mask].sum() / total[i]
    return LossShares(
        gammas=tuple(float(g) for g in gammas),
        easy=easy,
        total=total,
        n_easy_negative=int(groups["easy_negative"].sum()),
        n_hard_negative=int(groups["hard_negative"].sum()),
        n_positive=int(groups["positive"].sum()),
        **shares,
    )


@dataclass(frozen=True)
class LossCDF:
    r"""Cumulative distribution of the normalised loss, positives and negatives separately:
    ``*_fraction[k]`` is the fraction of samples (sorted from the lowest loss), ``*_cumulative[k]``
    the share of that class's total loss they carry; both start at 0 and end at 1."""

    gamma: float
    pos_fraction: np.ndarray
    pos_cumulative: np.ndarray
    neg_fraction: np.ndarray
    neg_cumulative: np.ndarray

    def share_of_hardest(self, fraction: float, *, negatives: bool = True) -> float:
        """The share of the loss carried by the ``fraction`` of samples with the highest loss."""
        frac, cum = (
            (self.neg_fraction, self.neg_cumulative)
            if negatives
            else (self.pos_fraction, self.pos_cumulative)
        )
        return float(1.0 - np.interp(1.0 - fraction, frac, cum))


def _cdf(values):
    v = np.sort(values)
    cum = np.concatenate([[0.0], np.cumsum(v)]) / v.sum()
    cum[-1] = 1.0  # exactly, not 1 - 1 ulp from rounding in the sum
    frac = np.arange(v.size + 1) / v.size
    return frac, cum


def loss_cdf(y, p, gamma: float, *, alpha: float | None = None) -> LossCDF:
    r"""Cumulative distribution of the normalised focal loss over positives and over negatives.

    As in fig. 4 of Lin et al. (2017): compute each sample's loss, sort each class's losses from
    lowest to highest, normalise them to sum to 1 and accumulate. With γ = 0 the negatives' curve
    rises steadily (many small losses add up); with γ = 2 it stays near 0 until the last few per
    cent, the hard negatives, which carry almost all of it.

    Example:
        >>> c = loss_cdf([1, 0, 0, 0, 0], [0.5, 0.1, 0.1, 0.1, 0.6], gamma=0.0)
        >>> c.neg_fraction.tolist()
        [0.0, 0.25, 0.5, 0.75, 1.0]
        >>> round(c.share_of_hardest(0.25), 3)          # ln(1/.4) / (ln(1/.4) + 3 ln(1/.9))
        0.744
    """
    y = np.asarray(y, dtype=np.float64)
    per = _per_sample_focal(y, p, gamma, alpha)
    pos_f, pos_c = _cdf(per[y == 1])
    neg_f, neg_c = _cdf(per[y == 0])
    return LossCDF(float(gamma), pos_f, pos_c, neg_f, neg_c)


# ---------------------------------------------------------------- experiment A: training


@dataclass(frozen=True)
class Detector:
    r"""A logistic classifier :math:`\sigma(w\cdot x + b)` trained with ``loss`` (``"bce"`` or
    ``"focal"`` with ``alpha``, ``gamma``). ``history`` is the mean training loss before each
    step and ``easy_share`` the share of it carried by the easy negatives (:math:`p_t > 0.9`)."""

    loss: str
    alpha: float | None
    gamma: float
    w: np.ndarray
    b: float
    history: np.ndarray
    easy_share: np.ndarray

    def predict_proba(self, X) -> np.ndarray:
        return sigmoid(np.asarray(X, dtype=np.float64) @ self.w + self.b)


DETECTOR_LOSSES = ("bce", "focal")


def fit_detector(
    X,
    y,
    loss: str = "bce",
    *,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    steps: int = 1000,
    lr: float = 10.0,
    init_bias: float | None = None,
    prior: float = 0.01,
) -> Detector:
    r"""Train a linear logistic classifier on the mean BCE or the mean focal loss.

    Both losses are taken on the logits :math:`z_i = w\cdot x_i + b` (``from_logits=True``);
    :func:`losses.binary_cross_entropy_grad` or :func:`losses.focal_grad` gives
    :math:`g_i = \partial\ell_i/\partial z_i` and the chain rule gives
    :math:`\nabla_w = \frac1n\sum_i g_i x_i`, :math:`\partial/\partial b = \frac1n\sum_i g_i`.
    Full-batch gradient descent with a constant step (large, because almost every sample is an
    easy negative whose gradient is tiny). :math:`w` starts at 0 and :math:`b` at ``init_bias``,
    by default the log-odds of ``prior``, :math:`b = -\log\frac{1-\pi}{\pi}` (RetinaNet's
    initialisation, so that the first steps are not swamped by the negatives); ``init_bias=0``
    starts from :math:`p = \tfrac12` everywhere. ``alpha`` and ``gamma`` are used only for
    ``loss="focal"``; ``alpha=None`` gives focal loss without class weighting.

    Example:
        >>> d = detection_data(seed=0)
        >>> bce = fit_detector(d.X_train, d.y_train, "bce", steps=200)
        >>> bool(bce.history[-1] < bce.history[0])
        True
    """
    if loss not in DETECTOR_LOSSES:
        raise ValueError(f"loss must be one of {DETECTOR_LOSSES}, got {loss!r}.")
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    w = np.zeros(d)
    b = float(np.log(prior / (1 - prior))) if init_bias is None else float(init_bias)
    if loss == "bce":
        fn, grad, kw = binary_cross_entropy, binary_cross_entropy_grad, {}
    else:
        fn, grad, kw = focal, focal_grad, {"alpha": alpha, "gamma": gamma}
    negative = y == 0
    history, easy_share = np.empty(steps), np.empty(steps)
    for t in range(steps):
        z = X @ w + b
        per = fn(y, z, from_logits=True, reduction="none", **kw)
        history[t] = per.mean()
        # easy negative: p_t = 1 - σ(z) > 0.9, i.e. z < -ln 9
        easy_share[t] = per[negative & (z < -np.log(9.0))].sum() / per.sum()
        g = grad(y, z, from_logits=True, reduction="sum", **kw)
        # chain rule through z = Xw + b, for the mean over samples
        w -= lr * (X.T @ g) / n
        b -= lr * float(g.sum()) / n
    focal_loss = loss == "focal"
    return Detector(
        loss=loss,
        alpha=alpha if focal_loss else None,
        gamma=gamma if focal_loss else 0.0,
        w=w,
        b=b,
        history=history,
        easy_share=easy_share,
    )


@dataclass(frozen=True)
class DetectionMetrics:
    """Minority-class scores: precision, recall and F1 at ``threshold``, how many samples were
    predicted positive, and the threshold-free average precision."""

    threshold: float
    precision: float
    recall: float
    f1: float
    n_predicted: int
    average_precision: float


def precision_recall_curve(y, score) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Precision and recall of the rule "positive when score ≥ t", for every distinct score t.

    Returns ``(precision, recall, thresholds)``, thresholds from the highest score down, so
    recall never decreases along the arrays. Sorting once and counting the positives with a
    cumulative sum gives all of them in :math:`O(n \log n)`. Used for one segmentation model's
    pixel scores: every threshold of the same scores is one point of this curve, and a model
    trained with another loss that ranks the pixels the same way lands on it too.

    Example:
        >>> precision, recall, thresholds = precision_recall_curve([1, 0, 1, 0], [0.9, 0.8, 0.4, 0.1])
        >>> precision.round(4).tolist(), recall.tolist(), thresholds.tolist()
        ([1.0, 0.5, 0.6667, 0.5], [0.5, 0.5, 1.0, 1.0], [0.9, 0.8, 0.4, 0.1])
    """
    y = np.asarray(y, dtype=np.float64).ravel()
    score = np.asarray(score, dtype=np.float64).ravel()
    order = np.argsort(-score, kind="stable")
    s, t = score[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]  # last index of each distinct score
    tp = np.cumsum(t)[last]
    return tp / (last + 1), tp / t.sum(), s[last]


def _average_precision(y, score):
    """Σ_k (R_k - R_{k-1}) P_k over the distinct thresholds, highest first (sklearn's form)."""
    precision, recall, _ = precision_recall_curve(y, score)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def detection_metrics(y, p, *, threshold: float = 0.5) -> DetectionMetrics:
    r"""Precision :math:`TP/(TP+FP)`, recall :math:`TP/(TP+FN)` and
    :math:`F_1 = 2PR/(P+R)` of the positive class at ``threshold``, and average precision.

    Precision is 0 when nothing is predicted positive (scikit-learn's ``zero_division=0``).
    Average precision summarises the precision-recall curve over every threshold,
    :math:`\mathrm{AP} = \sum_k (R_k - R_{k-1}) P_k`, so it measures the *ranking* and does not
    depend on where the threshold sits.

    Example:
        >>> m = detection_metrics([1, 1, 0, 0, 0], [0.9, 0.3, 0.6, 0.2, 0.1])
        >>> m.precision, m.recall, m.f1, round(m.average_precision, 4)
        (0.5, 0.5, 0.5, 0.8333)
    """
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    pred = p >= threshold
    tp = float(np.sum(pred & (y == 1)))
    n_pred = int(pred.sum())
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / float(np.sum(y == 1))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return DetectionMetrics(threshold, precision, recall, f1, n_pred, _average_precision(y, p))


# ------------------------------------------------------------ experiment A: calibration


def calibration_error(y, p, *, n_bins: int = 15) -> float:
    r"""Expected calibration error of probabilities ``p`` of class 1, on equal-width bins.

    The interval [0, 1] is cut into ``n_bins`` bins (the last one closed); in each bin the
    observed frequency of class 1, :math:`\bar y_b`, is compared with the mean predicted
    probability :math:`\bar p_b`, and the gaps are averaged with the bins' weights:
    :math:`\mathrm{ECE} = \sum_b \frac{n_b}{n}\,|\bar y_b - \bar p_b|`. Fifteen bins is the
    choice of Guo et al. (2017) and Mukhoti et al. (2020). The bins and the gaps are those of
    the classification chapter's reliability diagram (:func:`.classification.reliability`).

    Example:
        >>> round(calibration_error([0, 1, 1, 1], [0.2, 0.3, 0.8, 0.9], n_bins=2), 6)
        0.2
    """
    return reliability(y, p, n_bins=n_bins).ece


@dataclass(frozen=True)
class Calibration:
    r"""Detectors trained with focal loss at each of ``gammas`` (γ = 0: cross-entropy), without
    α, and how well their held-out probabilities match the truth. Arrays follow ``gammas``:

    * ``ece``: :func:`calibration_error` (``n_bins`` equal-width bins);
    * ``gap``: the mean of :math:`|\hat p(x) - \pi(x)|` over the held-out points, against the
      generator's true posterior :math:`\pi(x)` (no binning: we know the truth);
    * ``gap_to_optimum``: the mean of :math:`|\hat p(x) - q^*(\pi(x))|`, against the prediction
      that minimises the expected loss (:func:`focal_optimal_prediction`);
    * ``mean_predicted``: the mean of :math:`\hat p`, to compare with ``positive_rate``;
    * ``average_precision``: the ranking of the held-out points, whatever the threshold.

    ``predictions[k]`` are the held-out probabilities of the model trained with ``gammas[k]``
    and ``posterior`` the true :math:`\pi(x)` of the held-out points."""

    gammas: tuple
    n_bins: int
    ece: np.ndarray
    gap: np.ndarray
    gap_to_optimum: np.ndarray
    mean_predicted: np.ndarray
    positive_rate: float
    average_precision: np.ndarray
    predictions: np.ndarray
    posterior: np.ndarray


def focal_optimal_prediction_at(posterior, *, gamma: float, alpha: float | None = None):
    r""":func:`focal_optimal_prediction` for many posteriors at once: computed on 401 posteriors
    spaced evenly in log-odds over :math:`[10^{-9}, 1 - 10^{-9}]` and interpolated in log-odds
    (:math:`q^*` is smooth and increasing in :math:`\pi`).

    Example:
        >>> pis = np.array([1e-4, 0.01, 0.3])
        >>> exact = focal_optimal_prediction(pis, gamma=2.0)
        >>> bool(np.allclose(focal_optimal_prediction_at(pis, gamma=2.0), exact, rtol=1e-3))
        True
    """

    def logit(v):
        return np.log(v) - np.log1p(-v)

    grid = sigmoid(np.linspace(logit(1e-9), logit(1 - 1e-9), 401))
    q = focal_optimal_prediction(grid, gamma=gamma, alpha=alpha)
    pi = np.clip(np.asarray(posterior, dtype=np.float64), 1e-9, 1 - 1e-9)
    return sigmoid(np.interp(logit(pi), logit(grid), logit(q)))


def calibration_study(
    data: Detection,
    gammas=(0.0, 1.0, 2.0, 3.0),
    *,
    n_bins: int = 15,
    steps: int = 1000,
    lr: float = 10.0,
) -> Calibration:
    r"""Train one detector per γ with :func:`fit_detector` (γ = 0: cross-entropy; otherwise focal
    loss without α, so that only γ acts) and measure the calibration of its held-out
    probabilities.

    Mukhoti et al. (2020) found that focal loss calibrates deep networks better than
    cross-entropy, which makes them over-confident. Here the model family contains the true
    posterior, so cross-entropy, a proper scoring rule, is calibrated already, and what is left
    is focal loss's own pull towards ½: each model predicts about :math:`q^*(\pi(x))`, not
    :math:`\pi(x)`, and the rare class's probabilities come out too high.

    Example:
        >>> c = calibration_study(detection_data(seed=0), gammas=(0.0, 2.0), steps=300)
        >>> bool(c.ece[0] < c.ece[1]), bool(c.mean_predicted[1] > 2 * c.positive_rate)
        (True, True)
    """
    posterior = data.posterior(data.X_test)
    rows = []
    for g in gammas:
        loss = "bce" if g == 0 else "focal"
        model = fit_detector(
            data.X_train, data.y_train, loss, alpha=None, gamma=float(g), steps=steps, lr=lr
        )
        p = model.predict_proba(data.X_test)
        optimum = focal_optimal_prediction_at(posterior, gamma=float(g))
        rows.append(
            (
                calibration_error(data.y_test, p, n_bins=n_bins),
                float(np.mean(np.abs(p - posterior))),
                float(np.mean(np.abs(p - optimum))),
                float(p.mean()),
                _average_precision(data.y_test, p),
                p,
            )
        )
    ece, gap, gap_opt, mean_p, ap, preds = (np.array(c) for c in zip(*rows, strict=True))
    return Calibration(
        gammas=tuple(float(g) for g in gammas),
        n_bins=n_bins,
        ece=ece,
        gap=gap,
        gap_to_optimum=gap_opt,
        mean_predicted=mean_p,
        positive_rate=float(np.mean(data.y_test)),
        average_precision=ap,
        predictions=preds,
        posterior=posterior,
    )


# -------------------------------------------------------------- experiment B: segmentation


@dataclass(frozen=True)
class Segmentation:
    """Noisy ``(n, H, W)`` images, each with one small bright disk, and the true 0/1 masks."""

    images_train: np.ndarray
    masks_train: np.ndarray
    images_test: np.ndarray
    masks_test: np.ndarray


def segmentation_data(
    n_train: int = 40,
    n_test: int = 40,
    *,
    size: int = 32,
    radius: tuple[float, float] = (1.5, 2.2),
    contrast: float = 1.0,
    noise: float = 0.6,
    seed: int = 0,
) -> Segmentation:
    r"""Images of Gaussian noise with one disk of brightness ``contrast`` added, like a small
    tumour on a scan.

    Each image is ``size`` × ``size``; its disk has a radius drawn uniformly from ``radius`` and
    a centre drawn at least 3 pixels from the border. A pixel belongs to the disk when its
    centre lies within the radius: with the defaults a disk covers 9 or 13 pixels, 0.9 % to
    1.3 % of a 32 × 32 image. Pixel values are ``contrast`` · mask + ``noise`` · N(0, 1), so a
    single pixel is a poor witness (signal-to-noise 1.7) but the disk's neighbourhood is not.

    Example:
        >>> d = segmentation_data(seed=0)
        >>> d.images_train.shape, bool(d.masks_test.mean() < 0.02)
        ((40, 32, 32), True)
    """
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:size, 0:size]

    def draw(n):
        r = rng.uniform(*radius, size=n)
        cy, cx = rng.integers(3, size - 3, size=(2, n))
        masks = (
            (rows - cy[:, None, None]) ** 2 + (cols - cx[:, None, None]) ** 2
            <= r[:, None, None] ** 2
        ).astype(np.float64)
        images = contrast * masks + noise * rng.standard_normal((n, size, size))
        return images, masks

    images_train, masks_train = draw(n_train)
    images_test, masks_test = draw(n_test)
    return Segmentation(images_train, masks_train, images_test, masks_test)


def pixel_features(images) -> np.ndarray:
    r"""Per-pixel features ``(n, H, W, 2)``: the pixel's value and the mean of its 3 × 3
    neighbourhood (edges padded by reflection), computed with numpy slicing.

    Averaging 9 pixels divides the noise's standard deviation by 3, which is what lets a
    per-pixel linear model see a disk of radius 2.

    Example:
        >>> img = np.zeros((1, 4, 4)); img[0, 1, 1] = 9.0
        >>> f = pixel_features(img)
        >>> f.shape, f[0, 0, 0].tolist(), f[0, 3, 3].tolist()
        ((1, 4, 4, 2), [0.0, 4.0], [0.0, 0.0])
    """
    x = np.asarray(images, dtype=np.float64)
    h, w = x.shape[1:]
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)), mode="reflect")
    local = sum(padded[:, i : i + h, j : j + w] for i in range(3) for j in range(3)) / 9.0
    return np.stack([x, local], axis=-1)


@dataclass(frozen=True)
class Overlap:
    r"""Scores of a hard predicted mask against the true one: Dice :math:`2|P\cap G|/(|P|+|G|)`,
    F1 (from precision and recall), IoU (Jaccard) :math:`|P\cap G|/|P\cup G|`, precision and
    recall of the object's pixels."""

    dice: float
    f1: float
    iou: float
    precision: float
    recall: float


def overlap_scores(true_mask, pred_mask) -> Overlap:
    r"""Dice, F1 and IoU of two hard 0/1 masks, each computed from its own definition.

    Dice is one minus :func:`losses.dice` with ``smooth=0``; F1 is :math:`2PR/(P+R)` from the
    pixel precision :math:`P = TP/(TP+FP)` and recall :math:`R = TP/(TP+FN)`; IoU is
    :math:`TP/(TP+FP+FN)`. For hard masks Dice equals F1 and :math:`D = 2J/(1+J)`, so the two
    rank predictions identically (IoU is the harsher number). Two empty masks score 1.

    Example:
        >>> s = overlap_scores([0, 1, 1, 1], [0, 1, 1, 0])   # TP 2, FP 0, FN 1
        >>> round(s.dice, 4), round(s.f1, 4), round(s.iou, 4)
        (0.8, 0.8, 0.6667)
    """
    t = np.asarray(true_mask, dtype=np.float64)
    q = np.asarray(pred_mask, dtype=np.float64)
    d = 1.0 - float(dice(t, q, smooth=0.0))
    tp = float(np.sum(t * q))
    fp, fn = float(np.sum((1 - t) * q)), float(np.sum(t * (1 - q)))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    iou = tp / (tp + fp + fn) if tp + fp + fn else 1.0
    return Overlap(d, f1, iou, precision, recall)


@dataclass(frozen=True)
class AllBackground:
    r"""The "predict background everywhere" answer on a set of masks.

    ``pixel_accuracy`` of the all-zero mask; ``bce`` of the constant probability
    ``base_rate`` (the object's pixel share, the best constant under BCE; pass the training
    set's when scoring held-out masks); ``dice_loss_soft`` of that constant and
    ``dice_loss_hard`` of the all-zero mask (means over images, ``smooth`` = 1e-6).
    """

    pixel_accuracy: float
    base_rate: float
    bce: float
    dice_loss_soft: float
    dice_loss_hard: float


def all_background(masks, *, base_rate: float | None = None) -> AllBackground:
    r"""Score the prediction "no object anywhere": high accuracy, low BCE, Dice loss ≈ 1.

    The all-zero mask is right on every background pixel, so its pixel accuracy is one minus
    the object's share (about 99 % here). The constant probability :math:`\pi` (the base rate)
    has BCE :math:`-[\pi\ln\pi + (1-\pi)\ln(1-\pi)]`, the entropy of the base rate, about 0.06
    nats at :math:`\pi = 1\%`: a low number that looks like a good model. Its soft Dice loss is
    :math:`1 - 2\pi|G|/(|G| + \pi N)`, close to 1, and the hard all-zero mask scores a Dice loss of
    1 (up to the smoothing term): overlap cannot be gamed by the majority class.

    Args:
        masks: true masks ``(n, H, W)``.
        base_rate: the constant probability; default the masks' own share of object pixels.

    Example:
        >>> m = np.zeros((1, 10, 10)); m[0, :2, :1] = 1          # 2 % of the pixels
        >>> r = all_background(m)
        >>> r.pixel_accuracy, round(r.bce, 4), round(r.dice_loss_soft, 4), round(r.dice_loss_hard, 4)
        (0.98, 0.098, 0.98, 1.0)
    """
    t = np.asarray(masks, dtype=np.float64)
    pi = float(t.mean()) if base_rate is None else float(base_rate)
    const = np.full_like(t, pi)
    return AllBackground(
        pixel_accuracy=float(np.mean(t == 0)),
        base_rate=pi,
        bce=binary_cross_entropy(t, const),
        dice_loss_soft=dice(t, const, axis=(1, 2)),
        dice_loss_hard=dice(t, np.zeros_like(t), axis=(1, 2)),
    )


@dataclass(frozen=True)
class Segmenter:
    r"""A per-pixel logistic model :math:`p = \sigma(w\cdot\phi + b)` on :func:`pixel_features`,
    trained with ``loss`` (and its ``params``), and its held-out scores at threshold 0.5: means
    over the test images of Dice, IoU; pixel accuracy; recall and precision over all object
    pixels; ``n_predicted``, the number of pixels predicted as object. ``average_precision``
    scores the ranking of the held-out pixels by :math:`p`, whatever the threshold. ``masks``
    are the hard predictions for the first ``n_show`` test images."""

    loss: str
    w: np.ndarray
    b: float
    history: np.ndarray
    dice: float
    iou: float
    pixel_accuracy: float
    recall: float
    precision: float
    masks: np.ndarray
    average_precision: float = float("nan")
    n_predicted: int = 0
    params: Mapping = field(default_factory=dict)

    def predict_proba(self, images) -> np.ndarray:
        return sigmoid(pixel_features(images) @ self.w + self.b)


SEGMENTER_LOSSES = ("bce", "dice", "bce+dice", "focal", "tversky")
_LOSS_PARAMS = {"focal": ("alpha", "gamma"), "tversky": ("alpha", "beta", "gamma", "smooth")}


def _check_loss(loss: str, params) -> dict:
    """The loss's keyword arguments, after checking the loss's name and the parameters' names."""
    if loss not in SEGMENTER_LOSSES:
        raise ValueError(f"loss must be one of {SEGMENTER_LOSSES}, got {loss!r}.")
    params = dict(params or {})
    allowed = _LOSS_PARAMS.get(loss, ())
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        takes = f"only {', '.join(allowed)}" if allowed else "no parameters"
        raise ValueError(f"loss {loss!r} takes {takes}; got {unknown}.")
    return params


def segmentation_objective(
    w, b: float, features, masks, loss: str, params: Mapping | None = None
) -> tuple[float, np.ndarray, float]:
    r"""The training objective of :func:`fit_segmenter` and its gradient with respect to
    :math:`(w, b)`, for logits :math:`z = \Phi w + b` over every pixel.

    * ``"bce"``: :func:`losses.binary_cross_entropy` on the logits, mean over all pixels;
      its ``_grad`` gives :math:`\partial L/\partial z = (\sigma(z) - y)/N`.
    * ``"focal"``: :func:`losses.focal` on the logits, mean over all pixels, with ``params``
      ``alpha`` and ``gamma`` (the library's defaults, α = 0.25 and γ = 2, if not given).
    * ``"dice"``: :func:`losses.dice` on :math:`p = \sigma(z)`, one loss per image
      (``axis=(1, 2)``), mean over images. :func:`losses.dice_grad` gives
      :math:`\partial L/\partial p`, and the chain rule through the sigmoid gives
      :math:`\partial L/\partial z = \partial L/\partial p \cdot p(1-p)`.
    * ``"tversky"``: :func:`losses.tversky` on :math:`p`, per image like Dice, with ``params``
      ``alpha`` (the price of a false positive), ``beta`` (of a false negative), ``gamma`` (the
      focal exponent; 1 is the plain Tversky loss) and ``smooth``.
    * ``"bce+dice"``: the sum of BCE and Dice (a common choice in medical segmentation).

    Then :math:`\nabla_w L = \sum_{\text{pixels}} (\partial L/\partial z)\,\phi` and
    :math:`\partial L/\partial b = \sum_{\text{pixels}} \partial L/\partial z`.

    Args:
        w: weights, one per feature; b: the bias.
        features: ``(n, H, W, k)`` from :func:`pixel_features`; masks: ``(n, H, W)``.
        loss: one of :data:`SEGMENTER_LOSSES`.
        params: keyword arguments of the loss (``"focal"`` and ``"tversky"`` only).

    Returns:
        ``(value, grad_w, grad_b)``.

    Example:
        >>> masks = np.zeros((1, 2, 2)); masks[0, 0, 0] = 1
        >>> feats = masks[..., None]                     # one feature: the mask itself
        >>> value, gw, gb = segmentation_objective(np.zeros(1), 0.0, feats, masks, "dice")
        >>> round(value, 4)                              # p = ½ everywhere: 1 - 2·½ / (1 + 2)
        0.6667
        >>> value, _, _ = segmentation_objective(np.zeros(1), 0.0, feats, masks, "tversky",
        ...                                      {"alpha": 0.2, "beta": 0.8, "smooth": 0.0})
        >>> round(value, 4)                     # TP ½, FP 3·½, FN ½: 1 - ½ / (½ + 0.2·1.5 + 0.8·½)
        0.5833
    """
    params = _check_loss(loss, params)
    z = features @ np.asarray(w, dtype=np.float64) + b
    value, dz = 0.0, np.zeros_like(z)
    if loss in ("bce", "bce+dice"):
        value += binary_cross_entropy(masks, z, from_logits=True)
        dz += binary_cross_entropy_grad(masks, z, from_logits=True)
    if loss == "focal":
        value += focal(masks, z, from_logits=True, **params)
        dz += focal_grad(masks, z, from_logits=True, **params)
    if loss in ("dice", "bce+dice", "tversky"):
        p = sigmoid(z)
        if loss == "tversky":
            value += tversky(masks, p, axis=(1, 2), **params)
            dp = tversky_grad(masks, p, axis=(1, 2), **params)
        else:
            value += dice(masks, p, axis=(1, 2))
            dp = dice_grad(masks, p, axis=(1, 2))
        # chain rule through the sigmoid: ∂L/∂z = ∂L/∂p · p(1 - p)
        dz += dp * p * (1 - p)
    # chain rule through z = Φw + b: sum over every pixel of every image
    grad_w = features.reshape(-1, features.shape[-1]).T @ dz.ravel()
    return float(value), grad_w, float(dz.sum())


def fit_segmenter(
    data: Segmentation,
    loss: str,
    *,
    params: Mapping | None = None,
    steps: int = 300,
    lr: float = 30.0,
    n_show: int = 4,
) -> Segmenter:
    r"""Train a per-pixel logistic model with one of :data:`SEGMENTER_LOSSES`, and score it.

    Full-batch gradient descent on :func:`segmentation_objective` (where the losses and the chain
    rule are written out) with a constant step; the step is large because the losses are means
    over tens of thousands of pixels, almost all of them background that the model already gets
    right, so the gradients are small. :math:`w` starts at 0 and :math:`b` at the log-odds of the
    training base rate (the best constant under BCE). ``params`` go to the loss (``"focal"``:
    ``alpha``, ``gamma``; ``"tversky"``: ``alpha``, ``beta``, ``gamma``, ``smooth``). The same
    ``steps`` and ``lr`` for every loss make the training budget the same.

    Held-out scores: the hard mask is :math:`p > 0.5`; Dice and IoU are averaged over test
    images (an image where the model finds nothing scores 0), pixel accuracy over all pixels,
    recall and precision over all object pixels, and the average precision of the pixels
    ranked by :math:`p` (:func:`detection_metrics`).

    Example:
        >>> d = segmentation_data(n_train=10, n_test=5, seed=0)
        >>> s = fit_segmenter(d, "dice", steps=50)
        >>> s.masks.shape, bool(s.history[-1] < s.history[0])
        ((4, 32, 32), True)
        >>> t = fit_segmenter(d, "tversky", params={"alpha": 0.3, "beta": 0.7}, steps=50)
        >>> t.params, bool(t.recall >= s.recall)          # false negatives priced higher
        ({'alpha': 0.3, 'beta': 0.7}, True)
    """
    params = _check_loss(loss, params)
    feats = pixel_features(data.images_train)  # (n, H, W, 2)
    y = data.masks_train
    base = float(y.mean())
    w, b = np.zeros(feats.shape[-1]), float(np.log(base / (1 - base)))
    history = np.empty(steps)
    for t in range(steps):
        history[t], grad_w, grad_b = segmentation_objective(w, b, feats, y, loss, params)
        w -= lr * grad_w
        b -= lr * grad_b

    test_p = sigmoid(pixel_features(data.images_test) @ w + b)
    pred = (test_p > 0.5).astype(np.float64)
    truth = data.masks_test
    per_image = [overlap_scores(t, q) for t, q in zip(truth, pred, strict=True)]
    return Segmenter(
        loss=loss,
        w=w,
        b=b,
        history=history,
        dice=float(np.mean([s.dice for s in per_image])),
        iou=float(np.mean([s.iou for s in per_image])),
        pixel_accuracy=float(np.mean(pred == truth)),
        recall=float(np.sum(pred * truth) / truth.sum()),
        precision=float(np.sum(pred * truth) / max(pred.sum(), 1.0)),
        masks=pred[:n_show],
        average_precision=_average_precision(truth.ravel(), test_p.ravel()),
        n_predicted=int(pred.sum()),
        params=params,
    )


# ------------------------------------------------------------ experiment B: Tversky's α and β


@dataclass(frozen=True)
class TverskySweep:
    r"""Segmenters trained with the Tversky loss at each ``alphas[k]`` (the price of a false
    positive) and ``betas[k] = 1 - alphas[k]`` (of a false negative), and their held-out
    precision, recall, mean Dice and pixel average precision (arrays in the order of
    ``alphas``)."""

    alphas: np.ndarray
    betas: np.ndarray
    gamma: float
    precision: np.ndarray
    recall: np.ndarray
    dice: np.ndarray
    average_precision: np.ndarray
    models: tuple


def tversky_sweep(
    data: Segmentation,
    alphas=(0.1, 0.3, 0.5, 0.7, 0.9),
    *,
    gamma: float = 1.0,
    steps: int = 300,
    lr: float = 30.0,
) -> TverskySweep:
    r"""Train one segmenter per α with the Tversky loss, :math:`\beta = 1 - \alpha`.

    With :math:`\alpha + \beta = 1` the Tversky index of hard masks is the :math:`F_b` score
    with :math:`b^2 = \beta/\alpha`: small α (cheap false positives) asks for recall, large α
    for precision, and α = ½ is Dice (F1). Each model gets the budget of :func:`fit_segmenter`
    (``steps`` gradient steps of size ``lr``), so the rows differ only by the loss.

    Example:
        >>> d = segmentation_data(n_train=10, n_test=10, seed=0)
        >>> s = tversky_sweep(d, alphas=[0.2, 0.8], steps=100)
        >>> s.betas.tolist(), bool(s.recall[0] > s.recall[1]), bool(s.precision[0] < s.precision[1])
        ([0.8, 0.2], True, True)
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    betas = np.round(1.0 - alphas, 12)  # 0.8, not 0.19999999999999996 + 0.6
    models = tuple(
        fit_segmenter(
            data,
            "tversky",
            params={"alpha": float(a), "beta": float(b), "gamma": gamma},
            steps=steps,
            lr=lr,
        )
        for a, b in zip(alphas, betas, strict=True)
    )

    def col(name):
        return np.array([getattr(m, name) for m in models])

    return TverskySweep(
        alphas=alphas,
        betas=betas,
        gamma=float(gamma),
        precision=col("precision"),
        recall=col("recall"),
        dice=col("dice"),
        average_precision=col("average_precision"),
        models=models,
    )
