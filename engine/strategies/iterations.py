"""The tutorial's "batch size" cell, reproduced exactly: it varies SGDClassifier's max_iter.

:func:`sgd_iterations` fits ``SGDClassifier(max_iter=n, tol=None, random_state=42)`` for the
tutorial's n = 10, 50, 100, 200: the number of passes over the data, not the batch size
(SGDClassifier always updates after every single sample). :func:`iteration_table` compares
every fit with the tutorial's printed table, :func:`iteration_summary` says what they show.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Generator

from engine.params import Param
from engine.quiet import SGD_NOT_CONVERGED, convergence_ignored
from engine.strategies.runs import SECTION4_TRAIN_SIZE, section4_data

MAX_ITERS = (10, 50, 100, 200)                   # the tutorial's
MAX_ITER = Param("max_iter", "max_iter", 10, kind="int", minimum=1, maximum=100_000,
                 help="SGDClassifier's number of passes (epochs) over the training data.")
SGD_TOL = Param("tol", "tolerance", 1e-3, minimum=0.0, maximum=1e6,
                help="SGDClassifier's stopping tolerance (None: no stopping rule).")
SGD_SEED = Param("random_state", "seed", 42, kind="int", minimum=0, maximum=2**32 - 1,
                 help="SGDClassifier's random_state (the tutorial's 42).")

# the lab's choices
ITER_CHOICES = ("10, 50, 100, 200", "1 … 1000")
ITER_VALUES = {ITER_CHOICES[0]: MAX_ITERS, ITER_CHOICES[1]: (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)}
ITER_SET = Param("values", "max_iter", ITER_CHOICES[0], kind="choice", choices=ITER_CHOICES,
                 help="The tutorial's four values (10, 50, 100, 200), or ten from 1 to 1000 to see the trend.")
TOL_CHOICES = ("None", "1e-3")
TOL = Param("tol", "tol", TOL_CHOICES[0], kind="choice", choices=TOL_CHOICES,
            help="SGDClassifier's stopping tolerance. None (the tutorial's): it runs every epoch and never warns. "
                 "1e-3 (scikit-learn's default): it may stop early, and warns (ConvergenceWarning) when it "
                 "stops at max_iter instead.")
# The tutorial's printed table (section 4.2): max_iter -> (train, test)
TUTORIAL_ITER_TABLE = {10: ("0.83300", "0.828"), 50: ("0.84175", "0.839"), 100: ("0.84050", "0.833"),
                       200: ("0.86650", "0.858")}


def iteration_choices(values=ITER_CHOICES[0], tol=TOL_CHOICES[0]) -> tuple[tuple[int, ...], float | None]:
    """The lab's choices -> (max_iters, tol) for :func:`sgd_iterations`."""
    values, tol = ITER_SET.validate(values), TOL.validate(tol)
    return tuple(ITER_VALUES[values]), (None if tol == TOL_CHOICES[0] else float(tol))


@dataclass(frozen=True)
class IterationRow:
    """One fit of the tutorial's SGDClassifier cell."""
    max_iter: int
    n_iter: int                  # epochs scikit-learn actually ran
    updates: int                 # weight updates: one per sample per epoch (batch size 1)
    train_acc: float
    test_acc: float
    seconds: float
    warning: str | None          # the ConvergenceWarning scikit-learn gives such a fit (reported here)


def sgd_iterations(max_iters=MAX_ITERS, tol=None, random_state=42) -> Generator:
    """The tutorial's cell: ``SGDClassifier(max_iter=n, tol=tol, random_state=42)`` on the
    section-4 data, one fit per ``max_iter``; yields an :class:`IterationRow` per fit and
    returns them all.

    What it varies is the number of passes over the data; every pass updates the weights
    after each single sample (batch size 1) whatever ``max_iter`` is.

    scikit-learn warns (``ConvergenceWarning``) when a fit stops at ``max_iter`` *and* a
    stopping tolerance ``tol`` is set. With the tutorial's ``tol=None`` there is no stopping
    rule, so no warning; with a ``tol`` small ``max_iter`` values warn. The warning is silenced
    here on purpose (it is expected for an experiment about too few iterations) and reported in
    the row instead, read from the fit with scikit-learn's own condition.
    """
    try:
        iters = [MAX_ITER.validate(m) for m in max_iters]
    except TypeError:
        raise ValueError(f"max_iters must be a list of whole numbers such as [10, 50, 100, 200], "
                         f"got {max_iters!r}") from None
    if not iters:
        raise ValueError("max_iters must list at least one value")
    if tol is not None:
        tol = SGD_TOL.validate(tol)
    random_state = SGD_SEED.validate(random_state)
    return _sgd_iterations(iters, tol, random_state)


