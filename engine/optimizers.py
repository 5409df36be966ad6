"""Gradient-descent optimizers with the update rules of PyTorch's ``torch.optim``.

Usable from a notebook::

    opt = Adam(lr=0.2)
    for _ in range(50):
        params = opt.step(params, grad(params))

``step`` returns new parameters (any array shape) and never modifies its inputs. The
optimizer keeps its state (momentum buffer, moment estimates, step count) between calls
and reads ``opt.lr`` at every step, so a learning-rate schedule may change it between
steps. ``reset()`` forgets the state.

``step(params, grads, where=mask)`` steps only where the boolean ``mask`` is True, as
``torch.optim`` treats a frozen parameter (``requires_grad=False``, no gradient): the
elements outside the mask keep their value AND their state (momentum buffer, moment
estimates) and do not count the step, so each element has its own step count, as each
torch parameter has its own ``state["step"]``. Adam's bias correction reads that count.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.arrays import readonly
from engine.params import Param, ParamSet

LR = Param("lr", "learning rate", 0.01, minimum=1e-8, maximum=100.0, log=True, decimals=5,
           help="Step size: how far each update moves along the (preconditioned) negative gradient.")
MOMENTUM = Param("momentum", "momentum", 0.9, minimum=0.0, maximum=1.0, max_inclusive=False,
                 help="Fraction of the previous velocity kept at each step (0 = plain SGD).")
BETA1 = Param("beta1", "beta1", 0.9, minimum=0.0, maximum=1.0, max_inclusive=False,
              help="Decay of the running mean of gradients (first moment).")
BETA2 = Param("beta2", "beta2", 0.999, minimum=0.0, maximum=1.0, max_inclusive=False,
              help="Decay of the running mean of squared gradients (second moment).")
RHO = Param("rho", "rho", 0.99, minimum=0.0, maximum=1.0, max_inclusive=False,
            help="Decay of the running mean of squared gradients (PyTorch calls it alpha).")
EPS = Param("eps", "epsilon", 1e-8, minimum=1e-12, maximum=1.0, log=True, decimals=12,
            help="Added to the denominator so the step never divides by zero.")
WEIGHT_DECAY = Param("weight_decay", "weight decay", 0.01, minimum=0.0, maximum=1.0,
                     help="Decoupled weight decay: parameters shrink by lr * weight_decay each step.")


@dataclass(frozen=True)
class OptimizerState:
    """A read-only snapshot of an optimizer (:meth:`Optimizer.state`): its hyper-parameters, the
    number of steps taken and a frozen copy of each state array (``None``: not created yet, as
    torch creates a momentum buffer at the first step)."""
    optimizer: str                  # the optimizer's name ("Adam")
    t: int                          # steps taken
    hyperparameters: dict
    arrays: dict = field(default_factory=dict)   # state name ("buffer", "m", "v", ...) -> read-only array

    def __getitem__(self, name: str):
        return self.arrays[name]


class Optimizer:
    """Base class: validated hyper-parameters plus explicit state."""

    PARAMS = ParamSet((LR,))
    name = "Optimizer"
    STATE: tuple[str, ...] = ()   # names of the per-element state arrays (kept where not stepped)

    def __init__(self, **hyper):
        values = self.PARAMS.validate(hyper)
        for key, value in values.items():
            setattr(self, key, value)
        self.reset()

    def hyperparameters(self) -> dict:
        return {name: getattr(self, name) for name in self.PARAMS.names()}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def reset(self) -> None:
        self.t = 0              # calls of step()
        self.counts = None      # per-element step counts, once a step skipped some elements

    def state(self) -> OptimizerState:
        """A read-only view of the state now (copies: later steps do not change it)."""
        return OptimizerState(self.name, self.t, self.hyperparameters(),
                              {name: None if getattr(self, name) is None else readonly(getattr(self, name))
                               for name in self.STATE})

    def step_count(self):
        """Steps taken by each element: ``t`` while all were always stepped, else an int array."""
        return self.t if self.counts is None else self.counts

    def step(self, params, grads, where=None):
        params = np.asarray(params, dtype=float)
        grads = np.asarray(grads, dtype=float)
        if params.shape != grads.shape:
            raise ValueError(f"grads shape {grads.shape} differs from params shape {params.shape}")
        if self.t and params.shape != self._shape:
            raise ValueError(f"params shape changed from {self._shape} to {params.shape}: "
                             "call reset() before optimizing different parameters")
        if where is not None:
            where = np.asarray(where, dtype=bool)
            if where.shape != params.shape:
                raise ValueError(f"where shape {where.shape} differs from params shape {params.shape}")
            if where.all():
                where = None
        self._shape = params.shape
        self.t += 1
        if where is None:
            if self.counts is not None:
                self.counts += 1
            return self._update(params, grads)
        if self.counts is None:
            self.counts = np.full(params.shape, self.t - 1, dtype=np.int64)
        self.counts[where] += 1
        keep = ~where
        kept = {}
        for name in self.STATE:
            arr = getattr(self, name)
            kept[name] = None if arr is None else arr[keep]
        new = self._update(params, grads)
        for name, old in kept.items():   # untouched state: as it was, or "not created yet" (0)
            getattr(self, name)[keep] = 0.0 if old is None else old
        return np.where(where, new, params)

    def _bias(self, beta):
        """``1 - beta ** t`` with each element's own step count t (at least 1)."""
        if self.counts is None:
            return 1.0 - beta ** self.t
        return 1.0 - np.power(beta, np.maximum(self.counts, 1).astype(float))

    def _update(self, params: np.ndarray, grads: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class SGD(Optimizer):
    name = "SGD"

    def __init__(self, lr=0.01):
        super().__init__(lr=lr)

    def _update(self, params, grads):
        return params - self.lr * grads


class Momentum(Optimizer):
    """Heavy-ball momentum as in torch.optim.SGD: ``b = m*b + g``, ``p -= lr*b``."""
    PARAMS = ParamSet((LR, MOMENTUM))
    name = "Momentum"

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr=lr, momentum=momentum)

    STATE = ("buffer",)

    def reset(self):
        super().reset()
        self.buffer = None

    def _update(self, params, grads):
        self.buffer = grads.copy() if self.buffer is None else self.momentum * self.buffer + grads
        return params - self.lr * self._direction(grads)

    def _direction(self, grads):
        return self.buffer


