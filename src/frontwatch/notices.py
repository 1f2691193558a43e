"""Warnings of the library (an ambiguous place name, a map older than the day asked for, a text
that is not English), given to whoever runs the computation, thread by thread.

:func:`warn` is :func:`warnings.warn` unless a :func:`collect` block is open in the calling
thread (or asyncio task): then the message goes to that block's list, once, and nowhere else.

Why not :func:`warnings.catch_warnings`: it swaps the process-wide filters and ``showwarning``
and is documented as not thread-safe. The JSON API runs several queries at once in a thread
pool; with ``catch_warnings``, one query's warnings could land in another's answer, or be lost
for the rest of the process when two blocks exit out of order. A context variable is per thread
and per task, so each computation gets exactly its own warnings. May import: the standard library.
"""
from __future__ import annotations

import contextlib
import contextvars
import warnings

_SINK: contextvars.ContextVar[list | None] = contextvars.ContextVar("frontwatch_notices", default=None)


def warn(message: str, category: type[Warning] = UserWarning, stacklevel: int = 1) -> None:
    """Give ``message``: to the innermost open :func:`collect` block of this thread, or else as a
    Python warning of ``category`` (``stacklevel`` as for :func:`warnings.warn`, counted from the
    caller of this function)."""
    sink = _SINK.get()
    if sink is None:
        warnings.warn(message, category, stacklevel=stacklevel + 1)
    elif message not in sink:
        sink.append(message)


@contextlib.contextmanager
def collect():
    """``with collect() as messages:`` the library's warnings given inside the block, in order and
    without repeats, instead of Python warnings. Blocks nest: the innermost one collects."""
    sink: list[str] = []
    token = _SINK.set(sink)
    try:
        yield sink
    finally:
        _SINK.reset(token)
