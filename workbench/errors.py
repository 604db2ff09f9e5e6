"""Errors the command line maps to exit codes: InputError → 2, WorkbenchError → 1."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


class WorkbenchError(Exception):
    """Something went wrong that is not the user's input (exit 1)."""


class Cancelled(Exception):
    """The user cancelled a long operation (a progress callback returned False); whatever it
    was writing was rolled back, nothing of it is kept."""


class DiskFullError(WorkbenchError):
    """The disk (or the database server's) is full: the action was rolled back whole."""


@dataclass
class Problem:
    """One thing wrong with an input: where (file, row, column) and what."""

    file: str
    problem: str
    row: Optional[int] = None
    column: Optional[str] = None
    entry: Optional[str] = None  # where in a structured file (a survey definition's "questions[2] (samlet)")

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f", {_short(self.entry)}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {_short(self.column)}"
        return f"{where}: {_short(self.problem)}"


def _short(text: str, limit: int = 1000) -> str:
    """A message quoting a 1 MB cell or column name must still fit on a screen."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


class InputError(WorkbenchError):
    """Invalid input or usage (exit 2). Carries every problem found, not just the first."""

    def __init__(self, problems: "list[Problem] | Problem | str", file: str = ""):
        if isinstance(problems, str):
            problems = [Problem(file=file, problem=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__(self.message())

    def message(self, limit: int = 200) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems")
        return "\n".join(lines)
