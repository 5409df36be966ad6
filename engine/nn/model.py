"""The network of :mod:`engine.nn`: :class:`MLP`, all of its weights in one flat vector with
per-layer views (the package's docstring explains the layout and the losses).

Besides the notebook API (``forward``, ``loss``, ``gradient``, ``predict``, ``score``...) a network
offers the batch API the training loop (:mod:`engine.nn.training`) and ``engine.strategies`` run on:
:meth:`MLP.inputs` / :meth:`MLP.targets` check the data once, and :meth:`MLP.forward_batch`,
:meth:`MLP.output_loss`, :meth:`MLP.loss_grad`, :meth:`MLP.score_from` compute into a
:class:`~engine.nn.arrays.Workspace` allocated once per run.
"""
from __future__ import annotations

import math

import numpy as np

from engine.nn.arrays import Workspace, check_inputs, check_layer_sizes, check_targets, r2_score, sigmoid
from engine.params import Param, ParamSet

ACTIVATIONS = ("relu", "tanh", "sigmoid")
OUTPUTS = ("softmax", "sigmoid", "linear")

ACTIVATION = Param("activation", "hidden activation", "relu", kind="choice", choices=ACTIVATIONS,
                   help="Non-linearity of the hidden layers.")
OUTPUT = Param("output", "output", "softmax", kind="choice", choices=OUTPUTS,
               help="softmax: one class out of K (cross-entropy); sigmoid: yes/no per output "
                    "(binary cross-entropy); linear: regression (squared error).")
DROPOUT = Param("dropout", "dropout rate", 0.0, minimum=0.0, maximum=1.0, max_inclusive=False,
                help="Probability that a hidden unit is switched off in a training step.")
INIT = Param("init", "initialisation", "auto", kind="choice", choices=("auto", "he", "glorot"),
             help="auto: He for ReLU hidden layers, Glorot otherwise; he / glorot: that rule for "
                  "every hidden layer (the output layer always uses Glorot).")
L2 = Param("l2", "L2 penalty (alpha)", 0.0, minimum=0.0, maximum=1e4, decimals=6,
           help="Weight of the squared-weights penalty, l2 / (2 n) * sum(W**2): "
                "scikit-learn's alpha.")


