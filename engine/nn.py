"""A small multilayer perceptron in numpy, and the training loop the labs run on.

Usable from a notebook::

    from engine.nn import MLP, fit
    from engine.optimizers import Adam

    net = MLP([64, 100, 50, 10], activation="relu", output="softmax", l2=1e-4, seed=0)
    result = fit(net, X_train, y_train, Adam(lr=0.001), epochs=30, batch_size=32,
                 X_val=X_val, y_val=y_val)
    net.score(X_test, y_test)

or, to watch it learn epoch by epoch, iterate :func:`train` (a generator)::

    for event in train(net, X_train, y_train, Adam(lr=0.001), epochs=30):
        print(event.epoch, event.train_loss, event.val_loss)

The network
-----------
``layer_sizes`` lists the width of every layer, input first, output last:
``[64, 100, 50, 10]`` has 64 inputs, hidden layers of 100 and 50 units and 10 outputs.
Layer ``l`` (counted from 0) maps ``A @ W[l] + b[l]``; hidden layers then apply
``activation`` (ReLU, tanh or sigmoid), the last layer applies the output function:

==========  =================================  ==========================================
output      targets ``y``                      loss (per sample, averaged over the batch)
==========  =================================  ==========================================
softmax     class index 0 .. K-1, shape (n,)   cross-entropy ``-log p[y]``
sigmoid     0/1, shape (n,) or (n, K)          binary cross-entropy, summed over outputs
linear      real numbers, (n,) or (n, K)       half squared error ``0.5 * ||yhat - y||^2``
==========  =================================  ==========================================

These are scikit-learn's ``MLPClassifier`` (softmax, or sigmoid for two classes) and
``MLPRegressor`` losses, computed in a numerically stable way (log-softmax, log-sigmoid).

*L2 penalty* (``l2``, scikit-learn's ``alpha``): a batch of ``n`` samples adds
``l2 / (2 n) * sum of all squared weights`` to its loss (biases are not penalised), exactly
scikit-learn's convention, so an ``l2`` value means the same as ``MLPClassifier(alpha=...)``.

*Dropout* (``dropout`` = p): during training each hidden unit's output is zeroed with
probability p and the survivors are multiplied by ``1 / (1 - p)`` ("inverted dropout"),
so the expected activation is unchanged and evaluation needs no rescaling. Dropout is
never applied when predicting or scoring.

*Initialisation* (``init="auto"``): weights of a hidden layer followed by ReLU are drawn
with He's rule (normal, standard deviation ``sqrt(2 / fan_in)``); with tanh or sigmoid, and
for the output layer, Glorot's (uniform in ``+-sqrt(6 / (fan_in + fan_out))``, the rule
scikit-learn uses for every layer). ``init="he"`` or ``"glorot"`` forces one rule for the
hidden layers. Biases start at 0. (On digits with ReLU, Glorot's smaller start tends to
end about half a point of test accuracy higher after 30 epochs of Adam; He's rule matters
more for deeper ReLU networks, where Glorot's shrinks the signal layer after layer.)

How it is stored (and why it is fast)
-------------------------------------
All weights and biases live in ONE flat float64 vector, ``net.params``; ``net.weights[l]``
and ``net.biases[l]`` are reshaped *views* into it. Each layer stores its weight matrix
row by row and then its bias, so together they form one ``(n_in + 1, n_out)`` matrix
``[W; b]``; appending a constant 1 to every layer's input turns ``A @ W + b`` into one
matrix product ``[A, 1] @ [W; b]`` (and the gradient of both into one product too).
The gradient is one flat vector with the same layout. An optimizer step is therefore a
single vectorised update of the whole network (``opt.step(params, grad)``), and the
training loop writes every intermediate result into arrays allocated once per run: the
per-batch cost is a handful of matrix products, not Python bookkeeping. Keep
``net.params`` the same object (write into it with ``params[...] = ...``) so the views
stay valid.

Training (:func:`train`)
------------------------
One *epoch* is one pass over the (shuffled) training set in mini-batches of
``batch_size``; the last batch may be smaller. Each epoch yields an :class:`EpochResult`:

* ``train_loss``: the loss of each batch *including the L2 penalty*, computed while
  training (with dropout, before that batch's update), averaged over the epoch weighted
  by batch size. This is exactly scikit-learn's ``loss_curve_``. ``penalty`` is the L2
  part of it, so ``train_loss - penalty`` is the data loss.
* ``val_loss``: the data loss on the validation set (no penalty, no dropout) at the end
  of the epoch: the quantity we want to generalise, comparable between ``l2`` values.
  Early stopping watches it.
* ``train_acc`` / ``val_acc``: ``net.score`` of the end-of-epoch weights on the whole
  training / validation set (no dropout). For classification that is accuracy; for a
  ``linear`` output it is the R2 score (as scikit-learn's ``score``); ``metric`` says which.
* ``grad_norm``: the global L2 norm of the gradient (before clipping), averaged over the
  epoch's batches; ``clipped`` whether any batch was clipped (``clipped_batches`` how many).

A run that diverges (the loss or the gradient becomes NaN or infinite) stops cleanly:
the weights go back to the end of the last complete epoch and the returned
:class:`TrainResult` says ``diverged=True`` with a ``reason`` in words.
"""
from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, fields

