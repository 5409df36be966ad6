"""Epochs per second of engine.nn against scikit-learn's MLPClassifier, in the same run.

Both train the same network on digits (load_digits, StandardScaler): 64 inputs, hidden
layers (100, 50) with ReLU, 10 softmax outputs, mini-batches of 32, Adam (lr 0.001,
betas 0.9/0.999, eps 1e-8), L2 alpha 0.0001, shuffled every epoch. scikit-learn runs one
``partial_fit`` per epoch. The engine runs twice:

* "engine, same work": ``score_train=False``, i.e. exactly what ``partial_fit`` does
  (train, report the epoch's training loss), and ``init="glorot"``, scikit-learn's
  initialisation rule, so the accuracies compare like with like;
* "engine, as the labs run it": the defaults: He initialisation for ReLU, and the whole
  training set scored after every epoch (``train_acc``).

A scikit-learn ``fit(max_iter=epochs)`` row shows that ``partial_fit``'s per-call overhead
is not what makes the difference.

The runs are interleaved (sklearn, engine, engine, sklearn, ...) so that load from other
processes on this shared 2-core machine hits all of them alike; the table gives medians
over the repetitions and the ratio of the medians. Test accuracy after the last epoch
shows that both learn equally well.

    python benchmarks/bench_nn.py [--epochs 30] [--reps 7] [--full]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from engine.nn import MLP, fit  # noqa: E402
from engine.optimizers import Adam  # noqa: E402

HIDDEN = (100, 50)
BATCH = 32
LR, BETA1, BETA2, EPS = 0.001, 0.9, 0.999, 1e-8
ALPHA = 1e-4


def load(full: bool):
    """Digits, scaled: the tutorial's 1149-sample training split, or all 1797 samples."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
    if not full:  # the tutorial's section 6: 80/20 of the training part for validation
        X_tr, _, y_tr, _ = train_test_split(X_tr, y_tr, test_size=0.2, random_state=42,
                                            stratify=y_tr)
    else:
        X_tr, y_tr = X, y  # all 1797 (test accuracy is then on seen data: timing only)
    scaler = StandardScaler().fit(X_tr)
    return scaler.transform(X_tr), y_tr, scaler.transform(X_te), y_te


def run_sklearn(X, y, X_te, y_te, epochs, seed):
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam",
                        alpha=ALPHA, batch_size=BATCH, learning_rate_init=LR, beta_1=BETA1,
                        beta_2=BETA2, epsilon=EPS, shuffle=True, random_state=seed)
    classes = np.arange(10)
    t0 = time.perf_counter()
    for _ in range(epochs):
        clf.partial_fit(X, y, classes=classes)
    seconds = time.perf_counter() - t0
    return epochs / seconds, clf.score(X_te, y_te), clf.loss_curve_[-1]


def run_sklearn_fit(X, y, X_te, y_te, epochs, seed):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam",
                        alpha=ALPHA, batch_size=BATCH, learning_rate_init=LR, beta_1=BETA1,
                        beta_2=BETA2, epsilon=EPS, shuffle=True, random_state=seed,
                        max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1)
    t0 = time.perf_counter()
    with warnings.catch_warnings():  # it "did not converge" in `epochs` iterations: intended
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    seconds = time.perf_counter() - t0
    return epochs / seconds, clf.score(X_te, y_te), clf.loss_curve_[-1]


def run_engine(X, y, X_te, y_te, epochs, seed, score_train, init):
    net = MLP([X.shape[1], *HIDDEN, 10], activation="relu", output="softmax", l2=ALPHA,
              seed=seed, init=init)
    opt = Adam(lr=LR, beta1=BETA1, beta2=BETA2, eps=EPS)
    t0 = time.perf_counter()
    result = fit(net, X, y, opt, epochs=epochs, batch_size=BATCH, score_train=score_train)
    seconds = time.perf_counter() - t0
    return epochs / seconds, net.score(X_te, y_te), result.history[-1].train_loss


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--full", action="store_true", help="train on all 1797 samples")
    args = parser.parse_args(argv)

    import sklearn

    X, y, X_te, y_te = load(args.full)
    runs = {
        "sklearn MLPClassifier.partial_fit": lambda s: run_sklearn(X, y, X_te, y_te, args.epochs, s),
        "sklearn MLPClassifier.fit(max_iter)": lambda s: run_sklearn_fit(X, y, X_te, y_te, args.epochs, s),
        "engine.nn, same work": lambda s: run_engine(X, y, X_te, y_te, args.epochs, s, False, "glorot"),
        "engine.nn, as the labs run it": lambda s: run_engine(X, y, X_te, y_te, args.epochs, s, True, "auto"),
    }
    for run in runs.values():  # warm-up: imports, first-call costs
        run(0)
    results = {name: [] for name in runs}
    for rep in range(args.reps):
        order = list(runs) if rep % 2 == 0 else list(runs)[::-1]
        for name in order:
            results[name].append(runs[name](rep))

    print(f"digits, {len(X)} training samples, {len(X_te)} test samples; layers {HIDDEN}, "
          f"batch {BATCH}, Adam lr {LR}, alpha {ALPHA}; {args.epochs} epochs x {args.reps} "
          f"repetitions (seeds 0..{args.reps - 1}), interleaved")
    print(f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print()
    base = statistics.median(r[0] for r in results["sklearn MLPClassifier.partial_fit"])
    header = (f"{'run':36s} {'epochs/s':>9s} {'(min-max)':>15s} {'ratio':>6s} "
              f"{'test acc (median, min)':>23s} {'final train loss':>17s}")
    print(header)
    print("-" * len(header))
    for name, rows in results.items():
        speeds = [r[0] for r in rows]
        accs = [r[1] for r in rows]
        med = statistics.median(speeds)
        print(f"{name:36s} {med:9.1f} {f'({min(speeds):.0f}-{max(speeds):.0f})':>15s} "
              f"{med / base:5.2f}x {statistics.median(accs):15.4f}, {min(accs):.4f} "
              f"{statistics.median(r[2] for r in rows):17.4f}")
    print()
    print("ratio = median epochs/s divided by scikit-learn's median epochs/s (goal: >= 1.8x)")
    if args.full:
        print("--full trains on all 1797 samples, so the test accuracy is on seen data (timing only)")


if __name__ == "__main__":
    main()
