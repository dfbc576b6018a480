"""Chapter 2's experiment code: checked against scikit-learn and hand-worked values."""

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC, LinearSVC

import losses
from course.experiments import classification as ex

LAM = 0.01


@pytest.fixture(scope="module")
def blobs():
    return ex.two_blobs(seed=0)


@pytest.fixture(scope="module")
def fits(blobs):
    return {loss: ex.fit_linear(blobs.X_train, blobs.y_train, loss) for loss in ex.LINEAR_LOSSES}


# ------------------------------------------------------------------------------- overflow


def test_naive_softmax_overflows_silently_where_the_stable_one_does_not():
    z = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a printed RuntimeWarning would fail here
        naive = ex.naive_softmax(z)
    assert np.isnan(naive[0, 0])
    # where nothing overflows the two agree with the hand-computed softmax
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(naive[1], e / e.sum())
    np.testing.assert_allclose(losses.softmax(z)[1], e / e.sum())
    np.testing.assert_allclose(losses.softmax(z)[0], [1.0, 0.0, 0.0])


def test_naive_softmax_overflows_just_past_log_of_max_float():
    limit = np.log(np.finfo(np.float64).max)  # 709.78
    assert np.isfinite(ex.naive_softmax([limit - 1, 0.0])).all()
    assert np.isnan(ex.naive_softmax([limit + 1, 0.0])).any()


# --------------------------------------------------------------------------- margin curves


def test_margin_curves_match_closed_forms():
    m = np.linspace(-4, 4, 81)
    c = ex.margin_curves(m)
    np.testing.assert_allclose(c.hinge, np.maximum(0, 1 - m))
    np.testing.assert_allclose(c.logistic, np.log1p(np.exp(-m)))
    np.testing.assert_allclose(c.d_logistic, -1 / (1 + np.exp(m)))
    np.testing.assert_array_equal(c.d_hinge, np.where(m < 1, -1.0, 0.0))
    np.testing.assert_array_equal(c.zero_one, (m <= 0).astype(float))
    assert not c.base2


def test_logistic_in_bits_passes_through_0_1_and_bounds_the_0_1_loss():
    c = ex.margin_curves(base2=True)
    np.testing.assert_allclose(c.logistic, np.log2(1 + np.exp(-c.m)))
    assert c.logistic[np.argmin(np.abs(c.m))] == pytest.approx(1.0)
    assert (c.logistic >= c.zero_one).all() and (c.hinge >= c.zero_one).all()
    # hinge's gradient stops at the margin, cross-entropy's never does
    assert (c.d_hinge[c.m >= 1] == 0).all()
    assert (c.d_logistic < 0).all()


def test_margin_curve_derivatives_match_finite_differences():
    m = np.array([-2.3, -0.4, 0.7, 1.6, 2.9])  # away from the hinge's kink
    c = ex.margin_curves(m)
    h = 1e-6
    up, down = ex.margin_curves(m + h), ex.margin_curves(m - h)
    np.testing.assert_allclose(c.d_logistic, (up.logistic - down.logistic) / (2 * h), atol=1e-7)
    np.testing.assert_allclose(c.d_hinge, (up.hinge - down.hinge) / (2 * h), atol=1e-7)


# --------------------------------------------------------------------------------- blobs


def test_blobs_are_seeded_balanced_and_near_bayes_separable():
    a, b = ex.two_blobs(seed=3), ex.two_blobs(seed=3)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(ex.two_blobs(seed=4).X_train, a.X_train)
    assert a.y_train.mean() == 0.5 and set(np.unique(a.y_test)) == {0.0, 1.0}
    np.testing.assert_allclose(np.linalg.norm(a.means[1] - a.means[0]), 3.0)
    # the class means of the big held-out set sit at the stated centres
    for k in (0, 1):
        np.testing.assert_allclose(a.X_test[a.y_test == k].mean(axis=0), a.means[k], atol=0.07)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_logistic_regression_matches_sklearn(seed):
    d = ex.two_blobs(seed=seed)
    fit = ex.fit_linear(d.X_train, d.y_train, "cross_entropy", lam=LAM)
    # sklearn minimises C Σ log-loss + ½‖w‖²; ours is that divided by nC, so C = 1/(nλ)
    n = len(d.y_train)
    sk = LogisticRegression(C=1 / (n * LAM), tol=1e-10, max_iter=10_000)
    sk.fit(d.X_train, d.y_train)
    np.testing.assert_allclose(fit.w, sk.coef_[0], atol=1e-4)
    assert fit.b == pytest.approx(sk.intercept_[0], abs=1e-4)
    assert fit.accuracy(d.X_test, d.y_test) == pytest.approx(sk.score(d.X_test, d.y_test), abs=2e-3)


