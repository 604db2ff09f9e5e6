"""Helpers for operations over a whole project (100,000 answers) in one go.

Python's cyclic garbage collector runs a full pass over every live object each time enough
new ones have been made. Loading or importing a big survey makes millions of small objects
(tuples, strings) and no reference cycles, so inside a process that already holds a lot —
the GUI with its grid and NLP models — those passes cost more than the work itself.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """No cyclic garbage collection inside the block; reference counting still frees memory.
    Nests: only the outermost block turns collection back on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
