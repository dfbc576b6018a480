"""Chapter 3's experiment code: checked against scikit-learn, scipy and hand-worked values."""

import numpy as np
import pytest
from scipy.ndimage import uniform_filter
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    f1_score,
    fbeta_score,
    jaccard_score,
    precision_score,
    recall_score,
)
from sklearn.metrics import precision_recall_curve as sk_precision_recall_curve

import losses
from course.experiments import imbalanced as ex

# (loss, params) pairs that the segmentation objective is checked with
OBJECTIVES = [
    *((loss, None) for loss in ex.SEGMENTER_LOSSES),
    ("focal", {"alpha": 0.75, "gamma": 1.0}),
    ("tversky", {"alpha": 0.3, "beta": 0.7, "gamma": 0.75}),
    ("tversky", {"alpha": 0.1, "beta": 0.9, "gamma": 4 / 3, "smooth": 1.0}),
]


@pytest.fixture(scope="module")
def detection():
    return ex.detection_data(seed=0)


@pytest.fixture(scope="module")
def bce_model(detection):
    return ex.fit_detector(detection.X_train, detection.y_train, "bce")


# ----------------------------------------------------------------------------- focal curves


def test_focal_curves_match_closed_forms():
    p = np.linspace(0.01, 0.99, 50)
    c = ex.focal_curves(p)
    assert c.gammas == ex.GAMMAS == (0.0, 0.5, 1.0, 2.0, 5.0)
    for k, g in enumerate(c.gammas):
        np.testing.assert_allclose(c.loss[k], -((1 - p) ** g) * np.log(p), rtol=1e-12)
    np.testing.assert_allclose(c.grad[0], p - 1)  # cross-entropy's gradient w.r.t. the logit
    # larger γ, smaller loss, for every p_t in (0, 1)
    assert (np.diff(c.loss, axis=0) < 0).all()


def test_focal_curve_gradients_match_finite_differences_in_the_logit():
    z = np.array([-2.0, -0.3, 0.4, 1.5, 3.0])
    h = 1e-6
    p, up, down = (1 / (1 + np.exp(-(z + d))) for d in (0.0, h, -h))
    for alpha in (None, 0.25):
        c, cu, cd = (ex.focal_curves(q, alpha=alpha) for q in (p, up, down))
        np.testing.assert_allclose(c.grad, (cu.loss - cd.loss) / (2 * h), rtol=1e-6, atol=1e-10)


def test_alpha_scales_the_positive_curves():
    p = np.array([0.2, 0.7])
    np.testing.assert_allclose(
        ex.focal_curves(p, alpha=0.25).loss, 0.25 * ex.focal_curves(p).loss, rtol=1e-12
    )


# --------------------------------------------------------------------- experiment A: data


def test_detection_data_is_seeded_and_one_to_a_hundred():
    a, b = ex.detection_data(seed=2), ex.detection_data(seed=2)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(ex.detection_data(seed=3).X_train, a.X_train)
    assert (a.y_train.sum(), (a.y_train == 0).sum()) == (100, 10_000)
    assert (a.y_test.sum(), (a.y_test == 0).sum()) == (300, 30_000)
    np.testing.assert_allclose(np.linalg.norm(a.mean_pos), 3.0)
    np.testing.assert_allclose(a.X_test[a.y_test == 0].mean(axis=0), 0.0, atol=0.03)


def test_posterior_is_bayes_rule(detection):
    x = detection.X_test[:5]
    mu, ratio = detection.mean_pos, detection.ratio

    def density(x, m):
        return np.exp(-0.5 * np.sum((x - m) ** 2, axis=1))

    prior_pos = 1 / (1 + ratio)
    joint_pos = prior_pos * density(x, mu)
    joint_neg = (1 - prior_pos) * density(x, np.zeros(2))
    np.testing.assert_allclose(detection.posterior(x), joint_pos / (joint_pos + joint_neg))


# ------------------------------------------------------------ experiment A: where is the loss


def test_loss_shares_hand_worked():
    y, p = [1, 0, 0], [0.5, 0.05, 0.2]  # one positive, one easy negative (p_t = .95), one hard
    ce = np.array([np.log(2), -np.log(0.95), -np.log(0.8)])
    fl = ce * np.array([0.5, 0.05, 0.2]) ** 2  # (1 - p_t)^2
    s = ex.loss_shares(y, p, gammas=[0.0, 2.0])
    for k, per in enumerate((ce, fl)):
        assert s.easy_negative[k] == pytest.approx(per[1] / per.sum())
        assert s.hard_negative[k] == pytest.approx(per[2] / per.sum())
        assert s.positive[k] == pytest.approx(per[0] / per.sum())
        assert s.total[k] == pytest.approx(per.sum())
    assert (s.n_easy_negative, s.n_hard_negative, s.n_positive) == (1, 1, 1)
    # α_t weights positives by α and negatives by 1 - α
    w = ex.loss_shares(y, p, gammas=[0.0], alpha=0.25)
    weighted = ce * np.array([0.25, 0.75, 0.75])
    assert w.positive[0] == pytest.approx(weighted[0] / weighted.sum())


