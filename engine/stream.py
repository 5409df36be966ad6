"""Stream plumbing shared by every engine job: pacing, draining and interleaving generators.

Every job of the engine is a generator of events that returns its result (see ARCHITECTURE.md).
These three helpers are the only places that loop over such generators generically:

- :func:`paced` re-yields a stream no faster than a given rate, so a class can watch a run;
- :func:`drain` runs a stream to its end (tests, benchmarks, a notebook);
- :func:`interleave` runs several streams side by side, one event of each in turn.
"""
from __future__ import annotations

import time
from typing import Callable, Generator

from engine.params import Param

EVENTS_PER_SECOND = Param("events_per_second", "speed", 30.0, minimum=0.1, maximum=100_000,
                          help="How many counted events a paced stream lets through per second.")


def paced(gen, events_per_second=None, counts: Callable[[object], bool] | None = None, slack_s: float = 0.0,
          clock=time.perf_counter, sleep=time.sleep):
    """Re-yield ``gen``'s events no faster than ``events_per_second`` (None: as fast as they
    come) and return its result.

    ``counts(event)``: which events the rate counts (default: all), e.g. only the last method's
    point of each epoch, so that one epoch of every method passes per period.
    ``slack_s``: sleep only when at least this far ahead (and give up catching up when this far
    behind). Every sleep hands the GIL to the window and waits to get it back: sleeping for
    every short wait made 200 epochs/s run at 100.

    The waiting happens between events, so a consumer that stops iterating stops the run at once.
    """
    if events_per_second is not None:
        events_per_second = EVENTS_PER_SECOND.validate(events_per_second)
    period = None if events_per_second is None else 1.0 / events_per_second
    due = clock()
    while True:
        try:
            event = next(gen)
        except StopIteration as done:
            return done.value
        if period is not None and (counts is None or counts(event)):
            due += period
            wait = due - clock()
            if wait > slack_s:
                sleep(wait)
            elif wait <= -slack_s:
                due = clock()  # running behind: do not try to catch up with a burst
        yield event


def drain(gen) -> tuple[list, object]:
    """Run a generator to its end: (every event, its return value)."""
    events = []
    while True:
        try:
            events.append(next(gen))
        except StopIteration as done:
            return events, done.value


def interleave(gens: dict, wrap: Callable[[object, object], object] | None = None) -> Generator:
    """Run the generators of ``gens`` (label -> generator) side by side: one event of each in
    turn, until every one has ended. Yields ``wrap(label, event)`` (default: ``(label, event)``)
    and returns {label: return value}. Closing this generator closes every stream left."""
    wrap = wrap or (lambda label, event: (label, event))
    results: dict = {}
    try:
        while len(results) < len(gens):
            for label, gen in gens.items():
                if label in results:
                    continue
                try:
                    event = next(gen)
                except StopIteration as done:
                    results[label] = done.value
                    continue
                yield wrap(label, event)
    finally:
        for label, gen in gens.items():
            if label not in results:
                gen.close()
    return results