class Nesterov(Momentum):
    """Nesterov momentum as in torch.optim.SGD(nesterov=True): step along ``g + m*b``."""
    name = "Nesterov"

    def _direction(self, grads):
        return grads + self.momentum * self.buffer


class AdaGrad(Optimizer):
    PARAMS = ParamSet((LR, EPS))
    name = "AdaGrad"

    def __init__(self, lr=0.01, eps=1e-10):
        super().__init__(lr=lr, eps=eps)

    STATE = ("sum_sq",)

    def reset(self):
        super().reset()
        self.sum_sq = None

    def _update(self, params, grads):
        sq = grads * grads
        self.sum_sq = sq if self.sum_sq is None else self.sum_sq + sq
        return params - self.lr * grads / (np.sqrt(self.sum_sq) + self.eps)


class RMSprop(Optimizer):
    PARAMS = ParamSet((LR, RHO, EPS))
    name = "RMSprop"

    def __init__(self, lr=0.01, rho=0.99, eps=1e-8):
        super().__init__(lr=lr, rho=rho, eps=eps)

    STATE = ("mean_sq",)

    def reset(self):
        super().reset()
        self.mean_sq = None

    def _update(self, params, grads):
        sq = grads * grads
        prev = np.zeros_like(sq) if self.mean_sq is None else self.mean_sq
        self.mean_sq = self.rho * prev + (1.0 - self.rho) * sq
        return params - self.lr * grads / (np.sqrt(self.mean_sq) + self.eps)


class Adam(Optimizer):
    PARAMS = ParamSet((LR, BETA1, BETA2, EPS))
    name = "Adam"

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr=lr, beta1=beta1, beta2=beta2, eps=eps)

    STATE = ("m", "v")

    def reset(self):
        super().reset()
        self.m = None
        self.v = None

    def _update(self, params, grads):
        if self.m is None:
            self.m = np.zeros_like(grads)
            self.v = np.zeros_like(grads)
            self._work = np.empty_like(grads)
        # in place: this step runs once per mini-batch on networks with ~10^4-10^5 parameters
        m, v, work = self.m, self.v, self._work
        m *= self.beta1
        m += (1.0 - self.beta1) * grads
        v *= self.beta2
        np.multiply(grads, grads, out=work)
        work *= 1.0 - self.beta2
        v += work
        # denom = sqrt(v) / sqrt(1 - beta2^t) + eps ; step = lr / (1 - beta1^t) * m / denom
        np.sqrt(v, out=work)
        work *= 1.0 / np.sqrt(self._bias(self.beta2))
        work += self.eps
        np.divide(m, work, out=work)
        work *= self.lr / self._bias(self.beta1)
        return params - work


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW."""
    PARAMS = ParamSet((LR, BETA1, BETA2, EPS, WEIGHT_DECAY))
    name = "AdamW"

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
        Optimizer.__init__(self, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)

    def _update(self, params, grads):
        return super()._update(params * (1.0 - self.lr * self.weight_decay), grads)


ALL = {cls.name: cls for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam, AdamW)}


def make(name: str, **hyper) -> Optimizer:
    """Build an optimizer by its display name, e.g. ``make("Adam", lr=0.2)``."""
    try:
        cls = ALL[name]
    except KeyError:
        raise ValueError(f"optimizer must be one of {', '.join(ALL)}, got {name!r}") from None
    return cls(**hyper)