@pytest.mark.parametrize("seed", [0, 2, 3])
def test_default_logistic_regression_is_unpenalised_maximum_likelihood(seed):
    d = ex.two_blobs(seed=seed)
    fit = ex.fit_linear(d.X_train, d.y_train, "cross_entropy")
    assert fit.lam == 0.0
    sk = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(d.X_train, d.y_train)
    np.testing.assert_allclose(fit.w, sk.coef_[0], rtol=1e-4)
    assert fit.b == pytest.approx(sk.intercept_[0], abs=1e-4)
    # at the optimum the mean gradient vanishes: Σ (σ(f_i) - y_i) = 0
    assert abs(fit.sample_grads.mean()) < 1e-8


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hinge_model_reaches_the_svm_optimum(seed):
    d = ex.two_blobs(seed=seed)
    fit = ex.fit_linear(d.X_train, d.y_train, "hinge")
    assert fit.lam == LAM
    n = len(d.y_train)
    svc = SVC(kernel="linear", C=1 / (n * LAM), tol=1e-8).fit(d.X_train, d.y_train)

    def objective(w, b):
        margins = (2 * d.y_train - 1) * (d.X_train @ w + b)
        return np.maximum(0, 1 - margins).mean() + 0.5 * LAM * w @ w

    best = objective(svc.coef_[0], svc.intercept_[0])
    assert objective(fit.w, fit.b) == pytest.approx(best, rel=1e-4)
    assert fit.history[-1] == pytest.approx(best, rel=1e-3)
    np.testing.assert_allclose(fit.w, svc.coef_[0], atol=0.02)
    # the samples with gradient are the support vectors (sklearn also counts those on the margin)
    assert abs(fit.n_active - len(svc.support_)) <= 3
    assert fit.accuracy(d.X_test, d.y_test) == pytest.approx(
        svc.score(d.X_test, d.y_test), abs=5e-3
    )


def test_both_models_are_near_the_bayes_accuracy(blobs, fits):
    bayes = np.mean((blobs.X_test @ (blobs.means[1] - blobs.means[0]) > 0) == blobs.y_test)
    for fit in fits.values():
        assert fit.accuracy(blobs.X_test, blobs.y_test) > bayes - 0.01
        assert (
            fit.history[-1]
            < fit.history[0]
            == pytest.approx(np.log(2) if fit.loss == "cross_entropy" else 1.0)
        )


def test_hinge_lets_most_samples_go_cross_entropy_does_not(blobs, fits):
    svm, logreg = fits["hinge"], fits["cross_entropy"]
    margins = (2 * blobs.y_train - 1) * svm.decision_function(blobs.X_train)
    assert svm.n_active == np.sum(margins < 1) < len(blobs.y_train) / 3
    assert logreg.n_active == len(blobs.y_train)
    np.testing.assert_allclose(
        logreg.sample_grads, losses.sigmoid(logreg.decision_function(blobs.X_train)) - blobs.y_train
    )
    assert logreg.n_above == np.sum(np.abs(logreg.sample_grads) > 1e-3) > svm.n_active


def test_boundary_and_margins_lie_where_the_score_says(blobs, fits):
    x1 = np.linspace(-3, 3, 7)
    for fit in fits.values():
        for level in (-1.0, 0.0, 1.0):
            points = np.column_stack([x1, fit.boundary(x1, level)])
            np.testing.assert_allclose(fit.decision_function(points), level, atol=1e-12)


def test_true_weights_are_the_log_odds_of_the_two_gaussians():
    for d in (ex.two_blobs(seed=0), ex.two_blobs(distance=4.0, std=2.0, seed=1)):
        X = d.X_test[:50]
        # log N(x; μ_1, σ²I) − log N(x; μ_0, σ²I), from scipy's densities
        cov = d.std**2 * np.eye(2)
        log_odds = stats.multivariate_normal(d.means[1], cov).logpdf(X) - stats.multivariate_normal(
            d.means[0], cov
        ).logpdf(X)
        np.testing.assert_allclose(d.true_logit(X), log_odds, rtol=1e-10, atol=1e-10)
    w, b = ex.two_blobs(distance=4.0, std=2.0).true_weights()
    np.testing.assert_allclose(w, [0.8, 0.6])  # 4u / 2²
    assert b == 0.0
    # logistic regression estimates them: on many samples it lands close
    big = ex.two_blobs(n_train=20_000, n_test=10, seed=5)
    fit = ex.fit_linear(big.X_train, big.y_train, "cross_entropy", steps=500)
    np.testing.assert_allclose(fit.w, big.true_weights()[0], atol=0.1)
    assert abs(fit.b) < 0.05


def test_bayes_accuracy_is_the_normal_cdf_and_what_the_bisector_scores():
    assert ex.two_blobs(seed=0).bayes_accuracy() == pytest.approx(stats.norm.cdf(1.5), rel=1e-12)
    d = ex.two_blobs(n_test=200_000, distance=2.0, std=1.5, seed=6)
    assert d.bayes_accuracy() == pytest.approx(stats.norm.cdf(2.0 / 3.0), rel=1e-12)
    bisector = np.mean((d.true_logit(d.X_test) > 0) == (d.y_test == 1))
    assert bisector == pytest.approx(d.bayes_accuracy(), abs=0.005)


def test_linear_accuracies_repeat_the_experiment_on_fresh_draws():
    acc = ex.linear_accuracies([0, 7], n_train=100, n_test=1000)
    for k, seed in enumerate([0, 7]):
        d = ex.two_blobs(n_train=100, n_test=1000, seed=seed)
        for loss in ex.LINEAR_LOSSES:
            fit = ex.fit_linear(d.X_train, d.y_train, loss)
            assert acc[loss][k] == fit.accuracy(d.X_test, d.y_test)
    # both near the best possible Φ(d / 2σ) = Φ(1.5), never above it by more than the noise
    for a in acc.values():
        assert np.all(np.abs(a - stats.norm.cdf(1.5)) < 0.03)


