"""Chapter 5's experiment code: checked against scikit-learn (1-NN retrieval), hand-drawn
configurations (3-4-5 triangles, hand-made batches), closed forms and finite differences."""

import numpy as np
import pytest
from sklearn.model_selection import LeaveOneOut, cross_val_score
from sklearn.neighbors import KNeighborsClassifier

import losses
from course.experiments import metric_learning as ex

# ------------------------------------------------------------------------------ retrieval


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recall_at_1_is_leave_one_out_1nn_accuracy(seed):
    d = ex.make_identities(seed=seed)
    w = ex.init_projection(20, seed=seed)
    for x, y in ((d.x_test, d.y_test), (d.x_new @ w.T, d.y_new)):
        # scikit-learn's kneighbors() without X leaves each training point out of its own query
        nn = KNeighborsClassifier(n_neighbors=1).fit(x, y).kneighbors(n_neighbors=1)[1][:, 0]
        assert ex.recall_at_1(x, y) == pytest.approx(np.mean(y[nn] == y), abs=1e-12)
    # and the classifier's own leave-one-out score on a subset
    x, y = d.x_test[::3], d.y_test[::3]
    ref = cross_val_score(KNeighborsClassifier(n_neighbors=1), x, y, cv=LeaveOneOut()).mean()
    assert ex.recall_at_1(x, y) == pytest.approx(ref, abs=1e-12)


def test_recall_at_1_excludes_the_query_itself():
    e = [[0.0], [1.0], [10.0], [11.0]]
    assert ex.recall_at_1(e, [0, 0, 1, 1]) == 1.0
    assert ex.recall_at_1(e, [0, 1, 0, 1]) == 0.0  # with itself counted it would be 1.0
    with pytest.raises(ValueError, match="one label each"):
        ex.recall_at_1(e, [0, 1])


# ------------------------------------------------------------------------------ geometry


def test_triplet_categories_on_3_4_5_triangles():
    a = [[0.0, 0.0]]
    p3, n4 = [[3.0, 0.0]], [[0.0, 4.0]]  # D_p = 3, D_n = 4
    assert ex.classify_triplets(a, p3, n4, margin=0.5).tolist() == ["easy"]  # 4 > 3.5
    assert ex.classify_triplets(a, p3, n4, margin=1.0).tolist() == ["semi-hard"]  # 4 <= 4
    assert ex.classify_triplets(a, p3, n4, margin=2.0).tolist() == ["semi-hard"]
    assert ex.classify_triplets(a, n4, p3, margin=0.5).tolist() == ["hard"]  # D_n = 3 < D_p = 4
    # the hypotenuse: p at (3, 4) and n at (4, 3) are both 5 away: a tie is hard
    assert ex.classify_triplets(a, [[3.0, 4.0]], [[4.0, 3.0]]).tolist() == ["hard"]
    # a batch at once, and the loss is zero exactly for the easy ones
    A = np.zeros((3, 2))
    P = np.array([[3.0, 0.0], [3.0, 0.0], [0.0, 4.0]])
    N = np.array([[0.0, 4.0], [3.0, 4.0], [3.0, 0.0]])  # D_n = 4, 5, 3
    cats = ex.classify_triplets(A, P, N, margin=1.5)
    assert cats.tolist() == ["semi-hard", "easy", "hard"]
    np.testing.assert_allclose(
        losses.triplet(A, P, N, margin=1.5, reduction="none"), [0.5, 0.0, 2.5]
    )
    with pytest.raises(ValueError, match=r"must all be \(n, d\)"):
        ex.classify_triplets(A, P, [0.0, 4.0])


def test_triplet_profile_is_the_hinge_with_its_regions():
    delta = np.linspace(-3, 2, 51)
    prof = ex.triplet_profile(delta, margin=1.0)
    np.testing.assert_allclose(prof.loss, np.maximum(delta + 1.0, 0.0), atol=1e-12)
    expected = np.where(delta < -1.0, "easy", np.where(delta < 0.0, "semi-hard", "hard"))
    assert prof.category.tolist() == expected.tolist()
    for cat, (lo, hi) in prof.regions.items():
        inside = (delta >= lo) & (delta < hi) if cat != "easy" else delta < hi
        assert set(prof.category[inside]) == {cat}