import numpy as np

from engine.blas import limit_blas
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

EPOCHS = Param("epochs", "epochs", 50, kind="int", minimum=1, maximum=1_000_000,
               help="How many passes over the training set.")
BATCH_SIZE = Param("batch_size", "batch size", 32, kind="int", minimum=1, maximum=10_000_000,
                   help="Samples per gradient step (larger than the data set means full batch).")
CLIP_NORM = Param("clip_norm", "max gradient norm", 1.0, minimum=0.0, maximum=1e6,
                  min_inclusive=False,
                  help="Gradients whose global norm exceeds this are scaled down to it.")


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
        self.layer_sizes: tuple[int, ...] = _check_layer_sizes(layer_sizes, self.output)
        self.rng = np.random.default_rng(seed)  # dropout masks and default shuffling
        self._frozen: set[int] = set()

        # One flat vector for everything; per-layer views into it.
        self.params = np.zeros(sum(i * o + o for i, o in self._shapes()))
        self._Wb = self.views(self.params)             # [W; b] of each layer
        self.weights = [wb[:-1] for wb in self._Wb]    # views (n_in, n_out)
        self.biases = [wb[-1] for wb in self._Wb]      # views (n_out,)
        # 1 where params holds a weight, 0 where it holds a bias (the L2 penalty uses it).
        self._weight_mask = np.zeros_like(self.params)
        for wb in self.views(self._weight_mask):
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
    def _inputs(self, X, name="X") -> np.ndarray:
        """Check X and return it with a column of ones appended (see :meth:`_forward`)."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"{name} must be a 2-D array with {self.layer_sizes[0]} columns "
                             f"(one row per sample), got shape {X.shape}")
        if X.shape[0] == 0:
            raise ValueError(f"{name} must hold at least one sample")
        if not np.isfinite(X).all():
            raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
        X1 = np.ones((X.shape[0], X.shape[1] + 1))
        X1[:, :-1] = X
        return X1

    def _targets(self, y, n, name="y") -> np.ndarray:
        """The float target matrix T (n, K) the loss compares the output with."""
        k = self.layer_sizes[-1]
        y = np.asarray(y)
        if y.shape[0:1] != (n,):
            raise ValueError(f"{name} must have one entry per sample ({n}), got shape {y.shape}")
        if self.output == "softmax":
            if y.ndim != 1:
                raise ValueError(f"{name} must be a 1-D array of class indices, got shape {y.shape}")
            labels = y.astype(float) if y.dtype.kind in "fiub" else None
            if labels is None or not np.isfinite(labels).all() or (labels != np.round(labels)).any() \
                    or labels.min() < 0 or labels.max() > k - 1:
                raise ValueError(f"{name} must hold class indices 0 .. {k - 1} (the network has "
                                 f"{k} outputs)")
            T = np.zeros((n, k))
            T[np.arange(n), labels.astype(int)] = 1.0
            return T
        if y.dtype.kind not in "fiub":
            raise ValueError(f"{name} must be numeric, got dtype {y.dtype}")
        T = y.astype(float).reshape(n, -1)
        if T.shape[1] != k:
            raise ValueError(f"{name} must have {k} value(s) per sample, got shape {y.shape}")
        if not np.isfinite(T).all():
            raise ValueError(f"{name} must contain only finite numbers")
        if self.output == "sigmoid" and not np.isin(T, (0.0, 1.0)).all():
            raise ValueError(f"{name} must hold only 0 and 1 for a sigmoid output")
        return T

    # ----------------------------------------------------------------- the computation
    def _forward(self, X1, ws, training, rng):
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
                _sigmoid(Hv, out=Hv)
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

    def _output_loss(self, ws, T):
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
            _sigmoid(Z, out=P)
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
        self._forward(X1, ws, training, rng)
        data_loss = self._output_loss(ws, T) / n
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
        X1 = self._inputs(X)
        ws = Workspace(self, X1.shape[0], dropout=training and self.dropout > 0.0)
        with np.errstate(all="ignore"):
            Z, P = self._forward(X1, ws, training, self.rng if rng is None else rng), ws.P
            if self.output == "softmax":
                np.subtract(Z, Z.max(axis=1, keepdims=True), out=Z)
                np.exp(Z, out=P)
                P /= P.sum(axis=1, keepdims=True)
            elif self.output == "sigmoid":
                _sigmoid(Z, out=P)
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
        X1 = self._inputs(X)
        T = self._targets(y, X1.shape[0])
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
        X1 = self._inputs(X)
        T = self._targets(y, X1.shape[0])
        ws = Workspace(self, X1.shape[0], dropout=training and self.dropout > 0.0)
        with np.errstate(all="ignore"):
            self._forward(X1, ws, training, self.rng if rng is None else rng)
            value = self._output_loss(ws, T) / X1.shape[0]
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
        return self._score_from(P, self._targets(y, P.shape[0]))

    def _score_from_logits(self, Z, T) -> float:
        """The score straight from the output layer's logits (no softmax needed for argmax)."""
        if self.output == "sigmoid":
            return float(np.mean(((Z >= 0.0) == (T > 0.5)).all(axis=1)))
        return self._score_from(Z, T)

    def _score_from(self, P, T) -> float:
        if self.output == "softmax":
            return float(np.mean(P.argmax(axis=1) == T.argmax(axis=1)))
        if self.output == "sigmoid":
            return float(np.mean(((P >= 0.5) == (T > 0.5)).all(axis=1)))
        return _r2(T, P)


