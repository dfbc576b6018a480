"""Time every loss of ``losses`` and its gradient on about a million elements.

Run it from the repository root::

    python benchmarks/bench_losses.py [--repeats 7] [--quick]

For each loss it prints the best of several repeats of the forward pass (``fn``) and of the forward
pass plus the gradient (``fn`` then ``fn_grad``), in milliseconds. When PyTorch happens to be
importable it also times the PyTorch CPU equivalent, forward plus ``backward()``, on one thread, and
prints the ratio ours / torch (below 1: numpy is faster). PyTorch is never a requirement.

Fairness: everything runs in float64 on one thread. numpy's elementwise ufuncs are single-threaded
anyway; the BLAS and OpenMP pools are pinned to one thread below (before numpy is imported) and
PyTorch gets ``torch.set_num_threads(1)``. Inputs are made once, outside the timed region, for both.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

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


def best_ms(fn, repeats):
    """Best wall time of ``fn()`` over ``repeats`` runs, in ms (after one warm-up call)."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1e3


def make_cases(scale):
    """(label, shape text, args, kwargs, loss name, torch forward builder or None)."""
    rng = np.random.default_rng(0)
    n = int(1_000_000 * scale)
    rows = int(100_000 * scale)
    cases = []

    y = rng.normal(size=n)
    p = y + rng.normal(size=n)
    for name, tf in [
        ("mse", lambda t, q: F.mse_loss(q, t)),
        ("mae", lambda t, q: F.l1_loss(q, t)),
        ("huber", lambda t, q: F.huber_loss(q, t, delta=1.0)),
    ]:
        cases.append((name, f"({n},)", (y, p), {}, name, tf))

    labels = rng.integers(0, 10, rows)
    logits = rng.normal(size=(rows, 10)) * 2
    probs = losses.softmax(logits)
    cases.append(
        (
            "cross_entropy (logits)",
            f"({rows}, 10)",
            (labels, logits),
            {"from_logits": True},
            "cross_entropy",
            lambda t, z: F.cross_entropy(z, t),
        )
    )
    eps = np.finfo(np.float64).eps
    cases.append(
        (
            "cross_entropy (probs)",
            f"({rows}, 10)",
            (labels, probs),
            {},
            "cross_entropy",
            lambda t, q: F.nll_loss(torch.log(q.clamp(eps, 1 - eps)), t),
        )
    )

    yb = rng.integers(0, 2, n).astype(np.float64)
    zb = rng.normal(size=n) * 2
    pb = losses.sigmoid(zb)
    cases.append(
        (
            "binary_cross_entropy (logits)",
            f"({n},)",
            (yb, zb),
            {"from_logits": True},
            "binary_cross_entropy",
            lambda t, z: F.binary_cross_entropy_with_logits(z, t),
        )
    )
    cases.append(
        (
            "binary_cross_entropy (probs)",
            f"({n},)",
            (yb, pb),
            {},
            "binary_cross_entropy",
            lambda t, q: F.binary_cross_entropy(q, t),
        )
    )
    ys = 2 * yb - 1
    cases.append(
        (
            "hinge",
            f"({n},)",
            (ys, zb),
            {},
            "hinge",
            lambda t, f: torch.clamp(1 - t * f, min=0).mean(),
        )
    )

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

    cases.append(
        (
            "focal (logits)",
            f"({n},)",
            (yb, zb),
            {"from_logits": True},
            "focal",
            torch_focal,
        )
    )
    cases.append(
        (
            "focal (probs)",
            f"({n},)",
            (yb, pb),
            {},
            "focal",
            lambda t, q: torch_focal(t, q, logits=False),
        )
    )

    m = max(1, int(100 * scale))
    masks = (rng.random((m, 100, 100)) < 0.3).astype(np.float64)
    pm = rng.uniform(0, 1, (m, 100, 100))

    def torch_dice(t, q, s=1e-6):
        inter = (t * q).sum((1, 2))
        return (1 - (2 * inter + s) / (t.sum((1, 2)) + q.sum((1, 2)) + s)).mean()

    cases.append(
        (
            "dice (axis=(1, 2))",
            f"({m}, 100, 100)",
            (masks, pm),
            {"axis": (1, 2)},
            "dice",
            torch_dice,
        )
    )

    pk = losses.softmax(rng.normal(size=(rows, 10)))
    cases.append(
        (
            "kl_divergence (logits)",
            f"({rows}, 10)",
            (pk, logits),
            {"from_logits": True},
            "kl_divergence",
            lambda t, z: F.kl_div(F.log_softmax(z, dim=-1), t, reduction="batchmean"),
        )
    )
    cases.append(
        (
            "kl_divergence (probs)",
            f"({rows}, 10)",
            (pk, probs),
            {},
            "kl_divergence",
            lambda t, q: F.kl_div(torch.log(q), t, reduction="batchmean"),
        )
    )

    yc = rng.integers(0, 2, rows)
    x1 = rng.normal(size=(rows, 64))
    x2 = x1 + rng.normal(size=(rows, 64)) * 0.15  # distances around 1.2: both branches active

    def torch_contrastive(t, a, b, margin=1.0):
        d = torch.linalg.vector_norm(a - b, dim=1)
        return (t * d**2 + (1 - t) * torch.clamp(margin - d, min=0) ** 2).mean()

    cases.append(
        (
            "contrastive",
            f"({rows}, 64) x2",
            (yc, x1, x2),
            {},
            "contrastive",
            torch_contrastive,
        )
    )
    a = rng.normal(size=(rows, 64))
    pos = a + rng.normal(size=(rows, 64)) * 0.15
    neg = a + rng.normal(size=(rows, 64)) * 0.2
    cases.append(
        (
            "triplet",
            f"({rows}, 64) x3",
            (a, pos, neg),
            {},
            "triplet",
            lambda aa, pp, nn: F.triplet_margin_loss(aa, pp, nn, margin=1.0),
        )
    )
    return cases


