"""The tutorial's four steps, written line by line from the engine's events."""
from engine import pipeline as P
from gui.panels.pipeline.steps_box import StepsBox, show_progress
from gui.runs import Run
from gui.lab import Section
from tests.gui.helpers import plain
from tests.gui.pipeline.conftest import recorded_tutorial


class Holder(Section):
    key = "holder"

    def build(self):
        self.run = Run(self, "steps", lambda: iter(()), values=dict)


def test_every_step_gets_its_line(qtbot):
    holder = Holder()
    qtbot.addWidget(holder)
    try:
        box = StepsBox(holder.run)
        box.reset()
        assert [plain(label) for label in box.labels.values()] == [P.STEP_TITLES[k] for k in (1, 2, 3, 4)]
        events, _ = recorded_tutorial()
        holdout = [e.holdout_score for e in events if isinstance(e, P.Iteration) and e.step == 3]
        step2 = []
        for e in events:
            if isinstance(e, P.StepStarted):
                box.started(e)
                assert box.current == e.step and plain(box.labels[e.step]).endswith("…")
            elif isinstance(e, P.PipelineResult):
                step2 += [e] if e.step == 2 else []
                box.result(e, step2, holdout)
            elif isinstance(e, P.Evaluation):
                box.evaluation(e)
        texts = [plain(label) for label in box.labels.values()]
        assert "test 0.9611 (30 iterations)" in texts[0]
        assert "best alpha 1 (alpha 0.1, 1 hit the 200-iteration limit" in texts[1]
        assert "(115 of the 1149 training images) peaked at 0.9913 at iteration 19" in texts[2]
        assert texts[3].endswith("▼ worse than the baseline, and says nothing about it.")
        iteration = next(e for e in events if isinstance(e, P.Iteration))
        show_progress(box.progress, box.bar, iteration, "step 2")
        assert box.progress.text() == "step 2" and box.bar.value() == 1 and box.bar.maximum() == iteration.max_iter
    finally:
        holder.shutdown()