def test_easy_is_strictly_above_the_threshold():
    s = ex.loss_shares([0, 0], [0.1, 0.05], gammas=[0.0])  # p_t = 0.9 exactly is not easy
    assert (s.n_easy_negative, s.n_hard_negative) == (1, 1)


def test_focal_with_gamma_0_and_no_alpha_is_bce(detection, bce_model):
    p = bce_model.predict_proba(detection.X_train)
    s = ex.loss_shares(detection.y_train, p, gammas=[0.0])
    bce = losses.binary_cross_entropy(detection.y_train, p, reduction="sum")
    assert s.total[0] == pytest.approx(bce, rel=1e-12)
    per = -np.log(np.where(detection.y_train == 1, p, 1 - p))
    assert s.total[0] == pytest.approx(per.sum(), rel=1e-9)


def test_gamma_silences_the_easy_negatives(detection, bce_model):
    s = ex.loss_shares(detection.y_train, bce_model.predict_proba(detection.X_train))
    np.testing.assert_allclose(s.easy_negative + s.hard_negative + s.positive, 1.0)
    assert (np.diff(s.easy_negative) < 0).all() and (np.diff(s.positive) > 0).all()
    assert s.easy_negative[0] > 0.05 and s.easy_negative[3] < 1e-3  # γ = 0 against γ = 2
    assert s.n_easy_negative > 0.95 * 10_000


def test_converged_cross_entropy_balances_negatives_and_positives(detection, bce_model):
    # at the optimum the bias's gradient vanishes: Σ p_neg = Σ (1 - p_pos)
    p = ex.fit_detector(detection.X_train, detection.y_train, "bce", steps=3000).predict_proba(
        detection.X_train
    )
    y = detection.y_train
    assert p[y == 0].sum() == pytest.approx((1 - p[y == 1]).sum(), rel=1e-3)
    s = ex.loss_shares(y, p, gammas=[0.0])
    assert s.easy_negative[0] + s.hard_negative[0] < 0.5  # so negatives cannot dominate


def test_easy_negatives_dominate_cross_entropy_only_during_training(detection):
    X, y = detection.X_train, detection.y_train
    bce = ex.fit_detector(X, y, "bce", init_bias=0.0, lr=1.0)
    assert bce.easy_share[0] == 0.0  # p = ½ everywhere: nothing is easy yet
    assert bce.easy_share.max() > 0.6
    assert bce.easy_share[-1] < 0.3
    fl = ex.fit_detector(X, y, "focal", alpha=None, gamma=2.0, init_bias=0.0, lr=1.0)
    assert fl.easy_share.max() < 0.05


def test_loss_cdf_endpoints_monotone_and_hand_worked():
    c = ex.loss_cdf([1, 0, 0, 0, 0], [0.5, 0.1, 0.1, 0.1, 0.6], gamma=0.0)
    small, big = -np.log(0.9), -np.log(0.4)
    np.testing.assert_allclose(
        c.neg_cumulative,
        np.array([0, small, 2 * small, 3 * small, 3 * small + big]) / (3 * small + big),
    )
    np.testing.assert_allclose(c.pos_fraction, [0.0, 1.0])
    np.testing.assert_allclose(c.pos_cumulative, [0.0, 1.0])
    assert c.share_of_hardest(0.25) == pytest.approx(big / (3 * small + big))
    assert c.share_of_hardest(1.0) == pytest.approx(1.0)


def test_loss_cdf_concentrates_on_the_hardest_negatives_as_gamma_grows(detection, bce_model):
    p = bce_model.predict_proba(detection.X_train)
    hardest = []
    for g in ex.GAMMAS:
        c = ex.loss_cdf(detection.y_train, p, g)
        for frac, cum in ((c.neg_fraction, c.neg_cumulative), (c.pos_fraction, c.pos_cumulative)):
            assert frac[0] == cum[0] == 0.0 and frac[-1] == cum[-1] == pytest.approx(1.0)
            assert (np.diff(frac) > 0).all() and (np.diff(cum) >= 0).all()
            assert (cum <= frac + 1e-12).all()  # sorted from the lowest loss: below the diagonal
        hardest.append(c.share_of_hardest(0.05))
    assert (np.diff(hardest) > 0).all()
    assert hardest[0] < 0.9 and hardest[3] > 0.99


