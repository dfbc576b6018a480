r"""Loss functions of deep learning, in plain numpy, with analytic gradients.

Every loss is a function ``fn(y_true, y_pred, *, <params>, reduction="mean")`` with a twin
``fn_grad`` of the same signature returning :math:`\partial L/\partial \hat y` (the metric
losses take embeddings and return one gradient per embedding). The modules follow the chapters
of the course:

=====================  ====================================================
module                 losses
=====================  ====================================================
``regression``         :func:`mse`, :func:`mae`, :func:`huber`, :func:`quantile`
``classification``     :func:`cross_entropy`, :func:`binary_cross_entropy`, :func:`hinge`,
                       :func:`multiclass_hinge`
``imbalanced``         :func:`focal`, :func:`dice`, :func:`tversky`
``distributions``      :func:`kl_divergence`
``metric_learning``    :func:`contrastive`, :func:`triplet`, :func:`info_nce`
=====================  ====================================================

plus the stable helpers :func:`softmax`, :func:`log_softmax`, :func:`sigmoid`,
:func:`log_sigmoid`, :func:`logsumexp` and the checker :func:`numerical_grad`.
``LOSSES`` maps each loss name to its ``(fn, fn_grad)`` pair.

``losses`` is only the library: every module is a loss family or a numerical helper
(``_numerics``, ``_validation``), and it imports numpy and the standard library, nothing else,
so it can be copied into any project on its own. The book's figures and experiments live in the
package ``course``, the question bank and the grader in ``exercises``; both import ``losses``,
never the other way round (``tests/test_architecture.py`` enforces it).

Example:
    >>> import losses
    >>> losses.mse([0.0, 0.0], [1.0, 3.0])
    5.0
    >>> sorted(losses.LOSSES)[:3]
    ['binary_cross_entropy', 'contrastive', 'cross_entropy']
"""

from ._numerics import log_sigmoid, log_softmax, logsumexp, numerical_grad, sigmoid, softmax
from .classification import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    cross_entropy,
    cross_entropy_grad,
    hinge,
    hinge_grad,
    multiclass_hinge,
    multiclass_hinge_grad,
)
from .distributions import kl_divergence, kl_divergence_grad
from .imbalanced import dice, dice_grad, focal, focal_grad, tversky, tversky_grad
from .metric_learning import (
    contrastive,
    contrastive_grad,
    info_nce,
    info_nce_grad,
    triplet,
    triplet_grad,
)
from .regression import huber, huber_grad, mae, mae_grad, mse, mse_grad, quantile, quantile_grad

LOSSES = {
    "mse": (mse, mse_grad),
    "mae": (mae, mae_grad),
    "huber": (huber, huber_grad),
    "cross_entropy": (cross_entropy, cross_entropy_grad),
    "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_grad),
    "hinge": (hinge, hinge_grad),
    "focal": (focal, focal_grad),
    "dice": (dice, dice_grad),
    "kl_divergence": (kl_divergence, kl_divergence_grad),
    "contrastive": (contrastive, contrastive_grad),
    "triplet": (triplet, triplet_grad),
    "quantile": (quantile, quantile_grad),
    "tversky": (tversky, tversky_grad),
    "info_nce": (info_nce, info_nce_grad),
    "multiclass_hinge": (multiclass_hinge, multiclass_hinge_grad),
}

__all__ = [
    "LOSSES",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "contrastive",
    "contrastive_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "dice",
    "dice_grad",
    "focal",
    "focal_grad",
    "hinge",
    "hinge_grad",
    "huber",
    "huber_grad",
    "info_nce",
    "info_nce_grad",
    "kl_divergence",
    "kl_divergence_grad",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "mae",
    "mae_grad",
    "mse",
    "mse_grad",
    "multiclass_hinge",
    "multiclass_hinge_grad",
    "numerical_grad",
    "quantile",
    "quantile_grad",
    "sigmoid",
    "softmax",
    "triplet",
    "triplet_grad",
    "tversky",
    "tversky_grad",
]
