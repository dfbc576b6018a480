r"""Chapter 2's experiments: what cross-entropy and hinge loss want from a classifier.

Five demonstrations, all trained with the analytic gradients of :mod:`losses.classification`:

* **Overflow.** :func:`naive_softmax` computes :math:`e^{z_c}/\sum_k e^{z_k}` as written and
  returns NaN at logits of about 1000; :func:`losses.softmax` shifts by the maximum first.
* **Losses of the margin.** :func:`margin_curves` gives the 0-1, hinge and logistic losses of
  the margin :math:`m = y f(x)` and their derivatives, for the classic figure.
* **Logistic regression against a linear SVM** on two Gaussian blobs (:func:`two_blobs`):
  :func:`fit_linear` trains both by full-batch gradient descent and counts how many training
  samples still produce gradient at the end; :func:`linear_accuracies` repeats the comparison
  on fresh draws of the data; :func:`reliability` computes a reliability diagram and the
  expected calibration error of each model's "probabilities", with equal-width or equal-mass
  bins (:func:`ece_by_bins` sweeps the number of bins).
* **Multi-label.** :func:`multilabel_data` and :func:`fit_multilabel`: one softmax over three
  tags (probabilities forced to sum to 1) against three independent sigmoids.
* **Calibration after training.** :func:`overlapping_classes` and :func:`fit_softmax` make an
  over-confident softmax regression (few samples, no penalty, many steps);
  :func:`temperature_nll` and :func:`fit_temperature` fit the one parameter of temperature
  scaling on held-out data; :func:`confidence_report` measures confidence, accuracy, NLL and the
  top-label ECE, and :func:`confidence_logit` gives Platt scaling its score. ``fit_softmax``'s
  ``label_smoothing`` trains the same model against smoothed targets.
* **Multiclass hinge against softmax cross-entropy.** :func:`fit_multiclass` trains the same
  linear model :math:`z = xW + b` with :func:`losses.cross_entropy` or
  :func:`losses.multiclass_hinge` (Crammer and Singer) and records each training sample's
  gradient and multiclass margin (:func:`multiclass_margins`); :func:`multiclass_accuracies`
  repeats it on fresh draws.

Example:
    >>> data = two_blobs(seed=0)
    >>> logreg = fit_linear(data.X_train, data.y_train, "cross_entropy")
    >>> svm = fit_linear(data.X_train, data.y_train, "hinge")
    >>> svm.n_active < logreg.n_active == len(data.y_train)   # hinge lets most samples go
    True
    >>> d = overlapping_classes(seed=0)
    >>> fit = fit_softmax(d.X_train, d.y_train)
    >>> T = fit_temperature(fit.logits(d.X_cal), d.y_cal)   # held-out data
    >>> bool(T > 1)                                          # over-confident: soften
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    cross_entropy,
    cross_entropy_grad,
    hinge,
    hinge_grad,
    multiclass_hinge,
    multiclass_hinge_grad,
    sigmoid,
    softmax,
)

__all__ = [
    "Blobs",
    "Classes",
    "Confidence",
    "LinearFit",
    "MarginCurves",
    "MultiLabel",
    "MultiLabelFit",
    "MulticlassFit",
    "Reliability",
    "SoftmaxFit",
    "confidence_logit",
    "confidence_report",
    "ece_by_bins",
    "fit_linear",
    "fit_multiclass",
    "fit_multilabel",
    "fit_softmax",
    "fit_temperature",
    "linear_accuracies",
    "margin_curves",
    "multiclass_accuracies",
    "multiclass_margins",
    "multilabel_data",
    "naive_softmax",
    "overlapping_classes",
    "platt_scale",
    "reliability",
    "temperature_nll",
    "two_blobs",
]

LINEAR_LOSSES = ("cross_entropy", "hinge")


# --------------------------------------------------------------------------- overflow


def naive_softmax(z, axis: int = -1) -> np.ndarray:
    r"""Softmax exactly as the formula reads, :math:`e^{z_c} / \sum_k e^{z_k}`: the *wrong* way.

    In float64, :math:`e^{z}` overflows to ``inf`` for :math:`z > 709.78`, and
    :math:`\infty/\infty` is NaN. The numpy warnings are silenced here so that a notebook shows
    the NaN itself rather than a warning; compare :func:`losses.softmax`, which subtracts the
    largest logit first (:math:`e^{z_c - m}/\sum_k e^{z_k - m}`, the same value, no overflow).

    Example:
        >>> naive_softmax([1.0, 0.0]).round(4).tolist()
        [0.7311, 0.2689]
        >>> naive_softmax([1000.0, 0.0]).tolist()       # inf / inf = nan, 1 / inf = 0
        [nan, 0.0]
    """
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=axis, keepdims=True)


# ----------------------------------------------------------------------- margin curves


@dataclass(frozen=True)
class MarginCurves:
    r"""Losses of the margin :math:`m = y f(x)` (labels :math:`y \in \{-1, +1\}`) and their
    derivatives :math:`d\ell/dm`, on the grid ``m``. ``base2`` says whether the logistic loss is
    in bits (:math:`\log_2(1 + e^{-m})`, through (0, 1)) or in nats (:math:`\ln(1+e^{-m})`)."""

    m: np.ndarray
    zero_one: np.ndarray
    hinge: np.ndarray
    logistic: np.ndarray
    d_zero_one: np.ndarray
    d_hinge: np.ndarray
    d_logistic: np.ndarray
    base2: bool


def margin_curves(m=None, *, base2: bool = False) -> MarginCurves:
    r"""The 0-1, hinge and logistic losses as functions of the margin :math:`m = y\,f(x)`.

    .. math::

        \ell_{0/1} = \mathbb 1[m \le 0],\qquad
        \ell_{\text{hinge}} = \max(0, 1 - m),\qquad
        \ell_{\text{log}} = \ln(1 + e^{-m})\ \ (\div \ln 2 \text{ if } \texttt{base2})

    The logistic loss *is* binary cross-entropy on the logit :math:`f` with the label
    :math:`(y+1)/2`, so it is computed with :func:`losses.binary_cross_entropy` (label 1, logit
    :math:`m`) and the hinge with :func:`losses.hinge` (label +1, score :math:`m`); their
    derivatives come from the matching ``_grad`` functions: :math:`-\mathbb 1[m < 1]` for the hinge
    (the subgradient 0 at the kink) and :math:`-\sigma(-m) = \sigma(m) - 1` for the logistic
    loss, which is never exactly 0. The 0-1 loss has derivative 0 wherever it has one, which is
    why nobody trains with it. A zero margin counts as an error. In bits (``base2=True``) the
    logistic loss passes through (0, 1) like the hinge, and both lie above the 0-1 loss
    everywhere: they are convex surrogates for it.

    Args:
        m: margins (default: 601 points on [-3, 3]).
        base2: measure the logistic loss in bits instead of nats.

    Example:
        >>> c = margin_curves([-1.0, 0.0, 1.0, 2.0], base2=True)
        >>> c.zero_one.tolist(), c.hinge.tolist(), c.logistic.round(4).tolist()
        ([1.0, 1.0, 0.0, 0.0], [2.0, 1.0, 0.0, 0.0], [1.8946, 1.0, 0.4519, 0.1831])
        >>> c.d_hinge.tolist()                       # nothing beyond the margin
        [-1.0, -1.0, 0.0, 0.0]
    """
    m = np.linspace(-3.0, 3.0, 601) if m is None else np.asarray(m, dtype=np.float64)
    ones = np.ones_like(m)
    scale = 1.0 / np.log(2.0) if base2 else 1.0
    return MarginCurves(
        m=m,
        zero_one=(m <= 0).astype(np.float64),
        hinge=hinge(ones, m, reduction="none"),
        logistic=scale * binary_cross_entropy(ones, m, from_logits=True, reduction="none"),
        d_zero_one=np.zeros_like(m),
        d_hinge=hinge_grad(ones, m, reduction="sum"),
        d_logistic=scale * binary_cross_entropy_grad(ones, m, from_logits=True, reduction="sum"),
        base2=base2,
    )


# --------------------------------------------------------------- logistic regression vs SVM


@dataclass(frozen=True)
class Blobs:
    """Two Gaussian blobs in 2-D, labels 0/1, a training set and a larger held-out set drawn
    from the same generator; ``means`` are the two centres (row 0 for class 0), ``std`` the
    standard deviation of each coordinate."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    means: np.ndarray
    std: float = 1.0

    def true_weights(self) -> tuple[np.ndarray, float]:
        r"""The :math:`(w, b)` of the true log-odds :math:`\log\frac{P(y=1\mid x)}{P(y=0\mid x)}
        = w\cdot x + b` of the two blobs.

        Two Gaussians with the same covariance :math:`\sigma^2 I` and equal priors have linear
        log-odds: :math:`w = (\mu_1 - \mu_0)/\sigma^2` and
        :math:`b = (\|\mu_0\|^2 - \|\mu_1\|^2)/(2\sigma^2)`, which is 0 for centres symmetric
        about the origin. This is what logistic regression estimates.

        Example:
            >>> w, b = two_blobs(seed=0).true_weights()     # 3 · (0.8, 0.6)
            >>> w.round(6).tolist(), b
            ([2.4, 1.8], 0.0)
        """
        mu0, mu1 = self.means
        var = self.std**2
        return (mu1 - mu0) / var, float((mu0 @ mu0 - mu1 @ mu1) / (2 * var))

    def bayes_accuracy(self) -> float:
        r"""The accuracy of the best possible classifier, the perpendicular bisector of the
        centres: :math:`\Phi(d / 2\sigma)` with :math:`d = \|\mu_1 - \mu_0\|` and
        :math:`\Phi` the standard normal distribution function (each class is on the wrong side
        when its noise along the centres' direction exceeds :math:`d/2`).

        Example:
            >>> round(two_blobs(seed=0).bayes_accuracy(), 4)   # Φ(1.5)
            0.9332
        """
        z = float(np.linalg.norm(self.means[1] - self.means[0])) / (2 * self.std)
        return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))

    def true_logit(self, X) -> np.ndarray:
        r"""The true log-odds :math:`w\cdot x + b` of class 1 at each row of ``X``; its sigmoid
        is the true probability, calibrated by construction."""
        w, b = self.true_weights()
        return np.asarray(X, dtype=np.float64) @ w + b