# ------------------------------------------------------------ experiment A: training, metrics


def test_bce_detector_matches_sklearn_and_the_true_posterior(detection, bce_model):
    sk = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000)
    sk.fit(detection.X_train, detection.y_train)
    np.testing.assert_allclose(bce_model.w, sk.coef_[0], atol=0.03)
    assert bce_model.b == pytest.approx(sk.intercept_[0], abs=0.1)
    # logistic regression is the right family here: close to Bayes' weights
    np.testing.assert_allclose(bce_model.w, detection.mean_pos, atol=0.15)
    bayes = ex.detection_metrics(detection.y_test, detection.posterior(detection.X_test))
    ours = ex.detection_metrics(detection.y_test, bce_model.predict_proba(detection.X_test))
    assert ours.average_precision == pytest.approx(bayes.average_precision, abs=0.01)


def test_focal_detector_reaches_a_stationary_point(detection):
    X, y = detection.X_train, detection.y_train
    fit = ex.fit_detector(X, y, "focal", alpha=0.25, gamma=2.0)
    g = losses.focal_grad(y, X @ fit.w + fit.b, alpha=0.25, gamma=2.0, from_logits=True)
    assert np.abs(X.T @ g).max() < 1e-4 and abs(g.sum()) < 1e-4
    assert fit.history[-1] < fit.history[0]
    assert (fit.alpha, fit.gamma) == (0.25, 2.0)


def test_detection_metrics_match_sklearn():
    rng = np.random.default_rng(0)
    y = (rng.uniform(size=500) < 0.1).astype(float)
    score = np.round(rng.uniform(size=500) * 0.6 + 0.4 * y, 2)  # rounded: ties included
    m = ex.detection_metrics(y, score, threshold=0.5)
    pred = score >= 0.5
    assert m.precision == pytest.approx(precision_score(y, pred))
    assert m.recall == pytest.approx(recall_score(y, pred))
    assert m.f1 == pytest.approx(f1_score(y, pred))
    assert m.average_precision == pytest.approx(average_precision_score(y, score))
    assert m.n_predicted == pred.sum()


