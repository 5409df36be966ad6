"""Training one model with one seed, streaming its iterations (see the package's docstring).

scikit-learn's MLP fits on a helper thread and reports each iteration through its per-iteration
bookkeeping method into a queue that the generator drains; engine.nn's MLP is a generator
already; logistic regression fits in one call. Every fit runs with one BLAS thread.
"""
from __future__ import annotations

import queue
import threading
import time
from functools import lru_cache

import numpy as np

from engine.arrays import readonly
from engine.blas import limit_blas
from engine.pipeline.results import Fit, Iteration
from engine.quiet import convergence_ignored
from engine.pipeline.settings import LOGISTIC, NN_BATCH, NN_LEARNING_RATE, SK_MLP, hidden_layers, holdout_size

FIT_THREAD = "pipeline-fit"   # the name of the helper thread a scikit-learn MLP fits on



class _Cancelled(Exception):
    """Raised inside a scikit-learn fit on its helper thread when the generator was closed."""


_DONE = object()


@lru_cache(maxsize=1)
def streaming_mlp_class():
    """scikit-learn's MLPClassifier, calling ``self._on_iteration(self)`` after every iteration."""
    from sklearn.neural_network import MLPClassifier

    class StreamingMLPClassifier(MLPClassifier):
        """MLPClassifier that calls ``self._on_iteration(self)`` after every iteration's bookkeeping."""

        def _update_no_improvement_count(self, *args, **kwargs):
            super()._update_no_improvement_count(*args, **kwargs)
            hook = self.__dict__.get("_on_iteration")
            if hook is not None:
                hook(self)

    return StreamingMLPClassifier


def _sklearn_mlp(X, y, s, seed, step, label, phase):
    """Fit scikit-learn's MLP on a helper thread, yielding an Iteration per pass; returns the model."""
    cls = streaming_mlp_class()
    model = cls(hidden_layer_sizes=hidden_layers(s), alpha=s["alpha"], max_iter=s["max_iter"],
                early_stopping=s["early_stopping"], validation_fraction=s["validation_fraction"],
                n_iter_no_change=s["n_iter_no_change"], random_state=seed)
    inbox: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()
    reported = [0]

    def on_iteration(m):
        if stop.is_set():
            raise _Cancelled()
        scores = getattr(m, "validation_scores_", None)
        holdout = float(scores[-1]) if s["early_stopping"] and scores else None
        inbox.put(Iteration(step, label, seed, phase, len(m.loss_curve_), s["max_iter"],
                            float(m.loss_curve_[-1]), holdout))

    model._on_iteration = on_iteration

    def run():
        try:
            with convergence_ignored(), limit_blas(1):
                model.fit(X, y)
            inbox.put(_DONE)
        except BaseException as exc:  # handed to the generator's thread, which raises it
            inbox.put(exc)

    helper = threading.Thread(target=run, name=FIT_THREAD, daemon=True)
    helper.start()
    try:
        while True:
            item = inbox.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            reported[0] = item.iteration
            yield item
    finally:
        stop.set()        # a closed generator stops the fit at its next iteration
        helper.join()
    del model._on_iteration
    # a scikit-learn that no longer calls the hook: report the iterations from the loss curve
    scores = list(getattr(model, "validation_scores_", None) or [])
    for i in range(reported[0], len(model.loss_curve_)):
        holdout = float(scores[i]) if s["early_stopping"] and i < len(scores) else None
        yield Iteration(step, label, seed, phase, i + 1, s["max_iter"], float(model.loss_curve_[i]), holdout)
    stopped_early = bool(s["early_stopping"] and model.n_iter_ < s["max_iter"])
    trained_on = len(X) - (holdout_size(len(X), s["validation_fraction"]) if s["early_stopping"] else 0)
    return model, int(model.n_iter_), model.n_iter_ < s["max_iter"], stopped_early, list(model.loss_curve_), trained_on