def two_blobs(
    n_train: int = 200,
    n_test: int = 4000,
    *,
    distance: float = 3.0,
    std: float = 1.0,
    seed: int = 0,
) -> Blobs:
    r"""Two round Gaussian blobs, half the samples each, centres ``distance`` apart.

    Class 0 is centred at :math:`-\tfrac d2 u` and class 1 at :math:`+\tfrac d2 u`, with
    :math:`u = (0.8, 0.6)` so the boundary is oblique; each coordinate has standard deviation
    ``std``. The best possible (Bayes) classifier is the perpendicular bisector, with accuracy
    :math:`\Phi(d / 2\sigma)` (93.3 % for the defaults): the blobs overlap a little, so no line
    separates the training set perfectly.

    Example:
        >>> d = two_blobs(seed=1)
        >>> d.X_train.shape, float(d.y_train.mean()), d.X_test.shape
        ((200, 2), 0.5, (4000, 2))
    """
    rng = np.random.default_rng(seed)
    u = np.array([0.8, 0.6])
    means = np.stack([-0.5 * distance * u, 0.5 * distance * u])

    def draw(n):
        y = np.arange(n) % 2
        X = means[y] + std * rng.standard_normal((n, 2))
        return X, y.astype(np.float64)

    X_train, y_train = draw(n_train)
    X_test, y_test = draw(n_test)
    return Blobs(X_train, y_train, X_test, y_test, means, float(std))


@dataclass(frozen=True)
class LinearFit:
    r"""A linear classifier :math:`f(x) = w\cdot x + b` trained by gradient descent.

    ``history``: the objective (mean loss + :math:`\tfrac\lambda2\|w\|^2`) before each step.
    ``sample_grads``: each training sample's :math:`\partial\ell_i/\partial f_i` at the end;
    ``n_active``: how many are non-zero, ``n_above``: how many exceed ``tol`` in size.
    """

    loss: str
    w: np.ndarray
    b: float
    lam: float
    history: np.ndarray
    train_accuracy: float
    sample_grads: np.ndarray
    n_active: int
    n_above: int
    tol: float

    def decision_function(self, X) -> np.ndarray:
        """The score :math:`f(x) = w\\cdot x + b` (a logit for cross-entropy, a margin score
        for the hinge)."""
        return np.asarray(X, dtype=np.float64) @ self.w + self.b

    def predict(self, X) -> np.ndarray:
        """Labels 0/1: 1 where the score is positive."""
        return (self.decision_function(X) > 0).astype(np.float64)

    def predict_proba(self, X) -> np.ndarray:
        r""":math:`\sigma(f(x))`. For cross-entropy this is the model's probability of class 1;
        for the hinge it is only a squashed score, *not* a probability (see :func:`reliability`)."""
        return sigmoid(self.decision_function(X))

    def accuracy(self, X, y) -> float:
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def boundary(self, x1, level: float = 0.0) -> np.ndarray:
        r"""The second coordinate of the points where :math:`f(x) = ` ``level``, for each first
        coordinate in ``x1``: the decision boundary for 0, the SVM's margins for ±1 (2-D data
        only): :math:`x_2 = (\text{level} - b - w_1 x_1)/w_2`.

        Example:
            >>> fit = LinearFit("hinge", np.array([1.0, 2.0]), 1.0, 0.0, np.zeros(1), 1.0,
            ...                 np.zeros(1), 0, 0, 1e-3)
            >>> fit.boundary([0.0, 1.0]).tolist(), fit.boundary([1.0], level=1.0).tolist()
            ([-0.5, -1.0], [-0.5])
        """
        return (level - self.b - self.w[0] * np.asarray(x1, dtype=np.float64)) / self.w[1]