def test_detection_metrics_when_nothing_is_predicted():
    m = ex.detection_metrics([1, 0, 0], [0.2, 0.1, 0.3])
    assert (m.precision, m.recall, m.f1, m.n_predicted) == (0.0, 0.0, 0.0, 0)
    assert m.average_precision == pytest.approx(average_precision_score([1, 0, 0], [0.2, 0.1, 0.3]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bce_against_focal_on_held_out_data(seed):
    d = ex.detection_data(seed=seed)
    metrics = {}
    for name, kw in {
        "bce": {"loss": "bce"},
        "focal_a25": {"loss": "focal", "alpha": 0.25},
        "focal": {"loss": "focal", "alpha": None},
    }.items():
        fit = ex.fit_detector(d.X_train, d.y_train, **kw)
        metrics[name] = ex.detection_metrics(d.y_test, fit.predict_proba(d.X_test))
    # a linear model ranks the same way whatever the loss: same average precision
    aps = [m.average_precision for m in metrics.values()]
    assert max(aps) - min(aps) < 0.01
    # at threshold 0.5: α = 0.25 down-weights the positives, trading recall for precision
    assert metrics["focal_a25"].recall < metrics["bce"].recall - 0.05
    assert metrics["focal_a25"].precision > metrics["bce"].precision
    # without α, focal loss finds about as many positives as BCE
    assert metrics["focal"].recall == pytest.approx(metrics["bce"].recall, abs=0.05)
    assert metrics["focal"].recall > 0.4 and metrics["focal_a25"].recall > 0.25


def test_fit_detector_refuses_unknown_loss():
    with pytest.raises(ValueError, match="loss must be one of"):
        ex.fit_detector([[0.0], [1.0]], [0, 1], "dice")


# --------------------------------------------------------------- experiment B: segmentation


@pytest.fixture(scope="module")
def seg():
    return ex.segmentation_data(seed=0)


def test_segmentation_data_has_small_objects(seg):
    for masks in (seg.masks_train, seg.masks_test):
        share = masks.mean(axis=(1, 2))
        assert share.max() < 0.02 and masks.sum(axis=(1, 2)).min() >= 9
        assert set(np.unique(masks)) == {0.0, 1.0}
    # the object is brighter by `contrast`: noise 0.6 around 1 inside, around 0 outside
    inside = seg.images_train[seg.masks_train == 1]
    outside = seg.images_train[seg.masks_train == 0]
    assert inside.mean() == pytest.approx(1.0, abs=0.1) and outside.mean() == pytest.approx(
        0.0, abs=0.02
    )
    assert outside.std() == pytest.approx(0.6, abs=0.02)
    b = ex.segmentation_data(seed=0)
    np.testing.assert_array_equal(b.images_test, seg.images_test)


def test_pixel_features_match_scipy_uniform_filter(seg):
    imgs = seg.images_train[:3]
    f = ex.pixel_features(imgs)
    np.testing.assert_array_equal(f[..., 0], imgs)
    ref = uniform_filter(imgs, size=(1, 3, 3), mode="mirror")  # numpy's "reflect" padding
    np.testing.assert_allclose(f[..., 1], ref, atol=1e-12)


def test_overlap_scores_match_sklearn_and_the_identities():
    rng = np.random.default_rng(1)
    t = (rng.uniform(size=(8, 8)) < 0.3).astype(float)
    q = (rng.uniform(size=(8, 8)) < 0.4).astype(float)
    s = ex.overlap_scores(t, q)
    assert s.f1 == pytest.approx(f1_score(t.ravel(), q.ravel()))
    assert s.iou == pytest.approx(jaccard_score(t.ravel(), q.ravel()))
    assert s.precision == pytest.approx(precision_score(t.ravel(), q.ravel()))
    assert s.recall == pytest.approx(recall_score(t.ravel(), q.ravel()))
    assert s.dice == pytest.approx(s.f1)
    assert s.dice == pytest.approx(2 * s.iou / (1 + s.iou))


def test_overlap_scores_edge_cases():
    empty = np.zeros((3, 3))
    assert (
        ex.overlap_scores(empty, empty).dice == 1.0 and ex.overlap_scores(empty, empty).iou == 1.0
    )
    one = empty.copy()
    one[1, 1] = 1
    missed = ex.overlap_scores(one, empty)
    assert (missed.dice, missed.iou, missed.recall) == (0.0, 0.0, 0.0)
    assert ex.overlap_scores(one, one).dice == 1.0


def test_all_background_hand_worked():
    m = np.zeros((2, 10, 10))
    m[0, :2, 0] = 1  # 2 pixels
    m[1, :3, 0] = 1  # 3 pixels
    r = ex.all_background(m)
    pi = 5 / 200
    assert r.base_rate == pi and r.pixel_accuracy == pytest.approx(0.975)
    assert r.bce == pytest.approx(-(pi * np.log(pi) + (1 - pi) * np.log(1 - pi)))
    soft = [1 - (2 * pi * g + 1e-6) / (g + 100 * pi + 1e-6) for g in (2, 3)]
    assert r.dice_loss_soft == pytest.approx(np.mean(soft))
    assert r.dice_loss_hard == pytest.approx(1.0, abs=1e-6)


def test_all_background_looks_good_by_accuracy_and_bce_only(seg):
    r = ex.all_background(seg.masks_test, base_rate=seg.masks_train.mean())
    assert r.pixel_accuracy > 0.98
    assert r.bce < 0.07  # nats per pixel: against ln 2 = 0.69 for a coin
    assert r.dice_loss_soft > 0.98 and r.dice_loss_hard > 0.999


@pytest.mark.parametrize("loss, params", OBJECTIVES)
def test_segmentation_objective_gradient_matches_finite_differences(seg, loss, params):
    feats = ex.pixel_features(seg.images_train[:4])
    masks = seg.masks_train[:4]
    w, b = np.array([0.8, 3.0]), -4.0

    def value(theta):
        return ex.segmentation_objective(theta[:2], theta[2], feats, masks, loss, params)[0]

    _, gw, gb = ex.segmentation_objective(w, b, feats, masks, loss, params)
    numeric = losses.numerical_grad(value, np.r_[w, b])
    np.testing.assert_allclose(np.r_[gw, gb], numeric, rtol=1e-5, atol=1e-9)


@pytest.fixture(scope="module")
def segmenters(seg):
    return {loss: ex.fit_segmenter(seg, loss) for loss in ex.SEGMENTER_LOSSES}


def test_segmenters_train_and_report_their_scores(seg, segmenters):
    for s in segmenters.values():
        assert s.history[-1] < s.history[0]
        assert s.masks.shape == (4, 32, 32)
        p = s.predict_proba(seg.images_test)
        pred = (p > 0.5).astype(float)
        np.testing.assert_array_equal(s.masks, pred[:4])
        per_image = [
            f1_score(t.ravel(), q.ravel(), zero_division=0)
            for t, q in zip(seg.masks_test, pred, strict=True)
        ]
        assert s.dice == pytest.approx(np.mean(per_image))
        assert s.iou == pytest.approx(
            np.mean(
                [
                    jaccard_score(t.ravel(), q.ravel(), zero_division=0)
                    for t, q in zip(seg.masks_test, pred, strict=True)
                ]
            )
        )
        assert s.pixel_accuracy == pytest.approx(np.mean(pred == seg.masks_test))
        assert s.recall == pytest.approx(recall_score(seg.masks_test.ravel(), pred.ravel()))
        assert s.precision == pytest.approx(precision_score(seg.masks_test.ravel(), pred.ravel()))
        assert s.n_predicted == pred.sum()
        assert s.average_precision == pytest.approx(
            average_precision_score(seg.masks_test.ravel(), p.ravel())
        )


def test_every_segmenter_beats_all_background(seg, segmenters):
    background = ex.all_background(seg.masks_test)
    for name, s in segmenters.items():
        # all background scores a Dice of 0; focal loss's default α = 0.25 makes it timid
        assert s.dice > (0.35 if name == "focal" else 0.5)
        assert s.pixel_accuracy > background.pixel_accuracy


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dice_training_finds_more_of_the_object_than_bce(seed):
    d = ex.segmentation_data(seed=seed)
    bce, dsc = ex.fit_segmenter(d, "bce"), ex.fit_segmenter(d, "dice")
    assert dsc.dice > bce.dice + 0.02
    assert dsc.iou > bce.iou
    assert dsc.recall > bce.recall + 0.05  # BCE's model is timid at threshold 0.5
    assert bce.precision > dsc.precision


def test_fit_segmenter_refuses_unknown_loss_and_parameters(seg):
    with pytest.raises(ValueError, match="loss must be one of"):
        ex.fit_segmenter(seg, "hinge")
    with pytest.raises(ValueError, match="'bce' takes no parameters; got \\['alpha'\\]"):
        ex.fit_segmenter(seg, "bce", params={"alpha": 0.25})
    with pytest.raises(ValueError, match="'focal' takes only alpha, gamma; got \\['beta'\\]"):
        ex.segmentation_objective(
            [0.0, 0.0],
            0.0,
            ex.pixel_features(seg.images_train[:1]),
            seg.masks_train[:1],
            "focal",
            {"beta": 0.5},
        )
    with pytest.raises(ValueError, match="gamma"):  # the library's own check of the values
        ex.fit_segmenter(seg, "tversky", params={"gamma": 0.0}, steps=1)


# ------------------------------------------------------- experiment B: Tversky and focal loss


def test_precision_recall_curve_matches_sklearn():
    rng = np.random.default_rng(3)
    y = (rng.uniform(size=400) < 0.2).astype(float)
    score = np.round(rng.uniform(size=400) * 0.7 + 0.3 * y, 2)  # ties included
    precision, recall, thresholds = ex.precision_recall_curve(y, score)
    assert (np.diff(thresholds) < 0).all() and (np.diff(recall) >= 0).all()
    sk_p, sk_r, sk_t = sk_precision_recall_curve(y, score)
    want = {t: (p, r) for p, r, t in zip(sk_p, sk_r, sk_t, strict=False)}
    for p, r, t in zip(precision, recall, thresholds, strict=True):
        if t in want:  # scikit-learn may stop once recall is 1
            assert (p, r) == pytest.approx(want[t])
    pred = score >= thresholds[7]
    assert precision[7] == pytest.approx(precision_score(y, pred))
    assert recall[7] == pytest.approx(recall_score(y, pred))


@pytest.mark.parametrize("alpha", [0.2, 0.3, 0.5, 0.8])
def test_tversky_index_of_hard_masks_is_the_f_beta_score(alpha):
    rng = np.random.default_rng(4)
    t = (rng.uniform(size=(12, 12)) < 0.2).astype(float)
    q = (rng.uniform(size=(12, 12)) < 0.3).astype(float)
    index = 1 - losses.tversky(t, q, alpha=alpha, beta=1 - alpha, smooth=0.0)
    # b² = β/α: F_b weighs recall b times as much as precision
    want = fbeta_score(t.ravel(), q.ravel(), beta=np.sqrt((1 - alpha) / alpha))
    assert index == pytest.approx(want)
    jaccard = 1 - losses.tversky(t, q, alpha=1.0, beta=1.0, smooth=0.0)
    assert jaccard == pytest.approx(jaccard_score(t.ravel(), q.ravel()))


def test_tversky_with_half_half_trains_exactly_like_dice(seg):
    feats = ex.pixel_features(seg.images_train[:6])
    masks = seg.masks_train[:6]
    w, b = np.array([0.5, 2.0]), -3.0
    # TI(½, ½, s) = (2TP + 2s)/(Σy + Σŷ + 2s): Dice with smoothing 2s; s = 0 gives Dice itself
    half = {"alpha": 0.5, "beta": 0.5, "smooth": 0.5e-6}
    got = ex.segmentation_objective(w, b, feats, masks, "tversky", half)
    want = ex.segmentation_objective(w, b, feats, masks, "dice")
    assert got[0] == pytest.approx(want[0], rel=1e-12)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-10)
    assert got[2] == pytest.approx(want[2], rel=1e-10)
    p = losses.sigmoid(feats @ w + b)
    no_smooth = losses.tversky(masks, p, smooth=0.0, axis=(1, 2), reduction="none")
    np.testing.assert_allclose(
        no_smooth, losses.dice(masks, p, smooth=0.0, axis=(1, 2), reduction="none")
    )
    a = ex.fit_segmenter(seg, "tversky", params=half, steps=60)
    d = ex.fit_segmenter(seg, "dice", steps=60)
    np.testing.assert_allclose(a.w, d.w, rtol=1e-8)
    assert (a.dice, a.recall, a.precision) == (d.dice, d.recall, d.precision)


@pytest.mark.parametrize("gamma, more", [(0.75, True), (4 / 3, False)])
def test_focal_exponent_reweights_images_by_their_tversky_index(gamma, more):
    # two images: the first predicted almost right, the second poorly
    masks = np.zeros((2, 4, 4))
    masks[:, 1:3, 1:3] = 1
    p = np.where(masks == 1, 0.1, 0.05)
    p[0] = np.where(masks[0] == 1, 0.95, 0.01)
    kw = {"alpha": 0.3, "beta": 0.7, "smooth": 0.0, "axis": (1, 2)}
    index = 1 - losses.tversky(masks, p, **kw, reduction="none")
    assert index[0] > 0.9 > 0.3 > index[1]

    def good_share(g):
        grad = np.abs(losses.tversky_grad(masks, p, gamma=g, **kw)).sum(axis=(1, 2))
        return grad[0] / grad.sum()

    # the per-image factor γ(1 - TI)^(γ-1): below 1, the good image gets more of the gradient
    assert bool(good_share(gamma) > good_share(1.0)) is more
    factor = gamma * (1 - index) ** (gamma - 1)
    assert good_share(gamma) == pytest.approx(
        factor[0]
        * good_share(1.0)
        / (factor[0] * good_share(1.0) + factor[1] * (1 - good_share(1.0)))
    )


@pytest.fixture(scope="module")
def runs():
    """The chapter's comparison on two data sets, trained once for several tests (the Tversky
    sweep's α = 0.3 model is the recall-leaning one, and its α = ½ model is Dice's)."""
    settings = {
        "bce": ("bce", None),
        "focal_a25": ("focal", {"alpha": 0.25, "gamma": 2.0}),
        "focal_a75": ("focal", {"alpha": 0.75, "gamma": 2.0}),
        "ft_075": ("tversky", {"alpha": 0.3, "beta": 0.7, "gamma": 0.75}),
        "ft_4_3": ("tversky", {"alpha": 0.3, "beta": 0.7, "gamma": 4 / 3}),
    }
    out = {}
    for seed in (0, 1):
        d = ex.segmentation_data(seed=seed)
        out[seed] = {k: ex.fit_segmenter(d, loss, params=kw) for k, (loss, kw) in settings.items()}
        sweep = ex.tversky_sweep(d)
        out[seed].update(sweep=sweep, tversky_a3=sweep.models[1], dice=sweep.models[2])
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_tversky_sweep_trades_precision_for_recall(runs, seed):
    s = runs[seed]["sweep"]
    np.testing.assert_allclose(s.alphas + s.betas, 1.0)
    assert s.betas.tolist() == [0.9, 0.7, 0.5, 0.3, 0.1]
    # a dearer false positive (α up, β down): fewer object pixels, more precise, fewer found
    assert (np.diff(s.precision) > 0).all() and (np.diff(s.recall) < 0).all()
    assert (np.diff([m.n_predicted for m in s.models]) < 0).all()
    assert s.recall[0] > 0.75 and s.precision[-1] > 0.83
    # F1 (Dice) peaks in the middle: either extreme gives too much away
    assert s.dice[0] < s.dice[2] - 0.1 and s.dice[-1] < s.dice[2] - 0.03
    assert s.models[1].params == {"alpha": 0.3, "beta": 0.7, "gamma": 1.0}


@pytest.mark.parametrize("seed", [0, 1])
def test_focal_and_tversky_against_bce_and_dice(runs, seed):
    r = runs[seed]
    bce, dsc = r["bce"], r["dice"]
    # the paper's α = 0.25 (tuned for detection) weighs the rare object pixels down: timid
    assert r["focal_a25"].precision > bce.precision and r["focal_a25"].recall < bce.recall - 0.1
    assert r["focal_a25"].dice < bce.dice < dsc.dice
    # α = 0.75 weighs them up, and focal loss then finds about as much as Dice
    assert r["focal_a75"].recall > bce.recall + 0.05
    assert r["focal_a75"].dice == pytest.approx(dsc.dice, abs=0.02)
    # a recall-leaning Tversky finds more of the object than Dice, at a price in precision
    assert r["tversky_a3"].recall > dsc.recall and r["tversky_a3"].precision < dsc.precision
    # the focal exponent, either way, moves a recall-leaning Tversky model only a little here
    for k in ("ft_075", "ft_4_3"):
        assert r[k].dice == pytest.approx(r["tversky_a3"].dice, abs=0.02)
        assert r[k].recall == pytest.approx(r["tversky_a3"].recall, abs=0.03)
    # and none of them ranks the pixels better: a linear model, the same ranking
    aps = [r[k].average_precision for k in ("bce", "focal_a25", "focal_a75", "ft_075", "ft_4_3")]
    aps += list(r["sweep"].average_precision)
    assert max(aps) - min(aps) < 0.01


# ------------------------------------------------------------ focal damping and its optimum


@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0, 5.0])
def test_focal_damps_the_gradient_less_than_the_loss(gamma):
    p = np.array([0.3, 0.5, 0.9, 0.99, 0.999])
    loss_ratio, grad_ratio = ex.focal_damping(p, gamma)
    np.testing.assert_allclose(loss_ratio, (1 - p) ** gamma, rtol=1e-12)
    closed = (1 - p) ** gamma * (1 + gamma * p * -np.log(p) / (1 - p))
    np.testing.assert_allclose(grad_ratio, closed, rtol=1e-9)
    quotient = grad_ratio / loss_ratio
    assert np.all(quotient >= 1) and np.all(quotient <= 1 + gamma)
    # the summary's bound: on easy examples (p_t > 0.9) the loss keeps < 0.1^γ of
    # cross-entropy's, the gradient < (1 + γ)·0.1^γ, and not < 0.1^γ
    easy = p > 0.9
    assert np.all(loss_ratio[easy] < 0.1**gamma)
    assert np.all(grad_ratio[easy] < (1 + gamma) * 0.1**gamma)
    assert ex.focal_damping([0.9], gamma)[1][0] > 0.1**gamma
    assert quotient[-1] == pytest.approx(1 + gamma, rel=1e-2)  # p_t -> 1