def test_fit_linear_refuses_unknown_loss():
    with pytest.raises(ValueError, match="loss must be one of"):
        ex.fit_linear([[0.0], [1.0]], [0, 1], "mse")


# ----------------------------------------------------------------------------- calibration


def test_reliability_hand_worked():
    y = [0, 0, 1, 1, 1, 0]
    p = [0.05, 0.15, 0.55, 0.65, 0.95, 0.45]
    r = ex.reliability(y, p, n_bins=2)  # bins [0, .5) and [.5, 1]
    np.testing.assert_array_equal(r.counts, [3, 3])
    np.testing.assert_allclose(r.mean_predicted, [0.65 / 3, 2.15 / 3])
    np.testing.assert_allclose(r.observed, [0.0, 1.0])
    assert r.ece == pytest.approx((3 * 0.65 / 3 + 3 * (1 - 2.15 / 3)) / 6)


def test_reliability_edges_empty_bins_and_a_perfect_model():
    r = ex.reliability([0, 1, 1], [0.0, 0.5, 1.0], n_bins=4)
    np.testing.assert_array_equal(r.counts, [1, 0, 1, 1])  # 0.5 opens a bin, 1.0 closes the last
    assert np.isnan(r.observed[1]) and np.isnan(r.mean_predicted[1])
    # labels drawn with exactly the predicted probabilities: calibrated up to sampling noise
    rng = np.random.default_rng(0)
    p = rng.uniform(size=200_000)
    assert ex.reliability(rng.uniform(size=p.size) < p, p).ece < 0.005
    # always saying 0.9 for a coin: ECE 0.4
    assert ex.reliability(np.arange(1000) % 2, np.full(1000, 0.9)).ece == pytest.approx(0.4)


def test_reliability_matches_sklearn_calibration_curve(blobs, fits):
    p = fits["cross_entropy"].predict_proba(blobs.X_test)
    r = ex.reliability(blobs.y_test, p)
    prob_true, prob_pred = calibration_curve(blobs.y_test, p, n_bins=10)
    full = r.counts > 0
    np.testing.assert_allclose(r.observed[full], prob_true)
    np.testing.assert_allclose(r.mean_predicted[full], prob_pred)
    assert r.counts.sum() == len(blobs.y_test)


def test_equal_mass_bins_hand_worked_and_equal_counts():
    y = [0, 1, 0, 1, 1, 1, 0]
    p = [0.9, 0.1, 0.2, 0.4, 0.8, 0.7, 0.3]
    r = ex.reliability(y, p, n_bins=3, strategy="quantile")
    # sorted: 0.1 0.2 0.3 | 0.4 0.7 | 0.8 0.9 (sizes 3, 2, 2), labels 1 0 0 | 1 1 | 1 0
    np.testing.assert_array_equal(r.counts, [3, 2, 2])
    np.testing.assert_allclose(r.mean_predicted, [0.2, 0.55, 0.85])
    np.testing.assert_allclose(r.observed, [1 / 3, 1.0, 0.5])
    np.testing.assert_allclose(r.edges, [0.1, 0.4, 0.8, 0.9])
    assert r.ece == pytest.approx((3 * (1 / 3 - 0.2) + 2 * (1.0 - 0.55) + 2 * (0.85 - 0.5)) / 7)
    rng = np.random.default_rng(1)
    q = rng.beta(0.3, 0.3, size=1003)  # crowded at 0 and 1: equal-width bins are uneven
    counts = ex.reliability(q > 0.5, q, n_bins=10, strategy="quantile").counts
    assert counts.max() - counts.min() <= 1 and counts.sum() == 1003
    wide = ex.reliability(q > 0.5, q, n_bins=10).counts
    assert wide.max() > 3 * wide.min()


@pytest.mark.parametrize("strategy", ex.BIN_STRATEGIES)
def test_ece_with_one_bin_and_with_one_sample_per_bin(strategy):
    rng = np.random.default_rng(2)
    p = rng.uniform(size=60)
    y = (rng.uniform(size=60) < 0.7).astype(float)
    # one bin: the gap between the mean label and the mean prediction
    assert ex.reliability(y, p, n_bins=1, strategy=strategy).ece == pytest.approx(
        abs(y.mean() - p.mean())
    )
    if strategy == "quantile":  # one sample per bin: the mean absolute error
        assert ex.reliability(y, p, n_bins=60, strategy=strategy).ece == pytest.approx(
            np.mean(np.abs(y - p))
        )


def test_equal_mass_bins_match_sklearn_quantile_calibration_curve(blobs, fits):
    p = fits["cross_entropy"].predict_proba(blobs.X_test)  # 4000 distinct values
    r = ex.reliability(blobs.y_test, p, n_bins=8, strategy="quantile")
    prob_true, prob_pred = calibration_curve(blobs.y_test, p, n_bins=8, strategy="quantile")
    np.testing.assert_allclose(r.observed, prob_true)
    np.testing.assert_allclose(r.mean_predicted, prob_pred)