def test_contrastive_profile_closed_forms_and_slopes():
    d = np.linspace(0.05, 2.0, 40)
    prof = ex.contrastive_profile(d, margin=1.0)
    np.testing.assert_allclose(prof.loss_similar, d**2)
    np.testing.assert_allclose(prof.loss_dissimilar, np.maximum(1.0 - d, 0.0) ** 2, atol=1e-15)
    np.testing.assert_allclose(prof.slope_similar, 2 * d)
    np.testing.assert_allclose(prof.slope_dissimilar, -2 * np.maximum(1.0 - d, 0.0), atol=1e-15)
    # the slope is the derivative of the loss: central differences on the closed forms
    h = 1e-6
    num = (np.maximum(1.0 - (d + h), 0) ** 2 - np.maximum(1.0 - (d - h), 0) ** 2) / (2 * h)
    np.testing.assert_allclose(prof.slope_dissimilar, num, atol=1e-6)


def test_triplet_forces_are_minus_the_gradient_and_balance():
    rng = np.random.default_rng(0)
    a, p, n = rng.normal(size=(3, 5, 2))
    fa, fp, fn = ex.triplet_forces(a, p, n, margin=3.0)
    for k, f in enumerate((fa, fp, fn)):
        pts = [a, p, n]

        def loss(v, k=k, pts=pts):
            args = list(pts)
            args[k] = v
            return losses.triplet(*args, margin=3.0, reduction="sum")

        np.testing.assert_allclose(f, -losses.numerical_grad(loss, pts[k]), atol=1e-6)
    np.testing.assert_allclose(
        fa + fp + fn, 0.0, atol=1e-12
    )  # moving all three together changes nothing
    # a 3-4-5 semi-hard triplet: unit forces along the sides
    fa, fp, fn = ex.triplet_forces([[0.0, 0.0]], [[3.0, 0.0]], [[0.0, 4.0]], margin=2.0)
    np.testing.assert_allclose(fp, [[-1.0, 0.0]])  # towards the anchor
    np.testing.assert_allclose(fn, [[0.0, 1.0]])  # away from the anchor
    np.testing.assert_allclose(fa, [[1.0, -1.0]])
    # an easy triplet feels nothing
    assert not np.any(ex.triplet_forces([[0.0, 0.0]], [[3.0, 0.0]], [[0.0, 4.0]], margin=0.5))


def test_contrastive_forces_attract_similar_and_repel_close_dissimilar_pairs():
    x1 = np.zeros((3, 2))
    x2 = np.array([[3.0, 4.0], [0.3, 0.4], [3.0, 4.0]])  # distances 5, 0.5, 5
    f1, f2 = ex.contrastive_forces([1, 0, 0], x1, x2, margin=1.0)
    np.testing.assert_allclose(f1, -f2)
    np.testing.assert_allclose(f1[0], [6.0, 8.0])  # 2·D along the unit vector towards x2
    np.testing.assert_allclose(f1[1], [-0.6, -0.8])  # 2(m - D) = 1, away from x2
    np.testing.assert_allclose(f1[2], [0.0, 0.0])  # beyond the margin: left alone


# ------------------------------------------------------------------------------- mining


def _hand_batch():
    # 1-D embeddings; anchor 0 and positive 1 (identity 0) are 1 apart
    e = np.array([[0.0], [1.0], [1.2], [1.8], [0.5], [4.0], [-0.9]])
    y = np.array([0, 0, 1, 1, 2, 2, 0])
    return e, y


def test_semi_hard_mining_picks_the_closest_semi_hard_negative():
    e, y = _hand_batch()
    # negatives of the anchor: 2 (D=1.2, semi-hard), 3 (1.8, semi-hard), 4 (0.5, hard), 5 (4, easy)
    n = ex.mine_negatives(e, y, [0], [1], margin=1.0)
    assert n.tolist() == [2]
    cats = ex.classify_triplets(e[[0, 0, 0, 0]], e[[1, 1, 1, 1]], e[[2, 3, 4, 5]], margin=1.0)
    assert cats.tolist() == ["semi-hard", "semi-hard", "hard", "easy"]
    # a narrower margin leaves 1.2 as the only semi-hard one still; 0.1 leaves none:
    # fall back to the least hard hard negative (0.5), not the hardest
    assert ex.mine_negatives(e, y, [0], [1], margin=0.5).tolist() == [2]
    assert ex.mine_negatives(e, y, [0], [1], margin=0.1).tolist() == [4]


def test_semi_hard_mining_fallbacks():
    y = np.array([0, 0, 1, 1])
    hard_only = np.array([[0.0], [2.0], [0.5], [-1.5]])  # D_p = 2; negatives at 0.5 and 1.5
    assert ex.mine_negatives(hard_only, y, [0], [1]).tolist() == [3]  # the least hard
    easy_only = np.array([[0.0], [0.5], [4.0], [-3.0]])  # D_p = 0.5; negatives at 4 and 3
    assert ex.mine_negatives(easy_only, y, [0], [1]).tolist() == [3]  # the closest, loss 0
    # several pairs at once, each with its own positive distance
    e, yb = _hand_batch()
    n = ex.mine_negatives(e, yb, [0, 1, 6], [1, 0, 0], margin=1.0)
    # pair (1, 0): D_p = 1; negatives at 0.2, 0.8, 0.5, 3: no semi-hard, so the least hard
    #   of the hard ones, index 3 (0.8)
    # pair (6, 0): D_p = 0.9; negatives at 2.1, 2.7, 1.4, 4.9: the semi-hard one, index 4 (1.4)
    assert n.tolist() == [2, 3, 4]


def test_random_mining_only_picks_other_identities_and_all_of_them():
    e, y = _hand_batch()
    rng = np.random.default_rng(0)
    picks = np.concatenate(
        [ex.mine_negatives(e, y, [0], [1], strategy="random", rng=rng) for _ in range(200)]
    )
    assert set(picks.tolist()) == {2, 3, 4, 5}
    counts = np.bincount(picks, minlength=7)[[2, 3, 4, 5]]
    assert counts.min() > 30  # roughly uniform: 50 each expected


def test_mining_errors():
    e, y = _hand_batch()
    with pytest.raises(ValueError, match="strategy must be"):
        ex.mine_negatives(e, y, [0], [1], strategy="hardest")
    with pytest.raises(ValueError, match="needs an rng"):
        ex.mine_negatives(e, y, [0], [1], strategy="random")
    with pytest.raises(ValueError, match="another identity"):
        ex.mine_negatives(e[:2], y[:2], [0], [1])


def test_sample_batch_draws_p_identities_times_k_samples():
    labels = np.repeat(np.arange(8), 30)
    idx = ex.sample_batch(np.random.default_rng(3), labels, classes_per_batch=3, per_class=5)
    assert idx.shape == (15,) and np.unique(idx).size == 15
    assert np.all(np.bincount(labels[idx])[np.unique(labels[idx])] == 5)


# ------------------------------------------------------------------------ data and training


def test_identities_are_seeded_and_informative_only_in_their_subspace():
    d = ex.make_identities(seed=0)
    np.testing.assert_array_equal(d.x_train, ex.make_identities(seed=0).x_train)
    assert not np.array_equal(d.x_train, ex.make_identities(seed=1).x_train)
    assert set(d.y_new.tolist()).isdisjoint(d.y_train.tolist())
    np.testing.assert_allclose(d.basis.T @ d.basis, np.eye(3), atol=1e-12)
    # class means differ along the basis; in the orthogonal complement they are noise
    means = np.array([d.x_train[d.y_train == c].mean(0) for c in range(8)])
    complement = means - (means @ d.basis) @ d.basis.T
    assert (means @ d.basis).std(0).min() > 0.5
    assert np.abs(complement).max() < 0.6  # about noise_std / sqrt(30) per coordinate
    # retrieval in the informative subspace beats the raw space, which beats a random 2-D view
    b = ex.baselines(d)
    oracle = ex.recall_at_1(d.x_test @ d.basis, d.y_test)
    assert oracle > b.raw_test + 0.2
    assert b.raw_test > b.random_test + 0.2


