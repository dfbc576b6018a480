"""Peak memory of the elementwise losses: a loss and its gradient stay within a few arrays.

``tracemalloc`` sees numpy's buffers. The bound of issue 20 is 2× the inputs (``y_true`` and
``y_pred`` together) for the forward pass plus the gradient, whose result counts; most losses
also stay within 2× ``y_pred`` alone. Focal loss keeps log p_t, log(1 - p_t) and one more array.
"""

import tracemalloc

import numpy as np
import pytest

import losses

N = 100_000
RNG = np.random.default_rng(3)
_Y, _Z = RNG.normal(size=N), RNG.normal(size=N) * 2
_LABELS = RNG.integers(0, 2, N).astype(np.float64)
_PROBS = losses.sigmoid(_Z)

# (loss, y_true, y_pred, kwargs, peak bound in units of y_pred's bytes)
CASES = [
    ("mse", _Y, _Y + _Z, {}, 2),
    ("mae", _Y, _Y + _Z, {}, 2),
    ("huber", _Y, _Y + _Z, {}, 2),
    ("quantile", _Y, _Y + _Z, {"q": 0.9}, 2),
    ("binary_cross_entropy", _LABELS, _Z, {"from_logits": True}, 2),
    ("binary_cross_entropy", _LABELS, _PROBS, {}, 2),
    ("hinge", 2 * _LABELS - 1, _Z, {}, 2),
    ("focal", _LABELS, _Z, {"from_logits": True}, 3),
    ("focal", _LABELS, _PROBS, {}, 3),
    ("dice", _LABELS.reshape(10, 100, 100), _PROBS.reshape(10, 100, 100), {"axis": (1, 2)}, 2),
    ("tversky", _LABELS.reshape(10, 100, 100), _PROBS.reshape(10, 100, 100), {"gamma": 0.75}, 2),
]


def _peak(fn):
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] - base
        del result
    finally:
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize(
    ("name", "y_true", "y_pred", "kwargs", "bound"),
    CASES,
    ids=[f"{c[0]}-{'-'.join(map(str, c[3].values())) or 'default'}" for c in CASES],
)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_forward_and_gradient_peak_memory(name, y_true, y_pred, kwargs, bound, reduction):
    fn, grad = losses.LOSSES[name]

    def both():
        fn(y_true, y_pred, **kwargs, reduction=reduction)
        return grad(y_true, y_pred, **kwargs, reduction=reduction)

    both()  # warm-up: first calls may allocate module-level caches
    peak = _peak(both)
    assert peak <= 2 * (y_true.nbytes + y_pred.nbytes) * 1.02
    assert peak <= bound * y_pred.nbytes * 1.02, f"{name}: {peak / y_pred.nbytes:.2f}× y_pred"