def _sgd_iterations(iters, tol, random_state):
    from sklearn.linear_model import SGDClassifier
    data = section4_data()
    rows = []
    for m in iters:
        clf = SGDClassifier(max_iter=m, tol=tol, random_state=random_state)
        t0 = time.perf_counter()
        with convergence_ignored():
            clf.fit(data.X_train, data.y_train)
        seconds = time.perf_counter() - t0
        # scikit-learn's own condition for its ConvergenceWarning, read from the fit, not recorded
        # from the warnings module (whose filters another thread can swap mid-fit: engine.quiet)
        message = SGD_NOT_CONVERGED if tol is not None and clf.n_iter_ == m else None
        n_iter = int(clf.n_iter_)
        row = IterationRow(max_iter=m, n_iter=n_iter, updates=n_iter * data.X_train.shape[0],
                           train_acc=float(clf.score(data.X_train, data.y_train)),
                           test_acc=float(clf.score(data.X_test, data.y_test)), seconds=seconds, warning=message)
        rows.append(row)
        yield row
    return tuple(rows)


# ------------------------------------------------------------------ against the tutorial
def reproduces_tutorial(row: IterationRow) -> bool:
    """Whether a fit prints exactly the tutorial's numbers for its max_iter."""
    return TUTORIAL_ITER_TABLE.get(row.max_iter) == (f"{row.train_acc:.5f}", f"{row.test_acc:.3f}")


def iteration_table(max_iters, rows=(), tol=None):
    """One row per ``max_iter`` (a DataFrame): the fits so far (NaN: not fitted yet) and, with the
    tutorial's tol=None, its printed numbers with ✓ (reproduced to the digit) or ✗ once fitted
    (None: nothing to compare with)."""
    import pandas as pd
    out = []
    for r, m in enumerate(max_iters):
        tut = TUTORIAL_ITER_TABLE.get(m) if tol is None else None
        row = rows[r] if r < len(rows) else None
        tutorial = None if tut is None else f"{tut[0]}/{tut[1]}"
        if tutorial is not None and row is not None:
            tutorial += " ✓" if reproduces_tutorial(row) else " ✗"
        nan = float("nan")
        out.append({"max_iter": m, "epochs_run": row.n_iter if row else nan, "updates": row.updates if row else nan,
                    "batch_size": 1 if row else nan, "train_acc": row.train_acc if row else nan,
                    "test_acc": row.test_acc if row else nan, "tutorial": tutorial,
                    "seconds": row.seconds if row else nan,
                    "warning": ("ConvergenceWarning" if row.warning else None) if row else nan})
    frame = pd.DataFrame(out, columns=ITERATION_COLUMNS)
    for text in ("tutorial", "warning"):      # None stays None (nothing to show), NaN: not fitted yet
        frame[text] = pd.Series([row[text] for row in out], dtype=object)
    return frame


ITERATION_COLUMNS = ["max_iter", "epochs_run", "updates", "batch_size", "train_acc", "test_acc", "tutorial", "seconds",
                     "warning"]


@dataclass(frozen=True)
class IterationSummary:
    comparable: int              # rows the tutorial printed (tol=None only)
    reproduced: int              # ... of which this run prints the same numbers to the digit
    warned: int                  # fits that stopped at max_iter with a tolerance and warned
    stopped_early: tuple         # fits the tolerance stopped before max_iter
    tutorial_tol: bool           # tol=None, as in the tutorial: no stopping rule, no warning
    batch_size: int = 1          # every fit updates after each sample
    n_train: int = SECTION4_TRAIN_SIZE


def iteration_summary(rows, max_iters, tol=None) -> IterationSummary:
    comparable = [m for m in max_iters if m in TUTORIAL_ITER_TABLE] if tol is None else []
    return IterationSummary(comparable=len(comparable), reproduced=sum(reproduces_tutorial(r) for r in rows),
                            warned=sum(1 for r in rows if r.warning),
                            stopped_early=tuple(r for r in rows if r.n_iter < r.max_iter), tutorial_tol=tol is None)