def test_batch_gradient_matches_finite_differences():
    d = ex.make_identities(seed=0)
    idx = ex.sample_batch(np.random.default_rng(0), d.y_train)
    xb, yb = d.x_train[idx], d.y_train[idx]
    w = ex.init_projection(20, seed=0) * 3.0
    for loss, mining in ex.METHODS:

        def f(v, loss=loss, mining=mining):
            rng = np.random.default_rng(7)  # the same pairs / negatives at every evaluation
            return ex.batch_gradient(v, xb, yb, loss, mining=mining, rng=rng)[0].mean()

        per, g = ex.batch_gradient(w, xb, yb, loss, mining=mining, rng=np.random.default_rng(7))
        assert per.shape == (48,) and g.shape == w.shape
        np.testing.assert_allclose(g, losses.numerical_grad(f, w), rtol=1e-4, atol=1e-6)


def test_every_method_has_the_same_budget_and_start():
    d = ex.make_identities(seed=0)
    runs = [ex.train_embedding(d, loss, mining=m, steps=30, seed=0) for loss, m in ex.METHODS]
    for r in runs[1:]:
        np.testing.assert_array_equal(r.w0, runs[0].w0)
        np.testing.assert_array_equal(r.samples_seen, runs[0].samples_seen)
        np.testing.assert_array_equal(r.tuples_seen, runs[0].tuples_seen)
        assert r.recall_test[0] == runs[0].recall_test[0]  # the random projection
    assert runs[0].samples_seen[-1] == 30 * 16 and runs[0].tuples_seen[-1] == 30 * 48
    np.testing.assert_allclose(runs[0].embed(d.x_test, before=True), d.x_test @ runs[0].w0.T)


@pytest.mark.parametrize("loss, mining", ex.METHODS)
def test_training_beats_the_random_projection_on_every_seed(loss, mining):
    for seed in (0, 1, 2):
        d = ex.make_identities(seed=seed)
        b = ex.baselines(d, seed=seed)
        run = ex.train_embedding(d, loss, mining=mining, seed=seed)
        assert run.recall_test[0] == pytest.approx(b.random_test)
        assert run.recall_test[-1] > b.random_test + 0.4
        assert run.recall_new[-1] > b.random_new + 0.3  # identities never seen in training
        assert run.recall_test[-1] > b.raw_test  # a learned 2-D view beats all 20 raw dimensions
        assert run.loss[-20:].mean() < run.loss[:5].mean()


def test_semi_hard_mining_keeps_more_triplets_informative_than_random():
    active = {m: [] for m in ("random", "semi-hard")}
    for seed in (0, 1, 2):
        d = ex.make_identities(seed=seed)
        for m in active:
            active[m].append(
                ex.train_embedding(d, "triplet", mining=m, seed=seed).active[-20:].mean()
            )
    # random triplets are soon almost all easy (zero loss, zero gradient)
    assert np.mean(active["random"]) < 0.15
    assert np.mean(active["semi-hard"]) > 2 * np.mean(active["random"])


def test_speed_comparison_collects_the_runs():
    cmp = ex.speed_comparison(seeds=(0, 1), steps=60, target=0.7)
    assert cmp.curves.shape == (3, 2, 13)
    run = ex.train_embedding(
        ex.make_identities(seed=1), "triplet", mining="semi-hard", steps=60, seed=1
    )
    np.testing.assert_array_equal(cmp.curves[2, 1], run.recall_test)
    assert cmp.steps_to_target[2, 1] == run.steps_to(0.7)
    hit = np.argmax(run.recall_test >= 0.7)
    assert run.recall_test[hit] >= 0.7 and (hit == 0 or run.recall_test[:hit].max() < 0.7)
    rows = cmp.summary(early=10)
    assert [r["method"] for r in rows] == list(cmp.labels)
    assert rows[0]["recall@1 after 10 steps"] == pytest.approx(cmp.curves[0, :, 2].mean())
    with pytest.raises(ValueError, match="was not evaluated"):
        cmp.recall_at(7)