def test_ece_of_calibrated_probabilities_is_the_noise_of_its_bins():
    # labels drawn with the predicted probabilities: each bin's gap is the noise of a mean of
    # n_b Bernoulli draws, E|gap| ≈ sqrt(2/π) · sqrt(Σ p(1 − p)) / n_b (normal approximation)
    rng = np.random.default_rng(3)
    p = np.sort(rng.uniform(0.05, 0.95, size=4000))
    for n_bins in (20, 40):
        groups = np.array_split(p, n_bins)
        expected = sum(np.sqrt(2 / np.pi * np.sum(g * (1 - g))) for g in groups) / p.size
        draws = [
            ex.ece_by_bins(rng.uniform(size=p.size) < p, p, [n_bins], strategy="quantile")[0]
            for _ in range(200)
        ]
        assert np.mean(draws) == pytest.approx(expected, rel=0.05)
    # so more bins, more noise: the ECE of calibrated probabilities grows with the bin count
    y = rng.uniform(size=p.size) < p
    for strategy in ex.BIN_STRATEGIES:
        e = ex.ece_by_bins(y, p, [5, 20, 100, 400], strategy=strategy)
        assert np.all(np.diff(e) > 0), (strategy, e)


def test_reliability_refuses_an_unknown_strategy():
    with pytest.raises(ValueError, match="strategy must be one of"):
        ex.reliability([0, 1], [0.2, 0.8], strategy="equal")


def test_reliability_refuses_non_probabilities():
    with pytest.raises(ValueError, match="probabilities in"):
        ex.reliability([0, 1], [-0.5, 2.0])
    with pytest.raises(ValueError, match="shape"):
        ex.reliability([0, 1], [0.5])


def test_logistic_is_sane_on_the_reliability_diagram(blobs, fits):
    r = ex.reliability(blobs.y_test, fits["cross_entropy"].predict_proba(blobs.X_test))
    full = r.counts >= 50
    assert np.all(np.diff(r.observed[full]) > 0)  # more confident bins are more often right
    # close to the diagonal: a few points off in the sparse middle bins, little on average
    assert np.all(np.abs(r.observed[full] - r.mean_predicted[full]) < 0.15)
    assert r.ece < 0.03


@pytest.mark.parametrize("seed", range(5))
def test_squashed_svm_scores_are_worse_calibrated_than_logistic(seed):
    d = ex.two_blobs(seed=seed)
    ece = {
        loss: ex.reliability(
            d.y_test, ex.fit_linear(d.X_train, d.y_train, loss).predict_proba(d.X_test)
        ).ece
        for loss in ex.LINEAR_LOSSES
    }
    assert ece["hinge"] > 1.3 * ece["cross_entropy"]
    assert ece["cross_entropy"] < 0.05


def test_platt_scaling_repairs_the_svm(blobs, fits):
    svm = fits["hinge"]
    a, c = ex.platt_scale(svm.decision_function(blobs.X_train), blobs.y_train)
    sk = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000)
    sk.fit(svm.decision_function(blobs.X_train).reshape(-1, 1), blobs.y_train)
    assert a == pytest.approx(sk.coef_[0, 0], rel=1e-3)
    assert c == pytest.approx(sk.intercept_[0], abs=1e-3)
    naive = ex.reliability(blobs.y_test, svm.predict_proba(blobs.X_test)).ece
    scaled = ex.reliability(
        blobs.y_test, losses.sigmoid(a * svm.decision_function(blobs.X_test) + c)
    ).ece
    assert scaled < naive / 2


# ------------------------------------------------------------------------------ multi-label


@pytest.fixture(scope="module")
def multilabel():
    d = ex.multilabel_data(seed=0)
    return d, {head: ex.fit_multilabel(d, head) for head in ex.MULTILABEL_HEADS}


def test_multilabel_data_has_independent_fair_tags():
    d = ex.multilabel_data(n_train=10, n_test=40_000, seed=1)
    Y = d.Y_test
    np.testing.assert_allclose(Y.mean(axis=0), 0.5, atol=0.01)
    np.testing.assert_allclose(np.corrcoef(Y.T)[np.triu_indices(3, 1)], 0.0, atol=0.02)
    counts = np.bincount(Y.sum(axis=1).astype(int), minlength=4) / len(Y)
    np.testing.assert_allclose(counts, [1 / 8, 3 / 8, 3 / 8, 1 / 8], atol=0.01)


def test_softmax_cannot_say_yes_to_two_tags(multilabel):
    d, fits = multilabel
    soft = fits["softmax"]
    np.testing.assert_allclose(soft.probs.sum(axis=1), 1.0)
    assert soft.mean_prob_sum == pytest.approx(1.0)
    assert soft.multi_recall == 0.0
    # only samples with one tag or none (all three below ½) can be matched exactly
    assert soft.exact_match <= np.mean(d.Y_test.sum(axis=1) <= 1) + 1e-12


def test_independent_sigmoids_get_multilabel_right(multilabel):
    d, fits = multilabel
    sig, soft = fits["sigmoid"], fits["softmax"]
    assert sig.label_accuracy > 0.88 and sig.multi_recall > 0.8
    assert sig.exact_match > soft.exact_match + 0.3
    assert sig.label_accuracy > soft.label_accuracy + 0.15
    # sigmoid probabilities sum to the expected number of tags (1.5), not to 1
    assert sig.mean_prob_sum == pytest.approx(d.Y_test.sum(axis=1).mean(), abs=0.1)
    for fit in fits.values():
        assert fit.history[-1] < fit.history[0]


