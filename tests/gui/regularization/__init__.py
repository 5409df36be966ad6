"""The Regularization tab driven as a student would, one module per section."""
import threading


def track_closing(section) -> threading.Event:
    """Make ``section``'s run note when its engine generator is closed (or ends): the returned
    event is set on the worker thread then. A cancel that did not close the generator would leave
    it unset until the whole run had ended."""
    closed = threading.Event()
    job = section.runner.job

    def tracked(**values):
        try:
            return (yield from job(**values))
        finally:
            closed.set()

    section.runner.job = tracked
    return closed
