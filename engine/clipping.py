"""Gradient clipping: keep one bad batch from throwing the weights far away.

* :func:`clip_by_global_norm` rescales *all* gradients together when their combined
  (global) L2 norm exceeds ``max_norm``, keeping the direction of the update. The rule is
  PyTorch's ``torch.nn.utils.clip_grad_norm_``: ``coef = max_norm / (total_norm + 1e-6)``,
  and the gradients are multiplied by ``coef`` only when ``coef < 1``.
* :func:`clip_by_value` clamps every component into ``[-clip_value, clip_value]``, which
  can change the direction.

Both accept a list (or tuple) of arrays or a single array, and return the same shape of
thing. Neither modifies its inputs (unlike PyTorch's in-place version): when nothing needs
clipping the input arrays themselves are returned, otherwise new arrays.
"""
from __future__ import annotations

import math

import numpy as np

from engine.params import Param

MAX_NORM = Param("max_norm", "max gradient norm", 1.0, minimum=0.0, maximum=1e6, min_inclusive=False,
                 log=False, help="Largest allowed L2 norm of all gradients together; larger ones are scaled down.")
CLIP_VALUE = Param("clip_value", "clip value", 1.0, minimum=0.0, maximum=1e6, min_inclusive=False,
                   help="Each gradient component is clamped into [-clip_value, clip_value].")

EPS = 1e-6  # PyTorch's clip_grad_norm_ adds this to the norm


def _as_list(grads):
    """Return (list of float arrays, whether the input was a single array)."""
    if isinstance(grads, (list, tuple)):
        return [np.asarray(g, dtype=float) for g in grads], False
    return [np.asarray(grads, dtype=float)], True


def global_norm(grads) -> float:
    """The L2 norm of all gradients taken together, as a Python float.

    Finite gradients give a finite norm even when their squares would overflow; any NaN
    gives NaN and any infinite component (without NaN) gives inf.
    """
    arrays, _ = _as_list(grads)
    total = 0.0
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is handled below
        for g in arrays:
            flat = g.ravel()
            total += float(np.dot(flat, flat))
    norm = math.sqrt(total) if total == total else math.nan
    if not math.isfinite(norm):
        # Either a component is non-finite or the squares overflowed: recompute scaled.
        finite = all(np.isfinite(g).all() for g in arrays)
        if not finite:
            return math.nan if any(np.isnan(g).any() for g in arrays) else math.inf
        scale = max(float(np.max(np.abs(g))) for g in arrays if g.size)
        total = sum(float(np.sum(np.square(g / scale))) for g in arrays)
        norm = scale * math.sqrt(total)
    return norm


def clip_by_global_norm(grads, max_norm, error_if_nonfinite=False):
    """Scale ``grads`` down so their global L2 norm is at most (about) ``max_norm``.

    Returns ``(clipped, total_norm, was_clipped)``: ``total_norm`` is the global norm
    *before* clipping (a float). If the norm is NaN or infinite the gradients cannot be
    rescaled meaningfully: they are returned unchanged with ``was_clipped=False``, or a
    ValueError is raised when ``error_if_nonfinite`` is True.
    """
    max_norm = MAX_NORM.validate(max_norm)
    arrays, single = _as_list(grads)
    total_norm = global_norm(arrays)
    if not math.isfinite(total_norm):
        if error_if_nonfinite:
            raise ValueError(f"the gradient norm is {total_norm}: training has diverged "
                             "(try a smaller learning rate)")
        return (arrays[0] if single else arrays), total_norm, False
    coef = max_norm / (total_norm + EPS)
    if coef < 1.0:
        arrays = [g * coef for g in arrays]
        clipped = True
    else:
        clipped = False
    return (arrays[0] if single else arrays), total_norm, clipped


def clip_by_value(grads, clip_value):
    """Clamp every gradient component into ``[-clip_value, clip_value]`` (NaN stays NaN)."""
    clip_value = CLIP_VALUE.validate(clip_value)
    arrays, single = _as_list(grads)
    out = [np.clip(g, -clip_value, clip_value) for g in arrays]
    return out[0] if single else out