def _optimum_by_scipy(pi, gamma, alpha):
    from scipy.optimize import minimize_scalar

    def expected(q):
        pos = losses.focal([1.0], [q], alpha=alpha, gamma=gamma)
        neg = losses.focal([0.0], [q], alpha=alpha, gamma=gamma)
        return pi * pos + (1 - pi) * neg

    return minimize_scalar(expected, bounds=(1e-6, 1 - 1e-6), method="bounded").x


@pytest.mark.parametrize("alpha", [None, 0.25, 0.75])
@pytest.mark.parametrize("gamma", [0.0, 1.0, 2.0, 3.0])
def test_focal_optimal_prediction_matches_scipy(gamma, alpha):
    pytest.importorskip("scipy")
    pis = [0.001, 0.01, 0.1, 0.3, 0.5, 0.8]
    got = ex.focal_optimal_prediction(pis, gamma=gamma, alpha=alpha)
    want = [_optimum_by_scipy(pi, gamma, alpha) for pi in pis]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)  # rare classes too


@pytest.mark.parametrize("gamma", [0.5, 2.0, 3.0])
@pytest.mark.parametrize("alpha", [0.1, 0.25, 0.6])
def test_alpha_puts_the_half_at_the_posterior_one_minus_alpha(gamma, alpha):
    # at q = 0.5 both classes have p_t = 0.5: equal and opposite slopes, so πα = (1 − π)(1 − α)
    assert ex.focal_optimal_prediction([1 - alpha], gamma=gamma, alpha=alpha)[0] == (
        pytest.approx(0.5, abs=1e-6)
    )
    below, above = ex.focal_optimal_prediction(
        [0.98 - alpha, 1.02 - alpha], gamma=gamma, alpha=alpha
    )
    assert below < 0.5 < above


