"""Contract-wide behaviour of every loss, parametrized over the 11 losses of the contract.

Reductions, return types, dtypes, untouched inputs, lists and tuples, shape mismatches, non-finite and
empty inputs, invalid reductions, keyword-only parameters, and no floating-point warning anywhere.
"""

import inspect
import re

import numpy as np
import pytest

import losses
from tests._losses_helpers import (
    ALL_CASES,
    CONTRACT_PARAMS,
    DATA_ARGS,
    DIFF_ARGS,
    DTYPE_ARG,
    NAMES,
    REDUCTIONS,
    STANDARD,
    assert_value_error,
    fns,
    grads_tuple,
    num_losses,
)

# numpy prints no warning for underflow by default, so underflow to 0 (exp(-1e4)) is allowed
STRICT = {"all": "raise", "under": "ignore"}
HELPERS = ["softmax", "log_softmax", "sigmoid", "log_sigmoid", "logsumexp", "numerical_grad"]


# ------------------------------------------------------------------ the public API


def test_losses_registry_has_exactly_the_contract_losses():
    assert set(losses.LOSSES) == set(NAMES)
    for name in NAMES:
        fn, grad = losses.LOSSES[name]
        assert fn is getattr(losses, name)
        assert grad is getattr(losses, name + "_grad")


@pytest.mark.parametrize("attr", [*NAMES, *(n + "_grad" for n in NAMES), *HELPERS, "LOSSES"])
def test_import_losses_exposes(attr):
    assert hasattr(losses, attr), f"`import losses` does not expose {attr}"
    if attr != "LOSSES":
        assert callable(getattr(losses, attr))


@pytest.mark.parametrize("name", NAMES)
def test_signature(name):
    fn, grad = fns(name)
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    data = DATA_ARGS[name]
    assert [p.name for p in params[: len(data)]] == list(data)
    for p in params[: len(data)]:
        assert p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty
    for p in params[len(data) :]:
        assert p.kind is p.KEYWORD_ONLY, f"{name}: {p.name} must be keyword-only"
    expected = CONTRACT_PARAMS[name] | {"reduction": "mean"}
    for pname, default in expected.items():
        assert pname in sig.parameters, f"{name} lacks {pname}"
        assert sig.parameters[pname].default == default, (name, pname)
    # the gradient takes exactly the same arguments
    assert inspect.signature(grad).parameters.keys() == sig.parameters.keys()
    for pname, p in inspect.signature(grad).parameters.items():
        assert p.kind == sig.parameters[pname].kind
        assert p.default == sig.parameters[pname].default


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_keyword_only(name):
    args, _ = STANDARD[name].build()
    first = next(iter(CONTRACT_PARAMS[name].values()), "mean")  # "mean" = reduction
    for f in fns(name):
        with pytest.raises(TypeError):
            f(*args, first)


# ------------------------------------------------------------------ reductions and return types


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_reductions_and_types(case, dtype):
    name = case.loss
    fn, _ = fns(name)
    args, kwargs = case.build(seed=1, dtype=dtype)
    none = fn(*args, **kwargs, reduction="none")
    assert isinstance(none, np.ndarray | np.generic)
    assert none.dtype == dtype, f"unreduced {name} is {none.dtype}, expected {np.dtype(dtype)}"
    mean = fn(*args, **kwargs, reduction="mean")
    total = fn(*args, **kwargs, reduction="sum")
    default = fn(*args, **kwargs)
    for r in (mean, total, default):
        assert isinstance(r, float), f"{name}: {type(r).__name__} is not a Python float"
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    assert mean == pytest.approx(float(np.mean(none, dtype=np.float64)), rel=rtol)
    assert total == pytest.approx(float(np.sum(none, dtype=np.float64)), rel=rtol)
    assert default == mean


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gradient_reductions_shapes_and_dtypes(case, dtype):
    name = case.loss
    _, grad = fns(name)
    args, kwargs = case.build(seed=2, dtype=dtype)
    g = {r: grads_tuple(name, grad(*args, **kwargs, reduction=r)) for r in REDUCTIONS}
    count = num_losses(name, args, kwargs)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    for i, which in enumerate(DIFF_ARGS[name]):
        shape = np.shape(args[which])
        for r in REDUCTIONS:
            assert isinstance(g[r][i], np.ndarray)
            assert g[r][i].shape == shape
            assert g[r][i].dtype == dtype
        # "none" is the gradient of the sum; "mean" divides by the number of unreduced losses
        np.testing.assert_allclose(g["none"][i], g["sum"][i], rtol=rtol)
        # float32: cancellation makes small entries noisy, so the tolerance follows the scale
        atol = 0.0 if dtype == np.float64 else 1e-5 * float(np.max(np.abs(g["sum"][i])))
        np.testing.assert_allclose(g["mean"][i] * count, g["sum"][i], rtol=rtol, atol=atol)


