"""Readers: each turns one input format into :class:`~frontwatch.sources.base.Snapshot` objects.

A new map maker is a new module here that registers a reader with :func:`register`; the store
and the analytics never change for it. ``read_path`` picks the reader for a file or folder.
"""
from frontwatch.sources.base import Snapshot, SourceError, read_path, iter_files, register, READERS  # noqa: F401