def test_unknown_loss_and_mining_are_refused():
    d = ex.make_identities(seed=0)
    with pytest.raises(ValueError, match="loss must be 'contrastive', 'triplet' or 'info_nce'"):
        ex.train_embedding(d, "hinge")
    with pytest.raises(ValueError, match="mining must be 'random' or 'semi-hard'"):
        ex.train_embedding(d, "triplet", mining="hardest")
    with pytest.raises(ValueError, match="temperature is InfoNCE's parameter"):
        ex.train_embedding(d, "contrastive", temperature=0.1)
    with pytest.raises(ValueError, match="no tuned step size for temperature 0.3"):
        ex.train_embedding(d, "info_nce", temperature=0.3)
    with pytest.raises(ValueError, match="per_class must be even"):
        ex.train_embedding(d, "info_nce", classes_per_batch=4, per_class=3)
    with pytest.raises(ValueError, match="retrieval must be"):
        ex.train_embedding(d, "info_nce", retrieval="manhattan")


# ------------------------------------------------------------------------------ InfoNCE


def _one_row_batch(cos_pos, cos_neg):
    """An anchor e_0 and candidates p_j = c_j e_0 + sqrt(1 - c_j²) e_(j+1): unit vectors with the
    given cosines to the anchor, each turned into its own orthogonal direction."""
    c = np.concatenate([[cos_pos], cos_neg])
    n = c.size
    p = np.zeros((n, n + 1))
    p[:, 0] = c
    p[np.arange(n), np.arange(n) + 1] = np.sqrt(1 - c**2)
    a = p.copy()  # the other anchors do not matter for row 0
    a[0] = np.eye(n + 1)[0]
    return a, p, c


@pytest.mark.parametrize("tau", [0.05, 0.3, 2.0])
def test_info_nce_weights_are_the_gradient_of_the_loss(tau):
    cos_neg = np.array([0.9, 0.4, 0.0, -0.7])
    w = ex.info_nce_weights(0.6, cos_neg, temperature=tau)
    a, p, c = _one_row_batch(0.6, cos_neg)
    # the loss of row 0, from the library
    assert w.loss == pytest.approx(losses.info_nce(a, p, temperature=tau, reduction="none")[0])
    # the weights, read off the library's gradient: along e_(j+1) only p_j has a component,
    # so the anchor's gradient there is (1/τ) · weight · sqrt(1 - c_j²), with sign -/+ for pull/push
    ga, _ = losses.info_nce_grad(a, p, temperature=tau, reduction="sum")
    side = np.sqrt(1 - c**2)
    np.testing.assert_allclose(-ga[0, 1] * tau / side[0], w.pull, rtol=1e-10)
    np.testing.assert_allclose(ga[0, 2:] * tau / side[1:], w.p_negatives, rtol=1e-10, atol=1e-300)
    # the pull equals the total push, and the shares sum to 1
    assert w.pull == pytest.approx(w.p_negatives.sum())
    assert w.push_shares.sum() == pytest.approx(1.0)