def _sigmoid(z, out):
    """1 / (1 + e^-z) written as (1 + tanh(z/2)) / 2: same value, never overflows."""
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def _r2(T, P) -> float:
    """Coefficient of determination averaged over outputs (scikit-learn's r2_score).

    A constant target scores 1.0 when predicted exactly and 0.0 otherwise, as in
    scikit-learn (``force_finite``).
    """
    ss_res = ((T - P) ** 2).sum(axis=0)
    ss_tot = ((T - T.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0),
                      np.where(ss_res == 0, 1.0, 0.0))
    return float(np.mean(r2))


def _check_layer_sizes(layer_sizes, output):
    try:
        sizes = tuple(layer_sizes)
    except TypeError:
        raise ValueError(f"layer_sizes must be a list of layer widths such as [64, 100, 10], "
                         f"got {layer_sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError("layer_sizes needs at least 2 entries (inputs and outputs), "
                         f"got {list(sizes)}")
    out = []
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or not 1 <= s <= 100_000:
            raise ValueError(f"every layer width must be a whole number in [1, 100000], got {s!r}")
        out.append(int(s))
    if output == "softmax" and out[-1] < 2:
        raise ValueError("a softmax output needs at least 2 units (one per class); "
                         "for two classes use 2 units, or output='sigmoid' with 1 unit")
    return tuple(out)


