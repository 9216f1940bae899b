"""Draw the application icon with QPainter: ``python packaging/icons/make_icon.py`` (offscreen, no screen needed).

Writes ``onnx-export-studio.png`` (256×256, Linux .deb / desktop entry), ``.ico`` (Windows) and ``.icns`` (macOS)
beside this file. The files are committed; re-run only to change the design.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPainterPath, QPen  # noqa: E402

HERE = Path(__file__).resolve().parent
NAME = "onnx-export-studio"


def draw(size: int = 256) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256.0

    # rounded square, indigo → teal
    grad = QLinearGradient(QPointF(0, 0), QPointF(size, size))
    grad.setColorAt(0.0, QColor("#3730a3"))
    grad.setColorAt(1.0, QColor("#0d9488"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(grad))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)

    # a small network graph: 3 → 2 → 1
    layers = [[(60, 72), (60, 128), (60, 184)], [(128, 100), (128, 156)], [(192, 128)]]
    p.setPen(QPen(QColor(255, 255, 255, 150), 7 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    for left, right in zip(layers, layers[1:]):
        for a in left:
            for b in right:
                p.drawLine(QPointF(a[0] * s, a[1] * s), QPointF(b[0] * s, b[1] * s))
    p.setPen(Qt.PenStyle.NoPen)
    for layer in layers:
        for x, y in layer:
            p.setBrush(QColor("#ffffff"))
            p.drawEllipse(QPointF(x * s, y * s), 17 * s, 17 * s)
    # output node: the "exported" file, marked with an accent ring
    p.setBrush(QColor("#fbbf24"))
    p.drawEllipse(QPointF(192 * s, 128 * s), 11 * s, 11 * s)

    # export arrow under the graph
    path = QPainterPath()
    path.moveTo(150 * s, 212 * s)
    path.lineTo(200 * s, 212 * s)
    p.setPen(QPen(QColor("#fbbf24"), 9 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    head = QPainterPath()
    head.moveTo(186 * s, 198 * s)
    head.lineTo(202 * s, 212 * s)
    head.lineTo(186 * s, 226 * s)
    p.drawPath(head)
    p.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841  (QPainter on images needs one)
    image = draw(256)
    ok = image.save(str(HERE / f"{NAME}.png"), "PNG")
    ok &= image.save(str(HERE / f"{NAME}.ico"), "ICO")
    ok &= draw(512).save(str(HERE / f"{NAME}.icns"), "ICNS")
    for ext in ("png", "ico", "icns"):
        path = HERE / f"{NAME}.{ext}"
        print(f"{path}: {path.stat().st_size if path.exists() else 'MISSING'} bytes")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
