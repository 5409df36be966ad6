"""Freezing a layer and unfreezing it later, as torch.optim does it: a frozen parameter is not
stepped, and its state (momentum buffer, Adam's m and v, its own step count) is kept as it was.

The reference below is torch.optim's update rules written out by hand for a list of parameter
tensors, each with its own ``state`` dict, skipping a tensor whose gradient is None (frozen);
torch itself is not installed here."""
import math

import numpy as np
import pytest

from engine import optimizers as O
from engine.nn import MLP, train
from tests.engine.nn_data import make_data


class TorchLike:
    """torch.optim.{SGD(momentum, nesterov), Adagrad, RMSprop, Adam, AdamW} on a list of tensors."""

    def __init__(self, kind, **h):
        self.kind, self.h, self.state = kind, h, {}

    def step(self, tensors, grads):
        h = self.h
        for i, (p, g) in enumerate(zip(tensors, grads)):
            if g is None:                 # frozen: torch skips it entirely
                continue
            st = self.state.setdefault(i, {"step": 0})
            st["step"] += 1
            t = st["step"]
            if self.kind in ("Momentum", "Nesterov"):
                buf = st["buf"] = g.copy() if "buf" not in st else h["momentum"] * st["buf"] + g
                d = g + h["momentum"] * buf if self.kind == "Nesterov" else buf
                p -= h["lr"] * d
            elif self.kind == "AdaGrad":
                st["sum"] = st.get("sum", 0.0) + g * g
                p -= h["lr"] * g / (np.sqrt(st["sum"]) + h["eps"])
            elif self.kind == "RMSprop":
                st["sq"] = h["rho"] * st.get("sq", 0.0) + (1 - h["rho"]) * g * g
                p -= h["lr"] * g / (np.sqrt(st["sq"]) + h["eps"])
            else:                         # Adam / AdamW
                if self.kind == "AdamW":
                    p *= 1 - h["lr"] * h["weight_decay"]
                st["m"] = h["beta1"] * st.get("m", 0.0) + (1 - h["beta1"]) * g
                st["v"] = h["beta2"] * st.get("v", 0.0) + (1 - h["beta2"]) * g * g
                denom = np.sqrt(st["v"]) / math.sqrt(1 - h["beta2"] ** t) + h["eps"]
                p -= h["lr"] / (1 - h["beta1"] ** t) * st["m"] / denom


HYPER = {
    "Momentum": dict(lr=0.1, momentum=0.9), "Nesterov": dict(lr=0.1, momentum=0.8),
    "AdaGrad": dict(lr=0.3, eps=1e-10), "RMSprop": dict(lr=0.05, rho=0.9, eps=1e-8),
    "Adam": dict(lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8),
    "AdamW": dict(lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8, weight_decay=0.3),
}
SLICES = [slice(0, 3), slice(3, 5), slice(5, 9)]   # three "parameter tensors" in one flat vector


@pytest.mark.parametrize("kind", list(HYPER))
def test_masked_steps_follow_torch_per_tensor_state(kind):
    rng = np.random.default_rng(0)
    flat = rng.normal(size=9)
    tensors = [flat[s].copy() for s in SLICES]
    ours, ref = O.make(kind, **HYPER[kind]), TorchLike(kind, **HYPER[kind])
    # which tensors are frozen at each step: tensor 1 frozen from the start and later unfrozen,
    # tensor 0 frozen in the middle, tensor 2 always trained
    frozen_at = [{1}, {1}, {1}, set(), {0}, {0}, {0}, set(), set(), {0, 1}, set(), set()]
    for frozen in frozen_at:
        g = rng.normal(size=9)
        where = np.ones(9, dtype=bool)
        for i in frozen:
            where[SLICES[i]] = False
            g[SLICES[i]] = 0.0
        flat = ours.step(flat, g, where=where)
        ref.step(tensors, [None if i in frozen else g[s] for i, s in enumerate(SLICES)])
        np.testing.assert_allclose(flat, np.concatenate(tensors), rtol=1e-12, atol=1e-14)
    steps = [ref.state[i]["step"] for i in range(3)]
    assert steps == [8, 8, 12]
    np.testing.assert_array_equal(ours.step_count(), np.repeat(steps, [3, 2, 4]))


def test_a_frozen_slice_keeps_adams_moments_and_step_count():
    opt = O.Adam(lr=0.1)
    p = opt.step(np.zeros(4), np.array([1.0, 2.0, 3.0, 4.0]))
    m, v = opt.m.copy(), opt.v.copy()
    where = np.array([True, True, False, False])
    p2 = opt.step(p, np.array([1.0, 1.0, 0.0, 0.0]), where=where)
    assert np.array_equal(p2[2:], p[2:])                      # not stepped
    assert np.array_equal(opt.m[2:], m[2:]) and np.array_equal(opt.v[2:], v[2:])   # not decayed
    assert opt.step_count().tolist() == [2, 2, 1, 1]
    with pytest.raises(ValueError, match="where shape"):
        opt.step(p2, np.zeros(4), where=np.ones(3, dtype=bool))


@pytest.mark.parametrize("kind", ["Adam", "Momentum", "AdamW"])
def test_freeze_and_unfreeze_in_one_training_run_follows_torch(kind):
    """train() reads the frozen layers every epoch: freeze layer 0 after epoch 0, unfreeze it
    after epoch 2. Replaying the recorded gradients through the torch-like reference, with
    layer 0's tensors skipped while frozen, gives the same weights."""
    X, y = make_data(n=24)
    net = MLP([4, 6, 5, 3], seed=0)
    start = net.params.copy()
    opt = O.make(kind, **HYPER[kind])
    recorded = []
    real_step = opt.step

    def recording_step(params, grad, where=None):
        recorded.append((grad.copy(), None if where is None else where.copy()))
        return real_step(params, grad, where)

    opt.step = recording_step
    gen = train(net, X, y, opt, epochs=5, batch_size=8, shuffle=False)
    next(gen)
    net.freeze(0)
    next(gen)
    next(gen)
    net.unfreeze(0)
    for _ in gen:
        pass
    layer_slices = [net._layer_slice(l) for l in range(net.n_layers)]
    tensors = [start[s].copy() for s in layer_slices]
    ref = TorchLike(kind, **HYPER[kind])
    for g, where in recorded:
        grads = [None if where is not None and not where[s].any() else g[s] for s in layer_slices]
        ref.step(tensors, grads)
    assert sum(w is not None for _, w in recorded) == 6          # 2 epochs x 3 batches frozen
    np.testing.assert_allclose(net.params, np.concatenate(tensors), rtol=1e-10, atol=1e-12)
