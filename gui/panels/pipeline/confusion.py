"""The confusion matrix as a heat map with counts (rows: true class, columns: predicted), and a
test digit as a sharp icon: the pieces of :mod:`gui.panels.pipeline.mistakes`."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap

from gui.plots import StyledPlot
from gui.theme import theme


def digit_icon(image: np.ndarray, size: int) -> QIcon:
    """An 8x8 image (0..16, ink dark on white) as a sharp ``size`` px icon."""
    grey = np.ascontiguousarray(255 - np.round(image * (255 / 16)).astype(np.uint8))
    qimage = QImage(grey.data, 8, 8, 8, QImage.Format_Grayscale8).copy()
    return QIcon(QPixmap.fromImage(qimage).scaled(size, size, Qt.IgnoreAspectRatio, Qt.FastTransformation))


class ConfusionPlot(StyledPlot):
    """Rows: true class, columns: predicted class; colour ~ sqrt(count) so that a few mistakes show."""
    cell_clicked = Signal(int, int)   # (true, predicted)

    def __init__(self, parent=None):
        super().__init__("Confusion matrix", "predicted", "true", parent)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.invertY(True)
        self.setAspectLocked(True)
        self.grid.show(x=False, y=False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get("cividis"))
        self.addItem(self.image)
        self.texts: list[pg.TextItem] = []
        self.matrix = np.zeros((0, 0), dtype=int)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.setToolTip("Each cell: how many test images of the row's class were predicted as the column's class "
                        "(the diagonal is right). Colour grows with the square root of the count so that a few "
                        "mistakes show. Click a cell to see its images.")

    def draw(self, matrix: np.ndarray | None, names=()) -> None:
        self.matrix = np.zeros((0, 0), dtype=int) if matrix is None else np.asarray(matrix)
        k = len(self.matrix)
        while len(self.texts) < k * k:
            t = pg.TextItem("", anchor=(0.5, 0.5))
            self.addItem(t)
            self.texts.append(t)
        top = max(int(self.matrix.max()), 1) if k else 1
        level = np.sqrt(self.matrix / top) if k else np.zeros((1, 1))
        self.image.setImage(level, levels=(0.0, 1.0))
        self.image.setRect(-0.5, -0.5, max(k, 1), max(k, 1))
        for i, t in enumerate(self.texts):
            t.setVisible(i < k * k and k <= 20)
            if i < k * k:
                r, c = divmod(i, k)
                t.setText(str(int(self.matrix[r, c])))
                t.setPos(c, r)
                t.setColor("#000000" if level[r, c] > 0.6 else "#FFFFFF")
        self._fit_text()
        ticks = [[(i, str(n)) for i, n in enumerate(names)]]
        for side in ("bottom", "left"):
            self.getAxis(side).setTicks(ticks)
        self.setRange(xRange=(-0.5, max(k, 1) - 0.5), yRange=(-0.5, max(k, 1) - 0.5), padding=0.02)

    def _fit_text(self) -> None:
        """Counts as large as the theme's text, but never wider than their cells."""
        k = len(getattr(self, "matrix", ()))
        if not k:
            return
        vb = self.getPlotItem().vb
        cell = min(vb.width(), vb.height()) / k
        font = theme().font(0.8)
        font.setPixelSize(max(6, min(font.pointSize() * 4 // 3, int(cell * 0.42))))
        for t in self.texts[:k * k]:
            t.setFont(font)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_text()

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or not len(self.matrix):
            return
        point = self.getPlotItem().vb.mapSceneToView(event.scenePos())
        r, c = int(round(point.y())), int(round(point.x()))
        if 0 <= r < len(self.matrix) and 0 <= c < len(self.matrix):
            event.accept()
            self.cell_clicked.emit(r, c)