def _linear_loss(loss, y01, f):
    """Per-sample losses and their gradients ∂ℓ_i/∂f_i for labels 0/1 and scores f."""
    if loss == "cross_entropy":
        return (
            binary_cross_entropy(y01, f, from_logits=True, reduction="none"),
            binary_cross_entropy_grad(y01, f, from_logits=True, reduction="sum"),
        )
    y_pm = 2 * y01 - 1  # the hinge wants labels in {-1, +1}
    return hinge(y_pm, f, reduction="none"), hinge_grad(y_pm, f, reduction="sum")


def fit_linear(
    X,
    y,
    loss: str,
    *,
    lam: float | None = None,
    steps: int = 2000,
    lr: float = 1.0,
    tol: float = 1e-3,
) -> LinearFit:
    r"""Train :math:`f(x) = w\cdot x + b` by full-batch gradient descent on a regularised loss.

    .. math::

        J(w, b) = \frac1n\sum_{i=1}^n \ell(y_i, w\cdot x_i + b) + \frac\lambda2\|w\|^2

    with :math:`\ell` the binary cross-entropy on the logit (``"cross_entropy"``: logistic
    regression) or the hinge loss with labels :math:`2y-1` (``"hinge"``: the soft-margin linear
    SVM, whose usual form :math:`\tfrac12\|w\|^2 + C\sum_i\ell_i` is :math:`J` times
    :math:`1/\lambda` with :math:`C = 1/(n\lambda)`). The bias is not penalised. The default
    ``lam=None`` means :math:`\lambda = 0` for cross-entropy (plain maximum likelihood, as
    scikit-learn's ``LogisticRegression(penalty=None)``) and :math:`\lambda = 0.01` for the hinge
    (with :math:`n = 200`, :math:`C = 0.5`): without the penalty the hinge has no margin to
    maximise, while an L2 penalty on logistic regression shrinks its probabilities towards ½
    and costs calibration.

    The chain rule turns the per-sample gradients :math:`g_i = \partial\ell_i/\partial f_i`
    (from ``losses``) into :math:`\nabla_w J = \frac1n\sum_i g_i x_i + \lambda w` and
    :math:`\partial J/\partial b = \frac1n\sum_i g_i`. Cross-entropy is smooth and takes a
    constant step :math:`\eta`; the hinge's subgradient jumps at the margin, so its step decays
    as :math:`\eta_t = \eta/\sqrt{1 + t/100}` to let it settle. Parameters start at 0.

    Returns a :class:`LinearFit`; its ``n_active`` counts the training samples whose gradient
    is not exactly zero at the end (for the hinge: margin :math:`y_i f_i < 1`; for cross-entropy:
    all of them, since :math:`\sigma(f) - y` is never 0), and ``n_above`` those with
    :math:`|g_i| >` ``tol``, to be honest about gradients that are non-zero but tiny.

    Example:
        >>> X = np.array([[-3.0, 0.0], [-1.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
        >>> fit = fit_linear(X, [0, 0, 1, 1], "hinge")
        >>> fit.train_accuracy, fit.sample_grads[[0, 3]].tolist()  # far beyond the margin
        (1.0, [0.0, 0.0])
        >>> fit_linear(X, [0, 0, 1, 1], "cross_entropy").n_active   # never exactly 0
        4
    """
    if loss not in LINEAR_LOSSES:
        raise ValueError(f"loss must be one of {LINEAR_LOSSES}, got {loss!r}.")
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if lam is None:
        lam = 0.01 if loss == "hinge" else 0.0
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    history = np.empty(steps)
    for t in range(steps + 1):
        f = X @ w + b
        values, g = _linear_loss(loss, y, f)
        if t == steps:  # the final parameters: keep f and g for the report
            break
        history[t] = values.mean() + 0.5 * lam * float(w @ w)
        # chain rule: f_i = w·x_i + b, so ∂J/∂w = (1/n) Σ g_i x_i + λw and ∂J/∂b = (1/n) Σ g_i
        step = lr / np.sqrt(1.0 + t / 100.0) if loss == "hinge" else lr
        w = w - step * (X.T @ g / n + lam * w)
        b -= step * float(g.mean())
    return LinearFit(
        loss=loss,
        w=w,
        b=float(b),
        lam=lam,
        history=history,
        train_accuracy=float(np.mean((f > 0) == (y == 1))),
        sample_grads=g,
        n_active=int(np.count_nonzero(g)),
        n_above=int(np.count_nonzero(np.abs(g) > tol)),
        tol=tol,
    )


def linear_accuracies(seeds, **blob_kwargs) -> dict[str, np.ndarray]:
    r"""Held-out accuracy of logistic regression and of the linear SVM on fresh draws.

    For each seed, :func:`two_blobs` draws a new training set and a new held-out set, and both
    losses are trained on it by :func:`fit_linear` with their defaults. The spread of the
    accuracies, and of their difference, over the draws says which differences one draw can
    show.

    Returns a dict mapping each loss of ``LINEAR_LOSSES`` to an array of test accuracies, one
    per seed.

    Example:
        >>> acc = linear_accuracies([0, 1], n_train=100, n_test=500)
        >>> sorted(acc), acc["hinge"].shape
        (['cross_entropy', 'hinge'], (2,))
    """
    out = {loss: [] for loss in LINEAR_LOSSES}
    for seed in seeds:
        data = two_blobs(seed=seed, **blob_kwargs)
        for loss in LINEAR_LOSSES:
            fit = fit_linear(data.X_train, data.y_train, loss)
            out[loss].append(fit.accuracy(data.X_test, data.y_test))
    return {loss: np.array(acc) for loss, acc in out.items()}