def test_small_temperatures_push_the_hardest_negative_and_large_ones_all_alike():
    cos_neg = np.linspace(-0.9, 0.9, 15)
    taus = [0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 10.0]
    ws = [ex.info_nce_weights(0.6, cos_neg, temperature=t) for t in taus]
    share = [w.hardest_share for w in ws]
    eff = [w.effective_negatives for w in ws]
    assert np.all(np.diff(share) < 0) and np.all(np.diff(eff) > 0)
    assert share[0] > 0.99 and eff[0] < 1.1  # one negative takes the whole push
    assert eff[-1] > 14.5 and abs(share[-1] - 1 / 15) < 0.02  # all 15 push nearly alike
    # the push follows the similarity: more similar negatives always get more weight
    assert all(np.all(np.diff(w.p_negatives) > 0) for w in ws)
    # τ → ∞: a uniform softmax over the 16 candidates, loss log 16
    assert ex.info_nce_weights(0.6, cos_neg, temperature=1e6).loss == pytest.approx(np.log(16))


@pytest.mark.parametrize("seed", [0, 1])
def test_cosine_recall_is_1nn_with_the_cosine_metric(seed):
    d = ex.make_identities(seed=seed)
    e = d.x_test @ ex.init_projection(20, seed=seed, embed_dim=3).T
    y = d.y_test
    nn = (
        KNeighborsClassifier(n_neighbors=1, metric="cosine", algorithm="brute")
        .fit(e, y)
        .kneighbors(n_neighbors=1)[1][:, 0]
    )
    assert ex.cosine_recall_at_1(e, y) == pytest.approx(np.mean(y[nn] == y))
    # only directions count: rescaling rows changes nothing, and can change Euclidean recall
    scale = np.exp(np.random.default_rng(seed).normal(size=(e.shape[0], 1)))
    assert ex.cosine_recall_at_1(e * scale, y) == ex.cosine_recall_at_1(e, y)
    assert ex.recall_at_1(e * scale, y) != ex.recall_at_1(e, y)


def test_info_nce_batch_gradient_matches_finite_differences_and_needs_pairs():
    d = ex.make_identities(seed=0)
    rng = np.random.default_rng(0)
    idx = ex.sample_batch(rng, d.y_train, classes_per_batch=8, per_class=2)
    xb, yb = d.x_train[idx], d.y_train[idx]
    w = ex.init_projection(20, seed=0)

    def f(v):
        return ex.batch_gradient(v, xb, yb, "info_nce", temperature=0.2)[0].mean()

    per, g = ex.batch_gradient(w, xb, yb, "info_nce", temperature=0.2)
    assert per.shape == (8,)
    np.testing.assert_allclose(
        per, losses.info_nce(xb[0::2] @ w.T, xb[1::2] @ w.T, temperature=0.2, reduction="none")
    )
    np.testing.assert_allclose(g, losses.numerical_grad(f, w), rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="in pairs"):
        ex.batch_gradient(w, xb[1:15], yb[1:15], "info_nce")


def test_info_nce_training_learns_with_the_same_samples_per_step():
    d = ex.make_identities(seed=0)
    run = ex.train_embedding(d, "info_nce", seed=0, steps=60)
    ref = ex.train_embedding(d, "contrastive", seed=0, steps=60)
    assert run.label == f"InfoNCE (τ = {ex.INFO_NCE_TEMPERATURE:g})"
    assert run.retrieval == "cosine" and run.temperature == ex.INFO_NCE_TEMPERATURE
    np.testing.assert_array_equal(run.w0, ref.w0)  # the same start
    np.testing.assert_array_equal(run.samples_seen, ref.samples_seen)  # 16 samples per step
    assert run.tuples_seen[-1] == 60 * 8  # 8 rows (anchors) per step
    assert np.all(run.active == 1.0)  # an InfoNCE term is never 0
    assert run.recall_test[-1] == ex.cosine_recall_at_1(run.embed(d.x_test), d.y_test)
    assert run.loss[-10:].mean() < run.loss[:5].mean()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_info_nce_beats_the_random_projection(seed):
    d = ex.make_identities(seed=seed)
    w0 = ex.init_projection(20, seed)
    start = ex.cosine_recall_at_1(d.x_test @ w0.T, d.y_test)
    run = ex.train_embedding(d, "info_nce", seed=seed)
    assert run.recall_test[0] == start
    assert run.recall_test[-1] > start + 0.3
    pk = ex.train_embedding(d, "info_nce", classes_per_batch=4, per_class=4, seed=seed)
    assert pk.recall_test[-1] > start + 0.2  # with a false negative per anchor, too