class Workspace:
    """Arrays for batches of ``n`` samples, allocated once and reused for every batch.

    Hidden layer l: ``H[l]`` its output with a last column of ones (``Hv[l]`` the view
    without it), ``D[l]`` the loss gradient with respect to its pre-activation (plus an
    unused last column), and with dropout ``U[l]``, ``M[l]``, ``A[l]``: the uniform draws,
    the scaled mask and the output after dropout. Output layer: logits ``Z``,
    probabilities ``P`` and gradient ``D[-1]``.
    """

    def __init__(self, net: MLP, n: int, dropout: bool):
        hidden = net.layer_sizes[1:-1]
        k = net.layer_sizes[-1]
        self.n = n
        self.dropout = dropout
        self.H = [np.ones((n, h + 1)) for h in hidden]
        self.Hv = [H[:, :-1] for H in self.H]
        self.D = [np.zeros((n, h + 1)) for h in hidden] + [np.empty((n, k))]
        self.Dv = [D[:, :-1] for D in self.D[:-1]] + [self.D[-1]]
        self.tmp = [np.empty((n, h + 1)) for h in hidden]
        self.flag = [np.empty((n, h + 1), dtype=bool) for h in hidden]
        self.Z = np.empty((n, k))
        self.P = np.empty((n, k))
        self.row = np.empty(n)
        if dropout:
            self.U = [np.empty((n, h + 1)) for h in hidden]
            self.M = [np.empty((n, h + 1)) for h in hidden]
            self.A = [np.empty((n, h + 1)) for h in hidden]
        self._weight_mask = net._weight_mask
        self._l2 = None
        self._l2_mask = None
        self.wtmp = np.empty(net.n_params)

    def l2_mask(self, l2):
        """``l2 / n`` where params holds a weight, 0 at biases (recomputed if l2 changes)."""
        if l2 != self._l2:
            self._l2, self._l2_mask = l2, self._weight_mask * (l2 / self.n)
        return self._l2_mask


# ===================================================================== training
@dataclass(frozen=True)
class EpochResult:
    """What one epoch of :func:`train` measured (epochs count from 0)."""
    epoch: int
    train_loss: float            # mean batch loss incl. L2 penalty (scikit-learn's loss_curve_)
    val_loss: float | None       # data loss on the validation set (no penalty, no dropout)
    train_acc: float | None      # score on the whole training set: accuracy, or R2 (linear)
    val_acc: float | None        # score on the validation set
    lr: float                    # learning rate used during this epoch
    grad_norm: float             # mean over batches of the global gradient norm (before clipping)
    clipped: bool                # was any batch's gradient clipped?
    seconds: float               # wall time of the epoch, evaluation included
    penalty: float = 0.0         # the L2 part of train_loss
    clipped_batches: int = 0
    n_batches: int = 0
    metric: str = "accuracy"     # what train_acc / val_acc measure: "accuracy" or "r2"


@dataclass(frozen=True)
class TrainResult:
    """The outcome of a :func:`train` run."""
    best_epoch: int | None       # epoch of the best validation loss (with early stopping: its
                                 # best, improvements must beat min_delta); None without validation
    stop_epoch: int | None       # last epoch that ran (None if none completed)
    restored_best: bool          # were the best epoch's weights put back at the end?
    stopped_early: bool          # did early stopping end the run?
    diverged: bool               # did the loss or gradient become NaN / inf?
    reason: str                  # why the run ended, in words
    history: tuple[EpochResult, ...]
    best_val_loss: float | None = None
    final_val_loss: float | None = None   # validation loss of the weights the network ends with
    final_val_acc: float | None = None    # ... and their validation score (restored or not)

    @property
    def epochs_run(self) -> int:
        return len(self.history)

    def curve(self, name: str) -> np.ndarray:
        """One field of every epoch as an array, e.g. ``result.curve("val_loss")`` (None -> NaN)."""
        if name not in {f.name for f in fields(EpochResult)}:
            raise ValueError(f"name must be a field of EpochResult, got {name!r}")
        return np.array([np.nan if getattr(e, name) is None else getattr(e, name)
                         for e in self.history], dtype=float)


