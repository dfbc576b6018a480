"""Chapter 4's experiment code: checked against scipy (entropy, rel_entr, quad), closed forms
(moment matching, Gaussian KL) and Monte Carlo."""

import numpy as np
import pytest
from scipy import integrate, special, stats

import losses
from course.experiments import distributions as ex


def _random_distributions(seed, k=6):
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))


# ------------------------------------------------------------------------------ discrete


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_entropy_and_kl_match_scipy(seed):
    p, q = _random_distributions(seed)
    c = ex.compare_discrete(p, q)
    assert c.entropy_p == pytest.approx(stats.entropy(p), rel=1e-12)
    assert c.entropy_q == pytest.approx(stats.entropy(q), rel=1e-12)
    assert c.kl_pq == pytest.approx(special.rel_entr(p, q).sum(), rel=1e-10)
    assert c.kl_qp == pytest.approx(special.rel_entr(q, p).sum(), rel=1e-10)
    assert c.cross_entropy_pq == pytest.approx(-(p * np.log(q)).sum(), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_cross_entropy_is_entropy_plus_kl_both_ways(seed):
    p, q = _random_distributions(seed)
    c = ex.compare_discrete(p, q)
    assert c.cross_entropy_pq == pytest.approx(c.entropy_p + c.kl_pq, abs=1e-12)
    assert c.cross_entropy_qp == pytest.approx(c.entropy_q + c.kl_qp, abs=1e-12)
    # hence with P fixed, cross-entropy and KL differ by a constant: the same minimiser in Q
    assert c.cross_entropy_pq >= c.entropy_p


def test_kl_is_asymmetric_on_the_weather_example():
    c = ex.compare_discrete()
    p = ex.DISCRETE_P
    # Q is uniform on 4 outcomes: KL(P||U) = log 4 - H(P), KL(U||P) = -log 4 - mean(log P)
    assert c.kl_pq == pytest.approx(np.log(4) - stats.entropy(p), abs=1e-12)
    assert c.kl_qp == pytest.approx(-np.log(4) - np.log(p).mean(), abs=1e-12)
    assert c.kl_pq == pytest.approx(0.3532, abs=1e-4)
    assert c.kl_qp == pytest.approx(0.4126, abs=1e-4)
    assert abs(c.kl_pq - c.kl_qp) > 0.05


def test_zero_conventions():
    p, q = [0.5, 0.5, 0.0], [0.5, 0.25, 0.25]
    c = ex.compare_discrete(p, q)
    assert c.kl_pq == pytest.approx(0.5 * np.log(2), abs=1e-12)  # 0·log(0/q) = 0
    assert c.kl_qp == np.inf  # Q > 0 = P: infinitely wrong
    assert special.rel_entr(q, p).sum() == np.inf
    assert c.entropy_p == pytest.approx(np.log(2), abs=1e-12)  # 0·log 0 = 0
    assert c.cross_entropy_qp == np.inf
    assert np.isfinite(c.cross_entropy_pq)


def test_cross_entropy_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        ex.cross_entropy([0.5, 0.5], [0.2, 0.3, 0.5])


# ----------------------------------------------------------------- mixture and grid KL


def test_mixture_density_and_moments_match_integration():
    m = ex.Mixture()
    mass = integrate.quad(lambda x: m.pdf(x), -np.inf, np.inf)[0]
    mean = integrate.quad(lambda x: x * m.pdf(x), -np.inf, np.inf)[0]
    second = integrate.quad(lambda x: x * x * m.pdf(x), -np.inf, np.inf)[0]
    assert mass == pytest.approx(1.0, abs=1e-8)
    assert m.mean == pytest.approx(mean, abs=1e-8)
    assert m.var == pytest.approx(second - mean**2, abs=1e-8)
    ref = 0.6 * stats.norm.pdf(0.3, -3, 0.7) + 0.4 * stats.norm.pdf(0.3, 3, 0.7)
    assert m.pdf(0.3) == pytest.approx(ref, rel=1e-12)


def _quad_kl(log_a, log_b):
    """int a log(a/b) dx by adaptive quadrature, for log-densities a and b."""
    return integrate.quad(
        lambda x: np.exp(log_a(x)) * (log_a(x) - log_b(x)), -15, 15, points=[-3, 0, 3], limit=200
    )[0]


@pytest.mark.parametrize("mu, sigma", [(-0.6, 3.0), (-3.0, 0.7), (1.0, 1.5), (0.0, 0.4)])
def test_grid_kl_matches_quadrature_both_ways(mu, sigma):
    m = ex.Mixture()
    fwd, rev = ex.kl_both_ways(mu, sigma)

    def log_q(x):
        return stats.norm.logpdf(x, mu, sigma)

    assert fwd == pytest.approx(_quad_kl(m.log_pdf, log_q), rel=1e-4)
    assert rev == pytest.approx(_quad_kl(log_q, m.log_pdf), rel=1e-4)
    assert fwd != pytest.approx(rev, rel=0.05)  # and the two directions differ


def test_grid_kl_of_two_gaussians_matches_the_closed_form():
    m = ex.Mixture(weights=(1.0,), means=(0.5,), sigmas=(1.2,))
    fwd, rev = ex.kl_both_ways(-1.0, 0.8, mixture=m)
    assert fwd == pytest.approx(ex.gaussian_kl(0.5, 1.2, -1.0, 0.8), rel=1e-6)
    assert rev == pytest.approx(ex.gaussian_kl(-1.0, 0.8, 0.5, 1.2), rel=1e-6)


def test_narrow_q_gives_a_large_finite_forward_kl_not_inf():
    fwd, rev = ex.kl_both_ways(0.0, 0.2)  # Q's density underflows far out, P's does not
    assert np.isfinite(fwd) and fwd > 100
    assert np.isfinite(rev)


def test_grid_distribution_normalises_and_checks_shape():
    P = ex.grid_distribution(ex.Mixture().log_pdf(ex.GRID))
    assert P.sum() == pytest.approx(1.0, abs=1e-12)
    dx = ex.GRID[1] - ex.GRID[0]
    np.testing.assert_allclose(P / dx, ex.Mixture().pdf(ex.GRID), rtol=1e-6, atol=1e-12)
    with pytest.raises(ValueError, match="log_density has shape"):
        ex.grid_distribution(np.zeros(3))


# ----------------------------------------------------------------------------- gradients


def test_reverse_kl_logit_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    z, log_p = rng.normal(size=5), np.log(rng.dirichlet(np.ones(5)))
    P = np.exp(log_p)
    num = losses.numerical_grad(lambda v: losses.kl_divergence(losses.softmax(v), P), z)
    np.testing.assert_allclose(ex.reverse_kl_grad_logits(z, log_p), num, atol=1e-8)


@pytest.mark.parametrize("direction", ["forward", "reverse"])
@pytest.mark.parametrize("mu, sigma", [(0.5, 1.0), (-2.0, 2.5)])
def test_parameter_gradient_matches_finite_differences(direction, mu, sigma):
    k = 0 if direction == "forward" else 1

    def f(theta):
        return ex.kl_both_ways(theta[0], np.exp(theta[1]))[k]

    num = losses.numerical_grad(f, [mu, np.log(sigma)], eps=1e-5)
    np.testing.assert_allclose(ex.kl_param_grad(direction, mu, sigma), num, rtol=1e-5, atol=1e-7)


# --------------------------------------------------------------------- fitting one Gaussian


@pytest.mark.parametrize(
    "mixture",
    [
        ex.Mixture(),
        ex.Mixture(weights=(0.2, 0.5, 0.3), means=(-4.0, 0.0, 2.5), sigmas=(0.5, 1.0, 0.8)),
    ],
)
def test_forward_kl_fit_is_moment_matching(mixture):
    fit = ex.fit_gaussian("forward", mixture=mixture)
    assert len(fit.history) < 3000  # converged before the step budget ran out
    assert fit.mu == pytest.approx(mixture.mean, abs=1e-3)
    assert fit.sigma == pytest.approx(np.sqrt(mixture.var), abs=1e-3)
    assert np.all(np.diff(fit.history) <= 1e-12)  # gradient descent never went uphill


@pytest.mark.parametrize(
    "init, k", [((-1.0, 1.0), 0), ((1.0, 1.0), 1), ((-4.0, 0.3), 0), ((4.5, 2.0), 1)]
)
def test_reverse_kl_fit_locks_onto_the_mode_it_starts_near(init, k):
    m = ex.Mixture()
    fit = ex.fit_gaussian("reverse", init=init)
    assert fit.mu == pytest.approx(m.means[k], abs=0.01)
    assert fit.sigma == pytest.approx(m.sigmas[k], abs=0.01)
    # Q ≈ that component alone, and P = w_k·component there: KL(Q||P) ≈ -log w_k
    assert fit.reverse_kl == pytest.approx(-np.log(m.weights[k]), abs=1e-3)


def test_both_ways_table_shows_the_trade_off():
    res = ex.fit_both_ways()
    assert res.table.shape == (3, 2)
    assert res.labels[0] == "forward KL fit"
    fwd_row, left, right = res.table
    # each fit wins in the divergence it minimised ...
    assert fwd_row[0] < min(left[0], right[0])
    assert min(left[1], right[1]) < fwd_row[1]
    # ... and the losses are large in the other one: missing a mode costs a lot of forward KL
    assert left[0] > 10 and right[0] > 10
    assert fwd_row[1] > 2
    # the table agrees with kl_both_ways and the densities are ready to plot
    np.testing.assert_allclose(
        res.table[1], ex.kl_both_ways(res.reverse[0].mu, res.reverse[0].sigma)
    )
    assert res.p.shape == res.x.shape == res.forward.pdf(res.x).shape


def test_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="direction must be 'forward' or 'reverse'"):
        ex.fit_gaussian("sideways")