class MLP:
    """A fully connected network: ``layer_sizes = [inputs, hidden..., outputs]``."""

    PARAMS = ParamSet((ACTIVATION, OUTPUT, DROPOUT, L2, INIT))

    def __init__(self, layer_sizes, activation="relu", output="softmax", dropout=0.0, l2=0.0,
                 seed=None, init="auto"):
        values = self.PARAMS.validate({"activation": activation, "output": output,
                                       "dropout": dropout, "l2": l2, "init": init})
        self.activation: str = values["activation"]
        self.output: str = values["output"]
        self.dropout: float = values["dropout"]
        self.l2: float = values["l2"]
        self.init: str = values["init"]
        self.layer_sizes: tuple[int, ...] = check_layer_sizes(layer_sizes, self.output)
        self.rng = np.random.default_rng(seed)  # dropout masks and default shuffling
        self._frozen: set[int] = set()

        # One flat vector for everything; per-layer views into it.
        self.params = np.zeros(sum(i * o + o for i, o in self._shapes()))
        self._Wb = self.views(self.params)             # [W; b] of each layer
        self.weights = [wb[:-1] for wb in self._Wb]    # views (n_in, n_out)
        self.biases = [wb[-1] for wb in self._Wb]      # views (n_out,)
        # 1 where params holds a weight, 0 where it holds a bias (the L2 penalty uses it).
        self.weight_mask = np.zeros_like(self.params)
        for wb in self.views(self.weight_mask):
            wb[:-1] = 1.0
        self.initialize()

    # ----------------------------------------------------------------- structure
    def _shapes(self):
        return list(zip(self.layer_sizes[:-1], self.layer_sizes[1:]))

    def views(self, flat):
        """Per layer, the view of ``flat`` holding ``[W; b]``, shape (n_in + 1, n_out).

        ``params`` stores each layer's weight matrix row by row, then its bias vector:
        together they are one (n_in + 1) x n_out matrix whose last row is the bias.
        """
        views, start = [], 0
        for n_in, n_out in self._shapes():
            views.append(flat[start:start + (n_in + 1) * n_out].reshape(n_in + 1, n_out))
            start += (n_in + 1) * n_out
        return views

    def _layer_slice(self, layer):
        start = sum(i * o + o for i, o in self._shapes()[:layer])
        n_in, n_out = self._shapes()[layer]
        return slice(start, start + n_in * n_out + n_out)

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + the output layer)."""
        return len(self.layer_sizes) - 1

    @property
    def n_params(self) -> int:
        return self.params.size

    @property
    def is_classifier(self) -> bool:
        return self.output != "linear"

    def __repr__(self):
        return (f"MLP({list(self.layer_sizes)}, activation={self.activation!r}, "
                f"output={self.output!r}, dropout={self.dropout}, l2={self.l2}, init={self.init!r})")

    def initialize(self, seed=None) -> None:
        """Draw fresh weights (see ``init``); biases to 0.

        Uses the network's own random generator unless ``seed`` is given.
        """
        rng = self.rng if seed is None else np.random.default_rng(seed)
        he = self.init == "he" or (self.init == "auto" and self.activation == "relu")
        for l, (n_in, n_out) in enumerate(self._shapes()):
            hidden = l < self.n_layers - 1
            if hidden and he:
                self.weights[l][...] = rng.normal(0.0, math.sqrt(2.0 / n_in), (n_in, n_out))
            else:
                bound = math.sqrt(6.0 / (n_in + n_out))
                self.weights[l][...] = rng.uniform(-bound, bound, (n_in, n_out))
            self.biases[l][...] = 0.0

    # ----------------------------------------------------------------- weights
    def get_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of ``(W, b)`` for every layer."""
        return [(w.copy(), b.copy()) for w, b in zip(self.weights, self.biases)]

    def set_weights(self, weights) -> None:
        """Set every layer from a list of ``(W, b)`` pairs (as :meth:`get_weights` gives)."""
        weights = list(weights)
        if len(weights) != self.n_layers:
            raise ValueError(f"weights must hold {self.n_layers} (W, b) pairs, got {len(weights)}")
        checked = []
        for l, (w, b) in enumerate(weights):
            w = np.asarray(w, dtype=float)
            b = np.asarray(b, dtype=float)
            if w.shape != self.weights[l].shape or b.shape != self.biases[l].shape:
                raise ValueError(f"layer {l} needs W of shape {self.weights[l].shape} and b of shape "
                                 f"{self.biases[l].shape}, got {w.shape} and {b.shape}")
            if not (np.isfinite(w).all() and np.isfinite(b).all()):
                raise ValueError(f"layer {l}: weights must be finite numbers")
            checked.append((w, b))
        for l, (w, b) in enumerate(checked):
            self.weights[l][...] = w
            self.biases[l][...] = b

    def copy_weights_from(self, other: "MLP", layers=None) -> None:
        """Copy the weights and biases of ``layers`` (default: all) from network ``other``.

        The copied layers must have the same shapes in both networks; the typical transfer
        learning move is ``target.copy_weights_from(source, layers=range(n_layers - 1))``
        (everything but the output layer), then ``target.freeze(...)``.
        """
        if not isinstance(other, MLP):
            raise ValueError(f"other must be an MLP, got {type(other).__name__}")
        for l in self._check_layers(layers):
            if l >= other.n_layers or other.weights[l].shape != self.weights[l].shape:
                theirs = other.weights[l].shape if l < other.n_layers else "no such layer"
                raise ValueError(f"layer {l} has shape {self.weights[l].shape} here but "
                                 f"{theirs} in the other network")
        for l in self._check_layers(layers):
            self.weights[l][...] = other.weights[l]
            self.biases[l][...] = other.biases[l]

    def copy(self) -> "MLP":
        """An independent network with the same settings, weights and frozen layers."""
        twin = MLP(self.layer_sizes, self.activation, self.output, self.dropout, self.l2,
                   seed=self.rng.spawn(1)[0], init=self.init)   # (spawn: own stream, ours unchanged)
        twin.params[...] = self.params
        twin._frozen = set(self._frozen)
        return twin

    # ----------------------------------------------------------------- freezing
    def _check_layers(self, layers) -> list[int]:
        if layers is None:
            return list(range(self.n_layers))
        if isinstance(layers, (int, np.integer)):
            layers = [layers]
        out = []
        for l in layers:
            if not isinstance(l, (int, np.integer)) or isinstance(l, bool):
                raise ValueError(f"layer index must be a whole number, got {l!r}")
            l = int(l)
            if l < 0:
                l += self.n_layers
            if not 0 <= l < self.n_layers:
                raise ValueError(f"layer index must be in [0, {self.n_layers - 1}] "
                                 f"(or negative from the end), got {l}")
            out.append(l)
        return out

    def freeze(self, layers) -> None:
        """Keep the weights and biases of ``layers`` (an index or a list) fixed in training."""
        self._frozen.update(self._check_layers(layers))

    def unfreeze(self, layers=None) -> None:
        """Let ``layers`` (default: all) train again."""
        self._frozen.difference_update(self._check_layers(layers))

    @property
    def frozen(self) -> tuple[int, ...]:
        return tuple(sorted(self._frozen))

    def trainable_mask(self) -> np.ndarray:
        """Boolean vector over ``params``: True where training may change the value."""
        mask = np.ones(self.n_params, dtype=bool)
        for l in self._frozen:
            mask[self._layer_slice(l)] = False
        return mask

    # ----------------------------------------------------------------- data
    def inputs(self, X, name="X") -> np.ndarray:
        """Check ``X`` (one row per sample, one column per input) and return it with a column of
        ones appended, ready for :meth:`forward_batch`."""
        return check_inputs(X, self.layer_sizes[0], name)

    def targets(self, y, n, name="y") -> np.ndarray:
        """Check ``y`` for ``n`` samples and return the float target matrix T (n, outputs) the
        loss compares the output with (one-hot class indices for a softmax output)."""
        return check_targets(y, n, self.output, self.layer_sizes[-1], name)

    # ----------------------------------------------------------------- the computation
    def forward_batch(self, X1, ws, training, rng):
        """Run the layers on X1 (the inputs with a column of ones appended), filling the
        workspace; return the output layer's logits.

        The bias rides along as the last row of each layer's matrix ``Wb[l] = [W; b]``:
        every layer's input carries a constant 1 in its last column, so ``[A, 1] @ [W; b]``
        is ``A @ W + b`` in a single matrix product, and its gradient ``[A, 1].T @ D``
        holds the bias gradient (the column sums of D) in its last row.
        """
        A = X1
        for l in range(self.n_layers - 1):
            H, Hv = ws.H[l], ws.Hv[l]              # Hv: H without its column of ones
            np.matmul(A, self._Wb[l], out=Hv)
            if self.activation == "relu":
                np.maximum(H, 0.0, out=H)          # (the ones stay 1)
            elif self.activation == "tanh":
                np.tanh(Hv, out=Hv)
            else:
                sigmoid(Hv, out=Hv)
            if training and self.dropout > 0.0:
                # inverted dropout: keep with probability 1 - p, scale survivors by 1 / (1 - p)
                M = ws.M[l]
                rng.random(out=ws.U[l])
                np.greater_equal(ws.U[l], self.dropout, out=ws.flag[l])
                np.multiply(ws.flag[l], 1.0 / (1.0 - self.dropout), out=M)
                M[:, -1] = 1.0                     # never drop the constant 1
                np.multiply(H, M, out=ws.A[l])
                A = ws.A[l]
            else:
                A = H
        Z = ws.Z
        np.dot(A, self._Wb[-1], out=Z)
        return Z

    def output_loss(self, ws, T):
        """From the logits in the workspace: probabilities/predictions in ``ws.P``, the
        summed data loss over the batch, and dLoss_sum/dlogits in ``ws.D[-1]``."""
        Z, P, D, row = ws.Z, ws.P, ws.D[-1], ws.row
        if self.output == "softmax":
            # log-softmax: shift by the row maximum so exp never overflows
            np.maximum.reduce(Z, axis=1, out=row)
            np.subtract(Z, row[:, None], out=Z)
            np.exp(Z, out=P)
            np.add.reduce(P, axis=1, out=row)
            P /= row[:, None]
            np.log(row, out=row)
            loss = row.sum() - np.vdot(T, Z)          # sum of -log p[true class]
        elif self.output == "sigmoid":
            np.logaddexp(0.0, Z, out=P)              # log(1 + e^z), no overflow
            loss = P.sum() - np.vdot(T, Z)           # sum of binary cross-entropies
            sigmoid(Z, out=P)
        else:
            np.copyto(P, Z)
            np.subtract(Z, T, out=D)
            return 0.5 * np.vdot(D, D)
        np.subtract(P, T, out=D)
        return loss

    def _backward(self, X1, ws, gWb, lowest):
        """Back-propagate ``ws.D[-1]`` into the gradient views ``gWb`` (layers >= lowest)."""
        for l in range(self.n_layers - 1, lowest - 1, -1):
            D = ws.Dv[l]                           # dLoss/d(pre-activation) of layer l
            A_prev = X1 if l == 0 else (ws.A[l - 1] if ws.dropout else ws.H[l - 1])
            if l not in self._frozen:
                np.dot(A_prev.T, D, out=gWb[l])    # weights and (last row) bias
            if l == lowest:
                break
            # delta of the layer below: D @ [W; b].T, through dropout, times activation'.
            # (Its last column, for the constant 1, is computed along but never used.)
            Dp, H, tmp = ws.D[l - 1], ws.H[l - 1], ws.tmp[l - 1]
            np.dot(D, self._Wb[l].T, out=Dp)
            if ws.dropout:
                Dp *= ws.M[l - 1]
            if self.activation == "relu":
                np.greater(H, 0.0, out=ws.flag[l - 1])
                np.multiply(Dp, ws.flag[l - 1], out=Dp)
            elif self.activation == "tanh":       # 1 - tanh^2
                np.multiply(H, H, out=tmp)
                np.subtract(1.0, tmp, out=tmp)
                Dp *= tmp
            else:                                  # sigmoid: s (1 - s)
                np.subtract(1.0, H, out=tmp)
                tmp *= H
                Dp *= tmp

    def loss_grad(self, X1, T, ws, grad, gWb, training, rng, lowest):
        """Loss and gradient of one batch; the gradient is written into ``grad``
        (``gWb``: its per-layer views).

        Returns (data loss, L2 penalty), both averaged over the batch's n samples.
        """
        n = X1.shape[0]
        self.forward_batch(X1, ws, training, rng)
        data_loss = self.output_loss(ws, T) / n
        ws.D[-1] *= 1.0 / n                        # gradient of the *mean* loss
        self._backward(X1, ws, gWb, lowest)
        if self.l2 == 0.0:
            return data_loss, 0.0
        # L2: penalty l2/(2n) * sum(W^2), gradient l2/n * W (weights only, not biases)
        np.multiply(self.params, ws.l2_mask(self.l2), out=ws.wtmp)   # l2/n * W, 0 at biases
        penalty = 0.5 * np.dot(ws.wtmp, self.params)
        grad += ws.wtmp
        return data_loss, penalty

    # ----------------------------------------------------------------- public evaluation
    def forward(self, X, training=False, rng=None) -> np.ndarray:
        """The network's output for X: class probabilities (softmax), probabilities of 1
        (sigmoid) or predicted values (linear), shape (n, outputs).

        ``training=True`` applies dropout, with masks drawn from ``rng`` (default: the
        network's own generator).
        """
        X1 = self.inputs(X)
        ws = Workspace(self, X1.shape[0], dropout=training and self.dropout > 0.0)
        with np.errstate(all="ignore"):
            Z, P = self.forward_batch(X1, ws, training, self.rng if rng is None else rng), ws.P
            if self.output == "softmax":
                np.subtract(Z, Z.max(axis=1, keepdims=True), out=Z)
                np.exp(Z, out=P)
                P /= P.sum(axis=1, keepdims=True)
            elif self.output == "sigmoid":
                sigmoid(Z, out=P)
            else:
                np.copyto(P, Z)
        return P

    def loss_and_gradient(self, X, y, training=False, rng=None) -> tuple[float, np.ndarray]:
        """Loss (data loss + L2 penalty, mean over the n samples) and its gradient with
        respect to ``params`` (a new flat vector in the same layout).

        ``training=True`` applies dropout with masks from ``rng``: pass a generator with a
        fixed seed to get the same masks on every call (finite-difference checks do).
        Frozen layers get a zero gradient.
        """
        X1 = self.inputs(X)
        T = self.targets(y, X1.shape[0])
        ws = Workspace(self, X1.shape[0], dropout=training and self.dropout > 0.0)
        grad = np.zeros_like(self.params)
        with np.errstate(all="ignore"):
            data_loss, penalty = self.loss_grad(
                X1, T, ws, grad, self.views(grad), training, self.rng if rng is None else rng, 0)
        if self._frozen:
            grad[~self.trainable_mask()] = 0.0
        return float(data_loss + penalty), grad

    def loss(self, X, y, training=False, rng=None, penalty=True) -> float:
        """Mean loss over the samples of X; with ``penalty`` the L2 term l2/(2n)*sum(W^2)."""
        X1 = self.inputs(X)
        T = self.targets(y, X1.shape[0])
        ws = Workspace(self, X1.shape[0], dropout=training and self.dropout > 0.0)
        with np.errstate(all="ignore"):
            self.forward_batch(X1, ws, training, self.rng if rng is None else rng)
            value = self.output_loss(ws, T) / X1.shape[0]
        if penalty:
            value += self.penalty(X1.shape[0])
        return float(value)

    def penalty(self, n) -> float:
        """The L2 term a batch of ``n`` samples adds to its loss: l2 / (2 n) * sum(W^2)."""
        return 0.5 * self.l2 / n * sum(float(np.vdot(w, w)) for w in self.weights)

    def gradient(self, X, y, training=False, rng=None) -> np.ndarray:
        """The gradient of :meth:`loss` (with penalty) as a flat vector."""
        return self.loss_and_gradient(X, y, training, rng)[1]

    def predict(self, X) -> np.ndarray:
        """Class index (softmax), 0/1 per output (sigmoid) or predicted values (linear)."""
        P = self.forward(X)
        return self._predict_from(P)

    def _predict_from(self, P):
        if self.output == "softmax":
            return P.argmax(axis=1)
        if self.output == "sigmoid":
            pred = (P >= 0.5).astype(int)
        else:
            pred = P.copy()
        return pred[:, 0] if pred.shape[1] == 1 else pred

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities; a single sigmoid output gives two columns (P(0), P(1))."""
        if self.output == "linear":
            raise ValueError("predict_proba needs a softmax or sigmoid output, "
                             "this network has a linear (regression) output")
        P = self.forward(X)
        if self.output == "sigmoid" and P.shape[1] == 1:
            return np.hstack([1.0 - P, P])
        return P

    def score(self, X, y) -> float:
        """Accuracy for classification (all outputs right, for several sigmoid outputs),
        the R2 score (averaged over outputs) for a linear output, as scikit-learn's."""
        P = self.forward(X)
        return self.score_from(P, self.targets(y, P.shape[0]))

    def score_from_logits(self, Z, T) -> float:
        """The score straight from the output layer's logits (no softmax needed for argmax)."""
        if self.output == "sigmoid":
            return float(np.mean(((Z >= 0.0) == (T > 0.5)).all(axis=1)))
        return self.score_from(Z, T)

    def score_from(self, P, T) -> float:
        if self.output == "softmax":
            return float(np.mean(P.argmax(axis=1) == T.argmax(axis=1)))
        if self.output == "sigmoid":
            return float(np.mean(((P >= 0.5) == (T > 0.5)).all(axis=1)))
        return r2_score(T, P)
