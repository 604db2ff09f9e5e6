"""Errors the command line maps to exit codes: InputError → 2, WorkbenchError → 1."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional


class WorkbenchError(Exception):
    """Something went wrong that is not the user's input (exit 1)."""


class Cancelled(Exception):
    """The user cancelled a long operation (a progress callback returned False); whatever it
    was writing was rolled back, nothing of it is kept."""


class DiskFullError(WorkbenchError):
    """The disk (or the database server's) is full: the action was rolled back whole."""


class SaveError(WorkbenchError):
    """A change that could not be saved, for a reason the person can act on, said in one
    sentence in English (``str``) and Danish (``text("da")``). The technical detail (SQL,
    driver messages) goes to the log, never into the sentence."""

    def __init__(self, en: str, da: Optional[str] = None):
        super().__init__(en)
        self.en, self.da = en, da

    def text(self, lang: str = "en") -> str:
        return self.da if lang == "da" and self.da else self.en


class ConnectionLostError(SaveError):
    """The connection to the database server broke (network, restart, administrator): the
    change was not saved."""

    def __init__(self, en: str = "The connection to the server was lost — the change was not saved; try again.",
                 da: str = "Forbindelsen til serveren blev afbrudt — ændringen er ikke gemt; prøv igen."):
        super().__init__(en, da)


class CommitUnknownError(SaveError):
    """The connection broke while the server was committing, and it could not be asked
    afterwards whether the change landed."""

    def __init__(self):
        super().__init__(
            "The connection to the server was lost while the change was being saved, and the server cannot be "
            "reached now: whether it was saved is unknown. Open the project again when the connection is back "
            "and look before doing it again.",
            "Forbindelsen til serveren blev afbrudt, mens ændringen blev gemt, og serveren kan ikke nås nu: det er "
            "uvist, om ændringen blev gemt. Åbn projektet igen, når forbindelsen er tilbage, og se efter, før du "
            "gør det igen.")


class PermissionRefused(SaveError):
    """The server's grants or row-level security refused the change (a team server)."""


class BusyError(SaveError):
    """The project is locked by another writer (an import) or a lock wait ran out."""


class ConflictError(SaveError):
    """Someone else changed the same thing since it was read (optimistic versioning), or did
    the same thing at the same moment; the message says so in a sentence."""


class Msg(str):
    """A message that is its English text (what the command line prints and tests read) and
    also keeps the template and arguments it was filled from, so the UI can say it in its own
    language: ``Msg("score {0!r} is not {1}", "11", Msg("{0} or blank", "0–10"))``. The
    template is the catalogue key (``workbench/ui/i18n.py``); an argument that is a ``Msg`` is
    said in the UI's language too, anything else is data (a value, a column name) and is shown
    as it is. Placeholders are positional (``{0}``, ``{1!r}``), as ``trf`` fills them."""

    template: str
    args: tuple

    def __new__(cls, template: str, *args: Any) -> "Msg":
        self = super().__new__(cls, template.format(*args) if args else template)
        self.template, self.args = template, args
        return self

    def __reduce__(self):  # copy and pickle keep the template
        return (Msg, (self.template, *self.args))

    def render(self, translate: Callable[[str], str]) -> str:
        """The message with every template (this one's and its ``Msg`` arguments') passed
        through ``translate`` first (the UI's ``tr``)."""
        if not self.args:  # said as it is, braces and all (as ``tr`` without ``trf``)
            return translate(self.template)
        return translate(self.template).format(*(a.render(translate) if isinstance(a, Msg) else a
                                                 for a in self.args))


def message_of(e: BaseException) -> str:
    """An exception's message, the ``Msg`` itself when it was raised with one (``str(e)``
    would be its English text alone)."""
    return e.args[0] if len(e.args) == 1 and isinstance(e.args[0], Msg) else str(e)


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

    def msg(self) -> Msg:
        """``str(self)`` as a ``Msg``: where (file, entry, row, column) and what, each part
        sayable in the UI's language."""
        out: Any = self.file
        if self.entry:
            out = Msg("{0}, {1}", out, _short(self.entry))
        if self.row is not None:
            out = Msg("{0}, row {1}", out, self.row)
        if self.column:
            out = Msg("{0}, column {1}", out, _short(self.column))
        problem = self.problem if isinstance(self.problem, Msg) else _short(self.problem)
        return Msg("{0}: {1}", out, problem)


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