def test_focal_optimal_prediction_keeps_the_shape_and_interpolates():
    assert ex.focal_optimal_prediction([[0.2, 0.5], [0.7, 0.9]], gamma=0.0).shape == (2, 2)
    pis = np.array([1e-7, 1e-4, 0.003, 0.2, 0.6, 0.999])
    for gamma in (0.0, 1.0, 3.0):
        exact = ex.focal_optimal_prediction(pis, gamma=gamma)
        np.testing.assert_allclose(
            ex.focal_optimal_prediction_at(pis, gamma=gamma), exact, rtol=1e-3
        )


def test_without_alpha_focal_is_under_confident_but_keeps_the_threshold():
    pis = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    q = ex.focal_optimal_prediction(pis, gamma=2.0)
    np.testing.assert_allclose(q, 1 - q[::-1], atol=1e-4)  # symmetric about 0.5
    assert q[2] == pytest.approx(0.5, abs=1e-4)  # posterior 0.5 -> prediction 0.5
    assert np.all(np.abs(q - 0.5) < np.abs(pis - 0.5) + 1e-12)  # pulled towards 0.5
    shifted = ex.focal_optimal_prediction([0.5], gamma=2.0, alpha=0.25)[0]
    assert 0.38 < shifted < 0.42  # α = 0.25 moves it