def test_speed_comparison_keeps_the_weights_for_other_retrievals():
    cmp = ex.speed_comparison(
        seeds=(0, 1),
        steps=30,
        methods=(("contrastive", None), ("info_nce", None)),
        train_kw={"embed_dim": 3},
    )
    assert cmp.final_w.shape == (2, 2, 3, 20)
    # each method's own retrieval, recomputed from its weights
    np.testing.assert_array_equal(cmp.final_recall("euclidean")[0], cmp.final_test[0])
    np.testing.assert_array_equal(cmp.final_recall("cosine")[1], cmp.final_test[1])
    np.testing.assert_array_equal(cmp.final_recall("cosine", "new")[1], cmp.final_new[1])
    run = ex.train_embedding(ex.make_identities(seed=1), "info_nce", steps=30, seed=1, embed_dim=3)
    np.testing.assert_array_equal(cmp.final_w[1, 1], run.w)
    # the summary reads each method by its own retrieval, and gives both for all
    rows = cmp.retrieval_summary()
    assert [r["retrieval"] for r in rows] == ["distance", "cosine"]
    assert rows[0]["distance"] == pytest.approx(cmp.final_test[0].mean())
    assert rows[1]["cosine"] == pytest.approx(cmp.final_test[1].mean())
    assert rows[1]["own min"] == cmp.final_test[1].min()
    assert rows[1]["own max"] == cmp.final_test[1].max()
    assert rows[1]["new"] == pytest.approx(cmp.final_new[1].mean())
    d0 = ex.make_identities(seed=0)
    assert cmp.final_recall("cosine")[0, 0] == ex.cosine_recall_at_1(
        d0.x_test @ cmp.final_w[0, 0].T, d0.y_test
    )


def test_init_projection_in_three_dimensions_extends_the_two_dimensional_start():
    w3 = ex.init_projection(20, seed=4, embed_dim=3)
    assert w3.shape == (3, 20)
    np.testing.assert_array_equal(w3[:2], ex.init_projection(20, seed=4))


def test_tuning_grid_scores_are_the_mean_recall_of_the_runs():
    t = ex.tune_info_nce(temperatures=(0.2, 1.0), lrs=(0.01, 0.5), seeds=(100, 101), steps=15)
    assert t.scores.shape == (2, 2)
    run = ex.train_embedding(
        ex.make_identities(seed=101), "info_nce", temperature=1.0, lr=0.5, steps=15, seed=101
    )
    other = ex.train_embedding(
        ex.make_identities(seed=100), "info_nce", temperature=1.0, lr=0.5, steps=15, seed=100
    )
    assert t.scores[1, 1] == pytest.approx((run.recall_test.mean() + other.recall_test.mean()) / 2)
    assert t.best_lr == {
        tau: t.lrs[int(np.argmax(row))] for tau, row in zip((0.2, 1.0), t.scores, strict=True)
    }
    assert t.best_temperature == (0.2, 1.0)[int(np.argmax(t.scores.max(axis=1)))]
    # the stored choice is one of the tuned temperatures, with its step size
    assert ex.INFO_NCE_TEMPERATURE in ex.INFO_NCE_LR


# ------------------------------------------------------- the InfoNCE derivation and NT-Xent


def _pairs(seed, n=5, d=3):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, d)) * rng.uniform(0.2, 5.0, size=(n, 1))  # rows of various lengths
    return a, a + 0.5 * rng.normal(size=(n, d))


