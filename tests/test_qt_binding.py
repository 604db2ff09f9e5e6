"""The Qt binding itself: a coder's session makes hundreds of thousands of Qt calls, so a
binding that leaks or drops references is a crash waiting to happen, not a detail.

PySide6 6.12.0 on Python 3.11 drops one reference to None on every call of a method that
returns nothing (QLabel.setText, QWidget.update, …); the process aborts with
"none_dealloc" after about 10,000 such calls. pyproject.toml excludes that release.
"""
from __future__ import annotations

import sys

import PySide6
from PySide6.QtWidgets import QLabel


def test_void_calls_keep_the_reference_count_of_none(qapp):
    label = QLabel()
    label.setText("warm-up")
    before = sys.getrefcount(None)
    for i in range(2000):
        label.setText("x" if i % 2 else "y")
        label.update()
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"PySide6 {PySide6.__version__} lost {lost} references to None in 4,000 calls"