# ------------------------------------------------------------------- focal loss and calibration


def test_calibration_error_matches_sklearn_calibration_curve():
    from sklearn.calibration import calibration_curve

    rng = np.random.default_rng(3)
    p = rng.beta(0.5, 3.0, size=5000)
    y = (rng.uniform(size=p.size) < np.clip(1.3 * p, 0, 1)).astype(float)  # miscalibrated
    for n_bins in (5, 15):
        prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins)
        edges = np.linspace(0, 1, n_bins + 1)
        counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=n_bins)
        want = np.sum(counts[counts > 0] * np.abs(prob_true - prob_pred)) / p.size
        assert ex.calibration_error(y, p, n_bins=n_bins) == pytest.approx(want, rel=1e-12)


def test_calibration_error_of_known_cases():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=200_000)
    assert ex.calibration_error(rng.uniform(size=p.size) < p, p) < 0.005  # labels drawn from p
    # always saying 0.9 for a fair coin: off by 0.4
    assert ex.calibration_error(np.arange(1000) % 2, np.full(1000, 0.9)) == pytest.approx(0.4)
    assert ex.calibration_error([0, 1], [0.0, 1.0]) == 0.0  # both ends are in a bin
    with pytest.raises(ValueError, match="shape"):
        ex.calibration_error([0, 1], [0.5])


