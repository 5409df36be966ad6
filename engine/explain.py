"""An optimizer's update rule with its numbers, at any step of a recorded path.

:func:`engine.surfaces.run_path` records, for every point of a path, the gradient the optimizer
was given there and its state after that update (a :class:`StateTrace`, read-only arrays: one
row per point). :func:`explain` turns one row into what the Optimizers lab shows when a student
asks "explain": the rule line by line with the actual numbers plugged in (:class:`Term`), and
the arrows to draw at the current point. Everything comes from the recorded state; the step
shown is the one the path took (``points[k + 1] − points[k]``)::

    path = run_path(get("quadratic"), Adam(lr=0.2), (5, 2), 50)
    e = explain(path, 3)          # the update from points[3] to points[4]
    for term in e.terms:
        print(term.symbol, term.rule, term.plugged, term.value)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.arrays import readonly
from engine.optimizers import ALL as OPTIMIZERS, Optimizer
from engine.params import Param

EXPLAIN = Param("explain", "explain", "none", kind="choice", choices=("none",) + tuple(OPTIMIZERS),
                help="The optimizer whose update rule is written out with its numbers at the current step, "
                     "with arrows at its current point (the gradient, its velocity, the step it takes).")


@dataclass(frozen=True)
class StateTrace:
    """What each update of a path saw and left: row k is the update made at ``points[k]``.

    ``grads[k]``: the gradient given to the optimizer there (noise included); ``states[name][k]``:
    that state array after the update (name as in the optimizer's ``STATE``: "buffer", "m", ...);
    ``counts[k]``: the optimizer's step count after it. Rows without an update (the last point
    of a path that did not diverge) are NaN."""
    optimizer: str                 # the optimizer's class name ("Momentum"), whatever the path's name
    grads: np.ndarray
    states: dict
    counts: np.ndarray
    noise: float = 0.0


class TraceRecorder:
    """Fills a :class:`StateTrace` while :func:`~engine.surfaces.run_path` steps (cheap: a few
    row copies per step)."""

    def __init__(self, optimizer: Optimizer, steps: int, noise: float):
        self.optimizer = optimizer
        self.noise = noise
        self.grads = np.full((steps + 1, 2), np.nan)
        self.states = {name: np.full((steps + 1, 2), np.nan) for name in optimizer.STATE}
        self.counts = np.zeros(steps + 1, dtype=np.int64)

    def record(self, row: int, grad: np.ndarray) -> None:
        self.grads[row] = grad
        for name, arr in self.states.items():
            arr[row] = getattr(self.optimizer, name)
        self.counts[row] = self.optimizer.t

    def trace(self, rows: int) -> StateTrace:
        """The first ``rows`` rows (one per point of the path), frozen."""
        return StateTrace(type(self.optimizer).name, readonly(self.grads[:rows]),
                          {name: readonly(arr[:rows]) for name, arr in self.states.items()},
                          readonly(self.counts[:rows]), self.noise)


@dataclass(frozen=True)
class Term:
    """One line of an update rule: ``symbol = rule`` = ``plugged`` (the numbers) = ``value``."""
    symbol: str
    rule: str
    plugged: str
    value: np.ndarray | None      # a 2-vector (x, y), or None for a line without one number pair
    meaning: str = ""


@dataclass(frozen=True)
class Explanation:
    """The update from ``points[k]``: its rule with the numbers (``terms``) and the arrows to
    draw there, as vectors from the current point (``arrows``: "gradient" is −g, "velocity" the
    optimizer's velocity direction where it has one (−b for momentum, −m̂ for Adam), "step" the
    step it takes; absent where there is none)."""
    optimizer: str
    step: int                      # the update's number (k + 1)
    point: np.ndarray              # points[k]
    terms: tuple = ()
    arrows: dict = field(default_factory=dict)
    note: str = ""                 # a sentence about this step (the first step, divergence, the end)


def fmt(v) -> str:
    """A number or a 2-vector as the lab writes it (4 significant digits)."""
    if v is None:
        return ""
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.4g}"
    return "(" + ", ".join(f"{float(x):.4g}" for x in a) + ")"


def explain(path, k: int) -> Explanation:
    """The update made at ``path.points[k]`` (step ``k + 1``), from the path's recorded trace."""
    trace = path.trace
    if trace is None:
        raise ValueError("this path has no recorded optimizer state (run it with engine.surfaces.run_path)")
    n = len(path.points)
    if not 0 <= k < n:
        raise ValueError(f"step must be in 0..{n - 1}, got {k}")
    point = readonly(path.points[k])
    if k == n - 1 and path.diverged_at is None:
        return Explanation(trace.optimizer, k + 1, point, note=f"The race ends here after {k} steps: "
                           "no further update.")
    g = trace.grads[k]
    step = None if k == n - 1 else readonly(path.points[k + 1] - path.points[k])
    before = {name: (arr[k - 1] if k > 0 else np.zeros(2)) for name, arr in trace.states.items()}
    after = {name: arr[k] for name, arr in trace.states.items()}
    hyper = path.hyperparameters
    terms, arrows = RULES[trace.optimizer](hyper, g, before, after, int(trace.counts[k]), point)
    arrows = {"gradient": readonly(-g), **arrows}
    noise = f" + noise (σ = {trace.noise:g})" if trace.noise > 0 else ""
    terms = [Term("g", "∇f(x, y)" + noise, f"∇f{fmt(point)}", readonly(g), "the gradient here")] + terms
    if step is None:
        note = (f"This step leaves any sensible range (the path diverged at step {path.diverged_at}): "
                f"lr {hyper['lr']:g} is too large here.")
    else:
        arrows["step"] = step
        terms.append(Term("p", "p + Δ", f"{fmt(point)} + {fmt(step)}", readonly(path.points[k + 1]),
                          "the next point"))
        note = ""
    return Explanation(trace.optimizer, k + 1, point, tuple(terms), arrows, note)