def test_multilabel_metrics_match_sklearn(multilabel):
    from sklearn.metrics import accuracy_score, hamming_loss

    d, fits = multilabel
    for fit in fits.values():
        pred = (fit.probs > 0.5).astype(float)
        assert fit.label_accuracy == pytest.approx(1 - hamming_loss(d.Y_test, pred))
        assert fit.exact_match == pytest.approx(accuracy_score(d.Y_test, pred))


def test_sigmoid_head_matches_three_sklearn_logistic_regressions(multilabel):
    d, fits = multilabel
    sig = ex.fit_multilabel(d, "sigmoid", steps=3000)
    for k in range(3):
        sk = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000)
        sk.fit(d.X_train, d.Y_train[:, k])
        np.testing.assert_allclose(sig.W[:, k], sk.coef_[0], rtol=0.02, atol=0.02)


def test_fit_multilabel_refuses_unknown_head():
    with pytest.raises(ValueError, match="head must be one of"):
        ex.fit_multilabel(ex.multilabel_data(n_train=5, n_test=5), "relu")


# ------------------------------------------------------------- calibration after training


@pytest.fixture(scope="module")
def classes():
    return ex.overlapping_classes(seed=0)


@pytest.fixture(scope="module")
def overconfident(classes):
    return ex.fit_softmax(classes.X_train, classes.y_train, checkpoints=(100,))


def test_overlapping_classes_are_seeded_balanced_and_overlap(classes):
    again = ex.overlapping_classes(seed=0)
    np.testing.assert_array_equal(again.X_cal, classes.X_cal)
    assert not np.array_equal(ex.overlapping_classes(seed=1).X_train, classes.X_train)
    for y in (classes.y_train, classes.y_cal, classes.y_test):
        counts = np.bincount(y)
        assert len(counts) == 4 and counts.min() == counts.max()
    np.testing.assert_allclose(np.linalg.norm(classes.means, axis=1), 2.5)
    # the classes overlap: even the true posterior gets a good share of the test set wrong
    bayes = np.mean(classes.true_logits(classes.X_test).argmax(axis=1) == classes.y_test)
    assert 0.85 < bayes < 0.95


def test_true_logits_give_the_bayes_posterior_of_the_gaussians(classes):
    X = classes.X_test[:50]
    # log N(x; μ_k, I) up to a constant shared by the classes (equal priors)
    log_density = -0.5 * ((X[:, None, :] - classes.means[None]) ** 2).sum(axis=2)
    posterior = np.exp(log_density - log_density.max(axis=1, keepdims=True))
    posterior /= posterior.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(losses.softmax(classes.true_logits(X)), posterior, atol=1e-12)


def test_fit_softmax_matches_sklearn_where_the_optimum_exists():
    # many samples in 2-D: not separable, so the unpenalised maximum likelihood is finite
    d = ex.overlapping_classes(n_train=1000, n_test=1000, n_classes=3, dim=2, distance=1.5, seed=2)
    fit = ex.fit_softmax(d.X_train, d.y_train, steps=1500, lr=1.0)
    sk = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(d.X_train, d.y_train)
    np.testing.assert_allclose(
        losses.softmax(fit.logits(d.X_test)), sk.predict_proba(d.X_test), atol=1e-4
    )


def test_longer_training_of_a_separable_set_is_more_confident_and_worse_calibrated(
    classes, overconfident
):
    early = ex.confidence_report(
        classes.y_test, losses.softmax(overconfident.logits(classes.X_test, step=100))
    )
    late = ex.confidence_report(
        classes.y_test, losses.softmax(overconfident.logits(classes.X_test))
    )
    train = overconfident.logits(classes.X_train).argmax(axis=1)
    assert np.all(train == classes.y_train)  # separable: every training sample right
    assert overconfident.train_loss < 0.1
    assert late.mean_confidence > early.mean_confidence
    assert late.mean_confidence - late.accuracy > 0.1  # over-confident on held-out data
    assert late.ece > 2 * early.ece and late.nll > early.nll
    with pytest.raises(KeyError):
        overconfident.logits(classes.X_test, step=7)  # not a checkpoint


def test_fit_softmax_gradient_matches_finite_differences_of_its_objective():
    d = ex.overlapping_classes(n_train=40, n_classes=3, dim=3, seed=1)
    one = ex.fit_softmax(d.X_train, d.y_train, steps=1, lr=1.0, label_smoothing=0.1)
    # from W = 0, one step of size 1 is minus the gradient of the mean smoothed cross-entropy
    numeric = losses.numerical_grad(
        lambda W: losses.cross_entropy(
            d.y_train, d.X_train @ W, from_logits=True, label_smoothing=0.1
        ),
        np.zeros((3, 3)),
    )
    np.testing.assert_allclose(-one.W, numeric, atol=1e-7)


