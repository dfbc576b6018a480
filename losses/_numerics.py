"""Numerically stable building blocks shared by the losses, and a finite-difference checker.

Each function here stays finite for inputs of magnitude up to 1e4 in float64, where the
textbook formulas overflow (``exp(1000)`` is ``inf`` in float64, and ``inf / inf`` is NaN).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validation import quiet_underflow


def _float(z) -> np.ndarray:
    z = np.asarray(z)
    return z if np.issubdtype(z.dtype, np.floating) else z.astype(np.float64)


def _exp_shifted(z: np.ndarray, m: np.ndarray) -> np.ndarray:
    """:math:`e^{z - m}` in one new array (``exp`` works in place on the difference)."""
    e = np.asarray(z - m)  # a 0-d input gives a numpy scalar: keep an array for out=
    return np.exp(e, out=e)


@quiet_underflow
def logsumexp(z, axis: int | tuple[int, ...] | None = -1) -> np.ndarray:
    r"""Stable :math:`\log \sum_i e^{z_i}` along ``axis``.

    Shifting by the maximum :math:`m` changes nothing mathematically,
    :math:`\log\sum_i e^{z_i} = m + \log\sum_i e^{z_i - m}`, but keeps every exponent ≤ 0,
    so nothing overflows.

    Args:
        z: array of any shape.
        axis: the axis (or axes) to reduce; ``None`` reduces everything.

    Returns:
        ``z``'s shape without ``axis``.

    Example:
        >>> float(logsumexp([1000.0, 1000.0]))  # naive: log(inf) = inf
        1000.6931471805599
    """
    z = _float(z)
    m = np.max(z, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)  # an all -inf slice: keep log(0) = -inf, not NaN
    s = np.sum(_exp_shifted(z, m), axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        out = np.log(s) + m
    return np.squeeze(out, axis=axis) if axis is not None else out.reshape(())


@quiet_underflow
def softmax(z, axis: int = -1) -> np.ndarray:
    r"""Softmax :math:`\sigma(z)_c = e^{z_c} / \sum_k e^{z_k}` along ``axis``, without overflow.

    Example:
        >>> softmax([1000.0, 0.0, -1000.0]).round(6).tolist()
        [1.0, 0.0, 0.0]
    """
    z = _float(z)
    e = _exp_shifted(z, np.max(z, axis=axis, keepdims=True))
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


@quiet_underflow
def log_softmax(z, axis: int = -1) -> np.ndarray:
    r"""Log of the softmax, :math:`z_c - \log\sum_k e^{z_k}`, finite where ``log(softmax(z))`` is not.

    Example:
        >>> log_softmax([1000.0, 0.0]).tolist()   # log(softmax) would give -inf
        [0.0, -1000.0]
    """
    z = _float(z)
    m = np.max(z, axis=axis, keepdims=True)
    out = np.asarray(z - m)  # z - m, then minus log Σ e^{z - m}, in place
    out -= np.log(np.sum(np.exp(out), axis=axis, keepdims=True))
    return out


@quiet_underflow
def sigmoid(z) -> np.ndarray:
    r"""Logistic sigmoid :math:`1 / (1 + e^{-z})`, computed without overflow for any sign of z.

    Written as :math:`e^{\min(z, 0)} / (1 + e^{-|z|})`, which equals :math:`1/(1 + e^{-z})` for
    :math:`z \ge 0` and :math:`e^{z}/(1 + e^{z})` for :math:`z < 0`: no exponent is ever positive,
    nothing overflows, tiny probabilities keep their relative precision, and there is no branch.

    Example:
        >>> sigmoid([-1e4, 0.0, 1e4]).tolist()
        [0.0, 0.5, 1.0]
    """
    z = _float(z)
    # explicit out= arrays: for a 0-d input ufuncs would otherwise return scalars, not arrays
    num = np.minimum(z, 0, out=np.empty_like(z))
    np.exp(num, out=num)
    den = np.abs(z, out=np.empty_like(z))
    np.negative(den, out=den)
    np.exp(den, out=den)
    den += 1
    num /= den
    return num


@quiet_underflow
def log_sigmoid(z) -> np.ndarray:
    r""":math:`\log \sigma(z) = \min(z, 0) - \log(1 + e^{-|z|})`, finite for every finite z.

    Example:
        >>> log_sigmoid([-1e4, 0.0]).round(6).tolist()
        [-10000.0, -0.693147]
    """
    z = _float(z)
    return np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z)))


def numerical_grad(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    r"""Central finite-difference gradient of a scalar function ``f`` at ``x``.

    Each coordinate is nudged by :math:`\pm h` in turn:
    :math:`\partial f/\partial x_i \approx (f(x + h e_i) - f(x - h e_i)) / 2h`, with an error of
    order :math:`h^2`. It costs two calls of ``f`` per coordinate, which is why the losses
    compute their gradients analytically and use this only to check them.

    Args:
        f: function of one array returning a scalar.
        x: the point (any shape). It is never modified: ``f`` receives a float64 copy.
        eps: the step :math:`h`.

    Returns:
        A float64 array shaped like ``x``.

    Example:
        >>> numerical_grad(lambda v: float((v ** 2).sum()), [1.0, -2.0]).round(6).tolist()
        [2.0, -4.0]
    """
    x0 = np.array(x, dtype=np.float64)  # a copy: the caller's x stays untouched
    grad = np.empty_like(x0)
    xp = x0.copy()
    flat, gflat = xp.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        orig = flat[i]
        flat[i] = orig + eps
        f_plus = float(f(xp.copy()))
        flat[i] = orig - eps
        f_minus = float(f(xp.copy()))
        flat[i] = orig
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad
