"""Which data the Hands-on pipeline works on: the tutorial's digits or a CSV of your own.

File → Open data… (or the page's button) opens :class:`gui.data_dialog.DataDialog`; the data it
returns (:class:`engine.pipeline.UserData`) replace the digits on the page: the first run of your
pipeline fits the tutorial's baseline on them, then the same comparison follows. Nothing is lost
on a switch: each data set keeps its own results table, pick and curves, and "Back to the digits"
brings the digits' back (opening the same file with the same target again brings back its own).
The tutorial's four steps belong to the digits: their Run button waits while other data are shown.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QObject, Slot

from engine import pipeline as P
from engine.datasets import DIGITS_SIZES
from gui.widgets import buttons, group, rich_label

# what the Exercise keeps per data set (see Exercise.build)
STATE = ("results", "numbers", "_next_number", "_step_numbers", "pick", "baseline", "final", "tutorial",
         "evaluation", "losses", "holdout", "last_iteration")


def fresh_state() -> dict:
    return {"results": [], "numbers": [], "_next_number": 1, "_step_numbers": [], "pick": None, "baseline": None,
            "final": None, "tutorial": None, "evaluation": None, "losses": {}, "holdout": [],
            "last_iteration": None}


class DataSwitch(QObject):
    """The page's data: the "Data" box (what is loaded, Open data…, Back to the digits) and the swap."""

    def __init__(self, section):
        super().__init__(section)
        self.section = section
        self.user: P.UserData | None = None
        self.saved: dict = {}
        self.label = rich_label("")
        row, (self.open_button, self.digits_button) = buttons(
            ("Open data…", "Load a CSV file of your own and compare your pipeline with the baseline on it",
             self.open_dialog),
            ("Back to the digits", "The tutorial's digits again (their results were kept)", self.use_digits))
        self.box = group("Data", self.label, row)
        self._show()

    @property
    def split(self):
        """The data the jobs take: None for the tutorial's digits."""
        return None if self.user is None else self.user.split

    def data(self):
        """The split on the page (the digits' own split for the digits)."""
        from engine.datasets import digits_split
        return digits_split() if self.user is None else self.user.split

    @staticmethod
    def _key(user) -> tuple:
        return ("digits",) if user is None else (user.path, user.target)

    @Slot()
    def open_dialog(self, path=None) -> None:
        from gui.data_dialog import ask_data
        user = ask_data(self.section, path)
        if user is not None:
            self.use(user)

    @Slot()
    def use_digits(self) -> None:
        self.use(None)

    def use(self, user: P.UserData | None) -> None:
        """Show ``user``'s data (None: the digits), keeping what the page held for the others."""
        s = self.section
        if self._key(user) == self._key(self.user) and user is self.user:
            return
        s.cancel()
        self.saved[self._key(self.user)] = {name: getattr(s, name) for name in STATE}
        self.user = user
        for name, value in (self.saved.pop(self._key(user), None) or fresh_state()).items():
            setattr(s, name, value)
        n_test = DIGITS_SIZES[2] if user is None else user.sizes[2]
        s.compare_plot.set_labels(f"test accuracy ({n_test} {'images' if user is None else 'rows'})")
        s.alpha_plot.setVisible(s.alpha_plot_wanted())
        s.steps.run_button.setEnabled(user is None)
        s.steps_box.box.setEnabled(user is None)
        s._refresh_table()
        s.alpha_plot.draw(s.step2())
        s.draw()
        s._show_verdict()
        self._show()
        s.status.emit(f"Data: {'the digits' if user is None else user.name}")

    def _show(self) -> None:
        self.digits_button.setVisible(self.user is not None)
        if self.user is None:
            train, val, test = DIGITS_SIZES
            self.label.setText(f"The tutorial's <b>digits</b> (8x8 images, 10 classes): training {train}, "
                               f"validation {val}, test {test}.")
        else:
            self.label.setText(f"{html.escape(self.user.summary())} "
                               "Your pipeline's first run fits the baseline on them. The tutorial's four steps "
                               "stay with the digits.")