@pytest.mark.parametrize("binary", [False, True], ids=["softmax", "sigmoid"])
@pytest.mark.parametrize("T", [0.3, 1.0, 2.7])
def test_temperature_nll_and_its_derivative(binary, T):
    rng = np.random.default_rng(5)
    if binary:
        z, y = 3 * rng.standard_normal(30), rng.integers(0, 2, 30).astype(float)
        # written out: −[y log σ(u) + (1−y) log(1 − σ(u))], u = z/T
        p = 1 / (1 + np.exp(-z / T))
        expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    else:
        z, y = 3 * rng.standard_normal((30, 4)), rng.integers(0, 4, 30)
        u = z / T
        expected = np.mean(np.log(np.exp(u).sum(axis=1)) - u[np.arange(30), y])
    loss, slope = ex.temperature_nll(z, y, T)
    assert loss == pytest.approx(expected, rel=1e-9)  # the written-out form loses digits
    numeric = losses.numerical_grad(lambda t: ex.temperature_nll(z, y, float(t[0]))[0], [T])
    assert slope == pytest.approx(numeric[0], abs=1e-7)
    if not binary:  # the closed form: (1/nT²) Σ_i (z_{i,y_i} − Σ_c p_ic z_ic)
        p = losses.softmax(z / T)
        closed = np.mean(z[np.arange(30), y] - (p * z).sum(axis=1)) / T**2
        assert slope == pytest.approx(closed, rel=1e-10)


@pytest.mark.parametrize("T", [0.0, -1.0, float("nan")])
def test_temperature_nll_refuses_a_non_positive_temperature(T):
    with pytest.raises(ValueError, match="temperature must be positive"):
        ex.temperature_nll([[1.0, 0.0]], [0], T)


def test_fit_temperature_recovers_a_known_temperature():
    rng = np.random.default_rng(0)
    z = 2 * rng.standard_normal((20_000, 3))  # the true logits
    y = (rng.random(20_000)[:, None] > np.cumsum(losses.softmax(z), axis=1)).sum(axis=1)
    assert ex.fit_temperature(2.5 * z, y) == pytest.approx(2.5, rel=0.05)
    assert ex.fit_temperature(0.5 * z, y) == pytest.approx(0.5, rel=0.05)


def test_fit_temperature_is_the_minimum_of_a_dense_grid(classes, overconfident):
    Z, y = overconfident.logits(classes.X_cal), classes.y_cal
    T = ex.fit_temperature(Z, y)
    grid = np.exp(np.linspace(np.log(0.5), np.log(20), 2001))
    values = [losses.cross_entropy(y, Z / t, from_logits=True) for t in grid]
    assert T == pytest.approx(grid[int(np.argmin(values))], rel=2e-3)
    assert abs(ex.temperature_nll(Z, y, T)[1]) < 1e-6  # a stationary point
    assert ex.temperature_nll(Z, y, T)[0] <= min(values) + 1e-12


def test_temperature_scaling_repairs_the_overconfident_model(classes, overconfident):
    T = ex.fit_temperature(overconfident.logits(classes.X_cal), classes.y_cal)
    Z = overconfident.logits(classes.X_test)
    before = ex.confidence_report(classes.y_test, losses.softmax(Z))
    after = ex.confidence_report(classes.y_test, losses.softmax(Z / T))
    assert T > 2
    assert after.ece < before.ece / 4 and after.ece < 0.03
    assert after.nll < before.nll
    assert abs(after.mean_confidence - after.accuracy) < 0.02
    assert after.accuracy == before.accuracy


@pytest.mark.parametrize("T", [0.05, 0.5, 2.0, 40.0])
def test_a_temperature_never_changes_the_predicted_class(classes, overconfident, T):
    Z = overconfident.logits(classes.X_test)
    np.testing.assert_array_equal(
        losses.softmax(Z / T).argmax(axis=1), losses.softmax(Z).argmax(axis=1)
    )
    f = np.linspace(-5, 5, 101)  # binary: the side of 0.5 is the sign of the logit
    np.testing.assert_array_equal(losses.sigmoid(f / T) > 0.5, losses.sigmoid(f) > 0.5)


def test_the_svm_needs_a_temperature_below_one(blobs, fits):
    svm = fits["hinge"]
    cal = ex.two_blobs(seed=1)
    T = ex.fit_temperature(svm.decision_function(cal.X_train), cal.y_train)
    a, _ = ex.platt_scale(svm.decision_function(cal.X_train), cal.y_train)
    assert T < 0.5  # under-confident scores: sharpen
    assert 1 / T == pytest.approx(a, rel=0.1)  # Platt's slope without its intercept
    f = svm.decision_function(blobs.X_test)
    naive = ex.reliability(blobs.y_test, losses.sigmoid(f)).ece
    assert ex.reliability(blobs.y_test, losses.sigmoid(f / T)).ece < naive / 2


def test_fit_temperature_refuses_a_bracket_without_a_minimum(classes, overconfident):
    # on its own (separated) training set the loss keeps falling as T → 0
    with pytest.raises(ValueError, match="no minimum for T in"):
        ex.fit_temperature(overconfident.logits(classes.X_train), classes.y_train)


