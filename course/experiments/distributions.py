r"""Chapter 4's experiments: KL's asymmetry, cross-entropy = entropy + KL, one Gaussian fitted to
two modes, and the closed-form KL term of a VAE.

Three questions, answered with :func:`losses.kl_divergence` and its gradient:

* **Is KL symmetric?** No: :func:`compare_discrete` computes :math:`D_{KL}(P\|Q)`,
  :math:`D_{KL}(Q\|P)`, the entropies and the cross-entropies of two small distributions, and
  shows :math:`H(P, Q) = H(P) + D_{KL}(P\|Q)`.
* **What does the order of the arguments do when fitting?** :func:`fit_gaussian` fits one
  Gaussian :math:`Q = \mathcal N(\mu, \sigma^2)` to a two-mode mixture :math:`P` by gradient
  descent on the forward KL :math:`D_{KL}(P\|Q)` (mass-covering: the answer is moment matching)
  or on the reverse KL :math:`D_{KL}(Q\|P)` (mode-seeking: one mode, which one depends on the
  start). :func:`fit_both_ways` runs all of it and tabulates both divergences at every fit;
  :func:`kl_both_ways` is the fast evaluation behind the interactive figure.
* **What is the KL term of a VAE?** :func:`vae_kl` is the closed form of
  :math:`D_{KL}(\mathcal N(\mu, \sigma^2)\,\|\,\mathcal N(0, 1))`, :func:`vae_kl_grad` its
  gradient, :func:`vae_kl_on_grid` the same divergence computed numerically on the grid.

**Discretisation.** Continuous densities live on the fixed grid :data:`GRID` (:math:`[-15, 15]`,
spacing :math:`\Delta x = 0.01`). A density :math:`p` becomes the distribution
:math:`P_i = p(x_i)\Delta x / \sum_j p(x_j)\Delta x` over the grid points, so
:math:`\sum_i P_i \log(P_i/Q_i) \approx \int p \log(p/q)\,dx` (the :math:`\Delta x` cancel in the
ratio). Everything is computed from *log*-densities, so a narrow :math:`Q` whose far tail
underflows to 0 still gives a finite (large) forward KL rather than ``inf``.

Example:
    >>> res = fit_both_ways()
    >>> fwd, rev = res.forward, res.reverse[0]
    >>> bool(fwd.sigma > rev.sigma)          # forward KL covers both modes: much wider
    True
    >>> bool(res.table[0, 0] < res.table[1, 0] and res.table[1, 1] < res.table[0, 1])
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from losses import kl_divergence, kl_divergence_grad, logsumexp, softmax

__all__ = [
    "DISCRETE_P",
    "DISCRETE_Q",
    "GRID",
    "BothWays",
    "DiscreteComparison",
    "GaussianFit",
    "Mixture",
    "compare_discrete",
    "cross_entropy",
    "entropy",
    "fit_both_ways",
    "fit_gaussian",
    "gaussian_kl",
    "gaussian_log_pdf",
    "grid_distribution",
    "kl_both_ways",
    "kl_param_grad",
    "reverse_kl_grad_logits",
    "vae_kl",
    "vae_kl_grad",
    "vae_kl_on_grid",
]

#: The grid every continuous density is discretised on: 3001 points on [-15, 15], spacing 0.01.
GRID = np.linspace(-15.0, 15.0, 3001)

#: A small example for the asymmetry: the weather in a town (sun, cloud, rain, snow) as it
#: is (``DISCRETE_P``) and as a model forecasts it (``DISCRETE_Q``).
DISCRETE_P = np.array([0.6, 0.25, 0.1, 0.05])
DISCRETE_Q = np.array([0.25, 0.25, 0.25, 0.25])


# ------------------------------------------------------------------------ discrete identities


def entropy(p) -> float:
    r"""Shannon entropy :math:`H(P) = -\sum_x P(x)\log P(x)` in nats, with :math:`0\log 0 = 0`.

    Example:
        >>> round(entropy([0.5, 0.5, 0.0]), 6)     # log 2: the zero outcome adds nothing
        0.693147
    """
    p = np.asarray(p, dtype=np.float64)
    log_p = np.log(p, out=np.zeros_like(p), where=p > 0)  # 0·log 0 = 0: skip the zeros
    return float(-(p * log_p).sum())


def cross_entropy(p, q) -> float:
    r"""Cross-entropy :math:`H(P, Q) = -\sum_x P(x)\log Q(x)` in nats.

    The expected code length when outcomes come from :math:`P` but the code was built for
    :math:`Q`. Terms with :math:`P(x) = 0` are 0; a :math:`Q(x) = 0 < P(x)` makes it ``inf``.
    (This is the distribution-to-distribution quantity; :func:`losses.cross_entropy` is the
    classification loss, which is this with :math:`P` a one-hot or soft label and :math:`Q` the
    softmax of the logits.)

    Example:
        >>> round(cross_entropy([0.5, 0.5], [0.9, 0.1]), 4)   # = H(P) + KL(P||Q) = 0.6931 + 0.5108
        1.204
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    if p.shape != q.shape:  # explicit: broadcasting two distributions is always a mistake here
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}.")
    pos = p > 0
    if np.any(pos & (q == 0)):
        return float("inf")
    log_q = np.log(q, out=np.zeros_like(q), where=pos)
    return float(-(p * log_q).sum())