def _nn_mlp(X, y, s, seed, step, label, phase):
    """The same network trained by engine.nn (Adam, lr 0.001, batches of 200: scikit-learn's defaults)."""
    from engine import nn
    from engine.early_stopping import EarlyStopping
    from engine.optimizers import Adam

    X_fit, y_fit, X_hold, y_hold, stopper = X, y, None, None, None
    if s["early_stopping"]:
        from sklearn.model_selection import train_test_split
        X_fit, X_hold, y_fit, y_hold = train_test_split(X, y, test_size=s["validation_fraction"],
                                                        random_state=seed, stratify=y)
        stopper = EarlyStopping(patience=s["n_iter_no_change"], min_delta=0.0, restore_best=True)
    n_classes = int(np.max(y)) + 1
    net = nn.MLP([X.shape[1], *hidden_layers(s), n_classes], activation="relu", output="softmax",
                 l2=s["alpha"], seed=seed, init="glorot")
    gen = nn.train(net, X_fit, y_fit, Adam(lr=NN_LEARNING_RATE), epochs=s["max_iter"],
                   batch_size=min(NN_BATCH, len(X_fit)), X_val=X_hold, y_val=y_hold, early_stopping=stopper,
                   seed=seed, score_train=False)
    while True:
        try:
            with limit_blas(1):
                e = next(gen)
        except StopIteration as done:
            result = done.value
            break
        yield Iteration(step, label, seed, phase, e.epoch + 1, s["max_iter"], float(e.train_loss),
                        None if e.val_loss is None else float(e.val_loss))
    if result.diverged:
        raise ValueError(f"the engine.nn network diverged ({result.reason}): try a smaller alpha")
    n_iter = result.epochs_run
    return net, n_iter, result.stopped_early or n_iter < s["max_iter"], result.stopped_early, \
        [e.train_loss for e in result.history], len(X_fit)


def _logistic(X, y, s, seed):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=s["C"], max_iter=s["max_iter"], random_state=seed)
    with convergence_ignored(), limit_blas(1):
        model.fit(X, y)
    n_iter = int(np.max(model.n_iter_))
    return model, n_iter, n_iter < s["max_iter"], False, [], len(X)


def _train_model(X, y, s, seed, step, label, phase):
    """Generator: Iteration events of one fit; returns (model, n_iter, converged, stopped_early, losses, n_trained)."""
    if s["model"] == LOGISTIC:
        yield from ()
        return _logistic(X, y, s, seed)
    if s["model"] == SK_MLP:
        return (yield from _sklearn_mlp(X, y, s, seed, step, label, phase))
    return (yield from _nn_mlp(X, y, s, seed, step, label, phase))


def _probabilities(model, data) -> np.ndarray:
    """The model's class probabilities on the test set, one column per class 0..k-1 (k: the
    largest label in any part + 1; a class the model never saw gets probability 0)."""
    k = int(max(np.max(data.y_train), np.max(data.y_val), np.max(data.y_test))) + 1
    proba = np.asarray(model.predict_proba(data.X_test), dtype=float)
    classes = getattr(model, "classes_", None)
    if classes is None and proba.shape[1] == k:
        return proba
    classes = np.arange(proba.shape[1]) if classes is None else np.asarray(classes, dtype=int)
    out = np.zeros((len(proba), k))
    out[:, classes] = proba
    return out


def fit_one(data, s, seed, step, label):
    """One seed of a pipeline with validated settings ``s``: fit (and refit), score; yields
    Iterations, returns a :class:`Fit`."""
    start = time.perf_counter()
    model, n_iter, converged, stopped_early, losses, n_trained = yield from _train_model(
        data.X_train, data.y_train, s, seed, step, label, "fit")
    val = float(model.score(data.X_val, data.y_val))
    train = float(model.score(data.X_train, data.y_train))
    if s["refit"]:
        X_all = np.concatenate([data.X_train, data.X_val])
        y_all = np.concatenate([data.y_train, data.y_val])
        model, n_iter, converged, stopped_early, losses, n_trained = yield from _train_model(
            X_all, y_all, s, seed, step, label, "refit")
    pred = readonly(model.predict(data.X_test))
    proba = readonly(_probabilities(model, data))
    return Fit(seed=seed, train_accuracy=train, val_accuracy=val,
               test_accuracy=float(np.mean(pred == data.y_test)), n_iter=n_iter, converged=bool(converged),
               stopped_early=bool(stopped_early), seconds=time.perf_counter() - start, test_predictions=pred,
               test_probabilities=proba,
               loss_curve=tuple(float(v) for v in losses), refit=s["refit"], trained_on=int(n_trained),
               available=len(data.X_train) + (len(data.X_val) if s["refit"] else 0), n_val=len(data.X_val))
