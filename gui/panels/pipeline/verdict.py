"""The verdict: the pick against the baseline in red, green or grey, why, and the test-set warning.

The verdict itself (better, worse, same) is the engine's (:attr:`engine.pipeline.PipelineResult.verdict`);
this module only words and colours it.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QScrollArea, QSizePolicy

from engine import pipeline as P
from gui.theme import BLUISH_GREEN, GREY, theme
from gui.widgets import rich_label

BETTER, WORSE, SAME = BLUISH_GREEN, "#C0392B", GREY
BETTER_BG, WORSE_BG, SAME_BG = "#E3F4EC", "#FBE4E0", "#F0F0F0"
HEADS = {P.BETTER: "&#9650; BETTER than the baseline", P.WORSE: "&#9660; WORSE than the baseline",
         P.SAME: "= the same as the baseline"}
SIGNS = {P.BETTER: "&#9650;", P.WORSE: "&#9660;", P.SAME: "="}


def verdict_colour(verdict: str | None) -> str:
    """The text colour of a verdict (grey for "same" and for the baseline itself)."""
    return {P.BETTER: BETTER, P.WORSE: WORSE}.get(verdict, SAME)


def pm(mean: float, std: float, n: int) -> str:
    """"0.9757", or "0.9757 ± 0.0012" over several seeds."""
    return f"{mean:.4f}" if n == 1 else f"{mean:.4f} ± {std:.4f}"


def reasons(r: P.PipelineResult, step2: list[P.PipelineResult]) -> str:
    """Why the pick is not better (or not proven better); ``step2``: Step 2's results."""
    c = r.comparison
    s = r.settings
    f = r.fits[0]
    out = []
    if r.verdict != P.BETTER:
        if P.early_stopping_on(s):
            out.append(f"early stopping kept {f.held_out} training images "
                       f"for its own check, so the network learned from {f.trained_on}"
                       + (f" and stopped after {f.n_iter} iterations" if f.stopped_early else ""))
        if r.step == 3:
            if step2:
                b = step2[P.best_by_validation(step2)]
                out.append(f"alpha was chosen for a different procedure ({b.settings['max_iter']} "
                           f"iterations on all {b.fits[0].available} images); that very network, Step 2's "
                           f"alpha {b.settings['alpha']:g}, scored <b>{b.test_mean:.4f}</b> on test")
            out.append(f"the validation set had already chosen alpha, so its {r.val_mean:.4f} is no fresh "
                       "estimate")
        if r.n_seeds == 1 and s.get("model") != P.LOGISTIC:
            out.append("one seed: another seed moves test accuracy by about a point (try 5 seeds)")
        if not c.significant:
            out.append(f"{abs(c.difference_images)} of {c.n} images is within noise")
    elif not c.significant:
        out.append(f"{c.difference_images} more images right out of {c.n}: encouraging, not proof; "
                   "run more seeds")
    return "; ".join(out) + ("." if out else "")


def verdict_html(r: P.PipelineResult, step2: list[P.PipelineResult]) -> str:
    """The verdict box's text for a pick that has a comparison with the baseline."""
    c = r.comparison
    who = "The tutorial's final model" if r.step == 3 else f"<i>{html.escape(r.label)}</i>"
    n_seeds = r.n_seeds
    text = (f"<b style='color:{verdict_colour(r.verdict)}; font-size:{round(theme().font_pt * 1.25)}pt'>"
            f"{HEADS[r.verdict]}</b> &nbsp; {who}: test <b>{pm(r.test_mean, r.test_std, n_seeds)}</b> vs baseline "
            f"<b>{c.baseline_accuracy:.4f}</b> ")
    if n_seeds == 1:
        text += f"({c.difference * 100:+.2f} points = {c.difference_images:+d} of {c.n} images).<br>"
    else:
        text += (f"(mean {r.difference_mean * 100:+.2f} ± {r.difference_std * 100:.2f} points over {n_seeds} seeds; "
                 f"{r.seeds_better} of {n_seeds} seeds beat it).<br>")
    noise = ("<b>unlikely to be luck</b>" if c.significant else "<b>within noise</b>")
    seed_note = " (first seed)" if n_seeds > 1 else ""
    text += (f"Only this model right: {c.only_model_right} images, only the baseline: {c.only_baseline_right}"
             f"{seed_note}; McNemar p = {c.mcnemar_p:.2f}: {noise}. One standard error of a test accuracy "
             f"on {c.n} images is &plusmn;{c.se_baseline * 100:.1f} points.")
    why = reasons(r, step2)
    if why:
        text += "<br><b>Why:</b> " + why
    return text


def warning_html(pick_by_test: bool, sorted_by_test: bool) -> str:
    """The warning over the results table ("" when there is nothing to warn about)."""
    texts = []
    if pick_by_test:
        texts.append("your pick has a lower validation accuracy than another run: the only thing that "
                     "recommends it is its test score")
    if sorted_by_test:
        texts.append("the table is ranked by a test column")
    if not texts:
        return ""
    return (f"<b style='color:{WORSE}'>&#9888; Choosing on the test set:</b> " + "; ".join(texts) +
            ". A pipeline chosen for its test score makes that score optimistic: the test set has become a "
            "second validation set. Choose by validation (button), then read test once.")


class VerdictBox(QScrollArea):
    """The verdict in a coloured box that scrolls inside itself (in presentation mode it would
    otherwise push the plots away)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = rich_label("")
        self.label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.label.setAutoFillBackground(True)
        self.label.setContentsMargins(8, 6, 8, 6)
        self.label.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)

    def text(self) -> str:
        return self.label.text()

    def background(self) -> str:
        return self.label.palette().window().color().name()

    def show_pick(self, pick: P.PipelineResult | None, step2: list[P.PipelineResult], steps_running: bool) -> None:
        if pick is None or pick.comparison is None:
            self._set_background(SAME_BG)
            if pick is not None:
                self.label.setText(f"<b>{html.escape(pick.label)}</b> is the baseline itself: pick another row "
                                   "to compare it with the baseline.")
            elif steps_running:
                self.label.setText("Running the tutorial's four steps&hellip; the verdict appears after Step 4.")
            else:
                self.label.setText("Pick a row of the results table to compare it with the baseline.")
        else:
            self._set_background({P.BETTER: BETTER_BG, P.WORSE: WORSE_BG}.get(pick.verdict, SAME_BG))
            self.label.setText(verdict_html(pick, step2))

    def _set_background(self, colour: str) -> None:
        pal = self.label.palette()
        pal.setColor(QPalette.Window, QColor(colour))
        self.label.setPalette(pal)

    def fit(self, page_height: int, share: float | None = None) -> None:
        """As tall as its text, at most a third of the page (``share`` of it; it scrolls beyond that)."""
        width = self.viewport().width()
        if width < 100:
            return
        need = self.label.heightForWidth(width) + theme().font_pt // 2
        cap = int(page_height * (share or (0.36 if theme().presentation else 0.3)))
        # a scroll bar only when the text is capped (a word-wrapped label's minimum size hint is taller
        # than the text needs, which alone made a scroll bar appear)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded if need > cap else Qt.ScrollBarAlwaysOff)
        self.setFixedHeight(max(min(need, cap), theme().font_pt * 3))