def platt_scale(scores, y, *, steps: int = 2000, lr: float = 3.0) -> tuple[float, float]:
    r"""Platt scaling: fit :math:`p = \sigma(a s + c)` to scores :math:`s` by logistic regression.

    The standard repair for a classifier whose scores are not probabilities (Platt, 1999): a
    one-feature logistic regression on the scores, trained with binary cross-entropy by
    :func:`fit_linear` (no penalty). Returns :math:`(a, c)`. Fit it on data the classifier was
    not trained on when you can; on the training set the hinge's margins are optimistic.

    The scores are standardised first (:math:`s' = (s - \bar s)/\mathrm{sd}(s)`) and the fitted
    line mapped back (:math:`a = a'/\mathrm{sd}`, :math:`c = c' - a'\bar s/\mathrm{sd}`): the
    fixed step ``lr`` is only safe for a feature of a known size, and scores such as the
    confidence logits of an over-confident model reach 30 (gradient descent would oscillate).
    With a standardised feature (mean 0, variance 1) the Hessian of the mean loss is at most
    :math:`\tfrac14 I` (since :math:`\sigma' \le \tfrac14`), so any step below 8 converges; the
    default 3 gets there in a few hundred steps.

    Example:
        >>> s = np.array([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0])
        >>> a, c = platt_scale(s, [0, 0, 1, 0, 1, 1])
        >>> bool(a > 0)
        True
        >>> a10, c10 = platt_scale(10 * s + 5, [0, 0, 1, 0, 1, 1])   # the same fit, rescaled
        >>> bool(np.isclose(10 * a10, a) and np.isclose(c10 + 5 * a10, c))
        True
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    centre, scale = float(s.mean()), float(s.std())
    scale = scale if scale > 0 else 1.0
    fit = fit_linear(
        ((s - centre) / scale).reshape(-1, 1), y, "cross_entropy", lam=0.0, steps=steps, lr=lr
    )
    a = float(fit.w[0]) / scale
    return a, fit.b - a * centre


# ------------------------------------------------------------------------------ calibration


@dataclass(frozen=True)
class Reliability:
    r"""A reliability diagram's numbers: for each bin of predicted probability, ``counts``
    samples, their ``mean_predicted`` probability and the ``observed`` frequency of class 1
    (NaN for an empty bin); ``ece`` is the expected calibration error
    :math:`\sum_b \frac{n_b}{N}\,|\text{observed}_b - \text{mean\_predicted}_b|`.

    ``edges`` are the bins' limits: :math:`0, \frac1B, \dots, 1` for equal-width bins; for
    equal-mass bins, the lowest probability of each bin followed by the highest probability
    overall. ``strategy`` says which."""

    edges: np.ndarray
    counts: np.ndarray
    mean_predicted: np.ndarray
    observed: np.ndarray
    ece: float
    strategy: str = "uniform"


BIN_STRATEGIES = ("uniform", "quantile")


def reliability(y, prob, *, n_bins: int = 10, strategy: str = "uniform") -> Reliability:
    r"""Reliability diagram and expected calibration error (ECE) of predicted probabilities.

    ``strategy="uniform"`` cuts [0, 1] into ``n_bins`` equal-width bins :math:`[0, 0.1),
    [0.1, 0.2), \dots, [0.9, 1]` (the last one closed). A calibrated model's samples with
    predicted probability about 0.7 are positive about 70 % of the time, so each bin's observed
    frequency of class 1 should match its mean predicted probability: the diagram's points lie
    on the diagonal. The ECE (Naeini et al., 2015; Guo et al., 2017) is the count-weighted mean
    gap,

    .. math:: \mathrm{ECE} = \sum_{b} \frac{n_b}{N}\,\bigl|\bar y_b - \bar p_b\bigr|.

    ``strategy="quantile"`` uses equal-mass (adaptive) bins instead, as Nixon et al. (2019)
    propose: the samples sorted by predicted probability are split into ``n_bins`` groups of
    equal size (sizes differ by at most one; tied probabilities may fall on both sides of a
    split). Equal-width bins follow the probability scale, so where predictions crowd near 0
    and 1 the middle bins hold few samples; equal-mass bins give every bin the same number.

    Example:
        >>> r = reliability([0, 1, 1, 1], [0.2, 0.3, 0.8, 0.9], n_bins=2)
        >>> r.counts.tolist(), r.observed.tolist(), r.mean_predicted.round(2).tolist()
        ([2, 2], [0.5, 1.0], [0.25, 0.85])
        >>> round(r.ece, 6)                           # (2·|0.5-0.25| + 2·|1-0.85|) / 4
        0.2
        >>> q = reliability([0, 1, 1, 1], [0.1, 0.2, 0.3, 0.9], n_bins=2, strategy="quantile")
        >>> q.counts.tolist(), round(q.ece, 6)        # (2·|0.5-0.15| + 2·|1-0.6|) / 4
        ([2, 2], 0.375)
    """
    if strategy not in BIN_STRATEGIES:
        raise ValueError(f"strategy must be one of {BIN_STRATEGIES}, got {strategy!r}.")
    y = np.asarray(y, dtype=np.float64).ravel()
    p = np.asarray(prob, dtype=np.float64).ravel()
    if y.shape != p.shape:
        raise ValueError(f"y has shape {y.shape} but prob has shape {p.shape}.")
    if p.size == 0 or p.min() < 0 or p.max() > 1:
        raise ValueError("prob must be a non-empty array of probabilities in [0, 1].")
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
        idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, n_bins - 1)
    else:
        order = np.argsort(p, kind="stable")
        idx = np.empty(p.size, dtype=np.intp)
        groups = np.array_split(order, n_bins)  # equal sizes, in order of probability
        for b, group in enumerate(groups):
            idx[group] = b
        lowest = [p[g[0]] if g.size else np.nan for g in groups]
        edges = np.array([*lowest, p.max()])
    counts = np.bincount(idx, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):  # empty bins become NaN on purpose
        mean_p = np.bincount(idx, weights=p, minlength=n_bins) / counts
        observed = np.bincount(idx, weights=y, minlength=n_bins) / counts
    full = counts > 0
    ece = float(np.sum(counts[full] * np.abs(observed[full] - mean_p[full])) / p.size)
    return Reliability(edges, counts, mean_p, observed, ece, strategy)


def ece_by_bins(y, prob, bin_counts, *, strategy: str = "uniform") -> np.ndarray:
    r"""The expected calibration error of the same predictions for each number of bins.

    One array entry per entry of ``bin_counts``, from :func:`reliability` with that
    ``n_bins`` and ``strategy``. The ECE is not a property of the predictions alone: more bins
    leave fewer samples in each, and the gap :math:`|\bar y_b - \bar p_b|` of a bin of
    :math:`n_b` samples is of the order of :math:`\sqrt{\bar p_b(1 - \bar p_b)/n_b}` even for
    calibrated probabilities, so the ECE of a perfect model grows with the number of bins.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> p = rng.uniform(size=2000)
        >>> y = (rng.uniform(size=2000) < p).astype(float)   # calibrated by construction
        >>> e = ece_by_bins(y, p, [5, 50, 500])
        >>> bool(e[0] < e[1] < e[2])
        True
    """
    return np.array(
        [reliability(y, prob, n_bins=int(b), strategy=strategy).ece for b in bin_counts]
    )


# ------------------------------------------------------------------------------ multi-label


@dataclass(frozen=True)
class MultiLabel:
    """Samples with ``n_tags`` independent yes/no tags (multi-hot ``Y``), train and test."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray


