"""Undoable coding actions. Each command's redo() calls the core function (one committed
transaction) and undo() calls its inverse, so undo and redo are saved at once too.

Commands run once *before* they are pushed (``run()``), so a failed save raises where
the window can show it instead of leaving a command on the stack that never happened.
``ctx`` is the window: it has ``store``, ``coder``, ``grid`` and ``after_action(answer_id)``.
Codebook edits (``CodebookEdit``) have the codebook panel as ``ctx`` instead: it refreshes
and tells the window through ``codebook_edited(message)``.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtGui import QUndoCommand

from workbench.coding import codings as core
from workbench.coding.grid import Span
from workbench.ui.i18n import trf, tr


_sink = {"fn": None}


def set_error_sink(fn) -> None:
    """Where failures during undo/redo go (Qt calls undo() from C++, so they cannot raise)."""
    _sink["fn"] = fn


def _report(e: BaseException) -> None:
    if _sink["fn"] is not None:
        _sink["fn"](e)
    else:
        raise e


class _RunOnce(QUndoCommand):
    """A command that is done once by ``run()`` before it is pushed (so a failure raises where
    the window can show it); Qt's redo()/undo() then call ``do``/``revert``, reporting failures
    to the error sink. ``_can_redo``/``_can_undo`` let a command skip a step that would repeat
    or take back nothing."""

    _ran = False

    def run(self) -> "_RunOnce":
        """Do it now; the stack's first redo() is then skipped."""
        self.do()
        self._ran = True
        return self

    def redo(self) -> None:
        if self._ran:
            self._ran = False
            return
        if not self._can_redo():
            return
        try:
            self.do()
        except Exception as e:  # noqa: BLE001
            _report(e)

    def undo(self) -> None:
        if not self._can_undo():
            return
        try:
            self.revert()
        except Exception as e:  # noqa: BLE001
            _report(e)

    def _can_redo(self) -> bool:
        return True

    def _can_undo(self) -> bool:
        return True

    def do(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError


class _Command(_RunOnce):
    def __init__(self, ctx, answer_id: int, text: str, parent: Optional[QUndoCommand] = None):
        super().__init__(text, parent)
        self.ctx, self.answer_id = ctx, answer_id

    def _state(self) -> tuple[bool, bool]:
        g = self.ctx.grid
        i = g.row_of.get(self.answer_id)
        return (bool(g.coded[i]), bool(g.flagged[i])) if i is not None else (False, False)

    def _changed(self) -> None:
        self.ctx.after_action(self.answer_id)


class ApplyCode(_Command):
    """Apply a code to the whole answer or a span (marks the answer coded)."""

    def __init__(self, ctx, answer_id: int, code_id: int, start: Optional[int] = None, end: Optional[int] = None,
                 label: str = ""):
        super().__init__(ctx, answer_id, trf("apply code {0}", label or code_id))
        self.code_id, self.start, self.end = code_id, start, end
        self.was_coded = self._state()[0]
        self.coding_id: Optional[int] = None

    def do(self) -> None:
        self.coding_id = core.apply_code(self.ctx.store, self.ctx.coder, self.answer_id, self.code_id,
                                         self.start, self.end)
        self._changed()

    def revert(self) -> None:
        if self.coding_id is not None:
            core.remove_coding(self.ctx.store, self.coding_id, keep_coded=self.was_coded)
        if not self.was_coded:
            core.set_coded(self.ctx.store, self.ctx.coder, self.answer_id, False)
        self._changed()


class RemoveCoding(_Command):
    """Remove some of the coder's codings of an answer (e.g. every coding of one code)."""

    def __init__(self, ctx, answer_id: int, spans: list[Span], label: str = "",
                 parent: Optional[QUndoCommand] = None):
        super().__init__(ctx, answer_id, trf("remove code {0}", label), parent)
        self.items = [(sp.code_id, sp.start, sp.end) for sp in spans]
        self.ids = [sp.coding_id for sp in spans]
        self.was_coded = self._state()[0]

    def do(self) -> None:
        for cid in self.ids:
            core.remove_coding(self.ctx.store, cid)
        self._changed()

    def revert(self) -> None:
        self.ids = [core.apply_code(self.ctx.store, self.ctx.coder, self.answer_id, code, st, en)
                    for code, st, en in self.items]
        if not self.was_coded:
            core.set_coded(self.ctx.store, self.ctx.coder, self.answer_id, False)
        self._changed()


class StarQuote(_Command):
    """Pick coded passages as quotes for the report (or un-pick them); one undo step for all.

    The codings are kept as (code, start, end) and found again in the grid row each time,
    so the command still applies after an undo/redo below it re-created a coding (new id)."""

    def __init__(self, ctx, answer_id: int, spans: list[Span], starred: bool = True,
                 parent: Optional[QUndoCommand] = None):
        super().__init__(ctx, answer_id, tr("mark quote") if starred else tr("unmark quote"), parent)
        self.items = [(sp.code_id, sp.start, sp.end) for sp in spans]
        self.starred = starred
        self.before: dict[tuple, bool] = {}

    def _ids(self) -> list[tuple[tuple, int]]:
        g = self.ctx.grid
        i = g.row_of.get(self.answer_id)
        now = {(sp.code_id, sp.start, sp.end): sp.coding_id for sp in g.row(i).codings} if i is not None else {}
        return [(it, now[it]) for it in self.items if it in now]

    def do(self) -> None:
        for it, cid in self._ids():
            was = core.star_quote(self.ctx.store, self.ctx.coder, cid, self.starred)
            self.before.setdefault(it, was)  # the state before the first run is what undo restores
        self._changed()

    def revert(self) -> None:
        for it, cid in self._ids():
            if self.before.get(it, not self.starred) != self.starred:
                core.star_quote(self.ctx.store, self.ctx.coder, cid, not self.starred)
        self._changed()


class SetFlag(_Command):
    def __init__(self, ctx, answer_id: int, flagged: bool):
        super().__init__(ctx, answer_id, tr("flag") if flagged else tr("unflag"))
        self.flagged = flagged
        self.before = self._state()[1]

    def do(self) -> None:
        core.set_flag(self.ctx.store, self.ctx.coder, self.answer_id, self.flagged)
        self._changed()

    def revert(self) -> None:
        core.set_flag(self.ctx.store, self.ctx.coder, self.answer_id, self.before)
        self._changed()


class MarkCoded(_Command):
    def __init__(self, ctx, answer_id: int, coded: bool = True, parent: Optional[QUndoCommand] = None):
        super().__init__(ctx, answer_id, tr("mark coded"), parent)
        self.coded = coded
        self.before = self._state()[0]

    def do(self) -> None:
        core.set_coded(self.ctx.store, self.ctx.coder, self.answer_id, self.coded)
        self._changed()

    def revert(self) -> None:
        core.set_coded(self.ctx.store, self.ctx.coder, self.answer_id, self.before)
        self._changed()


class NoCodeApplies(_Command):
    """"No code applies": remove the coder's codings of the answer and mark it coded."""

    def __init__(self, ctx, answer_id: int, spans: list[Span]):
        super().__init__(ctx, answer_id, tr("no code applies"))
        self.remove = RemoveCoding(ctx, answer_id, spans) if spans else None
        self.mark = MarkCoded(ctx, answer_id, True)

    def do(self) -> None:
        if self.remove:
            self.remove.do()
        self.mark.do()

    def revert(self) -> None:
        self.mark.revert()
        if self.remove:
            self.remove.revert()


class Memo(_Command):
    """Write a memo on an answer or a code; undo puts the old text back (empty deletes)."""

    def __init__(self, ctx, target_type: str, target_id: int, text: str, old_text: str,
                 answer_id: Optional[int] = None):
        super().__init__(ctx, answer_id or 0, tr("memo"))
        self.target_type, self.target_id = target_type, target_id
        self.text, self.old_text = text, old_text

    def _changed(self) -> None:
        if self.answer_id:
            self.ctx.after_action(self.answer_id)
        else:
            self.ctx.after_action(None)

    def do(self) -> None:
        core.save_memo(self.ctx.store, self.ctx.coder, self.target_type, self.target_id, self.text)
        self._changed()

    def revert(self) -> None:
        core.save_memo(self.ctx.store, self.ctx.coder, self.target_type, self.target_id, self.old_text)
        self._changed()


# -- codebook edits ----------------------------------------------------------------------------

class CodebookEdit(_RunOnce):
    """A codebook edit (new code, rename, colour, shortcut, move, retire, merge) and its exact
    inverse from ``workbench.coding.codes``; each call is one committed transaction.

    ``do(prev)`` makes the change and returns what ``undo`` needs (the old value, the new
    code's id, the merge's detail); ``prev`` is what the last ``undo`` returned (None the
    first time), so a redo can re-create exactly what was undone (a deleted code's snapshot).
    ``undo(result)`` reverts it. After either, ``ctx.codebook_edited(message)`` refreshes the
    views (the codebook panel re-reads its codes and emits ``codebook_changed``).
    ``message(result)`` says what was done (for the status bar); undo says "Undid …".
    """

    def __init__(self, ctx, text: str, do, undo, message=None, parent: Optional[QUndoCommand] = None):
        super().__init__(text, parent)
        self.ctx, self._do, self._undo, self._message = ctx, do, undo, message
        self.result = None
        self._prev = None
        self._applied = False  # whether the database holds the change now

    def _can_redo(self) -> bool:
        return not self._applied  # the last undo failed: the change is still there

    def _can_undo(self) -> bool:
        return self._applied  # the last redo failed: nothing to take back

    def do(self) -> None:
        self.result = self._do(self._prev)
        self._applied = True
        self.ctx.codebook_edited(self._message(self.result) if self._message else "")

    def revert(self) -> None:
        self._prev = self._undo(self.result)
        self._applied = False
        self.ctx.codebook_edited(trf("Undid {0}", self.text()))
