"""Input checks shared by every loss, with error messages a student can act on.

Every public loss calls these before computing anything, so that bad input fails
loudly with a ``ValueError`` that names the argument, says what was wrong and
where, and what was expected, instead of returning NaN or broadcasting silently.

The checks use ``min``/``max`` reductions on the hot path (no full-size boolean
temporaries); the slower search for *where* the problem is only runs once we
already know there is one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction: Any) -> str:
    """Return ``reduction`` if it is one of ``"mean"``, ``"sum"``, ``"none"``."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of 'mean', 'sum' or 'none', got {reduction!r}.")
    return reduction


def as_array(x: Any, name: str) -> np.ndarray:
    """Convert ``x`` to an ndarray of numbers (never copies an array that already is one)."""
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nested lists, for instance
        raise ValueError(f"{name} could not be read as an array of numbers: {exc}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise ValueError(
            f"{name} must hold numbers, got an array of dtype {arr.dtype} "
            "(ragged lists or strings cannot be used as losses' inputs)."
        )
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name} must be real numbers, got complex dtype {arr.dtype}.")
    return arr


def float_dtype(arr: np.ndarray) -> np.dtype:
    """The floating dtype results take: ``arr``'s own if floating, else float64."""
    return arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.dtype(np.float64)


def _first_index(mask: np.ndarray) -> tuple[int, ...] | int:
    idx = tuple(int(i) for i in np.argwhere(mask)[0])
    return idx[0] if len(idx) == 1 else idx


def check_not_empty(arr: np.ndarray, name: str) -> None:
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); a loss needs at least one value.")


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise if ``arr`` holds NaN or ±inf, naming the first offending position."""
    if arr.size == 0 or not np.issubdtype(arr.dtype, np.floating):
        return
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(arr)  # NaN and inf propagate into the sum: one pass, no temporary
    if np.isfinite(total):
        return
    bad = ~np.isfinite(arr)
    if not bad.any():  # the sum itself overflowed: every value is finite
        return
    where = _first_index(bad)
    raise ValueError(
        f"{name} contains {int(bad.sum())} non-finite value(s) (NaN or inf), the first "
        f"at index {where}: {arr[bad][0].item()!r}. Losses need finite numbers; check the step "
        "that produced this array."
    )


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    # Broadcasting (n, 1) against (n,) would silently build an (n, n) loss: refuse it.
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} has shape {a.shape} but {name_b} has shape {b.shape}; they must have "
            "the same shape (losses never broadcast one against the other: reshape, e.g. "
            "with .reshape(-1) or [:, None], so the shapes match)."
        )


def check_ndim(arr: np.ndarray, name: str, ndim: int, expected: str) -> None:
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D {expected}, got shape {arr.shape}.")


def check_unit_interval(arr: np.ndarray, name: str, what: str = "probabilities") -> None:
    """Raise unless every entry of ``arr`` lies in [0, 1]."""
    lo, hi = arr.min(), arr.max()
    if lo >= 0 and hi <= 1:
        return
    bad = (arr < 0) | (arr > 1)
    where = _first_index(bad)
    hint = (
        " If these are raw scores (logits), pass from_logits=True."
        if name == "y_pred" and what == "probabilities"
        else ""
    )
    raise ValueError(
        f"{name} must hold {what} in [0, 1], but {int(bad.sum())} value(s) lie outside, "
        f"the first at index {where}: {arr[bad][0].item()!r}.{hint}"
    )


def check_nonnegative(arr: np.ndarray, name: str) -> float:
    """Raise if ``arr`` has a negative entry; return its minimum (callers reuse it)."""
    lo = arr.min()
    if lo >= 0:
        return float(lo)
    bad = arr < 0
    raise ValueError(
        f"{name} must be a probability distribution with no negative entries, but index "
        f"{_first_index(bad)} holds {arr[bad][0].item()!r}."
    )


def check_sums_to_one(arr: np.ndarray, name: str, axis: int = -1, logits_hint: bool = True) -> None:
    """Raise unless ``arr`` sums to 1 along ``axis`` (1e-6 in float64, 1e-4 in float32)."""
    tol = 1e-6 if np.finfo(float_dtype(arr)).bits >= 64 else 1e-4
    if arr.dtype == np.float64 and arr.ndim >= 1 and axis in (-1, arr.ndim - 1):
        sums = np.einsum("...i->...", arr)  # np.sum pays a fixed cost per (short) row
    else:
        sums = arr.sum(axis=axis, dtype=np.float64)
    off = np.abs(sums - 1.0) > tol
    if not off.any():
        return
    where = _first_index(np.atleast_1d(off))
    total = np.atleast_1d(sums)[np.atleast_1d(off)][0]
    row = f"the distribution at index {where}" if arr.ndim > 1 else "the distribution"
    raise ValueError(
        f"{name} must sum to 1 along its last axis (tolerance {tol:g}), but {row} sums to "
        f"{float(total)!r}. Normalise it (x / x.sum(axis=-1, keepdims=True))"
        + (", or pass logits with from_logits=True." if logits_hint else ".")
    )


def check_labels(arr: np.ndarray, name: str, allowed: tuple[float, ...], hint: str = "") -> None:
    """Raise unless every entry of ``arr`` is one of the ``allowed`` label values."""
    ok = arr == allowed[0]
    for value in allowed[1:]:
        ok |= arr == value
    if ok.all():
        return
    bad = ~ok
    raise ValueError(
        f"{name} must contain only the labels {' and '.join(f'{a:g}' for a in allowed)}, but "
        f"index {_first_index(bad)} "
        f"holds {arr[bad][0].item()!r}.{hint}"
    )


def check_scalar(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
) -> float:
    """Return ``value`` as a float after checking it is a finite number in range."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}.") from None
    if np.ndim(value) != 0:
        raise ValueError(
            f"{name} must be a single number, got an array of shape {np.shape(value)}."
        )
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v!r}.")
    out_low = low is not None and (v < low or (v == low and not low_inclusive))
    if low is not None and high is not None and (out_low or v > high):
        raise ValueError(f"{name} must be in [{low:g}, {high:g}], got {v!r}.")
    if out_low:
        bound = f"{'≥' if low_inclusive else '>'} {low:g}"
        raise ValueError(f"{name} must be {bound}, got {v!r}.")
    if high is not None and v > high:
        raise ValueError(f"{name} must be ≤ {high:g}, got {v!r}.")
    return v


