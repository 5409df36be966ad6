"""engine.stream: pacing, draining and interleaving generators."""
import pytest

from engine.stream import drain, interleave, paced


def counter(n, result="done"):
    for i in range(n):
        yield i
    return result


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, s):
        self.slept.append(s)
        self.now += s


def test_drain_returns_events_and_result():
    assert drain(counter(3)) == ([0, 1, 2], "done")


def test_paced_waits_a_period_per_event_and_returns_the_result():
    fake = FakeClock()
    events, result = drain(paced(counter(4), 10.0, clock=fake.clock, sleep=fake.sleep))
    assert events == [0, 1, 2, 3] and result == "done"
    assert fake.slept == pytest.approx([0.1] * 4)


def test_paced_counts_only_the_chosen_events():
    fake = FakeClock()
    drain(paced(counter(6), 10.0, counts=lambda e: e % 3 == 2, clock=fake.clock, sleep=fake.sleep))
    assert fake.slept == pytest.approx([0.1, 0.1])


def test_paced_with_slack_sleeps_only_once_a_frames_worth_ahead():
    fake = FakeClock()
    drain(paced(counter(3), 100.0, slack_s=0.016, clock=fake.clock, sleep=fake.sleep))
    assert fake.slept == pytest.approx([0.02])   # 10 ms, then 20 ms ahead: one sleep for both

    fake = FakeClock()
    drain(paced(counter(3), 10.0, slack_s=0.016, clock=fake.clock, sleep=fake.sleep))
    assert fake.slept == pytest.approx([0.1] * 3)


def test_paced_unpaced_passes_through_and_rejects_bad_rates():
    assert drain(paced(counter(2), None)) == ([0, 1], "done")
    with pytest.raises(ValueError, match="events_per_second"):
        drain(paced(counter(2), 0.0))


def test_paced_stops_the_stream_when_the_consumer_stops():
    closed = []

    def stream():
        try:
            yield from range(100)
        finally:
            closed.append(True)

    gen = paced(stream(), None)
    next(gen)
    gen.close()
    assert closed == [True]


def test_interleave_takes_one_event_of_each_in_turn_until_all_end():
    events, results = drain(interleave({"a": counter(3, "A"), "b": counter(1, "B")}))
    assert events == [("a", 0), ("b", 0), ("a", 1), ("a", 2)]
    assert results == {"a": "A", "b": "B"}


def test_interleave_wraps_events_and_closes_the_streams_left():
    closed = []

    def stream(tag):
        try:
            for i in range(10):
                yield i
        finally:
            closed.append(tag)

    gen = interleave({"a": stream("a"), "b": stream("b")}, wrap=lambda label, e: f"{label}{e}")
    assert [next(gen) for _ in range(3)] == ["a0", "b0", "a1"]
    gen.close()
    assert sorted(closed) == ["a", "b"]
