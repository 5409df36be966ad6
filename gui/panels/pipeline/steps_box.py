"""The tutorial's four steps as they stream: one line per step, a progress line and bar.

The box's texts are written from the engine's events (StepStarted, each PipelineResult, the
Evaluation); the Run's buttons and note (the progress line) sit in it.
"""
from __future__ import annotations

import numpy as np

from engine import pipeline as P
from gui.panels.pipeline.verdict import SIGNS, verdict_colour
from gui.theme import GREY
from gui.widgets import group, progress_bar, rich_label

STEPS = (1, 2, 3, 4)


class StepsBox:
    """"The tutorial's four steps": ``run``'s buttons, a line per step, ``run.note`` and a progress bar."""

    def __init__(self, run):
        self.labels = {k: rich_label("") for k in STEPS}
        self.progress = run.note
        self.bar = progress_bar()
        self.box = group("The tutorial's four steps", run.button_row, *self.labels.values(), self.progress, self.bar)
        self.texts: dict[int, str] = {}
        self.current = 0

    def reset(self) -> None:
        """Every step's title in grey: nothing has run yet."""
        self.texts = {k: f"<span style='color:{GREY}'>{P.STEP_TITLES[k]}</span>" for k in STEPS}
        self.show()

    def started(self, event: P.StepStarted) -> None:
        self.current = event.step
        self.texts[event.step] = f"<b>{event.title}</b> &hellip;"
        self.show()

    def result(self, r: P.PipelineResult, step2: list[P.PipelineResult], holdout: list[float]) -> None:
        """A step's pipeline finished; ``step2``: Step 2's results so far; ``holdout``: Step 3's
        early-stopping holdout score per iteration."""
        f = r.fits[0]
        if r.step == 1:
            self.texts[1] = (f"<b>{P.STEP_TITLES[1]}</b>: logistic regression, test "
                             f"<b>{r.test_mean:.4f}</b> ({f.n_iter} iterations)")
        elif r.step == 2:
            parts = ", ".join(f"{x.settings['alpha']:g} &rarr; {x.val_mean:.4f}" for x in step2)
            text = f"<b>{P.STEP_TITLES[2]}</b> (validation accuracy): {parts}"
            if len(step2) == len(P.TUTORIAL_ALPHAS):
                best = step2[P.best_by_validation(step2)]
                text += f"; best alpha <b>{best.settings['alpha']:g}</b>"
                limit = [f"{x.settings['alpha']:g}" for x in step2 if not x.converged]
                if limit:
                    text += (f" <span style='color:{GREY}'>(alpha {', '.join(limit)} hit the "
                             f"{step2[0].settings['max_iter']}-iteration limit: scikit-learn's ConvergenceWarning, "
                             "handled)</span>")
            self.texts[2] = text
        elif r.step == 3:
            text = (f"<b>{P.STEP_TITLES[3]}</b>: alpha {r.settings['alpha']:g} with early stopping "
                    f"stopped at <b>{f.n_iter}</b> iterations, validation <b>{r.val_mean:.4f}</b>.")
            if holdout:
                best_i = int(np.argmax(holdout))
                text += (f" Its own holdout ({f.held_out} of the {f.available} training images) peaked at "
                         f"{holdout[best_i]:.4f} at iteration {best_i + 1}, then did not improve for "
                         f"{len(holdout) - best_i - 1}; the network learned from {f.trained_on} images.")
            self.texts[3] = text
        self.show()

    def evaluation(self, event: P.Evaluation) -> None:
        verdict = event.final.verdict
        self.texts[4] = (
            f"<b>{P.STEP_TITLES[4]}</b> accuracy <b>{event.final.test_mean:.4f}</b>; the tutorial prints "
            f"<i>Improvement over baseline: {event.improvement_percent:.2f}%</i> &rarr; "
            f"<b style='color:{verdict_colour(verdict)}'>{SIGNS[verdict]} {verdict} than the baseline</b>"
            + ("" if verdict != P.WORSE else ", and says nothing about it."))
        self.show()

    def show(self) -> None:
        for k, label in self.labels.items():
            label.setText(self.texts.get(k, ""))


def show_progress(label, bar, e: P.Iteration, text: str) -> None:
    """A fit's progress: its name in ``label`` (set once per fit, not once per frame) and its
    iteration in ``bar``."""
    if label.text() != text:
        label.setText(text)
    if bar.maximum() != e.max_iter:
        bar.setMaximum(e.max_iter)
    bar.setValue(e.iteration)
    bar.setVisible(True)