def reduce(per: np.ndarray, reduction: str) -> float | np.ndarray:
    """Apply a reduction: a Python float for "mean"/"sum", the array itself for "none"."""
    if reduction == "none":
        return per
    total = float(np.sum(per, dtype=np.float64))
    return total / per.size if reduction == "mean" else total


def grad_scale(reduction: str, count: int) -> float:
    """Factor that turns the gradient of the summed loss into that of the reduction."""
    return 1.0 / count if reduction == "mean" else 1.0


def quiet_underflow(fn: Callable) -> Callable:
    """Run ``fn`` with floating-point underflow ignored.

    ``exp(-1e4)`` rounding to 0 is the intended result in the stable formulas, not an
    error, even when a caller has asked numpy to raise on every floating-point event.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with np.errstate(under="ignore"):
            return fn(*args, **kwargs)

    return wrapper


def _check_values(arr: np.ndarray, name: str, unit: str | None) -> None:
    if unit is None:
        check_finite(arr, name)
        return
    # min/max propagate NaN, so one pair of reductions checks finiteness and range together
    lo, hi = arr.min(), arr.max()
    if lo >= 0 and hi <= 1:
        return
    check_finite(arr, name)
    check_unit_interval(arr, name, unit)


def prepare_pair(
    y_true: Any,
    y_pred: Any,
    name_true: str = "y_true",
    name_pred: str = "y_pred",
    *,
    true_unit: str | None = None,
    pred_unit: str | None = None,
    finite: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Validate two same-shaped, finite, non-empty inputs; return both in ``y_pred``'s float dtype.

    ``true_unit`` / ``pred_unit``: when given (a description such as ``"probabilities"``), the
    values must also lie in [0, 1]. ``y_true`` is cast to ``y_pred``'s floating dtype (float32
    predictions stay float32 even with integer labels); integer predictions are computed in
    float64.

    ``finite=False`` leaves out the finiteness check (a pass over each input) for a caller that
    computes a sum that NaN and inf in either input would reach anyway, and hands it to
    :func:`check_finite_pair`, which raises the same errors.
    """
    yt, yp = as_array(y_true, name_true), as_array(y_pred, name_pred)
    check_same_shape(yt, yp, name_true, name_pred)
    check_not_empty(yp, name_pred)
    if finite:
        _check_values(yt, name_true, true_unit)
        _check_values(yp, name_pred, pred_unit)
    dtype = float_dtype(yp)
    return yt.astype(dtype, copy=False), yp.astype(dtype, copy=False)


def difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a - b`` as a new array; inf - inf gives NaN without a warning (see check_finite_pair)."""
    with np.errstate(invalid="ignore"):
        return a - b


def check_finite_pair(
    total: Any, y_true: Any, y_pred: Any, name_true: str = "y_true", name_pred: str = "y_pred"
) -> None:
    """The finiteness check that ``prepare_pair(..., finite=False)`` left out.

    ``total`` is a sum (or an array to sum) that NaN and inf in either input propagate into: when it
    is finite, so is every input, and nothing more is read. Otherwise the inputs are checked as
    :func:`prepare_pair` would have, with the same error (a finite total can also have overflowed:
    then nothing is raised and the caller goes on, as it would have).
    """
    if isinstance(total, np.ndarray):
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.sum(total)
    if not np.isfinite(total):
        check_finite(as_array(y_true, name_true), name_true)
        check_finite(as_array(y_pred, name_pred), name_pred)


def dot64(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a·b over all elements, accumulated in float64, without a product temporary for float64.

    For float64 this is ``np.einsum``'s single-threaded SIMD loop: no temporary, and unlike a
    BLAS ``dot`` it never starts a thread pool (which stalls on a busy machine). Other dtypes are
    multiplied then summed in float64 so that float32 inputs keep the sum's precision.
    """
    fa, fb = a.reshape(-1), b.reshape(-1)
    if fa.dtype == np.float64 and fb.dtype == np.float64:
        return float(np.einsum("i,i->", fa, fb))
    return float(np.sum(np.multiply(fa, fb, dtype=np.float64)))


def sum_of_squares(r: np.ndarray) -> float:
    """Σ r² in float64 (see :func:`dot64`)."""
    return dot64(r, r)
