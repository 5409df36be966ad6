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

The package
-----------
``engine.nn.model`` holds :class:`MLP`, ``engine.nn.arrays`` the :class:`Workspace` and the
input checks, ``engine.nn.training`` :func:`train` and :func:`fit`; every public name is
importable from ``engine.nn`` itself.
"""
from engine.nn.arrays import Workspace, check_inputs, check_layer_sizes, check_targets, r2_score, sigmoid
from engine.nn.model import ACTIVATION, ACTIVATIONS, DROPOUT, INIT, L2, MLP, OUTPUT, OUTPUTS
from engine.nn.training import BATCH_SIZE, BLAS_THREADS, CLIP_NORM, EPOCHS, EpochResult, TrainResult, fit, train

__all__ = ["ACTIVATION", "ACTIVATIONS", "BATCH_SIZE", "BLAS_THREADS", "CLIP_NORM", "DROPOUT", "EPOCHS", "INIT", "L2",
           "MLP", "OUTPUT", "OUTPUTS", "EpochResult", "TrainResult", "Workspace", "check_inputs", "check_layer_sizes",
           "check_targets", "fit", "r2_score", "sigmoid", "train"]
