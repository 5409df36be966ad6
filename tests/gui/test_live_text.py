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


def test_new_numbers_do_not_re_lay_out_but_a_new_line_does(qtbot):
    box = QWidget()
    lay = QVBoxLayout(box)
    text = LiveText("<b>Step 0</b> f = 1.000")
    lay.addWidget(text)
    lay.addStretch(1)
    qtbot.addWidget(box)
    box.resize(300, 200)
    box.show()
    qtbot.waitExposed(box)
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
