"""Danish qualitative coding workbench: code open survey answers, measure agreement, report."""
__version__ = "0.1.0"
