"""LiveText: a new text every frame repaints the text only; the window is re-laid out only when
the text needs another line."""
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gui.live_text import LiveText


class LayoutRequests(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.LayoutRequest:
            self.count += 1
        return False


def shown_in_a_column(qtbot, text: LiveText) -> QWidget:
    """``text`` at the top of a 300x200 column (a stretch under it), shown and laid out."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.addWidget(text)
    lay.addStretch(1)
    qtbot.addWidget(box)
    box.resize(300, 200)
    box.show()
    qtbot.waitExposed(box)
    return box


def test_new_numbers_do_not_re_lay_out_but_a_new_line_does(qtbot):
    text = LiveText("<b>Step 0</b> f = 1.000")
    box = shown_in_a_column(qtbot, text)
    qtbot.wait(20)          # the layout requests of showing the window are done
    one_line = text.height()
    requests = LayoutRequests()
    box.installEventFilter(requests)
    for k in range(1, 30):
        text.setText(f"<b>Step {k}</b> f = {1 / k:.3f}")
        qtbot.wait(1)      # let posted events through, as the event loop does between frames
    assert requests.count == 0 and text.text() == "<b>Step 29</b> f = 0.034"
    text.setText("<b>Step 30</b> " + "a rather long legend entry " * 6)
    qtbot.waitUntil(lambda: text.height() > 2 * one_line, timeout=2000)
    assert requests.count >= 1


def test_the_height_follows_the_width_and_the_font(qtbot):
    text = LiveText("word " * 40)
    qtbot.addWidget(text)
    assert text.heightForWidth(100) > text.heightForWidth(400) > 0
    font = text.font()
    narrow = text.heightForWidth(400)
    font.setPointSize(font.pointSize() * 2)
    text.setFont(font)
    assert text.heightForWidth(400) > narrow


def test_a_steady_text_keeps_its_tallest_height_until_reset(qtbot):
    # the race's legend: numbers of changing widths wrapped it onto one line more, then one less,
    # and each change re-laid out the window (those frames were the race's slowest under xcb)
    text = LiveText("short", steady=True)
    box = shown_in_a_column(qtbot, text)
    one_line = text.height()
    text.setText("a rather long legend entry " * 6)
    qtbot.waitUntil(lambda: text.height() > 2 * one_line, timeout=2000)
    tall = text.height()
    requests = LayoutRequests()
    box.installEventFilter(requests)
    for k in range(20):   # a line less every other frame: the height stays, nothing is re-laid out
        text.setText("short" if k % 2 else "a rather long legend entry " * 6)
        qtbot.wait(1)
    assert requests.count == 0 and text.height() == tall
    text.reset_height()   # a new race: the legend takes what it needs now
    qtbot.waitUntil(lambda: text.height() == one_line, timeout=2000)