@dataclass(frozen=True)
class DiscreteComparison:
    """Entropies, cross-entropies and KL both ways for two distributions on the same outcomes.

    ``cross_entropy_pq = entropy_p + kl_pq`` and ``cross_entropy_qp = entropy_q + kl_qp``.
    """

    p: np.ndarray
    q: np.ndarray
    kl_pq: float
    kl_qp: float
    entropy_p: float
    entropy_q: float
    cross_entropy_pq: float
    cross_entropy_qp: float


def compare_discrete(p=DISCRETE_P, q=DISCRETE_Q) -> DiscreteComparison:
    r"""Both KL divergences (via :func:`losses.kl_divergence`), both entropies and both
    cross-entropies of two distributions.

    Example:
        >>> c = compare_discrete()              # the weather example
        >>> round(c.kl_pq, 4), round(c.kl_qp, 4)
        (0.3532, 0.4126)
        >>> round(c.cross_entropy_pq - c.entropy_p - c.kl_pq, 12)
        0.0
        >>> compare_discrete([0.5, 0.5, 0.0], [0.5, 0.25, 0.25]).kl_qp   # Q puts mass where P has none
        inf
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    return DiscreteComparison(
        p=p,
        q=q,
        kl_pq=float(kl_divergence(p, q)),
        kl_qp=float(kl_divergence(q, p)),
        entropy_p=entropy(p),
        entropy_q=entropy(q),
        cross_entropy_pq=cross_entropy(p, q),
        cross_entropy_qp=cross_entropy(q, p),
    )


# ------------------------------------------------------------------- densities on the grid


def gaussian_log_pdf(x, mu: float, sigma: float) -> np.ndarray:
    r"""Log-density of :math:`\mathcal N(\mu, \sigma^2)`:
    :math:`-\tfrac12\big((x-\mu)/\sigma\big)^2 - \log\sigma - \tfrac12\log 2\pi`.

    Example:
        >>> round(float(np.exp(gaussian_log_pdf(0.0, 0.0, 1.0))), 6)   # 1/sqrt(2 pi)
        0.398942
    """
    x = np.asarray(x, dtype=np.float64)
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


@dataclass(frozen=True)
class Mixture:
    r"""A one-dimensional Gaussian mixture :math:`p(x) = \sum_k w_k\,\mathcal N(x; m_k, s_k^2)`.

    The default has two well separated modes of unequal weight (0.6 at -3, 0.4 at +3, both
    with standard deviation 0.7), so the two reverse-KL optima differ and can be told apart.
    """

    weights: tuple[float, ...] = (0.6, 0.4)
    means: tuple[float, ...] = (-3.0, 3.0)
    sigmas: tuple[float, ...] = (0.7, 0.7)

    def log_pdf(self, x) -> np.ndarray:
        """Log-density, as a log-sum-exp over the components (no underflow in the tails)."""
        x = np.asarray(x, dtype=np.float64)
        comps = np.stack(
            [
                np.log(w) + gaussian_log_pdf(x, m, s)
                for w, m, s in zip(self.weights, self.means, self.sigmas, strict=True)
            ],
            axis=-1,
        )
        return logsumexp(comps, axis=-1)

    def pdf(self, x) -> np.ndarray:
        """Density :math:`p(x)` (for plotting)."""
        return np.exp(self.log_pdf(x))

    @property
    def mean(self) -> float:
        r""":math:`\sum_k w_k m_k`."""
        return float(np.dot(self.weights, self.means))

    @property
    def var(self) -> float:
        r""":math:`\sum_k w_k (s_k^2 + m_k^2) - (\sum_k w_k m_k)^2` (law of total variance)."""
        w, m, s = (np.asarray(v, dtype=np.float64) for v in (self.weights, self.means, self.sigmas))
        return float(np.dot(w, s**2 + m**2) - self.mean**2)


def grid_distribution(log_density, grid=GRID) -> np.ndarray:
    r"""Discretise a density on ``grid``: :math:`P_i \propto p(x_i)`, normalised to sum to 1.

    ``log_density`` is the array :math:`\log p(x_i)` (computed as a softmax, so it may be
    unnormalised and very negative without underflowing the whole vector).

    Example:
        >>> P = grid_distribution(Mixture().log_pdf(GRID))
        >>> P.shape, round(float(P.sum()), 12)
        ((3001,), 1.0)
    """
    log_density = np.asarray(log_density, dtype=np.float64)
    if log_density.shape != np.shape(grid):
        raise ValueError(
            f"log_density has shape {log_density.shape}, the grid has {np.shape(grid)}."
        )
    return softmax(log_density)


def _q_logits(mu: float, sigma: float, grid) -> np.ndarray:
    """Unnormalised log-density of N(mu, sigma²) on the grid: the logits of the discretised Q."""
    return -0.5 * ((grid - mu) / sigma) ** 2


def kl_both_ways(mu: float, sigma: float, mixture: Mixture | None = None, grid=GRID):
    r"""Forward :math:`D_{KL}(P\|Q)` and reverse :math:`D_{KL}(Q\|P)` for
    :math:`Q = \mathcal N(\mu, \sigma^2)` against the mixture :math:`P`, on the grid.

    Both are :func:`losses.kl_divergence` with the second argument given as logits
    (log-densities), so neither a narrow :math:`Q` nor :math:`P`'s far tails underflow to a
    spurious ``inf``. Fast (a few vector operations on 2001 points): made for the interactive
    figure.

    Returns:
        ``(forward, reverse)`` as floats, in nats.

    Example:
        >>> fwd, rev = kl_both_ways(-3.0, 0.7)     # Q sits exactly on the heavier mode
        >>> round(rev, 4), round(-float(np.log(0.6)), 4)   # ≈ -log(weight of that mode)
        (0.5108, 0.5108)
        >>> round(fwd, 2)                          # but it misses the other mode entirely
        14.02
    """
    mixture = Mixture() if mixture is None else mixture
    grid = np.asarray(grid, dtype=np.float64)
    log_p = mixture.log_pdf(grid)
    z = _q_logits(mu, sigma, grid)
    P, Q = softmax(log_p), softmax(z)
    forward = float(kl_divergence(P, z, from_logits=True))
    reverse = float(kl_divergence(Q, log_p, from_logits=True))
    return forward, reverse


def reverse_kl_grad_logits(q_logits, log_p) -> np.ndarray:
    r"""Gradient of the reverse KL :math:`D_{KL}(Q\|P)` with respect to Q's logits :math:`z`.

    :func:`losses.kl_divergence_grad` differentiates with respect to the *second* argument;
    here :math:`Q` is the first. With :math:`Q = \operatorname{softmax}(z)` and
    :math:`g_i = \partial D/\partial Q_i = \log(Q_i/P_i) + 1`, the softmax Jacobian
    :math:`\partial Q_i/\partial z_j = Q_i(\delta_{ij} - Q_j)` gives

    .. math:: \frac{\partial D_{KL}(Q\|P)}{\partial z_j} = Q_j\Big(g_j - \sum_i Q_i g_i\Big)
              = Q_j\Big(\log\frac{Q_j}{P_j} - D_{KL}(Q\|P)\Big)

    (the constant 1 cancels). ``log_p`` may be unnormalised: a constant shift cancels too.

    Example:
        >>> reverse_kl_grad_logits([0.0, 0.0], np.log([0.5, 0.5])).tolist()   # Q = P: zero
        [0.0, 0.0]
    """
    z = np.asarray(q_logits, dtype=np.float64)
    log_p = np.asarray(log_p, dtype=np.float64)
    log_q = z - logsumexp(z)
    log_p = log_p - logsumexp(log_p)
    Q = np.exp(log_q)
    ratio = log_q - log_p
    kl = float(np.dot(Q, ratio))
    return Q * (ratio - kl)


# --------------------------------------------------------------------- fitting one Gaussian


@dataclass(frozen=True)
class GaussianFit:
    r"""One Gaussian :math:`\mathcal N(\mu, \sigma^2)` fitted by gradient descent on a KL.

    ``direction`` is ``"forward"`` (:math:`D_{KL}(P\|Q)`) or ``"reverse"``
    (:math:`D_{KL}(Q\|P)`); ``init`` the starting :math:`(\mu, \sigma)`; ``history`` the
    divergence being minimised after each step; ``forward_kl`` and ``reverse_kl`` both
    divergences at the fit.
    """

    direction: str
    mu: float
    sigma: float
    init: tuple[float, float]
    history: np.ndarray
    forward_kl: float
    reverse_kl: float

    def pdf(self, x) -> np.ndarray:
        """The fitted density (for plotting over the mixture)."""
        return np.exp(gaussian_log_pdf(x, self.mu, self.sigma))


def _check_direction(direction: str) -> None:
    if direction not in ("forward", "reverse"):
        raise ValueError(f"direction must be 'forward' or 'reverse', got {direction!r}.")


def _value_and_grad(direction, mu, s, log_p, P, grid):
    """The divergence and its gradient with respect to (mu, s = log sigma), on the grid."""
    sigma2 = np.exp(2 * s)
    u = grid - mu
    z = -0.5 * u * u / sigma2  # the logits of the discretised Q
    if direction == "forward":
        value = float(kl_divergence(P, z, from_logits=True))
        dz = kl_divergence_grad(P, z, from_logits=True)  # = Q - P
    else:
        value = float(kl_divergence(softmax(z), log_p, from_logits=True))
        dz = reverse_kl_grad_logits(z, log_p)
    # chain rule: dD/dmu = sum_i dD/dz_i (x_i - mu)/sigma², dD/ds = sum_i dD/dz_i (x_i - mu)²/sigma²
    return value, np.array([dz @ u, dz @ (u * u)]) / sigma2


def kl_param_grad(
    direction: str, mu: float, sigma: float, mixture: Mixture | None = None, grid=GRID
) -> np.ndarray:
    r"""Gradient of the forward or reverse KL with respect to :math:`(\mu, \log\sigma)`, on the
    grid: the quantity :func:`fit_gaussian` descends (see there for the chain rule).

    Example:
        >>> m = Mixture()
        >>> g = kl_param_grad("forward", m.mean, m.var**0.5)   # at the moments of P
        >>> bool(np.abs(g).max() < 1e-3)
        True
    """
    _check_direction(direction)
    mixture = Mixture() if mixture is None else mixture
    grid = np.asarray(grid, dtype=np.float64)
    log_p = mixture.log_pdf(grid)
    return _value_and_grad(direction, float(mu), float(np.log(sigma)), log_p, softmax(log_p), grid)[
        1
    ]


def fit_gaussian(
    direction: str,
    *,
    mixture: Mixture | None = None,
    init: tuple[float, float] = (0.5, 1.0),
    lr: float = 0.2,
    max_steps: int = 3000,
    tol: float = 1e-10,
    max_move: float = 1.0,
    grid=GRID,
) -> GaussianFit:
    r"""Fit :math:`Q = \mathcal N(\mu, \sigma^2)` to the mixture by gradient descent on a KL.

    The parameters are :math:`\theta = (\mu, s)` with :math:`s = \log\sigma` (so :math:`\sigma`
    stays positive). The discretised :math:`Q` is the softmax of the logits
    :math:`z_i = -(x_i - \mu)^2 / 2\sigma^2`, whose derivatives are

    .. math:: \frac{\partial z_i}{\partial\mu} = \frac{x_i - \mu}{\sigma^2},\qquad
              \frac{\partial z_i}{\partial s} = \frac{(x_i - \mu)^2}{\sigma^2}.

    The chain rule :math:`\partial D/\partial\theta = \sum_i (\partial D/\partial z_i)
    (\partial z_i/\partial\theta)` then needs :math:`\partial D/\partial z`:

    * forward, :math:`D_{KL}(P\|Q)`: :func:`losses.kl_divergence_grad` with
      ``from_logits=True``, which is :math:`Q - P`. So
      :math:`\partial D/\partial\mu = (\mathbb E_Q[x] - \mathbb E_P[x])/\sigma^2`: the optimum
      matches the moments of :math:`P` (its mean and variance);
    * reverse, :math:`D_{KL}(Q\|P)`: :func:`reverse_kl_grad_logits` (Q is the first argument,
      which :mod:`losses` does not differentiate).

    Plain gradient descent, :math:`\theta \leftarrow \theta - \eta\,\nabla D`, stopped when a
    step moves :math:`\theta` by less than ``tol``. A step longer than ``max_move`` is shortened
    to that length: from a very narrow start far from :math:`P` the raw gradient in :math:`s` is
    enormous, and one unclipped step would throw :math:`\sigma` out of the grid.

    Example:
        >>> fit = fit_gaussian("forward")
        >>> m = Mixture()
        >>> round(fit.mu, 2), round(m.mean, 2), round(fit.sigma, 2), round(m.var**0.5, 2)
        (-0.6, -0.6, 3.02, 3.02)
    """
    _check_direction(direction)
    mixture = Mixture() if mixture is None else mixture
    grid = np.asarray(grid, dtype=np.float64)
    log_p = mixture.log_pdf(grid)
    P = softmax(log_p)
    mu, s = float(init[0]), float(np.log(init[1]))
    history = []
    for _ in range(max_steps):
        value, grad = _value_and_grad(direction, mu, s, log_p, P, grid)
        history.append(value)
        step = lr * grad
        length = float(np.hypot(*step))
        if length > max_move:
            step *= max_move / length
        mu -= float(step[0])
        s -= float(step[1])
        if length < tol:
            break
    sigma = float(np.exp(s))
    forward, reverse = kl_both_ways(mu, sigma, mixture, grid)
    init = (float(init[0]), float(init[1]))
    return GaussianFit(direction, mu, sigma, init, np.array(history), forward, reverse)


@dataclass(frozen=True)
class BothWays:
    r"""The forward fit, the reverse fits (one per start), and both divergences at each.

    ``table[k] = (D_KL(P||Q_k), D_KL(Q_k||P))`` for the fits in the order of ``labels``: the
    forward fit first, then the reverse fits. ``x``, ``p`` are the grid and the mixture density
    for plotting; each fit's ``pdf(x)`` gives its curve.
    """

    forward: GaussianFit
    reverse: tuple[GaussianFit, ...]
    table: np.ndarray
    labels: tuple[str, ...]
    x: np.ndarray
    p: np.ndarray


def fit_both_ways(
    mixture: Mixture | None = None,
    *,
    forward_init: tuple[float, float] = (0.5, 1.0),
    reverse_inits: tuple[tuple[float, float], ...] = ((-1.0, 1.0), (1.0, 1.0)),
    lr: float = 0.2,
) -> BothWays:
    r"""Fit one Gaussian by forward KL, and by reverse KL from each start; tabulate both
    divergences at every fit.

    Reverse KL is not convex in :math:`(\mu, \sigma)`: it has a local optimum on each mode, and
    which one gradient descent finds depends on where it starts. The defaults start left and
    right of the valley between the modes.

    Example:
        >>> res = fit_both_ways()
        >>> res.labels
        ('forward KL fit', 'reverse KL fit from mu=-1', 'reverse KL fit from mu=1')
        >>> [round(f.mu, 2) for f in res.reverse]           # one fit per mode
        [-3.0, 3.0]
    """
    mixture = Mixture() if mixture is None else mixture
    fwd = fit_gaussian("forward", mixture=mixture, init=forward_init, lr=lr)
    revs = tuple(fit_gaussian("reverse", mixture=mixture, init=i, lr=lr) for i in reverse_inits)
    fits = (fwd, *revs)
    table = np.array([[f.forward_kl, f.reverse_kl] for f in fits])
    labels = ("forward KL fit", *(f"reverse KL fit from mu={i[0]:g}" for i in reverse_inits))
    return BothWays(fwd, revs, table, labels, GRID.copy(), mixture.pdf(GRID))


# --------------------------------------------------------------------------------- Gaussians


def gaussian_kl(mu_p: float, sigma_p: float, mu_q: float, sigma_q: float) -> float:
    r"""Closed form of :math:`D_{KL}(\mathcal N(\mu_p, \sigma_p^2)\,\|\,\mathcal N(\mu_q, \sigma_q^2))`:

    .. math:: \log\frac{\sigma_q}{\sigma_p} + \frac{\sigma_p^2 + (\mu_p - \mu_q)^2}{2\sigma_q^2}
              - \frac12

    Example:
        >>> gaussian_kl(0.0, 1.0, 0.0, 1.0), gaussian_kl(1.0, 1.0, 0.0, 1.0)   # (mu_p - mu_q)²/2
        (0.0, 0.5)
    """
    return float(
        np.log(sigma_q / sigma_p) + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2) - 0.5
    )


def vae_kl(mu, log_var) -> np.ndarray:
    r"""The VAE's KL term :math:`D_{KL}(\mathcal N(\mu, \operatorname{diag}\sigma^2)\,\|\,\mathcal N(0, I))`,
    summed over the latent dimensions (the last axis).

    .. math:: \frac12\sum_j\big(\mu_j^2 + \sigma_j^2 - 1 - \log\sigma_j^2\big)

    It is :func:`gaussian_kl` with :math:`\mu_q = 0, \sigma_q = 1`, one latent dimension at a
    time (a diagonal Gaussian's KL is the sum of its coordinates' KLs). The encoder outputs
    :math:`\log\sigma^2` rather than :math:`\sigma`, so any real output is a valid variance.

    Args:
        mu: ``(..., k)`` means of the approximate posterior.
        log_var: log-variances :math:`\log\sigma^2`, same shape.

    Returns:
        Shape without the last axis (one value per sample).

    References:
        Kingma, D. P. and Welling, M. (2014). Auto-encoding variational Bayes. *ICLR*
        (appendix B).

    Example:
        >>> float(vae_kl([0.0, 0.0], [0.0, 0.0]))   # the posterior is the prior: nothing to pay
        0.0
        >>> float(vae_kl([1.0, 0.0], [0.0, np.log(4.0)]))   # ½·1 + ½(4 - 1 - log 4)
        1.3068528194400546
    """
    mu = np.asarray(mu, dtype=np.float64)
    log_var = np.asarray(log_var, dtype=np.float64)
    if mu.shape != log_var.shape:  # explicit: a (k,) log_var broadcast over a batch hides bugs
        raise ValueError(
            f"mu and log_var must have the same shape, got {mu.shape} and {log_var.shape}."
        )
    return 0.5 * (mu**2 + np.exp(log_var) - 1.0 - log_var).sum(axis=-1)


def vae_kl_grad(mu, log_var) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradient of :func:`vae_kl` with respect to :math:`\mu` and :math:`\log\sigma^2`:

    .. math:: \frac{\partial D}{\partial\mu_j} = \mu_j,\qquad
              \frac{\partial D}{\partial\log\sigma_j^2} = \tfrac12\big(\sigma_j^2 - 1\big)

    Both vanish exactly at the prior (:math:`\mu = 0`, :math:`\sigma = 1`): the KL term pulls
    every latent code towards it.

    Example:
        >>> g_mu, g_lv = vae_kl_grad([1.0, -2.0], [0.0, np.log(3.0)])
        >>> g_mu.tolist(), g_lv.round(6).tolist()
        ([1.0, -2.0], [0.0, 1.0])
    """
    mu = np.asarray(mu, dtype=np.float64)
    log_var = np.asarray(log_var, dtype=np.float64)
    if mu.shape != log_var.shape:
        raise ValueError(
            f"mu and log_var must have the same shape, got {mu.shape} and {log_var.shape}."
        )
    return mu.copy(), 0.5 * (np.exp(log_var) - 1.0)


def vae_kl_on_grid(mu: float, sigma: float, grid=GRID) -> tuple[float, float]:
    r"""One latent dimension's KL to :math:`\mathcal N(0, 1)` two ways: the closed form
    (:func:`vae_kl`) and :func:`losses.kl_divergence` between the two densities discretised on
    the grid.

    Returns:
        ``(closed_form, on_grid)``.

    Example:
        >>> closed, numeric = vae_kl_on_grid(1.0, 0.5)
        >>> round(closed, 6), round(numeric, 6)
        (0.818147, 0.818147)
    """
    grid = np.asarray(grid, dtype=np.float64)
    closed = float(vae_kl([mu], [2 * np.log(sigma)]))
    on_grid = float(
        kl_divergence(
            softmax(_q_logits(mu, sigma, grid)), _q_logits(0.0, 1.0, grid), from_logits=True
        )
    )
    return closed, on_grid