@pytest.mark.parametrize("seed, tau", [(0, 0.5), (1, 0.1), (2, 2.0)])
def test_the_three_steps_give_the_gradient_of_the_mean_and_n_times_it_for_the_sum(seed, tau):
    a, p = _pairs(seed)
    n = a.shape[0]
    ga, gp = ex.info_nce_grad_steps(a, p, tau)
    # against finite differences of the library's loss (the mean), not against its gradient
    f_mean = lambda z: losses.info_nce(z, p, temperature=tau)  # noqa: E731
    np.testing.assert_allclose(ga, losses.numerical_grad(f_mean, a), atol=1e-7)
    f_pos = lambda z: losses.info_nce(a, z, temperature=tau)  # noqa: E731
    np.testing.assert_allclose(gp, losses.numerical_grad(f_pos, p), atol=1e-7)
    sa, sp = ex.info_nce_grad_steps(a, p, tau, reduction="sum")
    np.testing.assert_allclose(sa, n * ga, rtol=1e-12)
    np.testing.assert_allclose(sp, n * gp, rtol=1e-12)
    with pytest.raises(ValueError, match="reduction"):
        ex.info_nce_grad_steps(a, p, tau, reduction="none")


def _nt_xent_loop(a, p, tau, same_view=True):
    """SimCLR's equation, one anchor at a time, with plain Python loops."""
    z = [v / np.linalg.norm(v) for v in np.concatenate([a, p])]
    n = len(a)
    total = 0.0
    for k in range(2 * n):
        partner = (k + n) % (2 * n)
        cands = [m for m in range(2 * n) if m != k and (same_view or (m < n) != (k < n))]
        denom = sum(np.exp(z[k] @ z[m] / tau) for m in cands)
        total += -np.log(np.exp(z[k] @ z[partner] / tau) / denom)
    return total / (2 * n)


@pytest.mark.parametrize("seed, tau", [(0, 0.5), (3, 0.2), (4, 1.0)])
def test_nt_xent_is_simclrs_equation_and_without_same_view_negatives_symmetric_info_nce(seed, tau):
    a, p = _pairs(seed, n=4)
    assert ex.nt_xent(a, p, tau) == pytest.approx(_nt_xent_loop(a, p, tau), rel=1e-12)
    without = ex.nt_xent(a, p, tau, same_view_negatives=False)
    assert without == pytest.approx(_nt_xent_loop(a, p, tau, same_view=False), rel=1e-12)
    assert without == pytest.approx(losses.info_nce(a, p, temperature=tau, symmetric=True))
    # more negatives in the denominator: never a lower loss
    assert ex.nt_xent(a, p, tau) > without


def test_nt_xent_of_unrelated_directions_is_about_log_of_its_2n_minus_1_candidates():
    rng = np.random.default_rng(7)
    a, p = rng.normal(size=(2, 512, 256))
    assert ex.nt_xent(a, p, 1.0) == pytest.approx(np.log(2 * 512 - 1), abs=0.02)
    with pytest.raises(ValueError, match=r"must both be \(n, d\)"):
        ex.nt_xent(a, p[:, :3], 1.0)


def test_temperature_sweep_retrains_each_temperature_step_size_and_seed():
    sw = ex.temperature_sweep((0.1, 1.0), (0.5, 1.0), seeds=(0, 2), steps=20, early_step=10)
    assert sw.final.shape == sw.early.shape == (2, 2, 2)
    np.testing.assert_allclose(
        sw.lrs,
        [
            [0.5 * ex.INFO_NCE_LR[0.1], ex.INFO_NCE_LR[0.1]],
            [0.5 * ex.INFO_NCE_LR[1.0], ex.INFO_NCE_LR[1.0]],
        ],
    )
    run = ex.train_embedding(
        ex.make_identities(seed=2),
        "info_nce",
        temperature=1.0,
        lr=0.5 * ex.INFO_NCE_LR[1.0],
        steps=20,
        seed=2,
    )
    assert sw.final[1, 0, 1] == run.recall_test[-1]
    assert sw.early[1, 0, 1] == run.recall_test[list(run.eval_steps).index(10)]
    t, lr, seed, value = sw.worst()
    assert value == sw.final.min()
    i, k, j = (
        sw.temperatures.index(t),
        list(sw.lrs[sw.temperatures.index(t)]).index(lr),
        sw.seeds.index(seed),
    )
    assert sw.final[i, k, j] == value
