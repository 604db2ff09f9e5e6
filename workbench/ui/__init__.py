"""The desktop app (PySide6). It calls the core in ``workbench.coding``; the core never imports Qt."""