def train(model: MLP, X, y, optimizer, epochs=50, batch_size=32, X_val=None, y_val=None,
          schedule=None, clip_norm=None, early_stopping=None, shuffle=True, seed=None,
          reset_optimizer=True, score_train=True, blas_threads=1):
    """Train ``model`` with mini-batches: returns a generator yielding one
    :class:`EpochResult` per epoch and returning a :class:`TrainResult`
    (``StopIteration.value``; :func:`fit` hands it to you directly). The arguments are
    checked at the call, before the first epoch.

    * ``optimizer``: any ``engine.optimizers`` optimizer; it is ``reset()`` first unless
      ``reset_optimizer=False`` (to continue an earlier run with its state).
    * ``schedule``: None (keep ``optimizer.lr``), a callable ``epoch -> lr`` (such as
      ``engine.schedules.make_schedule(...)``) or a schedule name, which is built with
      ``optimizer.lr`` as the initial rate over ``epochs`` epochs. It sets ``optimizer.lr``
      at the start of every epoch.
    * ``clip_norm``: clip every batch's gradient to this global norm (PyTorch's rule).
    * ``early_stopping``: an ``engine.early_stopping.EarlyStopping`` (it is reset first),
      fed the validation loss after each epoch; needs ``X_val``/``y_val``. If its
      ``restore_best`` is True the network ends with the weights of the best epoch, whether
      the stopper fired or the epochs ran out.
    * ``shuffle``/``seed``: the batches are drawn from a fresh permutation every epoch, from
      ``seed`` (an int or Generator; default: the network's own generator, so a seeded
      network gives a reproducible run). ``shuffle=False`` keeps the data order.
    * ``score_train``: score the whole training set after every epoch (``train_acc``); it
      costs one forward pass over the training set per epoch. False gives ``None``.
    * ``blas_threads``: BLAS threads while an epoch runs (None: leave numpy's setting).
      The matrices of a small network are too small to gain from threads, and on a
      2-core machine idle-spinning BLAS threads slow the training loop down and take the
      core the user interface needs; 1 is the fastest here. Restored before each yield.

    Frozen layers keep their weights exactly: their gradient is zero, and whatever the
    optimizer proposes for them (weight decay, old momentum) is discarded.
    """
    if not isinstance(model, MLP):
        raise ValueError(f"model must be an MLP, got {type(model).__name__}")
    if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "lr"):
        raise ValueError("optimizer must be an engine.optimizers optimizer (with step() and lr)")
    epochs = EPOCHS.validate(epochs)
    batch_size = BATCH_SIZE.validate(batch_size)
    if clip_norm is not None:
        clip_norm = CLIP_NORM.validate(clip_norm)
    if blas_threads is not None:
        blas_threads = BLAS_THREADS.validate(blas_threads)
    X = model._inputs(X)                    # with a column of ones, see MLP._forward
    T = model._targets(y, X.shape[0])
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together")
    T_val = None
    if X_val is not None:
        X_val = model._inputs(X_val, "X_val")
        T_val = model._targets(y_val, X_val.shape[0], "y_val")
    if early_stopping is not None:
        if X_val is None:
            raise ValueError("early_stopping watches the validation loss: give X_val and y_val")
        if not callable(early_stopping) or not hasattr(early_stopping, "reset"):
            raise ValueError("early_stopping must be an engine.early_stopping.EarlyStopping")
    if isinstance(schedule, str):
        from engine.schedules import make_schedule
        schedule = make_schedule(schedule, optimizer.lr, epochs)
    elif schedule is not None and not callable(schedule):
        raise ValueError("schedule must be None, a schedule name or a callable epoch -> lr")
    if not isinstance(seed, np.random.Generator) and seed is not None:
        seed = Param("seed", "seed", 0, kind="int", minimum=0, maximum=2**63 - 1).validate(seed)
    rng = model.rng if seed is None else np.random.default_rng(seed)
    return _train(model, X, T, optimizer, epochs, batch_size, X_val, T_val, schedule,
                  clip_norm, early_stopping, bool(shuffle), rng, bool(reset_optimizer),
                  bool(score_train), blas_threads)


BLAS_THREADS = Param("blas_threads", "BLAS threads", 1, kind="int", minimum=1, maximum=256,
                     help="Threads numpy's matrix products may use while training.")


def _train(model, X, T, optimizer, epochs, batch_size, X_val, T_val, schedule, clip_norm,
           early_stopping, shuffle, rng, reset_optimizer, score_train, blas_threads):
    """The training loop of :func:`train` (arguments already checked)."""
    if clip_norm is not None:
        from engine.clipping import clip_by_global_norm
    if early_stopping is not None:
        early_stopping.reset()
    if reset_optimizer:
        optimizer.reset()
    threads = _blas_limiter(blas_threads)

    # Everything the batches need, allocated once for the whole run.
    n = X.shape[0]
    bs = min(batch_size, n)
    dropout = model.dropout > 0.0
    workspaces = {bs: Workspace(model, bs, dropout)}
    if n % bs:
        workspaces[n % bs] = Workspace(model, n % bs, dropout)
    eval_train = Workspace(model, n, False) if score_train else None
    eval_val = Workspace(model, X_val.shape[0], False) if X_val is not None else None
    Xs, Ts = (np.empty_like(X), np.empty_like(T)) if shuffle else (X, T)
    params = model.params
    grad = np.zeros_like(params)
    gWb = model.views(grad)
    last_good = params.copy()
    best_params = None
    restore = early_stopping is not None and early_stopping.restore_best
    metric = "accuracy" if model.is_classifier else "r2"
    n_batches = -(-n // bs)
    batches = [(b, start, min(start + bs, n)) for b, start in enumerate(range(0, n, bs))]
    loss_grad, step, dot, sqrt, isfinite = model.loss_grad, optimizer.step, np.dot, math.sqrt, math.isfinite

    history = []
    best_epoch, best_val = None, None
    stopped_early = diverged = False
    reason = f"completed {epochs} epochs"
    for epoch in range(epochs):
        t0 = time.perf_counter()
        if schedule is not None:
            lr = float(schedule(epoch))
            if not (math.isfinite(lr) and lr >= 0.0):
                raise ValueError(f"the schedule gave learning rate {lr!r} at epoch {epoch}; "
                                 "it must be a finite number >= 0")
            optimizer.lr = lr
        # Frozen layers are read every epoch, so they may change between epochs.
        frozen = bool(model._frozen)
        lowest = 0                                  # lowest layer that needs a gradient
        if frozen:
            trainable = model.trainable_mask()
            grad[~trainable] = 0.0                  # _backward never writes frozen layers
            lowest = min((l for l in range(model.n_layers) if l not in model._frozen),
                         default=model.n_layers)
        if shuffle:
            perm = rng.permutation(n)
            np.take(X, perm, axis=0, out=Xs, mode="clip")   # (a permutation is always in
            np.take(T, perm, axis=0, out=Ts, mode="clip")   # range; "clip" skips a buffer)
        last_good[...] = params

        loss_sum = pen_sum = norm_sum = 0.0
        n_clipped = 0
        bad = None
        train_acc = val_loss = val_acc = None
        # A diverging run overflows: errors are ignored here and detected below.
        with threads(), np.errstate(all="ignore"):
            for b, start, stop in (batches if lowest < model.n_layers else ()):
                nb = stop - start
                data_loss, pen = loss_grad(Xs[start:stop], Ts[start:stop], workspaces[nb],
                                           grad, gWb, True, rng, lowest)
                if frozen and pen:
                    grad *= trainable               # the L2 term touched frozen weights
                norm = sqrt(dot(grad, grad))
                loss = data_loss + pen
                if not (isfinite(loss) and isfinite(norm)):
                    bad = (b, "loss", loss) if not isfinite(loss) else (b, "gradient norm", norm)
                    break
                if clip_norm is not None:
                    clipped, norm, was_clipped = clip_by_global_norm(grad, clip_norm)
                    if was_clipped:
                        grad[...] = clipped
                        n_clipped += 1
                new = step(params, grad)
                if frozen:
                    np.copyto(params, new, where=trainable)
                else:
                    params[...] = new
                loss_sum += loss * nb
                pen_sum += pen * nb
                norm_sum += norm
            if bad is None and not np.isfinite(params).all():
                bad = (n_batches - 1, "weights", math.nan)
            if bad is None and score_train:
                train_acc = model._score_from_logits(model._forward(X, eval_train, False, None), T)
            if bad is None and eval_val is not None:
                model._forward(X_val, eval_val, False, None)
                val_loss = float(model._output_loss(eval_val, T_val) / X_val.shape[0])
                val_acc = model._score_from(eval_val.P, T_val)
                if not math.isfinite(val_loss):
                    bad = (n_batches - 1, "validation loss", val_loss)

        if bad is not None:
            params[...] = last_good
            diverged = True
            batch, what, value = bad
            reason = (f"diverged: the {what} became {'NaN' if value != value else 'infinite'} "
                      f"in epoch {epoch}, batch {batch}, with learning rate {optimizer.lr:g}. "
                      f"Try a smaller learning rate or gradient clipping. The weights were "
                      f"reset to the start of epoch {epoch}.")
            break

        event = EpochResult(
            epoch=epoch, train_loss=loss_sum / n, val_loss=val_loss, train_acc=train_acc,
            val_acc=val_acc, lr=float(optimizer.lr), grad_norm=norm_sum / n_batches,
            clipped=n_clipped > 0, seconds=time.perf_counter() - t0, penalty=pen_sum / n,
            clipped_batches=n_clipped, n_batches=n_batches, metric=metric)
        history.append(event)
        stop_now = False
        if early_stopping is not None:
            stop_now = early_stopping(val_loss)
            if early_stopping.best_epoch == epoch:
                best_epoch, best_val = epoch, early_stopping.best_loss
                if restore:
                    best_params = params.copy()
        elif val_loss is not None and (best_val is None or val_loss < best_val):
            best_val, best_epoch = val_loss, epoch
        yield event
        if stop_now:
            stopped_early = True
            reason = (f"early stopping: the validation loss did not improve by more than "
                      f"{early_stopping.min_delta:g} for {early_stopping.patience} epochs "
                      f"after epoch {early_stopping.best_epoch}")
            break

    restored = False
    if best_params is not None and history and best_epoch != history[-1].epoch:
        params[...] = best_params
        restored = True
        reason += f"; restored the weights of epoch {best_epoch}"
    final_loss = final_acc = None
    if eval_val is not None:
        with threads(), np.errstate(all="ignore"):
            model._forward(X_val, eval_val, False, None)
            final_loss = float(model._output_loss(eval_val, T_val) / X_val.shape[0])
            final_acc = model._score_from(eval_val.P, T_val)
    return TrainResult(best_epoch=best_epoch, stop_epoch=history[-1].epoch if history else None,
                       restored_best=restored, stopped_early=stopped_early, diverged=diverged,
                       reason=reason, history=tuple(history), best_val_loss=best_val,
                       final_val_loss=final_loss, final_val_acc=final_acc)


def _blas_limiter(threads):
    """A context-manager factory: :class:`engine.blas.limit_blas` or, for None, no limit."""
    if threads is None:
        return contextlib.nullcontext
    return lambda: limit_blas(threads)


def fit(model: MLP, X, y, optimizer, epochs=50, batch_size=32, **kwargs) -> TrainResult:
    """Run :func:`train` to the end and return its :class:`TrainResult`."""
    gen = train(model, X, y, optimizer, epochs, batch_size, **kwargs)
    while True:
        try:
            next(gen)
        except StopIteration as done:
            return done.value