# integer y_pred (and embeddings) are computed in float64
INT_INPUTS = {
    "mse": (([1, 2, 3], [2, 2, 7]), {}),
    "mae": (([1, 2, 3], [2, 2, 7]), {}),
    "huber": (([1, 2, 3], [2, 2, 7]), {}),
    "cross_entropy": (([0, 2], [[3, 1, 0], [0, 0, 2]]), {"from_logits": True}),
    "binary_cross_entropy": (([0, 1, 1], [-2, 1, 3]), {"from_logits": True}),
    "hinge": (([1, -1, 1], [2, 1, 0]), {}),
    "focal": (([0, 1, 1], [-2, 1, 3]), {"from_logits": True}),
    "dice": (([[0, 1], [1, 1]], [[0, 1], [0, 1]]), {"axis": -1}),
    "kl_divergence": (([[0.5, 0.5]], [[1, 2]]), {"from_logits": True}),
    "contrastive": (([0, 1], [[0, 0], [1, 1]], [[3, 4], [1, 2]]), {"margin": 6.0}),
    "triplet": (([[0, 0], [1, 1]], [[3, 4], [1, 2]], [[0, 3], [5, 5]]), {}),
    "quantile": (([1, 2, 3], [2, 2, 7]), {"q": 0.25}),
    "tversky": (([[0, 1], [1, 1]], [[0, 1], [0, 1]]), {"axis": -1, "alpha": 0.3, "beta": 0.7}),
    "info_nce": (([[0, 1], [1, 1], [2, 0]], [[1, 2], [1, 1], [3, 1]]), {"temperature": 0.5}),
    "multiclass_hinge": (([0, 2], [[3, 1, 0], [0, 0, 2]]), {"margin": 2.0}),
}


@pytest.mark.parametrize("name", NAMES)
def test_integer_inputs_give_float64(name):
    fn, grad = fns(name)
    args, kwargs = INT_INPUTS[name]
    arrays = tuple(np.asarray(a) for a in args)
    none = fn(*arrays, **kwargs, reduction="none")
    assert none.dtype == np.float64
    assert np.all(np.isfinite(none))
    assert isinstance(fn(*arrays, **kwargs), float)
    for g in grads_tuple(name, grad(*arrays, **kwargs)):
        assert g.dtype == np.float64
    # the same numbers as float64 give the same values (no integer arithmetic anywhere)
    floats = tuple(
        a.astype(np.float64) if i == DTYPE_ARG[name] or name in ("triplet", "info_nce") else a
        for i, a in enumerate(arrays)
    )
    np.testing.assert_allclose(none, fn(*floats, **kwargs, reduction="none"), rtol=1e-12)


@pytest.mark.parametrize(
    "name", [n for n in NAMES if n not in ("triplet", "kl_divergence", "info_nce")]
)
def test_float32_prediction_with_integer_labels_stays_float32(name):
    args, kwargs = STANDARD[name].build(dtype=np.float32)
    labels = np.round(np.asarray(args[0])).astype(np.int64)
    args = (labels, *args[1:])
    fn, grad = fns(name)
    assert fn(*args, **kwargs, reduction="none").dtype == np.float32
    for g in grads_tuple(name, grad(*args, **kwargs)):
        assert g.dtype == np.float32


# ------------------------------------------------------------------ inputs


@pytest.mark.parametrize("name", NAMES)
def test_inputs_never_modified(name):
    args, kwargs = STANDARD[name].build(seed=3)
    arrays = [np.array(a, copy=True) for a in args]
    copies = [a.copy() for a in arrays]
    for a in arrays:  # an in-place write would now raise
        a.flags.writeable = False
    fn, grad = fns(name)
    for r in REDUCTIONS:
        fn(*arrays, **kwargs, reduction=r)
        grad(*arrays, **kwargs, reduction=r)
    for a, c in zip(arrays, copies, strict=True):
        np.testing.assert_array_equal(a, c)


