"""scikit-learn's ConvergenceWarning, silenced where the engine reports non-convergence itself.

Every caller detects non-convergence on its own (iterations == max_iter) and says so in its result,
so the warning is noise on the console. It must never depend on the warning being *recorded*:
``warnings.catch_warnings`` swaps one process-wide filter list, so when the main thread enters or
leaves such a block (pandas does, pytest does) while a fit runs on the worker, the worker's filter
is undone mid-fit. The test suite therefore ignores ConvergenceWarning in its own configuration
too, instead of turning it into an error that a fit would raise half-way.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager

# scikit-learn's SGD wording, shown when a fit stops at max_iter with a stopping tolerance set
SGD_NOT_CONVERGED = ("Maximum number of iteration reached before convergence. "
                     "Consider increasing max_iter to improve the fit.")


@contextmanager
def convergence_ignored():
    """A context in which scikit-learn's ConvergenceWarning (only that class) is ignored."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield
