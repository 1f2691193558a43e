"""Readers: each turns one input format into :class:`~frontwatch.sources.base.Snapshot` objects.

A new map maker is a new module here holding a ``READER = Reader(name, detect, read, order)``,
declared in pyproject.toml under ``[project.entry-points."frontwatch.readers"]``; the store and the
analytics never change for it. ``read_path`` picks the reader for a file or folder
(:func:`~frontwatch.sources.base.readers` lists them).
"""
from frontwatch.sources.base import Reader, Snapshot, SourceError, iter_files, read_path, readers, register

__all__ = ["Reader", "Snapshot", "SourceError", "iter_files", "read_path", "readers", "register"]
