"""Loss functions of section 1 of the tutorial, their gradients and the curves the GUI plots.

Values
    Every loss takes ``(y_true, y_pred_or_score, ...)`` and returns a Python ``float``: the
    mean over all entries (for categorical cross-entropy: the mean over rows of the per-row
    sum). They agree with scikit-learn's ``log_loss``, ``mean_squared_error``,
    ``mean_absolute_error`` and ``hinge_loss`` where those exist.

Gradients: one companion per loss, named ``<loss>_grad``
    ``bce_grad``, ``cce_grad``, ``cce_logits_grad``, ``mse_grad``, ``mae_grad``, ``huber_grad``,
    ``hinge_grad``, ``logistic_grad``, ``zero_one_grad``, ``pairwise_ranking_grad``. Each takes
    the same arguments as its loss and returns an ``ndarray`` shaped like the predictions:
    the gradient of the *returned mean loss* with respect to the predictions (so it already
    contains the ``1/n``). That is what an optimizer updating the predictions would feel.
    Where a loss has a kink (MAE at error 0, hinge at margin 1, the ranking hinge at 0) the
    gradient takes the subgradient 0 from the flat side; zero-one loss has gradient 0
    everywhere it is defined, which is exactly why nobody trains with it.
    For cross-entropy the prediction is clipped to ``[eps, 1 - eps]`` as in the value and the
    gradient of the unclipped formula is evaluated at the clipped prediction: large but
    finite near 0 and 1, and equal to the true derivative everywhere inside the clip range.

Curves (per point, vectorised, for plots)
    ``bce_curve``/``bce_curve_slope`` (loss of one example against its predicted probability),
    ``regression_loss_curves``/``regression_loss_curve_slopes`` (MSE, MAE, Huber against the
    error ``y_true - y_pred``), ``margin_curves``/``margin_curve_slopes`` and the single
    ``hinge_margin``, ``logistic_margin``, ``zero_one_margin`` (against the margin
    ``m = y * f(x)``). A "slope" is the derivative with respect to the plotted x-axis.

Bad input (shapes that differ, empty arrays, NaN or infinity, probabilities outside [0, 1],
labels outside a loss's domain, delta <= 0, ...) raises ``ValueError`` with a message that
names the function, the argument and what was expected.

Modules: ``classification`` (cross-entropies, softmax, sigmoid, BCE curves), ``margins`` (hinge,
logistic and zero-one loss against the margin), ``regression`` (MSE, MAE, Huber), ``ranking``
(the pairwise ranking loss), ``guide`` (the tutorial's selection guide) and ``checks`` (the input
checks they share). Every public name is available from ``engine.losses`` itself.
"""
from __future__ import annotations

from engine.losses.checks import ROW_SUM_TOLERANCE
from engine.losses.classification import (EPSILON, bce_curve, bce_curve_slope, bce_grad, binary_cross_entropy,
                                          categorical_cross_entropy, categorical_cross_entropy_from_logits,
                                          cce_grad, cce_logits_grad, sigmoid, softmax)
from engine.losses.guide import SELECTION_GUIDE, LossGuideRow
from engine.losses.margins import (hinge, hinge_grad, hinge_margin, logistic_grad, logistic_loss, logistic_margin,
                                   margin_curve_slopes, margin_curves, zero_one_grad, zero_one_loss,
                                   zero_one_margin)
from engine.losses.ranking import (PAIR_TABLE_MAX_ITEMS, RANKING_LEVEL_SWEEP_MAX, RANKING_MARGIN, RankingOrder,
                                   pairwise_ranking, pairwise_ranking_grad, ranking_order, ranking_pair_table)
from engine.losses.regression import (HUBER_DELTA, huber, huber_grad, mae, mae_grad, mse, mse_grad,
                                      regression_loss_curve_slopes, regression_loss_curves)
from engine.params import ParamSet

PARAMS = ParamSet((HUBER_DELTA, RANKING_MARGIN, EPSILON))

__all__ = [
    "EPSILON", "HUBER_DELTA", "PAIR_TABLE_MAX_ITEMS", "PARAMS", "RANKING_LEVEL_SWEEP_MAX", "RANKING_MARGIN",
    "ROW_SUM_TOLERANCE", "SELECTION_GUIDE", "LossGuideRow",
    "bce_curve", "bce_curve_slope", "bce_grad", "binary_cross_entropy", "categorical_cross_entropy",
    "categorical_cross_entropy_from_logits", "cce_grad", "cce_logits_grad", "sigmoid", "softmax",
    "hinge", "hinge_grad", "hinge_margin", "logistic_grad", "logistic_loss", "logistic_margin",
    "margin_curve_slopes", "margin_curves", "zero_one_grad", "zero_one_loss", "zero_one_margin",
    "RankingOrder", "pairwise_ranking", "pairwise_ranking_grad", "ranking_order", "ranking_pair_table",
    "huber", "huber_grad", "mae", "mae_grad", "mse", "mse_grad", "regression_loss_curve_slopes",
    "regression_loss_curves",
]