@pytest.fixture(scope="module")
def calibration(detection):
    return ex.calibration_study(detection, gammas=(0.0, 1.0, 2.0, 3.0))


def test_cross_entropy_is_calibrated_on_the_detection_data(calibration):
    assert calibration.gammas[0] == 0.0
    assert calibration.ece[0] < 0.005
    assert calibration.gap[0] < 0.002  # against the true posterior, no binning
    assert calibration.mean_predicted[0] == pytest.approx(calibration.positive_rate, rel=0.1)


def test_focal_loss_pulls_the_rare_class_up_and_worsens_calibration(calibration):
    c = calibration
    assert np.all(np.diff(c.ece) > 0) and np.all(np.diff(c.gap) > 0)  # worse as γ grows
    assert c.ece[2] > 10 * c.ece[0]
    assert np.all(c.mean_predicted[1:] > 2 * c.positive_rate)  # the rare class over-predicted
    # the trained models predict about q*(π(x)), the optimum of their loss, not π(x)
    assert np.all(c.gap_to_optimum[1:] < c.gap[1:] / 5)
    # and the ranking is untouched: a recalibration could fix the probabilities
    assert np.ptp(c.average_precision) < 0.005
    assert c.predictions.shape == (4, c.posterior.size)


def test_the_bank_keys_of_the_focal_questions_agree_with_the_course_code():
    from exercises import check

    q_star = ex.focal_optimal_prediction([0.01], gamma=2.0)[0]
    assert check("imbalanced.focal_calibration", float(q_star)).passed
    assert not check("imbalanced.focal_calibration", 0.01).passed  # cross-entropy's answer
    grad_2, grad_3 = (ex.focal_damping([0.9], g)[1][0] for g in (2.0, 3.0))
    assert check("imbalanced.gamma_step_gradient", float(grad_3 / grad_2)).passed
    assert not check("imbalanced.gamma_step_gradient", 0.1).passed  # the loss's factor
    pis = np.linspace(0.5, 0.99, 4901)
    q = ex.focal_optimal_prediction(pis, gamma=3.0, alpha=0.1)
    crossing = float(pis[np.argmin(np.abs(q - 0.5))])
    assert check("imbalanced.alpha_threshold_derived", crossing).passed
    assert not check("imbalanced.alpha_threshold_derived", 0.75).passed  # the figure's α