def test_pos_weight_never_modified():
    w = np.array([0.5, 2.0, 3.0])
    w.flags.writeable = False
    y = np.array([[0.0, 1.0, 1.0]])
    p = np.array([[0.2, 0.7, 0.4]])
    losses.binary_cross_entropy(y, p, pos_weight=w)
    losses.binary_cross_entropy_grad(y, p, pos_weight=w)
    np.testing.assert_array_equal(w, [0.5, 2.0, 3.0])


def _to_nested(a, kind):
    a = np.asarray(a)
    if a.ndim == 0:
        return a.item()
    out = [_to_nested(x, kind) for x in a]
    return tuple(out) if kind is tuple else out


@pytest.mark.parametrize("kind", [list, tuple])
@pytest.mark.parametrize("name", NAMES)
def test_lists_and_tuples_accepted(name, kind):
    args, kwargs = STANDARD[name].build(seed=4)
    fn, grad = fns(name)
    nested = tuple(_to_nested(a, kind) for a in args)
    np.testing.assert_allclose(
        fn(*nested, **kwargs, reduction="none"), fn(*args, **kwargs, reduction="none"), rtol=1e-12
    )
    assert fn(*nested, **kwargs) == pytest.approx(fn(*args, **kwargs), rel=1e-12)
    for gl, ga in zip(
        grads_tuple(name, grad(*nested, **kwargs)),
        grads_tuple(name, grad(*args, **kwargs)),
        strict=True,
    ):
        assert isinstance(gl, np.ndarray)
        np.testing.assert_allclose(gl, ga, rtol=1e-12)


# (args, the two shapes the message must name)
MISMATCH = {
    "elementwise": ((np.zeros((3, 1)), np.full(3, 0.5)), ((3, 1), (3,))),
    "cross_entropy": (
        (np.array([0, 1, 1]), np.full((4, 2), 0.5)),
        ((3,), (4, 2)),
    ),
    "cross_entropy_column_labels": (
        (np.array([[0], [1], [1]]), np.full((3, 2), 0.5)),
        ((3, 1), (3, 2)),
    ),
    "cross_entropy_ptargets": ((np.full((3, 2), 0.5), np.full((3, 3), 1 / 3)), ((3, 2), (3, 3))),
    "kl_divergence": ((np.full((2, 3), 1 / 3), np.full((2, 4), 0.25)), ((2, 3), (2, 4))),
    "contrastive_x": ((np.array([0, 1, 1]), np.zeros((3, 2)), np.ones((3, 3))), ((3, 2), (3, 3))),
    # y_true and x1 need not have the same shape, only the same n: both sizes must be named
    "contrastive_y": ((np.array([0, 1, 1, 0]), np.zeros((3, 2)), np.ones((3, 2))), ("4", "3")),
    "triplet_p": ((np.zeros((3, 2)), np.ones((3, 3)), np.ones((3, 2))), ((3, 2), (3, 3))),
    "triplet_n": ((np.zeros((3, 2)), np.ones((3, 2)), np.ones((4, 2))), ((3, 2), (4, 2))),
}
ELEMENTWISE = ["mse", "mae", "huber", "binary_cross_entropy", "hinge", "focal", "dice"]
MISMATCH_CASES = [(n, "elementwise") for n in ELEMENTWISE] + [
    ("cross_entropy", "cross_entropy"),
    ("cross_entropy", "cross_entropy_column_labels"),
    ("cross_entropy", "cross_entropy_ptargets"),
    ("multiclass_hinge", "cross_entropy"),
    ("multiclass_hinge", "cross_entropy_column_labels"),
    ("kl_divergence", "kl_divergence"),
    ("contrastive", "contrastive_x"),
    ("contrastive", "contrastive_y"),
    ("triplet", "triplet_p"),
    ("triplet", "triplet_n"),
]