def multilabel_data(
    n_train: int = 600,
    n_test: int = 2000,
    *,
    n_tags: int = 3,
    n_noise: int = 2,
    noise: float = 0.3,
    seed: int = 0,
) -> MultiLabel:
    r"""Features :math:`x \sim \mathcal N(0, I)` in :math:`n_\text{tags} + n_\text{noise}`
    dimensions; tag :math:`k` is on when :math:`x_k + \text{noise}\cdot\varepsilon_k > 0`.

    Each tag is an independent coin (probability 1/2), decided by its own feature, so a sample
    carries 0, 1, 2 or 3 tags with probabilities 1/8, 3/8, 3/8, 1/8: half of the samples have
    two tags or more. The last ``n_noise`` features are irrelevant.

    Example:
        >>> d = multilabel_data(seed=0)
        >>> d.X_train.shape, d.Y_train.shape, bool(0.45 < d.Y_test.mean() < 0.55)
        ((600, 5), (600, 3), True)
    """
    rng = np.random.default_rng(seed)
    d = n_tags + n_noise

    def draw(n):
        X = rng.standard_normal((n, d))
        Y = (X[:, :n_tags] + noise * rng.standard_normal((n, n_tags)) > 0).astype(np.float64)
        return X, Y

    X_train, Y_train = draw(n_train)
    X_test, Y_test = draw(n_test)
    return MultiLabel(X_train, Y_train, X_test, Y_test)


@dataclass(frozen=True)
class MultiLabelFit:
    r"""A linear multi-label model :math:`Z = XW + b` and its held-out scores.

    ``probs``: the test probabilities (softmax rows, or independent sigmoids); ``label_accuracy``:
    the fraction of (sample, tag) pairs right at threshold 0.5; ``exact_match``: the fraction of
    samples with every tag right; ``multi_recall``: among test samples with two tags or more,
    the fraction where the model says yes (p > 0.5) to at least two; ``mean_prob_sum``: the
    average sum of a row of probabilities.
    """

    head: str
    W: np.ndarray
    b: np.ndarray
    history: np.ndarray
    probs: np.ndarray
    label_accuracy: float
    exact_match: float
    multi_recall: float
    mean_prob_sum: float


MULTILABEL_HEADS = ("softmax", "sigmoid")


def fit_multilabel(
    data: MultiLabel, head: str, *, steps: int = 500, lr: float = 1.0
) -> MultiLabelFit:
    r"""Train a linear multi-label model with a softmax head or with independent sigmoids.

    * ``"softmax"``: :func:`losses.cross_entropy` on the logits with the multi-hot targets
      normalised to sum to 1 (a sample with tags 1 and 3 gets the target (½, 0, ½)), the usual
      way to force multi-label data into a softmax. Samples with no tag have no such target and
      are left out of its training (a softmax cannot say "none" either).
    * ``"sigmoid"``: :func:`losses.binary_cross_entropy` on each logit, one independent yes/no
      question per tag.

    Both minimise the mean over samples of a per-sample loss by full-batch gradient descent
    from 0; the chain rule through :math:`Z = XW + b` gives :math:`\nabla_W = X^\top G / n`
    and :math:`\nabla_b = \sum_i G_i / n` with :math:`G = \partial\ell/\partial Z` (from the
    ``_grad`` functions with ``reduction="sum"``: ``softmax(Z) - T`` and ``sigmoid(Z) - Y``).

    A tag is predicted when its probability exceeds 0.5. Softmax probabilities sum to 1, so at
    most one tag can pass: a sample with two tags is never fully right.

    Example:
        >>> d = multilabel_data(n_train=300, n_test=500, seed=0)
        >>> fit_multilabel(d, "softmax", steps=100).multi_recall
        0.0
    """
    if head not in MULTILABEL_HEADS:
        raise ValueError(f"head must be one of {MULTILABEL_HEADS}, got {head!r}.")
    X, Y = data.X_train, data.Y_train
    if head == "softmax":
        keep = Y.sum(axis=1) > 0
        X, T = X[keep], Y[keep] / Y[keep].sum(axis=1, keepdims=True)
    n, d = X.shape
    W, b = np.zeros((d, Y.shape[1])), np.zeros(Y.shape[1])
    history = np.empty(steps)
    for t in range(steps):
        Z = X @ W + b
        if head == "softmax":
            history[t] = cross_entropy(T, Z, from_logits=True)
            G = cross_entropy_grad(T, Z, from_logits=True, reduction="sum")
        else:
            history[t] = binary_cross_entropy(Y, Z, from_logits=True, reduction="sum") / n
            G = binary_cross_entropy_grad(Y, Z, from_logits=True, reduction="sum")
        # chain rule through Z = XW + b, for the mean over samples
        W -= lr * (X.T @ G) / n
        b -= lr * G.sum(axis=0) / n
    Z = data.X_test @ W + b
    probs = softmax(Z) if head == "softmax" else sigmoid(Z)
    pred = probs > 0.5
    truth = data.Y_test == 1
    multi = truth.sum(axis=1) >= 2
    return MultiLabelFit(
        head=head,
        W=W,
        b=b,
        history=history,
        probs=probs,
        label_accuracy=float(np.mean(pred == truth)),
        exact_match=float(np.mean((pred == truth).all(axis=1))),
        multi_recall=float(np.mean(pred[multi].sum(axis=1) >= 2)),
        mean_prob_sum=float(probs.sum(axis=1).mean()),
    )


