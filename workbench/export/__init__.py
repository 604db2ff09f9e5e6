"""Exports for the report and for other QDA tools. No Qt here; every file is written atomically."""