def test_confidence_logit_is_the_logit_of_the_top_probability():
    rng = np.random.default_rng(1)
    z = 3 * rng.standard_normal((50, 5))
    top = losses.softmax(z).max(axis=1)
    np.testing.assert_allclose(ex.confidence_logit(z), np.log(top / (1 - top)), rtol=1e-9)
    two = rng.standard_normal((10, 2))
    np.testing.assert_allclose(ex.confidence_logit(two), np.abs(two[:, 0] - two[:, 1]))
    # where the top probability rounds to 1 the score stays finite and exact
    assert ex.confidence_logit([[60.0, 0.0, 0.0]])[0] == pytest.approx(60 - np.log(2))


def test_confidence_report_matches_sklearn(classes, overconfident):
    from sklearn.metrics import accuracy_score, log_loss

    P = losses.softmax(overconfident.logits(classes.X_test, step=100))
    r = ex.confidence_report(classes.y_test, P)
    assert r.accuracy == pytest.approx(accuracy_score(classes.y_test, P.argmax(axis=1)))
    assert r.nll == pytest.approx(log_loss(classes.y_test, P), rel=1e-9)
    assert r.mean_confidence == pytest.approx(P.max(axis=1).mean())
    assert r.diagram.counts[:2].sum() == 0  # a confidence is never below 1/K = 0.25
    correct = P.argmax(axis=1) == classes.y_test
    prob_true, prob_pred = calibration_curve(correct, P.max(axis=1), n_bins=10)
    full = r.diagram.counts > 0
    np.testing.assert_allclose(r.diagram.observed[full], prob_true)
    np.testing.assert_allclose(r.diagram.mean_predicted[full], prob_pred)


def test_platt_scale_converges_on_large_scores(classes, overconfident):
    Z = overconfident.logits(classes.X_cal)
    s = ex.confidence_logit(Z)  # up to about 30
    correct = (Z.argmax(axis=1) == classes.y_cal).astype(float)
    assert s.max() > 20
    a, c = ex.platt_scale(s, correct)
    sk = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(s.reshape(-1, 1), correct)
    assert a == pytest.approx(sk.coef_[0, 0], rel=1e-4)
    assert c == pytest.approx(sk.intercept_[0], abs=1e-4)


@pytest.fixture(scope="module")
def smoothed(classes):
    return {
        eps: ex.fit_softmax(classes.X_train, classes.y_train, label_smoothing=eps)
        for eps in (0.0, 0.1, 0.2)
    }


def test_label_smoothing_pulls_confidence_down_and_can_overshoot(classes, smoothed):
    reports = {
        eps: ex.confidence_report(classes.y_test, losses.softmax(fit.logits(classes.X_test)))
        for eps, fit in smoothed.items()
    }
    conf = [reports[eps].mean_confidence for eps in (0.0, 0.1, 0.2)]
    assert conf[0] > conf[1] > conf[2]
    # the targets cap the confidence: without smoothing most training samples end up at a top
    # probability of 1; with it, the training confidence stays below the target 1 − ε + ε/K
    top = {
        eps: losses.softmax(fit.logits(classes.X_train)).max(axis=1)
        for eps, fit in smoothed.items()
    }
    assert np.median(top[0.0]) > 0.999
    for eps in (0.1, 0.2):
        assert top[eps].mean() < 1 - eps + eps / 4
    # ε = 0.2 over-shoots: on held-out data the model is now *under*-confident
    assert reports[0.2].mean_confidence < reports[0.2].accuracy - 0.1
    # and a temperature fitted afterwards sharpens it (T < 1) instead of softening it
    T = {
        eps: ex.fit_temperature(fit.logits(classes.X_cal), classes.y_cal)
        for eps, fit in smoothed.items()
    }
    assert T[0.0] > 1 > T[0.1] > T[0.2]


# ------------------------------------------------- multiclass hinge against softmax cross-entropy


def test_multiclass_margins_hand_worked_and_binary():
    scores = np.array([[2.0, 1.5, -1.0], [0.0, 3.0, 1.0], [0.2, 0.9, 0.1]])
    np.testing.assert_allclose(ex.multiclass_margins(scores, [0, 1, 2]), [0.5, 2.0, -0.8])
    # two classes: the binary margin y·f of f = s_1 − s_0
    s2 = np.array([[0.3, 1.0], [2.0, -1.0]])
    np.testing.assert_allclose(ex.multiclass_margins(s2, [1, 1]), [0.7, -3.0])


@pytest.fixture(scope="module")
def multiclass_fits(classes):
    return {
        loss: ex.fit_multiclass(classes.X_train, classes.y_train, loss)
        for loss in ex.MULTICLASS_LOSSES
    }


@pytest.mark.parametrize("loss", ["cross_entropy", "multiclass_hinge"])
def test_multiclass_objective_gradient_matches_finite_differences(loss):
    d = ex.overlapping_classes(n_train=30, n_classes=3, dim=4, seed=4)
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    _, grad_W, grad_b, _, _ = ex._multiclass_objective(d.X_train, d.y_train, W, b, loss, 0.1)

    def J_W(V):
        return ex._multiclass_objective(d.X_train, d.y_train, V, b, loss, 0.1)[0]

    def J_b(c):
        return ex._multiclass_objective(d.X_train, d.y_train, W, c, loss, 0.1)[0]

    np.testing.assert_allclose(grad_W, losses.numerical_grad(J_W, W), atol=1e-6)
    np.testing.assert_allclose(grad_b, losses.numerical_grad(J_b, b), atol=1e-6)