def torch_inputs(name, args):
    """Torch tensors for ``args``; the differentiated ones require grad (as in our *_grad)."""
    diff = {"contrastive": (1, 2), "triplet": (0, 1, 2)}.get(name, (1,))
    out = []
    for i, x in enumerate(args):
        x = np.asarray(x)
        if name == "cross_entropy" and i == 0:
            out.append(torch.from_numpy(x.astype(np.int64)))
            continue
        t = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float64))
        if i in diff:
            t.requires_grad_(True)
        out.append(t)
    return out, [out[i] for i in diff]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="best of this many runs")
    parser.add_argument("--quick", action="store_true", help="a tenth of the size (smoke test)")
    opts = parser.parse_args(argv)
    scale = 0.1 if opts.quick else 1.0

    print(f"numpy {np.__version__}", end="")
    print(f", torch {torch.__version__} (1 thread)" if torch is not None else ", torch: not found")
    print("float64, one thread, best of", opts.repeats, "runs; times in ms\n")
    head = f"{'loss':<32}{'shape':<22}{'forward':>9}{'fwd+grad':>10}"
    if torch is not None:
        head += f"{'torch f+b':>11}{'ours/torch':>12}"
    print(head)
    print("-" * len(head))
    for label, shape, args, kwargs, name, tf in make_cases(scale):
        fn, grad = losses.LOSSES[name]

        def forward(fn=fn, args=args, kwargs=kwargs):
            return fn(*args, **kwargs)

        def both(fn=fn, grad=grad, args=args, kwargs=kwargs):
            fn(*args, **kwargs)
            return grad(*args, **kwargs)

        t_f = best_ms(forward, opts.repeats)
        t_fg = best_ms(both, opts.repeats)
        line = f"{label:<32}{shape:<22}{t_f:>9.1f}{t_fg:>10.1f}"
        if torch is not None:
            targs, leaves = torch_inputs(name, args)

            def torch_fb(tf=tf, targs=targs, leaves=leaves):
                for leaf in leaves:
                    leaf.grad = None
                tf(*targs).backward()

            t_t = best_ms(torch_fb, opts.repeats)
            line += f"{t_t:>11.1f}{t_fg / t_t:>12.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