# ----------------------------------------------------------------------------------- VAE


@pytest.mark.parametrize(
    "mu_p, s_p, mu_q, s_q", [(0.0, 1.0, 0.0, 1.0), (1.0, 0.5, -0.5, 2.0), (2.0, 3.0, 0.0, 1.0)]
)
def test_gaussian_closed_form_matches_quadrature(mu_p, s_p, mu_q, s_q):
    def integrand(x):
        log_p, log_q = stats.norm.logpdf(x, mu_p, s_p), stats.norm.logpdf(x, mu_q, s_q)
        return np.exp(log_p) * (log_p - log_q)

    ref = integrate.quad(integrand, -np.inf, np.inf)[0]
    assert ex.gaussian_kl(mu_p, s_p, mu_q, s_q) == pytest.approx(ref, abs=1e-9)


def test_vae_kl_is_the_sum_of_per_dimension_gaussian_kls_and_matches_monte_carlo():
    mu = np.array([[0.5, -1.0, 0.0], [0.0, 0.0, 0.0]])
    log_var = np.array([[0.0, np.log(0.25), np.log(2.0)], [0.0, 0.0, 0.0]])
    kl = ex.vae_kl(mu, log_var)
    assert kl.shape == (2,)
    sigma = np.exp(0.5 * log_var[0])
    ref = sum(ex.gaussian_kl(m, s, 0.0, 1.0) for m, s in zip(mu[0], sigma, strict=True))
    assert kl[0] == pytest.approx(ref, abs=1e-12)
    assert kl[1] == 0.0
    # Monte Carlo: E_q[log q(z) - log p(z)] with z ~ q
    rng = np.random.default_rng(0)
    z = mu[0] + sigma * rng.standard_normal((200_000, 3))
    log_ratio = stats.norm.logpdf(z, mu[0], sigma).sum(1) - stats.norm.logpdf(z).sum(1)
    assert kl[0] == pytest.approx(log_ratio.mean(), abs=4 * log_ratio.std() / np.sqrt(len(z)))


def test_vae_kl_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    mu, log_var = rng.normal(size=4), rng.normal(size=4)
    g_mu, g_lv = ex.vae_kl_grad(mu, log_var)
    np.testing.assert_allclose(
        g_mu, losses.numerical_grad(lambda m: ex.vae_kl(m, log_var), mu), atol=1e-8
    )
    np.testing.assert_allclose(
        g_lv, losses.numerical_grad(lambda v: ex.vae_kl(mu, v), log_var), atol=1e-8
    )
    zero_mu, zero_lv = ex.vae_kl_grad(np.zeros(3), np.zeros(3))  # the prior is the minimum
    assert not zero_mu.any() and not zero_lv.any()


@pytest.mark.parametrize("mu, sigma", [(0.0, 1.0), (1.0, 0.5), (-2.0, 1.8)])
def test_vae_kl_closed_form_matches_the_grid(mu, sigma):
    closed, on_grid = ex.vae_kl_on_grid(mu, sigma)
    assert closed == pytest.approx(ex.gaussian_kl(mu, sigma, 0.0, 1.0), abs=1e-12)
    assert on_grid == pytest.approx(closed, abs=1e-8)


def test_vae_kl_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        ex.vae_kl(np.zeros((2, 3)), np.zeros(3))