@pytest.mark.parametrize(("name", "key"), MISMATCH_CASES)
@pytest.mark.parametrize("which", ["fn", "grad"])
def test_shape_mismatch_names_both_shapes(name, key, which):
    args, shapes = MISMATCH[key]
    if name == "hinge":
        args = (np.ones((3, 1)), args[1])
    f = dict(zip(("fn", "grad"), fns(name), strict=True))[which]
    with pytest.raises(ValueError) as excinfo:
        f(*args)
    assert_value_error(excinfo.value, str(shapes[0]), str(shapes[1]))
    assert re.search("|".join(DATA_ARGS[name]) + "|shape", str(excinfo.value))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize(
    ("name", "index"),
    [(n, i) for n in NAMES for i in range(len(DATA_ARGS[n]))],
)
def test_non_finite_input_rejected(name, index, bad):
    args, kwargs = STANDARD[name].build(seed=5)
    arr = np.array(args[index], dtype=np.float64)
    arr.flat[1] = bad
    args = (*args[:index], arr, *args[index + 1 :])
    for f in fns(name):
        with pytest.raises(ValueError, match=DATA_ARGS[name][index]) as excinfo:
            f(*args, **kwargs)
        assert re.search(r"(?i)nan|inf|finite", str(excinfo.value))


EMPTY = {
    "cross_entropy": (np.zeros(0, dtype=int), np.zeros((0, 3))),
    "kl_divergence": (np.zeros((0, 3)), np.zeros((0, 3))),
    "contrastive": (np.zeros(0, dtype=int), np.zeros((0, 2)), np.zeros((0, 2))),
    "triplet": (np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 2))),
    "info_nce": (np.zeros((0, 2)), np.zeros((0, 2))),
}


@pytest.mark.parametrize("name", NAMES)
def test_empty_input_rejected(name):
    args = EMPTY.get(name, (np.zeros(0), np.zeros(0)))
    for f in fns(name):
        for r in REDUCTIONS:
            with pytest.raises(ValueError, match="|".join(DATA_ARGS[name])) as excinfo:
                f(*args, reduction=r)
            assert re.search(r"(?i)empty|size|no element|at least one|zero", str(excinfo.value))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("reduction", ["avg", "batchmean", "MEAN", None, "elementwise_mean"])
def test_invalid_reduction(name, reduction):
    args, kwargs = STANDARD[name].build()
    for f in fns(name):
        with pytest.raises(ValueError, match="reduction") as excinfo:
            f(*args, **kwargs, reduction=reduction)
        assert_value_error(excinfo.value, "mean", "sum", "none")


# ------------------------------------------------------------------ no warnings, no NaN

