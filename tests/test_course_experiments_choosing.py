"""The closing chapter's code: slices of every loss, and the contamination sweep."""

import numpy as np
import pytest

import losses
from course.experiments import choosing as ch


def test_there_is_a_slice_for_every_loss():
    assert set(ch.SLICES) == set(losses.LOSSES)


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_slice_gradient_is_the_derivative_of_the_slice(name):
    s = ch.loss_slice(name)
    assert s.x.shape == s.loss.shape == s.grad.shape
    assert np.all(np.isfinite(s.loss)) and np.all(np.isfinite(s.grad))
    # central differences of the sliced loss, away from kinks (where the slope jumps)
    fd = np.gradient(s.loss, s.x)
    steps = np.abs(np.diff(s.grad))
    jumps = steps > 20 * steps.mean() + 1e-12  # a kink: the slope jumps within one grid step
    near_kink = np.zeros_like(s.x, dtype=bool)
    for i in np.flatnonzero(jumps):
        near_kink[max(i - 1, 0) : i + 3] = True
    interior = ~near_kink
    interior[[0, -1]] = False
    scale = max(1.0, float(np.abs(s.grad).max()))
    np.testing.assert_allclose(fd[interior], s.grad[interior], atol=5e-3 * scale)


def test_slices_have_the_known_shapes():
    huber = ch.loss_slice("huber")
    assert np.abs(huber.grad).max() == pytest.approx(1.0)  # bounded by δ
    hinge = ch.loss_slice("hinge")
    assert np.all(hinge.loss[hinge.x >= 1] == 0)  # nothing beyond the margin
    ce = ch.loss_slice("cross_entropy")
    assert np.all(ce.grad < 0)  # cross-entropy never stops pushing the true logit up
    # at logit t, CE = log(e^t + 2) - t
    np.testing.assert_allclose(ce.loss, np.log(np.exp(ce.x) + 2) - ce.x, rtol=1e-12)
    triplet = ch.loss_slice("triplet")
    assert triplet.loss[0] == pytest.approx(2.0)  # d(a,p) - 0 + margin
    assert np.all(triplet.loss[triplet.x >= 2] == 0)
    dice = ch.loss_slice("dice")
    assert dice.loss[-1] == pytest.approx(0.0, abs=1e-6)
    assert dice.loss[0] == pytest.approx(1.0, abs=1e-5)
    quantile = ch.loss_slice("quantile")
    assert set(np.round(quantile.grad, 12)) == {-0.9, 0.0, 0.1}  # -q below, 1 - q above
    tversky = ch.loss_slice("tversky")
    assert np.all(np.diff(tversky.loss) < 0)  # more of the object found, lower loss
    nce = ch.loss_slice("info_nce")
    assert nce.loss[-1] > nce.loss[0]  # tilting the positive towards the other anchor costs more


def test_mae_beats_huber_as_one_sided_contamination_grows():
    sweep = ch.contamination_sweep((0, 4, 16), seeds=range(3), steps=800)
    mse, mae, huber = (sweep.errors[k] for k in ("mse", "mae", "huber"))
    assert mse[0] < 0.06 and mae[0] < 0.06 and huber[0] < 0.06  # clean data: all fine
    assert huber[1] < mse[1] / 5  # a few outliers: Huber is robust
    assert mae[2] < huber[2] / 2 < mse[2]  # many one-sided outliers: MAE beats Huber, δ = 1...
    robust = sweep.errors["huber_robust"]
    assert robust[1] < huber[1] / 2 and robust[2] < huber[2] / 2  # ...mostly a too-large δ:
    assert robust[1] < 1.5 * mae[1]  # with δ from the data Huber is close to MAE
    assert np.all((0.15 < sweep.robust_delta) & (sweep.robust_delta < 0.5))  # near 1.345 σ


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_every_analytic_gradient_matches_finite_differences(name):
    for seed in range(3):
        assert ch.gradient_check(name, seed) < 1e-6


def test_gradient_check_notices_a_wrong_gradient(monkeypatch):
    fn, _ = losses.LOSSES["mse"]
    monkeypatch.setitem(ch.LOSSES, "mse", (fn, lambda y, p, **kw: losses.mse_grad(y, p, **kw) / 2))
    assert ch.gradient_check("mse") > 1e-2


def test_example_inputs_are_valid_for_every_loss():
    for name, (fn, _) in losses.LOSSES.items():
        args, kwargs = ch.example_inputs(name)
        assert np.isfinite(fn(*args, **kwargs))
    with pytest.raises(KeyError, match="no example inputs"):
        ch.example_inputs("l2")


def test_the_sweeps_data_chosen_delta_is_fit_huber_robusts():
    from course.experiments import regression

    sweep = ch.contamination_sweep((4,), seeds=[0], steps=300)
    d = regression.housing_data(n_outliers=4, seed=0)
    fit, delta = regression.fit_huber_robust(d.size, d.price, steps=300)
    assert sweep.robust_delta[0] == pytest.approx(delta)
    assert sweep.errors["huber_robust"][0] == pytest.approx(abs(fit.slope - d.slope))