# ------------------------------------------------------------- calibration after training


@dataclass(frozen=True)
class Classes:
    r"""Overlapping Gaussian classes in ``dim`` dimensions, labels :math:`0, \dots, C-1`, in
    three splits drawn from one generator: a small training set, a calibration set (for fitting
    a temperature or Platt's two parameters, nothing else) and a large test set (for measuring
    only). ``means`` holds the :math:`C` class centres, one per row."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_cal: np.ndarray
    y_cal: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    means: np.ndarray

    def true_logits(self, X) -> np.ndarray:
        r"""Logits of the true posterior :math:`P(y = k \mid x)`: the classes share the identity
        covariance and have centres of equal length, so the Bayes posterior is
        :math:`\operatorname{softmax}(M x)` with :math:`M` the matrix of centres."""
        return np.asarray(X, dtype=np.float64) @ self.means.T


def overlapping_classes(
    n_train: int = 200,
    n_cal: int = 1000,
    n_test: int = 4000,
    *,
    n_classes: int = 4,
    dim: int = 20,
    distance: float = 2.5,
    seed: int = 0,
) -> Classes:
    r"""``n_classes`` round Gaussian classes (unit variance) whose centres lie at ``distance``
    from the origin in random directions of :math:`\mathbb R^{\text{dim}}`, equal class sizes.

    The classes overlap, so the best possible accuracy is well below 1; with few training
    samples per dimension (the defaults: 200 samples in 20 dimensions) the training set is
    nevertheless linearly separable, which is what lets an unpenalised softmax regression grow
    its weights, and its confidence, for as long as it trains.

    Example:
        >>> d = overlapping_classes(seed=0)
        >>> d.X_train.shape, d.X_cal.shape, d.X_test.shape, np.bincount(d.y_train).tolist()
        ((200, 20), (1000, 20), (4000, 20), [50, 50, 50, 50])
    """
    rng = np.random.default_rng(seed)
    means = rng.standard_normal((n_classes, dim))
    means *= distance / np.linalg.norm(means, axis=1, keepdims=True)

    def draw(n):
        y = np.arange(n) % n_classes
        return means[y] + rng.standard_normal((n, dim)), y

    X_train, y_train = draw(n_train)
    X_cal, y_cal = draw(n_cal)
    X_test, y_test = draw(n_test)
    return Classes(X_train, y_train, X_cal, y_cal, X_test, y_test, means)


@dataclass(frozen=True)
class SoftmaxFit:
    r"""A softmax (multinomial logistic) regression :math:`z = x W + b` after ``steps`` steps;
    ``train_loss`` is its final training objective (mean cross-entropy, with the label smoothing
    used) and ``checkpoints`` maps earlier step counts to their ``(W, b)``."""

    W: np.ndarray
    b: np.ndarray
    label_smoothing: float
    steps: int
    train_loss: float
    checkpoints: dict

    def logits(self, X, step: int | None = None) -> np.ndarray:
        """The logits :math:`z = xW + b`, one row per sample (after ``step`` steps if given:
        one of the ``checkpoints``)."""
        W, b = (self.W, self.b) if step is None or step == self.steps else self.checkpoints[step]
        return np.asarray(X, dtype=np.float64) @ W + b


def fit_softmax(
    X,
    y,
    *,
    label_smoothing: float = 0.0,
    steps: int = 2000,
    lr: float = 0.5,
    checkpoints=(),
) -> SoftmaxFit:
    r"""Train a softmax regression by full-batch gradient descent on the mean cross-entropy.

    No penalty: on a separable training set the loss keeps falling as the weights grow, so the
    longer it trains the more confident it gets (the over-confidence that temperature scaling
    repairs). ``label_smoothing`` ε trains against the targets :math:`(1-\varepsilon)\,t +
    \varepsilon/C` instead (:func:`losses.cross_entropy`'s ``label_smoothing``). The gradient
    with respect to the logits is ``cross_entropy_grad``'s :math:`p - t` (÷ n), and the chain rule
    through :math:`Z = XW + b` gives :math:`\nabla_W = X^\top G` and :math:`\nabla_b = \sum_i G_i`.
    Parameters start at 0; the weights after each step count in ``checkpoints`` are kept.

    Example:
        >>> d = overlapping_classes(seed=0)
        >>> fit = fit_softmax(d.X_train, d.y_train, steps=200, checkpoints=(50,))
        >>> bool(fit.train_loss < 0.1 * np.log(4))          # from ln C (all logits 0) to < 0.14
        True
        >>> fit.logits(d.X_test[:1], step=50).shape
        (1, 4)
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    n_classes = int(y.max()) + 1
    W, b = np.zeros((X.shape[1], n_classes)), np.zeros(n_classes)
    kept = {}
    for t in range(1, steps + 1):
        G = cross_entropy_grad(y, X @ W + b, from_logits=True, label_smoothing=label_smoothing)
        W -= lr * (X.T @ G)  # G already holds the 1/n of the mean
        b -= lr * G.sum(axis=0)
        if t in checkpoints:
            kept[t] = (W.copy(), b.copy())
    loss = float(cross_entropy(y, X @ W + b, from_logits=True, label_smoothing=label_smoothing))
    return SoftmaxFit(W, b, float(label_smoothing), steps, loss, kept)


def temperature_nll(logits, y, temperature: float) -> tuple[float, float]:
    r"""The mean cross-entropy of temperature-scaled logits and its derivative in :math:`T`.

    With :math:`u_i = z_i / T` and :math:`L(T) = \frac1n\sum_i \ell(y_i, u_i)`, the chain rule
    gives, since :math:`\partial\ell/\partial u_{ic} = p_{ic} - t_{ic}` and
    :math:`\partial u_{ic}/\partial T = -z_{ic}/T^2`,

    .. math::

        \frac{dL}{dT} = -\frac{1}{nT^2}\sum_{i}\sum_c (p_{ic} - t_{ic})\,z_{ic}
        = \frac{1}{nT^2}\sum_i \bigl(z_{i,y_i} - \textstyle\sum_c p_{ic} z_{ic}\bigr).

    ``logits`` of shape ``(n, C)`` use :func:`losses.cross_entropy` (softmax, integer labels);
    a 1-D array of binary logits uses :func:`losses.binary_cross_entropy` (sigmoid, labels 0/1),
    with the same formula for one logit per sample.

    Example:
        >>> z = np.array([[2.0, 0.0], [2.0, 0.0]])   # equally sure twice, right once
        >>> loss, slope = temperature_nll(z, [0, 1], 1.0)
        >>> round(loss, 4), slope < 0                # softening (T > 1) would lower the loss
        (1.1269, True)
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature!r}.")
    z = np.asarray(logits, dtype=np.float64)
    u = z / temperature
    if z.ndim == 1:
        loss = binary_cross_entropy(y, u, from_logits=True)
        g = binary_cross_entropy_grad(y, u, from_logits=True)  # (σ(u) − y)/n
    else:
        loss = cross_entropy(y, u, from_logits=True)
        g = cross_entropy_grad(y, u, from_logits=True)  # (softmax(u) − t)/n
    # chain rule: ∂u/∂T = −z/T²
    return float(loss), float(np.sum(g * (-z / temperature**2)))


def fit_temperature(logits, y, *, lo: float = 1e-2, hi: float = 1e2, tol: float = 1e-9) -> float:
    r"""The temperature :math:`T > 0` that minimises :func:`temperature_nll` on held-out data.

    One parameter, found by bisection on the sign of the analytic :math:`dL/dT`, in
    :math:`\log T` between ``lo`` and ``hi``. Bisection is safe because :math:`L` has one
    minimum: as a function of :math:`\beta = 1/T` it is convex (its second derivative is the
    variance of the logits under the scaled softmax,
    :math:`\operatorname{Var}_{p_i}(z_i) \ge 0`), so :math:`dL/dT` changes sign once, from
    negative to positive. Fit it on data the model was not trained on: on its own training set
    an over-fitted model looks right to be sure of itself.

    Raises ``ValueError`` if the derivative has the same sign at both ends (the minimum is not
    inside the bracket: for instance a calibration set that the model separates perfectly,
    whose loss keeps falling as :math:`T \to 0`).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> z = rng.normal(size=2000)                      # true logits
        >>> y = (rng.random(2000) < sigmoid(z)).astype(float)
        >>> round(fit_temperature(3 * z, y), 1)            # logits 3× too large → T ≈ 3
        3.0
    """
    a, b = np.log(lo), np.log(hi)
    if temperature_nll(logits, y, lo)[1] > 0 or temperature_nll(logits, y, hi)[1] < 0:
        raise ValueError(
            f"the loss has no minimum for T in [{lo:g}, {hi:g}]: dL/dT has the same sign at "
            "both ends (is the calibration set perfectly separated?)."
        )
    while b - a > tol:
        mid = 0.5 * (a + b)
        if temperature_nll(logits, y, float(np.exp(mid)))[1] > 0:
            b = mid  # past the minimum
        else:
            a = mid
    return float(np.exp(0.5 * (a + b)))


def confidence_logit(logits) -> np.ndarray:
    r"""The logit of each sample's confidence :math:`\max_c p_c`, computed stably.

    :math:`\log\frac{p_{\max}}{1 - p_{\max}} = z_{\max} - \log\sum_{c \ne \text{top}} e^{z_c}`:
    no probability is formed, so a confidence that rounds to 1 still gets a finite score. It is
    the score that Platt scaling needs to calibrate a multi-class model's confidence as a binary
    question ("is the predicted class right?"). For two classes it is :math:`z_{\max} - z_{\min}`.

    Example:
        >>> confidence_logit([[2.0, 0.0], [0.0, 1000.0]]).tolist()
        [2.0, 1000.0]
        >>> round(float(confidence_logit([[1.0, 0.0, 0.0]])[0]), 4)  # logit of 0.5761
        0.3069
    """
    z = np.asarray(logits, dtype=np.float64)
    top = z.argmax(axis=1)
    rows = np.arange(len(z))
    others = z.copy()
    others[rows, top] = -np.inf
    m = others.max(axis=1, keepdims=True)  # the log-sum-exp shift
    lse_others = m[:, 0] + np.log(np.exp(others - m).sum(axis=1))
    return z[rows, top] - lse_others


@dataclass(frozen=True)
class Confidence:
    r"""How sure a multi-class model is, and how right: on one data set, the ``mean_confidence``
    :math:`\overline{\max_c p_c}`, the ``accuracy``, the ``nll`` (mean cross-entropy), and the
    top-label reliability diagram (``diagram``, a :class:`Reliability` of "correct" against the
    confidence) with its expected calibration error ``ece``."""

    mean_confidence: float
    accuracy: float
    nll: float
    ece: float
    diagram: Reliability


def confidence_report(y, probs, *, n_bins: int = 10) -> Confidence:
    r"""Confidence, accuracy, NLL and top-label calibration of predicted class probabilities.

    A multi-class model is *calibrated in its confidence* when, among the samples whose top
    probability is about 0.8, the predicted class is right about 80 % of the time. The
    reliability diagram is :func:`reliability` applied to that binary question: "correct"
    (0/1) against the confidence :math:`\max_c p_c`, in ``n_bins`` equal bins (the ECE of
    Guo et al., 2017). The confidence is at least :math:`1/C`, so the lowest bins stay empty.

    Example:
        >>> r = confidence_report([0, 1, 1, 2], [[0.9, 0.05, 0.05], [0.6, 0.3, 0.1],
        ...                                     [0.1, 0.7, 0.2], [0.2, 0.2, 0.6]])
        >>> round(r.mean_confidence, 4), r.accuracy   # the second sample is wrong
        (0.7, 0.75)
        >>> round(r.ece, 4)               # (|0.5 − 0.6|·2 + |1 − 0.7| + |1 − 0.9|) / 4
        0.15
    """
    p = np.asarray(probs, dtype=np.float64)
    y = np.asarray(y)
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    diagram = reliability(correct, confidence, n_bins=n_bins)
    return Confidence(
        mean_confidence=float(confidence.mean()),
        accuracy=float(correct.mean()),
        nll=float(cross_entropy(y, p)),
        ece=diagram.ece,
        diagram=diagram,
    )


# -------------------------------------------------- multiclass hinge against softmax cross-entropy


def multiclass_margins(scores, y) -> np.ndarray:
    r"""Each sample's multiclass margin :math:`s_{y} - \max_{c \ne y} s_c`.

    Positive when the true class has the highest score (the sample is classified right), and
    at least :math:`m` exactly when :func:`losses.multiclass_hinge` is zero for it. With two
    classes it is the binary margin :math:`y f` of the score difference :math:`f = s_1 - s_0`.

    Example:
        >>> multiclass_margins([[2.0, 1.5, -1.0], [0.2, 0.9, 0.1]], [0, 2]).tolist()
        [0.5, -0.8]
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(y, dtype=np.intp)
    rows = np.arange(len(s))
    others = s.copy()
    others[rows, y] = -np.inf
    return s[rows, y] - others.max(axis=1)


MULTICLASS_LOSSES = ("cross_entropy", "multiclass_hinge")


@dataclass(frozen=True)
class MulticlassFit:
    r"""A linear multi-class model :math:`z = xW + b` trained with one loss.

    ``history``: the objective (mean loss + :math:`\tfrac\lambda2\|W\|^2`) before each step.
    ``sample_grads``: each training sample's gradient :math:`\partial\ell_i/\partial z_i`
    (a row of ``C`` entries) at the end; ``margins``: each training sample's multiclass margin
    at the end; ``n_active``: how many samples have a gradient row that is not exactly zero;
    ``n_above``: how many have an entry larger than ``tol`` in size.
    """

    loss: str
    W: np.ndarray
    b: np.ndarray
    lam: float
    history: np.ndarray
    sample_grads: np.ndarray
    margins: np.ndarray
    n_active: int
    n_above: int
    tol: float

    def logits(self, X) -> np.ndarray:
        """The class scores :math:`z = xW + b`, one row per sample."""
        return np.asarray(X, dtype=np.float64) @ self.W + self.b

    def accuracy(self, X, y) -> float:
        return float(np.mean(self.logits(X).argmax(axis=1) == np.asarray(y)))


def _multiclass_objective(X, y, W, b, loss, lam):
    """The objective J(W, b) and its gradients, with the per-sample gradients G = ∂ℓ_i/∂z_i."""
    n = X.shape[0]
    Z = X @ W + b
    if loss == "cross_entropy":
        value = cross_entropy(y, Z, from_logits=True)
        G = cross_entropy_grad(y, Z, from_logits=True, reduction="sum")
    else:
        value = multiclass_hinge(y, Z)
        G = multiclass_hinge_grad(y, Z, reduction="sum")
    # chain rule through Z = XW + b, for the mean over samples, plus the penalty's λW
    grad_W = X.T @ G / n + lam * W
    grad_b = G.sum(axis=0) / n
    return value + 0.5 * lam * float(np.sum(W * W)), grad_W, grad_b, G, Z


def fit_multiclass(
    X,
    y,
    loss: str,
    *,
    lam: float = 0.01,
    steps: int = 2000,
    lr: float = 0.5,
    tol: float = 1e-3,
) -> MulticlassFit:
    r"""Train :math:`z = xW + b` by full-batch gradient descent on a penalised multi-class loss.

    .. math::

        J(W, b) = \frac1n\sum_{i=1}^n \ell(y_i, x_i W + b) + \frac\lambda2\|W\|^2

    with :math:`\ell` the softmax cross-entropy (``"cross_entropy"``: multinomial logistic
    regression) or the multiclass hinge of Crammer and Singer (``"multiclass_hinge"``: a linear
    multi-class SVM; :math:`\tfrac12\|W\|^2 + C\sum_i\ell_i` with :math:`C = 1/(n\lambda)`).
    Both use the same model, penalty, start (zeros) and number of steps, so only the loss
    differs. The gradient of each sample's loss with respect to its scores comes from
    ``losses`` (:math:`p_i - t_i` for cross-entropy; :math:`-1` at the true class and
    :math:`+1` at the best wrong class, or 0, for the hinge), and the chain rule gives
    :math:`\nabla_W J = X^\top G/n + \lambda W` and :math:`\nabla_b J = \sum_i G_i/n`. As in
    :func:`fit_linear`, cross-entropy takes the constant step :math:`\eta` and the hinge, whose
    subgradient jumps, the decaying step :math:`\eta/\sqrt{1 + t/100}`. The bias is not
    penalised.

    Example:
        >>> X = np.array([[3.0, 0.0], [0.0, 3.0], [-3.0, -3.0], [2.5, 0.5]])
        >>> hinge_fit = fit_multiclass(X, [0, 1, 2, 0], "multiclass_hinge", lam=0.0)
        >>> hinge_fit.n_active, bool(hinge_fit.margins.min() >= 1)   # all beyond the margin
        (0, True)
        >>> fit_multiclass(X, [0, 1, 2, 0], "cross_entropy", lam=0.0).n_active   # never 0
        4
    """
    if loss not in MULTICLASS_LOSSES:
        raise ValueError(f"loss must be one of {MULTICLASS_LOSSES}, got {loss!r}.")
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.intp)
    n_classes = int(y.max()) + 1
    W, b = np.zeros((X.shape[1], n_classes)), np.zeros(n_classes)
    history = np.empty(steps)
    for t in range(steps + 1):
        value, grad_W, grad_b, G, Z = _multiclass_objective(X, y, W, b, loss, lam)
        if t == steps:  # the final parameters: keep G and Z for the report
            break
        history[t] = value
        step = lr / np.sqrt(1.0 + t / 100.0) if loss == "multiclass_hinge" else lr
        W = W - step * grad_W
        b = b - step * grad_b
    return MulticlassFit(
        loss=loss,
        W=W,
        b=b,
        lam=lam,
        history=history,
        sample_grads=G,
        margins=multiclass_margins(Z, y),
        n_active=int(np.count_nonzero(np.any(G != 0, axis=1))),
        n_above=int(np.count_nonzero(np.max(np.abs(G), axis=1) > tol)),
        tol=tol,
    )


def multiclass_accuracies(seeds, *, lam: float = 0.01, **class_kwargs) -> dict[str, np.ndarray]:
    r"""Test accuracy of :func:`fit_multiclass` with each loss, on fresh draws of the data.

    For each seed, :func:`overlapping_classes` draws new class centres and new samples, and the
    two losses train the same model on the same training split. Returns a dict mapping each loss
    of ``MULTICLASS_LOSSES`` to an array of test accuracies, one per seed.

    Example:
        >>> acc = multiclass_accuracies([0], n_train=40, n_test=200, dim=5)
        >>> sorted(acc), acc["multiclass_hinge"].shape
        (['cross_entropy', 'multiclass_hinge'], (1,))
    """
    out = {loss: [] for loss in MULTICLASS_LOSSES}
    for seed in seeds:
        d = overlapping_classes(seed=seed, **class_kwargs)
        for loss in MULTICLASS_LOSSES:
            fit = fit_multiclass(d.X_train, d.y_train, loss, lam=lam)
            out[loss].append(fit.accuracy(d.X_test, d.y_test))
    return {loss: np.array(acc) for loss, acc in out.items()}