E = 1e4
EXTREMES = {
    "mse": [((np.zeros(3), np.zeros(3)), {})],
    "mae": [((np.zeros(3), np.zeros(3)), {})],  # the kink everywhere
    "huber": [((np.zeros(3), np.array([1.0, -1.0, 0.0])), {})],
    "cross_entropy": [
        (([0, 1, 2], [[E, -E, 0], [E, -E, -E], [-E, -E, E]]), {"from_logits": True}),
        (([0, 1], [[E, -E, 0], [E, E, -E]]), {"from_logits": True, "label_smoothing": 0.3}),
        (([0, 1, 2], np.eye(3)[[1, 1, 2]]), {}),
        ((np.eye(3)[[0, 1]], np.eye(3)[[1, 1]]), {"label_smoothing": 1.0}),
    ],
    "binary_cross_entropy": [
        (([0.0, 1.0, 1.0, 0.0], [E, -E, E, -E]), {"from_logits": True}),
        (([0.0, 1.0, 1.0, 0.0], [E, -E, E, -E]), {"from_logits": True, "pos_weight": 3.0}),
        (([0.0, 1.0, 1.0, 0.0, 0.5], [1.0, 0.0, 1.0, 0.0, 1.0]), {}),
        (([0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0]), {"pos_weight": 2.0}),
    ],
    "hinge": [(([1, -1, 1], [1.0, -1.0, E]), {})],
    "focal": [
        (([0, 1, 1, 0], [E, -E, E, -E]), {"from_logits": True, "gamma": g}) for g in (0.0, 0.5, 2.0)
    ]
    + [(([0, 1, 1, 0], [1.0, 0.0, 1.0, 0.0]), {"gamma": g}) for g in (0.0, 0.5, 2.0)],
    "dice": [
        ((np.zeros((2, 3)), np.zeros((2, 3))), {}),
        ((np.zeros((2, 3)), np.zeros((2, 3))), {"smooth": 0.0}),
        ((np.zeros((2, 3)), np.zeros((2, 3))), {"smooth": 0.0, "axis": 1}),
        ((np.ones((2, 3)), np.ones((2, 3))), {"smooth": 0.0}),
        ((np.zeros((2, 3)), np.ones((2, 3))), {"smooth": 0.0}),
    ],
    "kl_divergence": [
        (([[0.0, 1.0], [1.0, 0.0]], [[E, -E], [E, -E]]), {"from_logits": True}),
        (([[0.0, 1.0], [0.5, 0.5]], [[0.0, 1.0], [0.5, 0.5]]), {}),
        (([[0.0, 1.0], [1.0, 0.0]], [[1.0, 0.0], [0.5, 0.5]]), {}),  # inf: Q = 0 < P
    ],
    "contrastive": [
        (([0, 1], np.ones((2, 3)), np.ones((2, 3))), {}),
        (([0, 1], [[0.0, 0.0]] * 2, [[3.0, 4.0]] * 2), {"margin": 5.0}),
        (([0, 1], [[0.0, 0.0]] * 2, [[3.0, 4.0]] * 2), {"margin": 0.0}),
    ],
    "triplet": [
        ((np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3))), {}),
        ((np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3))), {"squared": True}),
        (([[0.0, 0.0]], [[3.0, 4.0]], [[0.0, 6.0]]), {}),
        (([[0.0, 0.0]], [[3.0, 4.0]], [[0.0, 6.0]]), {"margin": 0.0, "squared": False}),
    ],
    "quantile": [
        ((np.zeros(3), np.zeros(3)), {"q": 0.3}),  # the kink everywhere
        ((np.zeros(3), np.array([E, -E, 0.0])), {"q": 0.0}),
        ((np.zeros(3), np.array([E, -E, 0.0])), {"q": 1.0}),
    ],
    "tversky": [
        ((np.zeros((2, 3)), np.zeros((2, 3))), {"smooth": 0.0}),
        ((np.zeros((2, 3)), np.zeros((2, 3))), {"smooth": 0.0, "axis": 1, "gamma": 0.5}),
        ((np.ones((2, 3)), np.ones((2, 3))), {"smooth": 0.0, "gamma": 0.75}),  # TI = 1
        ((np.zeros((2, 3)), np.ones((2, 3))), {"smooth": 0.0, "alpha": 0.0, "beta": 0.0}),
        ((np.ones((2, 3)), np.zeros((2, 3))), {"smooth": 0.0, "gamma": 3.0}),
    ],
    "info_nce": [
        ((np.eye(3), np.eye(3)), {"temperature": 1e-3}),
        ((np.eye(3), -np.eye(3)), {"temperature": 1e-3, "symmetric": True}),
        (([[E, 0.0], [0.0, 1e-300]], [[1.0, 1.0], [1.0, 1.0]]), {"temperature": 1e-3}),
    ],
    "multiclass_hinge": [
        (([0, 1, 2], [[E, -E, 0], [E, -E, -E], [-E, -E, E]]), {}),
        (([0, 1, 2], [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 1.0]]), {}),  # kink, ties
        (([0, 1], [[E, -E], [E, -E]]), {"margin": 0.0}),
    ],
}
EXTREME_CASES = [
    pytest.param(name, i, id=f"{name}-{i}") for name in NAMES for i in range(len(EXTREMES[name]))
]


@pytest.mark.parametrize(("name", "i"), EXTREME_CASES)
def test_extremes_raise_no_floating_point_error_and_stay_finite(name, i):
    args, kwargs = EXTREMES[name][i]
    fn, grad = fns(name)
    inf_ok = name == "kl_divergence" and i == 2
    with np.errstate(**STRICT):
        for r in REDUCTIONS:
            value = fn(*args, **kwargs, reduction=r)
            gs = grads_tuple(name, grad(*args, **kwargs, reduction=r))
            assert not np.any(np.isnan(value)), (r, value)
            for g in gs:
                assert not np.any(np.isnan(g)), (r, g)
            if not inf_ok:
                assert np.all(np.isfinite(value)), (r, value)
                for g in gs:
                    assert np.all(np.isfinite(g)), (r, g)


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_ordinary_inputs_raise_no_floating_point_error(case):
    fn, grad = fns(case.loss)
    args, kwargs = case.build(seed=6)
    with np.errstate(**STRICT):
        for r in REDUCTIONS:
            fn(*args, **kwargs, reduction=r)
            grad(*args, **kwargs, reduction=r)
