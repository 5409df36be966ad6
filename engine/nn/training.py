"""The training loop of :mod:`engine.nn`: :func:`train` (a generator of :class:`EpochResult`
returning a :class:`TrainResult`) and :func:`fit` (the same, run to the end). The package's
docstring explains what each number of an epoch means."""
from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, fields

import numpy as np

from engine.blas import limit_blas
from engine.nn.arrays import Workspace
from engine.nn.model import MLP
from engine.params import Param

EPOCHS = Param("epochs", "epochs", 50, kind="int", minimum=1, maximum=1_000_000,
               help="How many passes over the training set.")
BATCH_SIZE = Param("batch_size", "batch size", 32, kind="int", minimum=1, maximum=10_000_000,
                   help="Samples per gradient step (larger than the data set means full batch).")
CLIP_NORM = Param("clip_norm", "max gradient norm", 1.0, minimum=0.0, maximum=1e6,
                  min_inclusive=False,
                  help="Gradients whose global norm exceeds this are scaled down to it.")
BLAS_THREADS = Param("blas_threads", "BLAS threads", 1, kind="int", minimum=1, maximum=1,
                     help="Threads numpy's matrix products use while training: one (see engine.blas).")


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
    lr_reduced: bool = False     # did a plateau schedule cut the lr after this epoch (the next is smaller)?


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
      at the start of every epoch. Or an ``engine.schedules.ReduceOnPlateau`` (it is reset
      first; needs ``X_val``/``y_val``): the first epoch uses its ``initial_lr``, and it is fed
      the validation loss after every epoch; ``EpochResult.lr_reduced`` says it cut the rate.
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
    X = model.inputs(X)                    # with a column of ones, see MLP.inputs
    T = model.targets(y, X.shape[0])
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together")
    T_val = None
    if X_val is not None:
        X_val = model.inputs(X_val, "X_val")
        T_val = model.targets(y_val, X_val.shape[0], "y_val")
    if early_stopping is not None:
        if X_val is None:
            raise ValueError("early_stopping watches the validation loss: give X_val and y_val")
        if not callable(early_stopping) or not hasattr(early_stopping, "reset"):
            raise ValueError("early_stopping must be an engine.early_stopping.EarlyStopping")
    from engine.schedules import ReduceOnPlateau, make_schedule
    plateau = None
    if isinstance(schedule, str):
        schedule = make_schedule(schedule, optimizer.lr, epochs)
    elif isinstance(schedule, ReduceOnPlateau):
        if X_val is None:
            raise ValueError("a ReduceOnPlateau schedule watches the validation loss: give X_val and y_val")
        plateau, schedule = schedule, None
    elif schedule is not None and not callable(schedule):
        raise ValueError("schedule must be None, a schedule name, a callable epoch -> lr or a ReduceOnPlateau")
    if not isinstance(seed, np.random.Generator) and seed is not None:
        seed = Param("seed", "seed", 0, kind="int", minimum=0, maximum=2**63 - 1).validate(seed)
    rng = model.rng if seed is None else np.random.default_rng(seed)
    return _train(model, X, T, optimizer, epochs, batch_size, X_val, T_val, schedule, plateau,
                  clip_norm, early_stopping, bool(shuffle), rng, bool(reset_optimizer),
                  bool(score_train), blas_threads)


def _train(model, X, T, optimizer, epochs, batch_size, X_val, T_val, schedule, plateau, clip_norm,
           early_stopping, shuffle, rng, reset_optimizer, score_train, blas_threads):
    """The training loop of :func:`train` (arguments already checked)."""
    if clip_norm is not None:
        from engine.clipping import clip_by_global_norm
    if early_stopping is not None:
        early_stopping.reset()
    if plateau is not None:
        plateau.reset()
        optimizer.lr = plateau.lr
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
        frozen_layers = model.frozen
        frozen = bool(frozen_layers)
        lowest = 0                                  # lowest layer that needs a gradient
        if frozen:
            trainable = model.trainable_mask()
            grad[~trainable] = 0.0                  # loss_grad never writes frozen layers
            lowest = min((l for l in range(model.n_layers) if l not in frozen_layers),
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
                # torch.optim skips a frozen parameter: no step, its state and step count kept
                params[...] = step(params, grad, trainable) if frozen else step(params, grad)
                loss_sum += loss * nb
                pen_sum += pen * nb
                norm_sum += norm
            if bad is None and not np.isfinite(params).all():
                bad = (n_batches - 1, "weights", math.nan)
            if bad is None and score_train:
                train_acc = model.score_from_logits(model.forward_batch(X, eval_train, False, None), T)
            if bad is None and eval_val is not None:
                model.forward_batch(X_val, eval_val, False, None)
                val_loss = float(model.output_loss(eval_val, T_val) / X_val.shape[0])
                val_acc = model.score_from(eval_val.P, T_val)
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

        reduced, lr_used = False, float(optimizer.lr)
        if plateau is not None:                     # the next epoch's rate, from this one's loss
            optimizer.lr = plateau.step(val_loss)
            reduced = plateau.reduced
        event = EpochResult(
            epoch=epoch, train_loss=loss_sum / n, val_loss=val_loss, train_acc=train_acc,
            val_acc=val_acc, lr=lr_used,
            grad_norm=norm_sum / n_batches, clipped=n_clipped > 0, seconds=time.perf_counter() - t0,
            penalty=pen_sum / n, clipped_batches=n_clipped, n_batches=n_batches, metric=metric,
            lr_reduced=reduced)
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
            model.forward_batch(X_val, eval_val, False, None)
            final_loss = float(model.output_loss(eval_val, T_val) / X_val.shape[0])
            final_acc = model.score_from(eval_val.P, T_val)
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
