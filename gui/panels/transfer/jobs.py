"""The page's three engine jobs, as its Runs call them on their workers (no widgets here).

Each runs its engine generator with BLAS limited to one thread while it computes
(engine.blas.single_threaded): idle multi-threaded BLAS spins on the cores the window needs.
"""
from engine import transfer as T
from engine.blas import single_threaded

SWEEP_SETTINGS = ("seeds", "steps", "lr", "n_source", "task_seed")   # what every job of the page shares


def sweep_job(relatedness, seeds, steps, lr, n_source, task_seed):
    """The size sweep at ``relatedness``: every method at every default target size."""
    return single_threaded(T.size_sweep(relatedness, T.DEFAULT_SIZES, seeds, T.METHODS, steps, lr, n_source,
                                        task_seed))


def curves_job(relatedness, curve_size, curve_seed, speed, steps, lr, n_source, task_seed):
    """The learning curves of one target set, at most ``speed`` epochs a second."""
    return T.paced_curves(single_threaded(T.learning_curves(relatedness, curve_size, curve_seed, T.METHODS, steps,
                                                            lr, n_source, task_seed)), speed, T.METHODS)


def big_sweep_job(seeds, steps, lr, n_source, task_seed):
    """The size sweep at every relatedness of the default grid."""
    return single_threaded(T.relatedness_sweep(T.DEFAULT_RELATEDNESS_GRID, T.DEFAULT_SIZES, seeds, T.METHODS, steps,
                                               lr, n_source, task_seed))
