"""Time every loss of ``losses`` (forward + gradient) against PyTorch, and measure its memory.

Run it from the repository root::

    python benchmarks/bench_losses.py [--repeats 9] [--quick] [--only NAME ...]

Sizes (those of issue 20): the elementwise losses (MSE, MAE, Huber, quantile, binary
cross-entropy, hinge, focal) on 1e6 values; cross-entropy and KL divergence on 1e5 rows of 10
classes; Dice and Tversky on 64 masks of 128×128 (one loss per mask, ``axis=(1, 2)``);
contrastive and triplet on 1e5 pairs or triplets of 64-d embeddings; InfoNCE on a batch of 4096
pairs of 128-d embeddings. ``--quick`` makes every case about ten times smaller (InfoNCE,
whose cost grows as the batch squared, √10 times): a smoke test. ``--only`` picks losses by name.

For each case it prints, in milliseconds, the best of ``--repeats`` runs of our loss followed by
its gradient (``fn`` then ``fn_grad``), and, when PyTorch is importable, of the PyTorch CPU
equivalent, forward then ``backward()``, with the ratio ours / torch (below 1: numpy is
faster). The two are timed in alternation, so that a busy machine slows both alike. Then the
peak extra memory of ``fn`` then ``fn_grad`` (``tracemalloc``, which sees numpy's buffers; the
returned gradients count), as a multiple of the bytes of ``y_pred`` (for the metric losses, of
one embedding array), column ``mem/ŷ``, and of all the inputs together, column ``mem/in``. The
last lines give the geometric mean of the ratios over the cases, and over the losses (a loss
timed in two variants, logits and probabilities, counts once, with the geometric mean of its
two ratios). PyTorch is never a requirement: without it only our times and memory are printed.

Fairness: everything runs in float64 on one thread. numpy's elementwise ufuncs are
single-threaded anyway; the BLAS and OpenMP pools are pinned to one thread below (before numpy
is imported) and PyTorch gets ``torch.set_num_threads(1)``. Inputs are made once, outside the
timed region, for both. Our times include the input validation that PyTorch does not do.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import tracemalloc
from dataclasses import dataclass, field

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
import losses  # noqa: E402

try:  # optional comparison
    import torch
    import torch.nn.functional as F  # noqa: N812

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - depends on the machine
    torch = None


@dataclass
class Case:
    """One timed call: ``losses.<name>(*args, **kwargs)`` and its gradient, and the torch twin."""

    label: str
    name: str
    shape: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    torch_fn: object = None  # torch_fn(*tensors) -> scalar tensor, tensors built from args
    diff: tuple = (1,)  # the differentiated arguments (they require grad in torch)
    int_args: tuple = ()  # arguments passed to torch as int64 (class labels)


def make_cases(scale):
    rng = np.random.default_rng(0)
    n = int(1_000_000 * scale)  # elementwise
    rows = int(100_000 * scale)  # cross-entropy, KL, contrastive, triplet
    masks = max(2, int(64 * scale))
    batch = int(4096 * math.sqrt(scale))  # InfoNCE's cost grows as n²
    eps = np.finfo(np.float64).eps
    cases = []

    y = rng.normal(size=n)
    p = y + rng.normal(size=n)
    cases += [
        Case("mse", "mse", f"({n},)", (y, p), {}, lambda t, q: F.mse_loss(q, t)),
        Case("mae", "mae", f"({n},)", (y, p), {}, lambda t, q: F.l1_loss(q, t)),
        Case("huber", "huber", f"({n},)", (y, p), {}, lambda t, q: F.huber_loss(q, t, delta=1.0)),
    ]

    def torch_quantile(t, q, level=0.9):
        r = t - q
        return torch.maximum(level * r, (level - 1) * r).mean()

    cases.append(
        Case("quantile (q=0.9)", "quantile", f"({n},)", (y, p), {"q": 0.9}, torch_quantile)
    )

    labels = rng.integers(0, 10, rows)
    logits = rng.normal(size=(rows, 10)) * 2
    probs = losses.softmax(logits)
    cases += [
        Case(
            "cross_entropy (logits)",
            "cross_entropy",
            f"({rows}, 10)",
            (labels, logits),
            {"from_logits": True},
            lambda t, z: F.cross_entropy(z, t),
            int_args=(0,),
        ),
        Case(
            "cross_entropy (probs)",
            "cross_entropy",
            f"({rows}, 10)",
            (labels, probs),
            {},
            lambda t, q: F.nll_loss(torch.log(q.clamp(eps, 1 - eps)), t),
            int_args=(0,),
        ),
    ]

    yb = rng.integers(0, 2, n).astype(np.float64)
    zb = rng.normal(size=n) * 2
    pb = losses.sigmoid(zb)
    cases += [
        Case(
            "binary_cross_entropy (logits)",
            "binary_cross_entropy",
            f"({n},)",
            (yb, zb),
            {"from_logits": True},
            lambda t, z: F.binary_cross_entropy_with_logits(z, t),
        ),
        Case(
            "binary_cross_entropy (probs)",
            "binary_cross_entropy",
            f"({n},)",
            (yb, pb),
            {},
            lambda t, q: F.binary_cross_entropy(q, t),
        ),
        Case(
            "hinge",
            "hinge",
            f"({n},)",
            (2 * yb - 1, zb),
            {},
            lambda t, f: torch.clamp(1 - t * f, min=0).mean(),
        ),
    ]

    def torch_focal(t, z, logits=True, alpha=0.25, gamma=2.0):
        # torchvision.ops.sigmoid_focal_loss, written out
        if logits:
            q = torch.sigmoid(z)
            ce = F.binary_cross_entropy_with_logits(z, t, reduction="none")
        else:
            q = z
            ce = F.binary_cross_entropy(z, t, reduction="none")
        p_t = q * t + (1 - q) * (1 - t)
        out = ce * (1 - p_t) ** gamma
        return ((alpha * t + (1 - alpha) * (1 - t)) * out).mean()

    cases += [
        Case("focal (logits)", "focal", f"({n},)", (yb, zb), {"from_logits": True}, torch_focal),
        Case(
            "focal (probs)",
            "focal",
            f"({n},)",
            (yb, pb),
            {},
            lambda t, q: torch_focal(t, q, logits=False),
        ),
    ]

    shape = (masks, 128, 128)
    mask = (rng.random(shape) < 0.3).astype(np.float64)
    pm = np.clip(0.6 * mask + rng.uniform(0, 0.5, shape), 0, 1)

    def torch_dice(t, q, s=1e-6):
        inter = (t * q).sum((1, 2))
        return (1 - (2 * inter + s) / (t.sum((1, 2)) + q.sum((1, 2)) + s)).mean()

    def torch_tversky(t, q, alpha=0.3, beta=0.7, gamma=0.75, s=1e-6):
        tp = (t * q).sum((1, 2))
        fp = ((1 - t) * q).sum((1, 2))
        fn = (t * (1 - q)).sum((1, 2))
        return ((1 - (tp + s) / (tp + alpha * fp + beta * fn + s)) ** gamma).mean()

    cases += [
        Case("dice", "dice", f"{shape}", (mask, pm), {"axis": (1, 2)}, torch_dice),
        Case(
            "tversky (a=.3, b=.7, g=.75)",
            "tversky",
            f"{shape}",
            (mask, pm),
            {"alpha": 0.3, "beta": 0.7, "gamma": 0.75, "axis": (1, 2)},
            torch_tversky,
        ),
    ]

    pk = losses.softmax(rng.normal(size=(rows, 10)))
    cases += [
        Case(
            "kl_divergence (logits)",
            "kl_divergence",
            f"({rows}, 10)",
            (pk, logits),
            {"from_logits": True},
            lambda t, z: F.kl_div(F.log_softmax(z, dim=-1), t, reduction="batchmean"),
        ),
        Case(
            "kl_divergence (probs)",
            "kl_divergence",
            f"({rows}, 10)",
            (pk, probs),
            {},
            lambda t, q: F.kl_div(torch.log(q), t, reduction="batchmean"),
        ),
    ]

    yc = rng.integers(0, 2, rows).astype(np.float64)
    x1 = rng.normal(size=(rows, 64))
    x2 = x1 + rng.normal(size=(rows, 64)) * 0.15  # distances around 1.2: both branches active

    def torch_contrastive(t, a, b, margin=1.0):
        d = torch.linalg.vector_norm(a - b, dim=1)
        return (t * d**2 + (1 - t) * torch.clamp(margin - d, min=0) ** 2).mean()

    a = rng.normal(size=(rows, 64))
    pos = a + rng.normal(size=(rows, 64)) * 0.15
    neg = a + rng.normal(size=(rows, 64)) * 0.2
    cases += [
        Case(
            "contrastive",
            "contrastive",
            f"({rows}, 64) x2",
            (yc, x1, x2),
            {},
            torch_contrastive,
            diff=(1, 2),
        ),
        Case(
            "triplet",
            "triplet",
            f"({rows}, 64) x3",
            (a, pos, neg),
            {},
            lambda aa, pp, nn: F.triplet_margin_loss(aa, pp, nn, margin=1.0),
            diff=(0, 1, 2),
        ),
    ]

    ea = rng.normal(size=(batch, 128))
    ep = ea + rng.normal(size=(batch, 128))

    def torch_info_nce(x, y, tau=0.1):
        s = F.normalize(x, dim=1) @ F.normalize(y, dim=1).T / tau
        return F.cross_entropy(s, torch.arange(x.shape[0]))

    cases.append(
        Case("info_nce", "info_nce", f"({batch}, 128) x2", (ea, ep), {}, torch_info_nce, (0, 1))
    )
    return cases


def torch_inputs(case):
    """Torch tensors for the case's arguments; the differentiated ones require grad."""
    out = []
    for i, x in enumerate(case.args):
        if i in case.int_args:
            out.append(torch.from_numpy(np.asarray(x, dtype=np.int64)))
            continue
        t = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float64))
        out.append(t.requires_grad_(True) if i in case.diff else t)
    return out, [out[i] for i in case.diff]


def best_ms(fns, repeats):
    """Best wall time of each of ``fns`` over ``repeats`` rounds, in ms, timed in alternation."""
    for fn in fns:  # warm-up
        fn()
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return [b * 1e3 for b in best]


def peak_bytes(fn):
    """Peak memory allocated while ``fn()`` runs, its result included (``tracemalloc``)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] - base
        del result
    finally:
        tracemalloc.stop()
    return peak


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="best of this many runs")
    parser.add_argument("--quick", action="store_true", help="about a tenth of the size")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these losses")
    opts = parser.parse_args(argv)
    scale = 0.1 if opts.quick else 1.0

    print(f"numpy {np.__version__}", end="")
    print(f", torch {torch.__version__} (1 thread)" if torch is not None else ", torch: not found")
    print(f"float64, one thread, best of {opts.repeats} runs; times in ms (forward + gradient)")
    print(
        "memory: peak extra of fn + fn_grad as a multiple of the bytes of y_pred (mem/ŷ; metric "
        "losses: of one embedding array) and of all the inputs (mem/in)\n"
    )
    head = f"{'loss':<31}{'shape':<22}{'ours':>8}"
    if torch is not None:
        head += f"{'torch':>8}{'ratio':>8}"
    head += f"{'mem/ŷ':>8}{'mem/in':>8}"
    print(head)
    print("-" * len(head))
    ratios = {}  # case label -> (loss name, ours / torch)
    for case in make_cases(scale):
        if opts.only and case.name not in opts.only:
            continue
        fn, grad = losses.LOSSES[case.name]

        def ours(fn=fn, grad=grad, case=case):
            fn(*case.args, **case.kwargs)
            return grad(*case.args, **case.kwargs)

        timed = [ours]
        if torch is not None:
            targs, leaves = torch_inputs(case)

            def torch_fb(tf=case.torch_fn, targs=targs, leaves=leaves):
                for leaf in leaves:
                    leaf.grad = None
                tf(*targs).backward()

            timed.append(torch_fb)
        times = best_ms(timed, opts.repeats)
        peak = peak_bytes(ours)
        mem_pred = peak / np.asarray(case.args[case.diff[0]]).nbytes
        mem_in = peak / sum(np.asarray(x).nbytes for x in case.args)
        line = f"{case.label:<31}{case.shape:<22}{times[0]:>8.1f}"
        if torch is not None:
            ratios[case.label] = (case.name, times[0] / times[1])
            line += f"{times[1]:>8.1f}{times[0] / times[1]:>8.2f}"
        print(line + f"{mem_pred:>7.2f}x{mem_in:>7.2f}x", flush=True)
    if ratios:
        per_loss = {}
        for name, r in ratios.values():
            per_loss.setdefault(name, []).append(r)
        print("-" * len(head))
        all_ratios = [r for _, r in ratios.values()]
        print(f"geometric mean of the ratios over {len(ratios)} cases: {geomean(all_ratios):.2f}")
        print(
            f"geometric mean over {len(per_loss)} losses (variants averaged): "
            f"{geomean([geomean(v) for v in per_loss.values()]):.2f}"
        )


if __name__ == "__main__":
    main()