# ---------------------------------------------------------------- the rules, optimizer by optimizer
# each: (hyper-parameters, g, state before, state after, step count t, point) -> (terms, arrows)
def _sgd(h, g, before, after, t, p):
    d = -h["lr"] * g
    return [Term("Δ", "−lr·g", f"−{h['lr']:g}·{fmt(g)}", readonly(d), "the step")], {}


def _momentum_buffer(h, g, before, after, t):
    if t == 1:
        return Term("b", "g  (first step: the buffer starts as the gradient)", fmt(g), readonly(after["buffer"]),
                    "the velocity (momentum buffer)")
    return Term("b", "μ·b + g", f"{h['momentum']:g}·{fmt(before['buffer'])} + {fmt(g)}", readonly(after["buffer"]),
                "the velocity (momentum buffer)")


def _momentum(h, g, before, after, t, p):
    b = after["buffer"]
    d = -h["lr"] * b
    return ([_momentum_buffer(h, g, before, after, t),
             Term("Δ", "−lr·b", f"−{h['lr']:g}·{fmt(b)}", readonly(d), "the step")], {"velocity": readonly(-b)})


def _nesterov(h, g, before, after, t, p):
    b = after["buffer"]
    look = g + h["momentum"] * b
    d = -h["lr"] * look
    return ([_momentum_buffer(h, g, before, after, t),
             Term("Δ", "−lr·(g + μ·b)", f"−{h['lr']:g}·({fmt(g)} + {h['momentum']:g}·{fmt(b)})", readonly(d),
                  "the step: along the gradient plus the look-ahead velocity")], {"velocity": readonly(-b)})


def _adagrad(h, g, before, after, t, p):
    s = after["sum_sq"]
    eta = h["lr"] / (np.sqrt(s) + h["eps"])
    return ([Term("s", "s + g²", f"{fmt(before['sum_sq'])} + {fmt(g * g)}", readonly(s),
                  "the sum of squared gradients"),
             Term("η", "lr / (√s + ε)", f"{h['lr']:g} / ({fmt(np.sqrt(s))} + {h['eps']:g})", readonly(eta),
                  "the effective step size, per coordinate"),
             Term("Δ", "−η·g", f"−{fmt(eta)}·{fmt(g)}", readonly(-eta * g), "the step")], {})


def _rmsprop(h, g, before, after, t, p):
    v = after["mean_sq"]
    eta = h["lr"] / (np.sqrt(v) + h["eps"])
    rho = h["rho"]
    return ([Term("v", "ρ·v + (1 − ρ)·g²", f"{rho:g}·{fmt(before['mean_sq'])} + {1 - rho:.4g}·{fmt(g * g)}",
                  readonly(v), "the running mean of squared gradients"),
             Term("η", "lr / (√v + ε)", f"{h['lr']:g} / ({fmt(np.sqrt(v))} + {h['eps']:g})", readonly(eta),
                  "the effective step size, per coordinate"),
             Term("Δ", "−η·g", f"−{fmt(eta)}·{fmt(g)}", readonly(-eta * g), "the step")], {})


def _adam(h, g, before, after, t, p):
    b1, b2 = h["beta1"], h["beta2"]
    m, v = after["m"], after["v"]
    c1, c2 = 1.0 - b1 ** t, 1.0 - b2 ** t
    m_hat, v_hat = m / c1, v / c2
    eta = h["lr"] / (np.sqrt(v_hat) + h["eps"])
    terms = [Term("m", "β1·m + (1 − β1)·g", f"{b1:g}·{fmt(before['m'])} + {1 - b1:.4g}·{fmt(g)}", readonly(m),
                  "the running mean of gradients (first moment)"),
             Term("v", "β2·v + (1 − β2)·g²", f"{b2:g}·{fmt(before['v'])} + {1 - b2:.4g}·{fmt(g * g)}", readonly(v),
                  "the running mean of squared gradients (second moment)"),
             Term("m̂", f"m / (1 − β1^{t})", f"{fmt(m)} / {c1:.4g}", readonly(m_hat), "m with its bias corrected"),
             Term("v̂", f"v / (1 − β2^{t})", f"{fmt(v)} / {c2:.4g}", readonly(v_hat), "v with its bias corrected"),
             Term("η", "lr / (√v̂ + ε)", f"{h['lr']:g} / ({fmt(np.sqrt(v_hat))} + {h['eps']:g})", readonly(eta),
                  "the effective step size, per coordinate")]
    if "weight_decay" in h:
        decay = -h["lr"] * h["weight_decay"] * p
        terms.append(Term("Δ", "−η·m̂ − lr·λ·p", f"−{fmt(eta)}·{fmt(m_hat)} − {h['lr'] * h['weight_decay']:.4g}"
                          f"·{fmt(p)}", readonly(-eta * m_hat + decay), "the step: Adam's, plus the decoupled weight decay"))
    else:
        terms.append(Term("Δ", "−η·m̂", f"−{fmt(eta)}·{fmt(m_hat)}", readonly(-eta * m_hat), "the step"))
    return terms, {"velocity": readonly(-m_hat)}


RULES = {"SGD": _sgd, "Momentum": _momentum, "Nesterov": _nesterov, "AdaGrad": _adagrad, "RMSprop": _rmsprop,
         "Adam": _adam, "AdamW": _adam}
assert set(RULES) == set(OPTIMIZERS)