def test_multiclass_cross_entropy_matches_sklearn(classes, multiclass_fits):
    fit = multiclass_fits["cross_entropy"]
    n = len(classes.y_train)
    sk = LogisticRegression(C=1 / (n * fit.lam), tol=1e-12, max_iter=10_000)
    sk.fit(classes.X_train, classes.y_train)
    np.testing.assert_allclose(
        losses.softmax(fit.logits(classes.X_test)), sk.predict_proba(classes.X_test), atol=1e-3
    )


def test_multiclass_hinge_is_near_the_crammer_singer_svm_optimum(classes, multiclass_fits):
    fit = multiclass_fits["multiclass_hinge"]
    n, lam = len(classes.y_train), fit.lam
    with warnings.catch_warnings():  # liblinear's tolerance is strict: it warns, converged or not
        warnings.simplefilter("ignore")
        svc = LinearSVC(
            multi_class="crammer_singer",
            C=1 / (n * lam),
            tol=1e-8,
            max_iter=100_000,
            intercept_scaling=100,  # an intercept practically free of the penalty, like ours
        ).fit(classes.X_train, classes.y_train)

    def objective(W, b):
        Z = classes.X_train @ W + b
        return losses.multiclass_hinge(classes.y_train, Z) + 0.5 * lam * np.sum(W * W)

    best = objective(svc.coef_.T, svc.intercept_)
    assert best <= objective(fit.W, fit.b) < 1.02 * best
    assert fit.accuracy(classes.X_test, classes.y_test) == pytest.approx(
        svc.score(classes.X_test, classes.y_test), abs=0.01
    )


def test_the_hinge_silences_samples_beyond_the_margin_cross_entropy_does_not(
    classes, multiclass_fits
):
    hinge, ce = multiclass_fits["multiclass_hinge"], multiclass_fits["cross_entropy"]
    n = len(classes.y_train)
    margins = ex.multiclass_margins(hinge.logits(classes.X_train), classes.y_train)
    np.testing.assert_allclose(hinge.margins, margins)
    silent = ~np.any(hinge.sample_grads != 0, axis=1)
    np.testing.assert_array_equal(silent, margins >= 1)
    assert hinge.n_active == np.sum(margins < 1) < n / 3
    assert ce.n_active == n  # p − t is never exactly zero
    np.testing.assert_allclose(
        ce.sample_grads,
        losses.softmax(ce.logits(classes.X_train)) - np.eye(4)[classes.y_train],
    )
    # the penalised objectives both fell from where they started (ln 4 and 1 at W = 0)
    assert ce.history[0] == pytest.approx(np.log(4)) and ce.history[-1] < ce.history[0]
    assert hinge.history[0] == pytest.approx(1.0) and hinge.history[-1] < hinge.history[0]


def test_multiclass_accuracies_repeat_the_fit_and_cross_entropy_wins_here():
    kw = {"n_train": 200, "n_test": 1000}
    acc = ex.multiclass_accuracies([0, 1, 2], **kw)
    d = ex.overlapping_classes(seed=2, **kw)
    for loss in ex.MULTICLASS_LOSSES:
        fit = ex.fit_multiclass(d.X_train, d.y_train, loss)
        assert acc[loss][2] == fit.accuracy(d.X_test, d.y_test)
    # Gaussian classes with a shared covariance: the softmax of a linear score is the true
    # posterior, which cross-entropy estimates; the hinge uses only the samples near the borders
    assert np.all(acc["cross_entropy"] > acc["multiclass_hinge"])
    assert np.all(acc["multiclass_hinge"] > 0.7)


def test_fit_multiclass_refuses_unknown_loss():
    with pytest.raises(ValueError, match="loss must be one of"):
        ex.fit_multiclass([[0.0], [1.0]], [0, 1], "hinge")


# ------------------------------------------------------------ the chapter's questions, checked


def test_the_ece_question_key_is_the_course_ece():
    from exercises.bank import classification as bank

    r = ex.reliability(bank._ECE_Y, bank._ECE_P, n_bins=2)
    assert bank.ece_two_bins.answer == pytest.approx(r.ece, abs=1e-12)
    assert bank.ece_two_bins.answer == pytest.approx((2 * 0.3 + 3 * 0.1) / 5)
    one_bin = ex.reliability(bank._ECE_Y, bank._ECE_P, n_bins=1).ece  # a slip with feedback
    assert any(v == pytest.approx(one_bin, abs=1e-12) for v, _ in bank.ece_two_bins.wrong_values)


def test_ten_times_the_samples_divide_the_calibrated_floor_by_about_root_ten():
    # the predict-then-verify question: the chapter's blobs, 100 equal-width bins
    big = ex.two_blobs(n_test=40_000, seed=0)
    np.testing.assert_array_equal(big.X_test[:4000], ex.two_blobs(seed=0).X_test)
    ece = {
        n: ex.reliability(
            big.y_test[:n], losses.sigmoid(big.true_logit(big.X_test[:n])), n_bins=100
        ).ece
        for n in (4000, 40_000)
    }
    assert 0.25 < ece[40_000] / ece[4000] < 0.45  # "a third", not a tenth, not the same
