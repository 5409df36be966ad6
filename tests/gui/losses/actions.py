"""What a student does in the Loss functions tab: edit a table cell, double-click, drag in a plot."""
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QLineEdit


def start_editing(qtbot, table, row, col) -> QLineEdit:
    """Double-click a cell like a user and return its line editor."""
    table.scrollToItem(table.item(row, col))
    rect = table.visualItemRect(table.item(row, col))
    # a real double-click is press, release, press + double-click, release; QTest's
    # mouseDClick sends only the last part, and the view edits only the cell it saw pressed
    double_click(qtbot, table.viewport(), rect.center())
    index = table.model().index(row, col)
    qtbot.waitUntil(lambda: isinstance(table.indexWidget(index), QLineEdit), timeout=2000)
    editor = table.indexWidget(index)
    editor.selectAll()
    return editor


def commit(qtbot, table, editor) -> None:
    """Return commits through a queued call in Qt's delegate: wait for the editor to close."""
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=2000)


def type_cell(qtbot, table, row, col, text) -> None:
    editor = start_editing(qtbot, table, row, col)
    if text:
        qtbot.keyClicks(editor, text)
    else:
        qtbot.keyClick(editor, Qt.Key_Delete)
    commit(qtbot, table, editor)


def double_click(qtbot, widget, pos) -> None:
    """Press, release, then QTest's double-click: what a user's double-click delivers."""
    qtbot.mouseClick(widget, Qt.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.LeftButton, pos=pos)


def view_to_widget(plot, x, y) -> QPoint:
    vb = plot.getPlotItem().vb
    return plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def send_mouse(widget, kind, pos: QPoint, button, buttons) -> None:
    local = QPointF(pos)
    event = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(pos)), button, buttons, Qt.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(qtbot, plot, start, end, steps=12):
    """Press on ``start`` (view coordinates), move with the button held, release on ``end``.

    QTest's mouseMove carries no pressed buttons, and pyqtgraph starts a drag only on moves
    with the button down, so the events are built by hand.
    """
    viewport = plot.viewport()
    a, b = view_to_widget(plot, *start), view_to_widget(plot, *end)
    send_mouse(viewport, QEvent.MouseMove, a, Qt.NoButton, Qt.NoButton)
    send_mouse(viewport, QEvent.MouseButtonPress, a, Qt.LeftButton, Qt.LeftButton)
    for k in range(1, steps + 1):
        t = k / steps
        p = QPoint(round(a.x() + t * (b.x() - a.x())), round(a.y() + t * (b.y() - a.y())))
        send_mouse(viewport, QEvent.MouseMove, p, Qt.NoButton, Qt.LeftButton)
        qtbot.wait(1)
    send_mouse(viewport, QEvent.MouseButtonRelease, b, Qt.LeftButton, Qt.NoButton)


def view_rect(plot, item):
    """An item's bounds in the plot's view coordinates (y up: top() is the lowest y)."""
    return plot.getPlotItem().vb.mapSceneToView(item.sceneBoundingRect()).boundingRect()


def colour_name(pen_or_brush) -> str:
    return pen_or_brush.color().name().lower()
