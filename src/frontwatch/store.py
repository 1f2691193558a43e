"""The embedded store: one DuckDB file holding snapshots, their layer geometries, the map
maker's own area figures and notes, country borders, the borders' tilings and the claims ledger.

Geometries are content-addressed (``geometries.hash``): a layer identical to one already stored
(the same Crimea polygon in every snapshot, or a map republished unchanged) is stored once, and
every cached measure keyed by that hash is reused. The store knows nothing of the analytics; it
only saves and returns geometries and records.

**Readers never block readers, and a writer blocks no reader.** DuckDB lets one process open a
file read-write, or several open it read-only, never both at once: a ``frontwatch serve``
holding the store would lock out every ingest, and an ingest every query. So nobody writes the
store file in place:

* a reader (every query command, the web service) opens it read-only, attached to a private
  in-memory DuckDB instance, so that a file replaced on disk is opened afresh, not served from
  DuckDB's per-process cache of open files;
* a writer (``ingest``, ``sync``, ``borders``, a claims check keeping its ledger) takes the
  store's writer lock (``STORE.lock``, one writer at a time), copies the file to
  ``STORE.writing-PID-XXXX`` in the same folder, writes the copy in transactions, checkpoints
  it, and moves it over the store with ``os.replace`` (atomic on POSIX): readers that had the
  old file open go on reading it until they reopen (the service checks the file's identity on
  every request); a new reader gets the new one. Nothing half-written is ever visible. A long
  write publishes what it has committed every :data:`PUBLISH_EVERY_S` seconds.
* a ``kill -9`` of a writer leaves the store as it was when last published; its copy and lock
  are cleaned up by the next writer. A failed write (a full disk) leaves it the same way, and
  its error is one line.

Measured and chosen over "a short write window" (readers close the file while a writer writes
in place): that makes every reader wait for, and retry around, each write, and a reader that
holds the file for a long query blocks the writer. The copy costs one file copy per write
session (11 MB, about 20 ms, for the 239 maps of the shared archive) and twice the store's size
on disk while writing.

**Computed measures live apart from the data**, in ``STORE.cache`` (SQLite in WAL mode: one
writer and any number of readers at once, across processes), bounded in rows and bytes (oldest
written first out), so queries never grow or lock the store file, and deleting the cache loses
nothing but time. Region tilings saved with the borders stay in the store; tiles cut later by
queries go to the cache.

**What depends on geometry alone is kept for every store of the machine**, in
:func:`machine_cache_path` (a SideCache in :func:`frontwatch.paths.cache_dir`, one file per
frontwatch version): borders prepared from a file given to a command (``--borders FILE``, under
the file's content hash), region tilings with the tiles cut so far (under the region's key and
the tiling version) and the land area of regions (under the region's key). A second store, or a
new one, given the same borders file reads them instead of preparing, tiling and measuring
again. Figures of layers (areas under layer hash + region key) stay in each store's own cache.
May import: the standard library, duckdb, numpy, shapely, pyproj (distances to the map maker's
linked places), platformdirs, frontwatch.sources.base, frontwatch.sources.notes, frontwatch.statuses.
"""
from __future__ import annotations

import atexit
import collections.abc
import dataclasses
import datetime as dt
import functools
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from frontwatch import __version__
from frontwatch.lazy import lazy_import
from frontwatch.paths import cache_dir
from frontwatch.statuses import STATUSES

if TYPE_CHECKING:  # imported on first use: a store opened to answer loads no reader
    from frontwatch.sources import base as base_src
    from frontwatch.sources import notes as notes_src
else:
    base_src = lazy_import("frontwatch.sources.base")
    notes_src = lazy_import("frontwatch.sources.notes")

__all__ = ["Store", "SnapshotInfo", "StoredBorders", "StoreError", "SideCache", "default_store_path",
           "machine_cache_path", "clean_writer_leftovers", "SCHEMA_VERSION", "MACHINE_KINDS"]

# numpy and shapely are imported where geometries are decoded or encoded: a query answered from
# stored figures loads neither.

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY,
    source VARCHAR NOT NULL,
    source_id VARCHAR,
    taken_at TIMESTAMPTZ NOT NULL,
    content_hash VARCHAR NOT NULL,
    origin VARCHAR,
    ingested_at TIMESTAMPTZ,
    stats VARCHAR,
    UNIQUE (source, taken_at)
);
CREATE TABLE IF NOT EXISTS geometries (hash VARCHAR PRIMARY KEY, wkb BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS layers (
    snapshot_id INTEGER NOT NULL, status VARCHAR NOT NULL, geom_hash VARCHAR NOT NULL,
    PRIMARY KEY (snapshot_id, status)
);
CREATE TABLE IF NOT EXISTS official_areas (
    snapshot_id INTEGER NOT NULL, type VARCHAR, status VARCHAR, hash VARCHAR, km2 DOUBLE, percent VARCHAR
);
CREATE TABLE IF NOT EXISTS borders (iso_a3 VARCHAR PRIMARY KEY, wkb BLOB NOT NULL, origin VARCHAR);
CREATE TABLE IF NOT EXISTS measure_cache (
    kind VARCHAR NOT NULL, key VARCHAR NOT NULL, value DOUBLE, PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS claims (
    id VARCHAR PRIMARY KEY, report VARCHAR, report_hash VARCHAR, published DATE, checked_at TIMESTAMPTZ,
    measure VARCHAR, place VARCHAR, side VARCHAR, date DATE, record VARCHAR, verdict VARCHAR, reason VARCHAR
);
CREATE SEQUENCE IF NOT EXISTS snapshot_ids START 1;
"""


def _insert_blobs(con, table: str, blobs: dict) -> None:
    """``INSERT INTO table (key, blob)`` for each item of ``blobs`` (keys are hex hashes).

    Large blobs are handed to DuckDB as files it reads itself (``read_blob``): passing 45 MB of
    WKB as a query parameter converts each value in Python and takes three times as long. (As an
    Arrow table it is faster still, but building one from Python values imports pandas, 0.3 s,
    which costs more than it saves in one ingest.) The files are temporary; the INSERT is part of
    the caller's transaction. Without room for them (a full or read-only temporary folder), the
    values go as parameters after all."""
    if sum(map(len, blobs.values())) >= 1 << 20:
        inserted = False
        try:
            with base_src.temp_folder("blobs") as d:
                for key, blob in blobs.items():
                    with open(os.path.join(d, key), "wb") as fh:
                        fh.write(blob)
                con.execute(f"INSERT INTO {table} SELECT parse_filename(filename), content FROM read_blob(?)",
                            [os.path.join(d, "*")])
                inserted = True
            return
        except OSError:
            if inserted:  # only removing the temporary files failed
                return
    con.execute(f"INSERT INTO {table} SELECT unnest(?::VARCHAR[]), unnest(?::BLOB[])", [list(blobs), list(blobs.values())])


def default_store_path() -> Path:
    """``$FRONTWATCH_STORE``, else ``frontwatch.duckdb`` in the per-user data directory."""
    env = os.environ.get("FRONTWATCH_STORE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("frontwatch")) / "frontwatch.duckdb"


class StoredBorders(collections.abc.Mapping):
    """Country borders read from the store: ``{iso_a3: geometry}``, each country decoded from its
    WKB the first time it is asked for (Russia's and Ukraine's 10 m borders are 2 MB of WKB);
    :meth:`key_of` gives the region key saved with a country (None when not saved), and
    ``file_hash`` the hash of the file they were prepared from."""

    def __init__(self, rows: dict, file_hash: str | None = None):
        self._rows = dict(rows)  # iso -> (wkb, key)
        self._geoms: dict = {}
        self.file_hash = file_hash

    def __getitem__(self, iso):
        import shapely

        g = self._geoms.get(iso)
        if g is None:
            g = self._geoms[iso] = shapely.from_wkb(self._rows[iso][0])
        return g

    def __contains__(self, iso):
        return iso in self._rows

    def __iter__(self):
        return iter(self._rows)

    def __len__(self):
        return len(self._rows)

    def key_of(self, iso) -> str | None:
        row = self._rows.get(iso)
        return row[1] if row else None

    def wkb(self, iso) -> bytes:
        """A country's WKB as stored (not decoded)."""
        return self._rows[iso][0]

    def __repr__(self):
        return f"StoredBorders({sorted(self._rows)})"


def _border_wkb(borders, iso) -> bytes:
    """A country's 2D WKB: as stored for :class:`StoredBorders` (no decoding and encoding again),
    else made from its geometry."""
    if isinstance(borders, StoredBorders):
        return bytes(borders.wkb(iso))
    import shapely

    return shapely.to_wkb(borders[iso], output_dimension=2)


@dataclasses.dataclass(frozen=True)
class SnapshotInfo:
    """One stored snapshot: ``id`` in this store, ``taken_at`` UTC, ``date`` its UTC day."""

    id: int
    source: str
    source_id: str | None
    taken_at: dt.datetime
    content_hash: str
    origin: str | None

    @property
    def date(self) -> dt.date:
        return self.taken_at.date()

    def to_record(self) -> dict:
        return {"id": self.id, "source": self.source, "source_id": self.source_id,
                "taken_at": self.taken_at.isoformat(), "date": self.date.isoformat(),
                "content_hash": self.content_hash, "origin": self.origin}


class StoreError(RuntimeError):
    """A store that cannot be opened or written; the message is one line."""


PUBLISH_EVERY_S = 30.0     # a long write session makes what it committed visible this often
CACHE_MAX_ROWS = 1_000_000  # computed figures kept in STORE.cache (about 100 bytes each)
CACHE_MAX_TILE_BYTES = 256 * 1024 * 1024  # region tilings kept in STORE.cache
_ALIAS = "fw"  # the store's catalog in a reader's private DuckDB instance
# Kinds of figures that depend on a region's geometry alone (its key), kept in the machine cache.
MACHINE_KINDS = frozenset({"land"})


def machine_cache_path() -> Path:
    """The machine cache shared by every store (see the module docstring): in
    :func:`frontwatch.paths.cache_dir`, one file per frontwatch version."""
    return cache_dir() / f"derived-{__version__}.sqlite"


def _one_line(exc) -> str:
    text = " ".join(str(exc).split())
    return text[:300] if text else type(exc).__name__


def _duckdb_error(path, exc, writing: bool) -> StoreError:
    """A DuckDB error as one line saying what it means for the user."""
    text = _one_line(exc)
    low = text.lower()
    if "no space left" in low or "disk full" in low or "file too large" in low or "quota" in low:
        return StoreError(f"{path}: cannot write the store ({text}); nothing of this command was kept, the store "
                          "is as it was: free some disk space and run it again")
    if writing and isinstance(exc, duckdb.IOException):
        return StoreError(f"{path}: cannot write the store ({text}); the store is as it was")
    if isinstance(exc, (duckdb.IOException, duckdb.InternalException, duckdb.SerializationException)) or \
            "corrupt" in low or "checksum" in low:
        return StoreError(f"{path}: the store is damaged ({text}); restore it from a backup, or ingest the maps "
                          "again into a new --store")
    if isinstance(exc, duckdb.CatalogException):
        return StoreError(f"{path}: not a frontwatch store, or a damaged one ({text})")
    return StoreError(f"{path}: store error ({text})")


def _store_errors(fn):
    """Turn DuckDB's errors inside a public Store method into one-line StoreErrors."""
    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except duckdb.Error as exc:
            raise _duckdb_error(self.path, exc, self._session is not None) from None
    return wrapper


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _process_name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            parts = [p.decode(errors="replace") for p in fh.read().split(b"\0") if p]
    except OSError:
        return "another process"
    words = [Path(parts[0]).name] if parts else []
    for i, p in enumerate(parts[1:4], 1):
        if p in ("-m",) or p.startswith("-"):
            continue
        words.append(Path(p).name if i == 1 and "/" in p else p[:40])
    return " ".join(words[:3]) or "another process"


class _WriterLock:
    """One writer per store: an exclusive ``flock`` on ``STORE.lock`` (released by the kernel
    when the holder exits, even by ``kill -9``), holding the holder's PID for the message."""

    def __init__(self, store_path: Path):
        self.path = store_path.with_name(store_path.name + ".lock")
        self.store_path = store_path
        self.fd = None

    def acquire(self):
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            try:
                holder = os.pread(fd, 200, 0).decode(errors="replace").split()
            except OSError:
                holder = []
            os.close(fd)
            who = f"PID {holder[0]}, {' '.join(holder[1:]) or 'another process'}" if holder else "another process"
            raise StoreError(f"{self.store_path}: the store is being written by another process ({who}); "
                             "wait for it to finish, stop it, or give another --store") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {_process_name(os.getpid())}\n".encode(), 0)
        self.fd = fd

    def release(self):
        if self.fd is not None:
            import fcntl

            try:
                os.ftruncate(self.fd, 0)
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            finally:
                os.close(self.fd)
                self.fd = None


@dataclasses.dataclass
class _Session:
    """A write in progress: the writer lock, the copy being written, and whether it changed."""

    lock: _WriterLock
    copy: Path
    started: float
    dirty: bool = False
    broken: bool = False


def _file_identity(path: Path):
    """What changes when a writer replaces the store file (None when there is no file)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _fsync_path(path, directory=False):
    try:
        fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Store:
    """A frontwatch store at ``path``. Use as a context manager or call close().

    ``read_only=True``: only reads (every query command, the web service); the file must exist.
    Otherwise the store may be written: the first write (or :meth:`begin_writing`) takes the
    writer lock and copies the file, later writes go to the copy, and :meth:`close` (or
    :meth:`publish`) puts the copy in place of the file. A store that does not exist yet is
    created when ``create`` is true (ingest, sync, borders), else StoreError.
    See the module docstring for why.
    """

    def __init__(self, path=None, read_only: bool = False, create: bool = True):
        self.path = Path(path) if path else default_store_path()
        self.read_only = read_only
        self._lock = threading.RLock()
        self._geom_cache: dict[str, object] = {}
        self._session: _Session | None = None
        self._cache: SideCache | None = None
        self._machine: SideCache | None = None
        self._base = None
        exists = self.path.exists()
        if not exists and (read_only or not create):
            raise StoreError(f"no store at {self.path}; run `frontwatch ingest PATH --store {self.path}` first "
                             "(or give the --store that holds your maps)")
        if exists:
            self.con = self._attach()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.begin_writing()

    def _attach(self):
        """A read-only connection to the store file, in a DuckDB instance of its own."""
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a store file")
        con = duckdb.connect(":memory:")
        try:
            quoted = str(self.path).replace("'", "''")
            con.execute(f"ATTACH '{quoted}' AS {_ALIAS} (READ_ONLY)")
            con.execute(f"USE {_ALIAS}")
            self._identity = _file_identity(self.path)
            self._check_whole(con)
        except duckdb.Error as exc:
            con.close()
            text = _one_line(exc)
            held = re.search(r"Conflicting lock is held in (.*?) \(PID (\d+)\)", text)
            if held:
                # A process writing the file in place (an older frontwatch, the duckdb shell).
                raise StoreError(f"{self.path}: the store is in use by another process (PID {held.group(2)}, "
                                 f"{Path(held.group(1)).name}); wait for it to finish, stop it, or give another "
                                 "--store") from None
            if "not a valid duckdb database" in text.lower():
                raise StoreError(f"{self.path}: not a frontwatch store (not a DuckDB database file)") from None
            raise _duckdb_error(self.path, exc, False) from None
        except StoreError:
            con.close()
            raise
        return con

    def _check_whole(self, con):
        """StoreError for a file shorter than DuckDB's header says (a truncated copy, a disk that
        filled up under another tool): caught here in one line, not as an I/O error mid-query."""
        # The last block a table's data lies in must be in the file (DuckDB's total_blocks counts
        # free blocks a checkpoint cut off the end, so it is not the file's size). 10-30 ms, so
        # done only when the file is shorter than all its blocks: a query opening a whole store
        # (nearly always) pays one pragma.
        size, total = con.execute("SELECT block_size, total_blocks FROM pragma_database_size() WHERE database_name = ?",
                                  [_ALIAS]).fetchone()
        have = self.path.stat().st_size
        if have >= int(size) * int(total) + 3 * 4096:
            last = int(total) - 1
        else:
            last = self._last_block(con)
        need = (last + 1) * int(size) + 3 * 4096
        if have < need:
            raise StoreError(f"{self.path}: the store is damaged (truncated: {have / 1e6:.1f} MB of "
                             f"{need / 1e6:.1f} MB); restore it from a backup, or ingest the maps again into "
                             "a new --store")
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_catalog = ? "
                           "AND table_name = 'snapshots'", [_ALIAS]).fetchone()[0]:
            raise StoreError(f"{self.path}: not a frontwatch store (a DuckDB file without its tables)")

    @staticmethod
    def _last_block(con) -> int:
        """The last block any table's data lies in (-1 for none)."""
        last = -1
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = ? "
                                    "AND table_type = 'BASE TABLE'", [_ALIAS]).fetchall():
            top = con.execute("SELECT max(block_id) FROM pragma_storage_info(?) WHERE block_id >= 0",
                              [f"{_ALIAS}.main.{table}"]).fetchone()[0]
            last = max(last, -1 if top is None else int(top))
        return last

    @property
    def con(self):
        return self._base

    @con.setter
    def con(self, value):
        self._base = value

    # -------------------------------------------------------------- lifecycle
    @property
    def writing(self) -> bool:
        """True between the first write and :meth:`publish`/:meth:`close`."""
        return self._session is not None

    def changed_on_disk(self) -> bool:
        """True when a writer has replaced the store file since this reader opened it."""
        return self._session is None and _file_identity(self.path) != getattr(self, "_identity", None)

    def begin_writing(self):
        """Take the writer lock and start writing a copy of the store (a no-op when already
        writing). StoreError, in one line, when another process is writing it, or when the copy
        cannot be made (a full disk)."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        with self._lock:
            if self._session is not None:
                return
            lock = _WriterLock(self.path)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                lock.acquire()
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot write here ({exc.strerror or exc})") from None
            try:
                clean_writer_leftovers(self.path)
                base_src.clean_temp_leftovers()
                self._session = self._start_copy(lock)
            except BaseException:
                lock.release()
                raise
            _open_writers.add(self)

    def _start_copy(self, lock) -> _Session:
        copy = self.path.with_name(f"{self.path.name}.writing-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            if self.path.exists():
                shutil.copyfile(self.path, copy)
                wal = self.path.with_name(self.path.name + ".wal")
                if wal.exists():  # a store last written in place (an older frontwatch)
                    shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
            con = duckdb.connect(str(copy))
            con.execute(_SCHEMA)
            con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        except OSError as exc:
            _remove_copy(copy)
            raise StoreError(f"{self.path}: cannot write the store ({exc.strerror or exc}); the store is as it "
                             "was") from None
        except duckdb.Error as exc:
            _remove_copy(copy)
            raise _duckdb_error(self.path, exc, True) from None
        old, self._base = self._base, con
        if old is not None:
            old.close()
        return _Session(lock, copy, time.monotonic(), dirty=not self.path.exists())

    def _mark_written(self):
        if self._session is not None:
            self._session.dirty = True

    def _maybe_publish(self):
        """Publish what a long write session has committed, every PUBLISH_EVERY_S seconds."""
        s = self._session
        if s is not None and s.dirty and not s.broken and time.monotonic() - s.started > PUBLISH_EVERY_S:
            self.publish(keep_writing=True)

    def publish(self, keep_writing: bool = False):
        """Put what this writer committed in place of the store file (atomically), and either
        go on writing a fresh copy (``keep_writing``) or release the writer lock."""
        with self._lock:
            s = self._session
            if s is None:
                return
            try:
                if s.broken:
                    raise StoreError(f"{self.path}: an earlier write failed; nothing of it was kept")
                con = self._base
                if s.dirty:
                    try:
                        con.execute("CHECKPOINT")
                    except duckdb.Error as exc:
                        raise _duckdb_error(self.path, exc, True) from None
                con.close()
                self._base = None
                if s.dirty:
                    if s.copy.with_name(s.copy.name + ".wal").exists():
                        raise StoreError(f"{self.path}: cannot write the store (its checkpoint did not complete); "
                                         "the store is as it was")
                    _fsync_path(s.copy)
                    self.path.with_name(self.path.name + ".wal").unlink(missing_ok=True)
                    os.replace(s.copy, self.path)
                    _fsync_path(self.path.parent, directory=True)
                else:
                    _remove_copy(s.copy)
            except BaseException:
                self._end_session(s)
                raise
            if keep_writing:
                try:
                    self._session = self._start_copy(s.lock)
                except BaseException:
                    self._end_session(s)
                    raise
            else:
                self._end_session(s)
                self._base = self._attach()

    def _end_session(self, s):
        if self._base is not None and self._session is s:
            try:
                self._base.close()
            except duckdb.Error:
                pass
            self._base = None
        _remove_copy(s.copy)
        s.lock.release()
        self._session = None
        _open_writers.discard(self)

    def abandon(self):
        """Drop what this writer wrote since it last published; the store stays as it was."""
        with self._lock:
            if self._session is not None:
                self._end_session(self._session)

    def close(self):
        """Publish what was written (see :meth:`publish`), then close."""
        try:
            if self._session is not None:
                self.publish()
        finally:
            if self._session is not None:
                self._end_session(self._session)
            if self._base is not None:
                self._base.close()
                self._base = None
            if self._cache is not None:
                self._cache.close()
                self._cache = None
            if self._machine is not None:
                self._machine.close()
                self._machine = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def cursor(self):
        """A cursor for use from another thread (DuckDB connections are not thread-safe)."""
        cur = self._base.cursor()
        if self._session is None:
            cur.execute(f"USE {_ALIAS}")
        return cur

    @property
    def cache(self) -> "SideCache":
        """The store's cache of computed figures (``STORE.cache``), opened on first use."""
        if self._cache is None:
            with self._lock:
                if self._cache is None:
                    self._cache = SideCache(self.path.with_name(self.path.name + ".cache"))
        return self._cache

    @property
    def machine_cache(self) -> "SideCache":
        """The machine's cache of what depends on geometry alone (:func:`machine_cache_path`),
        shared by every store, opened on first use."""
        if self._machine is None:
            with self._lock:
                if self._machine is None:
                    path = machine_cache_path()
                    try:
                        path.parent.mkdir(parents=True, exist_ok=True)
                    except OSError:
                        pass  # SideCache keeps its figures in memory then
                    self._machine = SideCache(path)
        return self._machine

    def _machine_or_cache(self) -> "SideCache":
        """Where to keep what depends on geometry alone: the machine cache, or the store's own
        when the machine's cannot be written (a read-only cache folder)."""
        m = self.machine_cache
        return self.cache if m.in_memory else m

    def clear_cached(self, tiles: bool = False):
        """Forget the computed figures (and with ``tiles`` the saved tilings too, those of the
        borders in the store included), in the store's cache and in the machine's (land areas and
        tilings: every store of the machine then computes them again): for benchmarks and tests
        that need a cold start."""
        self.cache.clear(tiles=tiles)
        self.machine_cache.clear(tiles=tiles)
        if tiles and (self._session is not None or not self.read_only):
            self.begin_writing()
            if self._base.execute("SELECT count(*) FROM information_schema.tables "
                                  "WHERE table_name = 'region_tiles'").fetchone()[0]:
                self._base.execute("DELETE FROM region_tiles")
                self._mark_written()


    # -------------------------------------------------------------- writing snapshots
    def add_snapshots(self, snapshots, *, replace: bool = False) -> list[dict]:
        """Write snapshots in ONE transaction; returns one outcome record per snapshot.

        Outcome ``action`` is ``added``, ``unchanged`` (same time, same content: nothing done),
        ``replaced``, or ``conflict`` (same time, other content, and ``replace`` is False: nothing
        written for it, ``reason`` says why). Identical geometries are stored once. The batch is
        written with a few set-based statements (one per table), not a round trip per row.
        """
        snapshots = list(snapshots)
        if not snapshots:
            return []
        return self._transaction(lambda con: self._add_batch(con, snapshots, replace))

    def _transaction(self, fn):
        """``fn(con)`` in ONE transaction of this writer's session (begun if need be). A failure
        rolls back; a failed rollback (DuckDB has none left after a COMMIT that hit a full disk)
        is not a second error. An I/O failure marks the session broken: it is never published,
        so the store stays as it was."""
        with self._lock:
            self.begin_writing()
            if self._session.broken:
                raise StoreError(f"{self.path}: an earlier write failed; nothing more is written")
            con = self._base
            try:
                con.execute("BEGIN TRANSACTION")
                out = fn(con)
                con.execute("COMMIT")
            except BaseException as exc:
                try:
                    con.execute("ROLLBACK")
                except duckdb.Error:
                    pass
                if isinstance(exc, duckdb.Error):
                    if isinstance(exc, (duckdb.IOException, duckdb.FatalException, duckdb.InternalException)):
                        self._session.broken = True
                    raise _duckdb_error(self.path, exc, True) from None
                if isinstance(exc, OSError):  # the temporary files of _insert_blobs
                    raise StoreError(f"{self.path}: cannot write the store ({exc.strerror or exc}); "
                                     "the store is as it was") from None
                raise
            self._session.dirty = True
        self._maybe_publish()
        return out

    def _add_batch(self, con, snaps, replace):
        encs = [s.encoded() for s in snaps]
        rows = con.execute(
            "SELECT s.source, s.taken_at, s.id, s.content_hash FROM snapshots s JOIN "
            "(SELECT unnest(?::VARCHAR[]) AS source, unnest(?::TIMESTAMPTZ[]) AS taken_at) b "
            "ON s.source = b.source AND s.taken_at = b.taken_at",
            [[s.source for s in snaps], [s.taken_at for s in snaps]]).fetchall()
        stored = {(src, t.astimezone(dt.timezone.utc)): (sid, ch) for src, t, sid, ch in rows}
        plan, out = {}, []  # plan: key -> (snapshot, content hash, id), written below
        for snap, (chash, _) in zip(snaps, encs):
            key = (snap.source, snap.taken_at.astimezone(dt.timezone.utc))
            row = (plan[key][2], plan[key][1]) if key in plan else stored.get(key)  # (id, content hash)
            rec = {"origin": snap.origin, "taken_at": snap.taken_at.isoformat(), "source": snap.source}
            if row is not None:
                if row[1] == chash:
                    if snap.official and key not in plan:
                        self._write_official(con, row[0], snap.official)
                    out.append({**rec, "action": "unchanged", "id": row[0]})
                    continue
                if not replace:
                    out.append({**rec, "action": "conflict", "id": row[0],
                                "reason": f"a {snap.source} snapshot for {snap.taken_at:%Y-%m-%d %H:%M:%S} UTC is already stored with other content (use --replace to overwrite)"})
                    continue
                if key not in plan:
                    self._delete_snapshot(con, row[0])
            # A later map of this batch at the same time (with --replace) takes this one's place;
            # a replaced map keeps its id (the map maker's revision of a map is still that map).
            sid = plan[key][2] if key in plan else (row[0] if row is not None else None)
            plan[key] = (snap, chash, sid)
            out.append({**rec, "action": "replaced" if row is not None else "added", "id": sid})
        if not plan:
            return out
        # New ids in one statement (a round trip per id costs 1 ms).
        fresh = iter(r[0] for r in con.execute("SELECT nextval('snapshot_ids') FROM range(?)",
                                               [sum(p[2] is None for p in plan.values())]).fetchall())
        ids_of = {k: p[2] if p[2] is not None else next(fresh) for k, p in plan.items()}
        for rec, snap in zip(out, snaps):
            if rec["id"] is None:
                rec["id"] = ids_of[(snap.source, snap.taken_at.astimezone(dt.timezone.utc))]
        plan = [(p[0], p[1], ids_of[k]) for k, p in plan.items()]
        ids = [p[2] for p in plan]
        con.execute(
            "INSERT INTO snapshots SELECT unnest(?::INTEGER[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
            "unnest(?::TIMESTAMPTZ[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), now(), unnest(?::VARCHAR[])",
            [ids, [p[0].source for p in plan], [p[0].source_id for p in plan], [p[0].taken_at for p in plan],
             [p[1] for p in plan], [p[0].origin for p in plan], [json.dumps(p[0].stats, default=str) for p in plan]])
        layer_rows, geoms = [], {}
        for snap, _, sid in plan:
            for status, ghash, wkb in snap.encoded()[1]:
                layer_rows.append((sid, status, ghash))
                geoms.setdefault(ghash, wkb)
        if geoms:
            known = {r[0] for r in con.execute(
                "SELECT hash FROM geometries WHERE hash IN (SELECT unnest(?::VARCHAR[]))", [list(geoms)]).fetchall()}
            new = [h for h in geoms if h not in known]
            if new:
                _insert_blobs(con, "geometries", {h: geoms[h] for h in new})
        if layer_rows:
            con.execute("INSERT INTO layers SELECT unnest(?::INTEGER[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
                        [[r[0] for r in layer_rows], [r[1] for r in layer_rows], [r[2] for r in layer_rows]])
        for snap, _, sid in plan:
            if snap.official:
                self._write_official(con, sid, snap.official)
        return out

    def _write_official(self, con, sid, official):
        con.execute("DELETE FROM official_areas WHERE snapshot_id = ?", [sid])
        for a in official:
            con.execute("INSERT INTO official_areas VALUES (?, ?, ?, ?, ?, ?)",
                        [sid, a.get("type"), a.get("status"), a.get("hash"), a.get("area"), str(a.get("percent"))])

    def add_official_areas(self, snapshot_id: int, official: list[dict]):
        self.set_official_areas({snapshot_id: official})

    def set_official_areas(self, figures: dict):
        """Replace the map maker's figures of many snapshots, ``{snapshot_id: [rows]}`` (rows as
        :func:`frontwatch.sources.official.parse_areas` gives them), in ONE transaction."""
        figures = {int(k): v for k, v in figures.items()}
        if not figures:
            return
        rows = [(sid, a.get("type"), a.get("status"), a.get("hash"), a.get("area"),
                 None if a.get("percent") is None else str(a.get("percent"))) for sid, rs in figures.items() for a in rs]

        def write(con):
            con.execute("DELETE FROM official_areas WHERE list_contains(?, snapshot_id)", [list(figures)])
            if rows:
                cols = [list(c) for c in zip(*rows)]
                con.execute("INSERT INTO official_areas SELECT unnest(?::INTEGER[]), unnest(?::VARCHAR[]), "
                            "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::DOUBLE[]), unnest(?::VARCHAR[])", cols)
        self._transaction(write)

    def _delete_snapshot(self, con, sid):
        con.execute("DELETE FROM layers WHERE snapshot_id = ?", [sid])
        con.execute("DELETE FROM official_areas WHERE snapshot_id = ?", [sid])
        con.execute("DELETE FROM snapshots WHERE id = ?", [sid])
        # The files that gave the old content no longer give this snapshot (its id lives on).
        if self._has_table("ingested_files"):
            con.execute("DELETE FROM ingested_files WHERE snapshot_id = ?", [sid])

    # -------------------------------------------------------------- reading snapshots
    @_store_errors
    def sources(self) -> list[str]:
        return [r[0] for r in self.cursor().execute("SELECT DISTINCT source FROM snapshots ORDER BY source").fetchall()]

    @_store_errors
    def snapshots(self, source: str | None = None, start=None, end=None) -> list[SnapshotInfo]:
        """Stored snapshots of ``source`` (default: the main source, see :meth:`default_source`),
        with ``start <= date <= end`` (dates or datetimes, inclusive), oldest first."""
        source = source or self.default_source()
        q = "SELECT id, source, source_id, taken_at, content_hash, origin FROM snapshots WHERE source = ?"
        args = [source]
        if start is not None:
            q += " AND taken_at >= ?"
            args.append(_as_start(start))
        if end is not None:
            q += " AND taken_at < ?"
            args.append(_as_end(end))
        rows = self.cursor().execute(q + " ORDER BY taken_at", args).fetchall()
        return [SnapshotInfo(r[0], r[1], r[2], r[3].astimezone(dt.timezone.utc), r[4], r[5]) for r in rows]

    @_store_errors
    def source_statuses(self, source: str | None = None) -> tuple:
        """The statuses of which ``source`` (default: :meth:`default_source`) has a layer in at
        least one snapshot, in vocabulary order."""
        source = source or self.default_source()
        rows = self.cursor().execute(
            "SELECT DISTINCT l.status FROM layers l JOIN snapshots s ON s.id = l.snapshot_id WHERE s.source = ?",
            [source]).fetchall()
        have = {r[0] for r in rows}
        return tuple(st for st in STATUSES if st in have)

    @_store_errors
    def default_source(self) -> str | None:
        """``deepstate`` when present (the full map with every status), else the source with most snapshots."""
        rows = self.cursor().execute(
            "SELECT source, count(*) n FROM snapshots GROUP BY source ORDER BY (source = 'deepstate') DESC, n DESC").fetchall()
        return rows[0][0] if rows else None

    @_store_errors
    def layer_hashes(self, snapshot_id: int) -> dict[str, str]:
        rows = self.cursor().execute("SELECT status, geom_hash FROM layers WHERE snapshot_id = ?", [snapshot_id]).fetchall()
        return {s: h for s, h in rows}

    @_store_errors
    def all_layer_hashes(self, snapshot_ids) -> dict[int, dict[str, str]]:
        """``{snapshot_id: {status: geom_hash}}`` for many snapshots in one query."""
        ids = list(snapshot_ids)
        out = {i: {} for i in ids}
        if not ids:
            return out
        rows = self.cursor().execute(
            "SELECT snapshot_id, status, geom_hash FROM layers WHERE list_contains(?, snapshot_id)", [ids]).fetchall()
        for sid, status, h in rows:
            out[sid][status] = h
        return out

    @_store_errors
    def geometry(self, ghash: str):
        """The geometry stored under ``ghash`` (EPSG:4326), memoised in this process."""
        import shapely

        g = self._geom_cache.get(ghash)
        if g is None:
            row = self.cursor().execute("SELECT wkb FROM geometries WHERE hash = ?", [ghash]).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: geometry {ghash} missing (store damaged?)")
            g = shapely.from_wkb(row[0])
            if len(self._geom_cache) > 512:
                self._geom_cache.clear()
            self._geom_cache[ghash] = g
        return g

    @_store_errors
    def geometry_wkbs(self, ghashes) -> dict:
        """``{hash: WKB}`` for many hashes in one query, as stored (for engines, which ship WKB)."""
        want = list(dict.fromkeys(ghashes))
        if not want:
            return {}
        rows = self.cursor().execute(
            "SELECT hash, wkb FROM geometries WHERE hash IN (SELECT unnest(?::VARCHAR[]))", [want]).fetchall()
        if len(rows) < len(want):
            missing = sorted(set(want) - {r[0] for r in rows})
            raise StoreError(f"{self.path}: geometry {missing[0]} missing (store damaged?)")
        return {h: bytes(w) for h, w in rows}

    @_store_errors
    def layers(self, snapshot_id: int) -> dict:
        """``{status: geometry}`` of one snapshot."""
        return {s: self.geometry(h) for s, h in self.layer_hashes(snapshot_id).items()}

    @_store_errors
    def official_areas(self, snapshot_id: int) -> list[dict]:
        rows = self.cursor().execute(
            "SELECT type, status, hash, km2, percent FROM official_areas WHERE snapshot_id = ?", [snapshot_id]).fetchall()
        return [{"type": r[0], "status": r[1], "hash": r[2], "km2": r[3], "percent": r[4]} for r in rows]

    @_store_errors
    def stats(self, snapshot_id: int) -> dict:
        row = self.cursor().execute("SELECT stats FROM snapshots WHERE id = ?", [snapshot_id]).fetchone()
        return json.loads(row[0]) if row and row[0] else {}

    @_store_errors
    def official_of(self, snapshot_ids) -> dict:
        """``{snapshot_id: (official_areas rows, stats)}`` of the snapshots that have figures, in two
        queries (a query per map costs 5 ms: 1.2 s for a series of 239 maps)."""
        ids = [int(i) for i in snapshot_ids]
        if not ids:
            return {}
        cur = self.cursor()
        rows: dict = {}
        for sid, t, st, h, km2, pct in cur.execute(
                "SELECT snapshot_id, type, status, hash, km2, percent FROM official_areas WHERE list_contains(?, snapshot_id)",
                [ids]).fetchall():
            rows.setdefault(sid, []).append({"type": t, "status": st, "hash": h, "km2": km2, "percent": pct})
        if not rows:
            return {}
        stats = dict(cur.execute("SELECT id, stats FROM snapshots WHERE list_contains(?, id)", [list(rows)]).fetchall())
        return {sid: (r, json.loads(stats[sid]) if stats.get(sid) else {}) for sid, r in rows.items()}

    @_store_errors
    def summary(self) -> dict:
        c = self.cursor()
        n = c.execute("SELECT source, count(*), min(taken_at), max(taken_at) FROM snapshots GROUP BY source ORDER BY source").fetchall()
        ng = c.execute("SELECT count(*) FROM geometries").fetchone()[0]
        return {"path": str(self.path), "geometries": ng,
                "sources": [{"source": s, "snapshots": k, "first": a.date().isoformat(), "last": b.date().isoformat()} for s, k, a, b in n]}

    # -------------------------------------------------------------- borders
    # Each country's row also keeps the hash of the file the borders were prepared from
    # (``file_hash``: frontwatch.geo.regions.borders_file_hash) and the country's region key, so
    # that a command given the same file again (``--borders FILE``) takes the stored borders
    # instead of reading and preparing 5 MB again, and a region resolves without hashing its
    # geometry. Columns added on first write, so older stores open unchanged.
    def set_borders(self, borders: dict, origin: str, *, file_hash: str | None = None, keys: dict | None = None):
        """Replace the stored country borders with ``{iso_a3: geometry}`` (one transaction);
        ``file_hash`` of the file they were prepared from and ``keys`` (``{iso_a3: region key}``)
        are kept with them (see :meth:`borders`)."""
        keys = keys or {}

        def write(con):
            con.execute("ALTER TABLE borders ADD COLUMN IF NOT EXISTS file_hash VARCHAR")
            con.execute("ALTER TABLE borders ADD COLUMN IF NOT EXISTS key VARCHAR")
            con.execute("DELETE FROM borders")
            for iso in borders:
                con.execute("INSERT INTO borders (iso_a3, wkb, origin, file_hash, key) VALUES (?, ?, ?, ?, ?)",
                            [iso, _border_wkb(borders, iso), origin, file_hash, keys.get(iso)])
        self._transaction(write)

    @_store_errors
    def borders(self) -> "StoredBorders":
        """The stored country borders, ``{iso_a3: geometry}`` (a mapping that decodes a country
        when it is first asked for: a query about Russia does not decode the seven others)."""
        cur = self.cursor()
        if "key" in self._columns("borders"):
            rows = cur.execute("SELECT iso_a3, wkb, key, file_hash FROM borders ORDER BY iso_a3").fetchall()
        else:
            rows = [(iso, w, None, None) for iso, w in cur.execute("SELECT iso_a3, wkb FROM borders ORDER BY iso_a3").fetchall()]
        return StoredBorders({iso: (w, k) for iso, w, k, _ in rows}, rows[0][3] if rows else None)

    def borders_of_file(self, file_hash: str) -> "StoredBorders | None":
        """The borders prepared from the file of ``file_hash`` when the store holds them (its own
        borders), or the machine cache or the store's cache does (kept by
        :meth:`keep_prepared_borders`, by this store or any other); else None."""
        if not file_hash:
            return None
        own = self.borders()
        if own and own.file_hash == file_hash and all(own.key_of(i) for i in own):
            return own
        rows = self.machine_cache.borders(file_hash) or self.cache.borders(file_hash)
        return StoredBorders(rows, file_hash) if rows else None

    def keep_prepared_borders(self, file_hash: str, borders: dict, keys: dict, origin: str = ""):
        """Keep the borders prepared from a file given to a command (``--borders FILE``) that are
        not the store's own, under the file's hash, in the machine cache (the store's own cache
        when that cannot be written; a query never writes the store), so that the next command
        given the same file, on this store or any other, does not prepare it again; the store's
        own borders stay as they are."""
        import shapely

        if file_hash:
            self._machine_or_cache().put_borders(file_hash, {iso: (shapely.to_wkb(g, output_dimension=2), keys.get(iso))
                                               for iso, g in borders.items()})

    def _columns(self, table: str) -> set:
        return {r[0] for r in self.cursor().execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}

    # -------------------------------------------------------------- first-level regions (frontwatch.geo.admin)
    # Oblasts and their like, as drawn (sea included; cut to land when resolved), per country. A
    # table of its own, created on first write, so older stores open unchanged.
    def _has_table(self, name: str) -> bool:
        return bool(self.cursor().execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])

    def set_admin_units(self, country: str, units: list[dict], origin: str):
        """Replace the stored units of ``country`` (ISO-3) with ``units`` (dicts with iso, country,
        name, source_name, wkb), in one transaction; a no-op on a read-only store."""
        if self.read_only:
            return

        def write(con):
            con.execute("CREATE TABLE IF NOT EXISTS admin_units (iso VARCHAR PRIMARY KEY, country VARCHAR NOT NULL, "
                        "name VARCHAR, source_name VARCHAR, wkb BLOB NOT NULL, origin VARCHAR)")
            con.execute("DELETE FROM admin_units WHERE country = ?", [country])
            for u in units:
                con.execute("INSERT OR REPLACE INTO admin_units VALUES (?, ?, ?, ?, ?, ?)",
                            [u["iso"], country, u["name"], u.get("source_name"), u["wkb"], origin])
        self._transaction(write)

    def admin_units(self) -> list[dict]:
        """The stored units (dicts with iso, country, name, source_name, wkb, origin), by code."""
        if not self._has_table("admin_units"):
            return []
        rows = self.cursor().execute(
            "SELECT iso, country, name, source_name, wkb, origin FROM admin_units ORDER BY iso").fetchall()
        return [dict(zip(("iso", "country", "name", "source_name", "wkb", "origin"), r)) for r in rows]

    # -------------------------------------------------------------- region tilings (frontwatch.geo.geodesy)
    # A large region's equal-area tiling (TiledRegion.state()), saved under the region's hash and
    # the tiling version so that a later process measures at once instead of rebuilding it.
    def _ensure_region_tiles(self):
        if not getattr(self, "_region_tiles_ready", None) is self._base:
            cols = {r[0] for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'region_tiles'").fetchall()}
            if cols and "gap_ends" not in cols:  # a layout of a development version: a cache, so rebuilt
                self.con.execute("DROP TABLE region_tiles")
            self.con.execute("CREATE TABLE IF NOT EXISTS region_tiles (key VARCHAR PRIMARY KEY, margin DOUBLE, "
                             "boxes BLOB, piece_km2 BLOB, gap_cell BLOB, gap_km2 BLOB, gap_ends BLOB, gaps BLOB)")
            self._region_tiles_ready = self._base

    @_store_errors
    def region_tiles(self, key: str) -> dict | None:
        """The saved tiling state under ``key``, or None: the cache's (tiles cut by queries
        since) when it has one, else the store's (saved with the borders), else the machine
        cache's (cut by queries on any store: a tiling depends on the region's geometry alone,
        which ``key`` names). In the store, arrays are little-endian bytes and the gaps one blob
        of concatenated WKB with their end offsets."""
        import numpy as np

        if self._session is None:
            cached = self.cache.tiles(key)
            if cached is not None:
                return cached
        cur = self.cursor()
        row = None
        if cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'region_tiles'").fetchone()[0]:
            try:
                row = cur.execute("SELECT margin, boxes, piece_km2, gap_cell, gap_km2, gap_ends, gaps FROM region_tiles "
                                  "WHERE key = ?", [key]).fetchone()
            except duckdb.Error:  # another layout: treated as not saved (put_region_tiles replaces it)
                row = None
        if row is None:
            return self.machine_cache.tiles(key) if self._session is None else None
        margin, boxes, piece, cell, km2, ends, blob = row
        ends = np.frombuffer(ends, dtype="<i8")
        starts = np.concatenate([[0], ends[:-1]])
        return {"margin": margin, "boxes": np.frombuffer(boxes, dtype="<f8").reshape(-1, 4),
                "piece_km2": np.frombuffer(piece, dtype="<f8"), "gap_cell": np.frombuffer(cell, dtype="<i8"),
                "gap_km2": np.frombuffer(km2, dtype="<f8"), "gaps": [blob[a:b] for a, b in zip(starts, ends)]}

    def put_region_tiles(self, key: str, state: dict):
        """Save a tiling state under ``key``: in the store while writing it (the borders' tilings,
        saved with them), else in the machine cache (tiles a query cut, for every store; the
        store's cache when the machine's cannot be written): a query never writes the store."""
        import numpy as np

        if self._session is None:
            self._machine_or_cache().put_tiles(key, state)
            return
        gaps = [bytes(g) for g in state["gaps"]]
        ends = np.cumsum([len(g) for g in gaps], dtype="<i8")
        arr = lambda a, t: np.ascontiguousarray(a, dtype=t).tobytes()  # noqa: E731
        def write(con):
            self._ensure_region_tiles()
            con.execute("INSERT OR REPLACE INTO region_tiles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [key, float(state["margin"]), arr(state["boxes"], "<f8"), arr(state["piece_km2"], "<f8"),
                         arr(state["gap_cell"], "<i8"), arr(state["gap_km2"], "<f8"), ends.tobytes(), b"".join(gaps)])
        self._transaction(write)

    # -------------------------------------------------------------- measure cache
    # In STORE.cache, not in the store (see the module docstring); the store's measure_cache
    # table of earlier versions is no longer read or written.
    def cached(self, kind: str, keys: list[str]) -> dict[str, float]:
        """``{key: value}`` of the figures of ``kind`` computed before (by any process; those of
        :data:`MACHINE_KINDS` by any process on any store of the machine)."""
        got = self.cache.get(kind, keys)
        if kind in MACHINE_KINDS and len(got) < len(keys):
            got.update(self.machine_cache.get(kind, [k for k in keys if k not in got]))
        return got

    def put_cached(self, kind: str, values: dict[str, float]):
        """Keep figures for later (in the bounded cache beside the store, or for
        :data:`MACHINE_KINDS` the machine's; never in the store)."""
        (self._machine_or_cache() if kind in MACHINE_KINDS else self.cache).put(kind, values)

    # -------------------------------------------------------------- ingested files (frontwatch.ingest)
    # Which raw files (hash of their bytes + reader options) produced which snapshots, so that a
    # re-ingest skips files already stored unchanged without parsing them. A table of its own,
    # created on first use, so older stores and the snapshots INSERT stay as they are; a file
    # whose snapshot was since replaced no longer joins, and is read again.
    def _ensure_ingested_files(self):
        if not getattr(self, "_ingested_files_ready", None) is self._base:
            self.con.execute("CREATE TABLE IF NOT EXISTS ingested_files (file_hash VARCHAR NOT NULL, "
                             "snapshot_id INTEGER NOT NULL, PRIMARY KEY (file_hash, snapshot_id))")
            self._ingested_files_ready = self._base

    @_store_errors
    def ingested_files(self, file_hashes) -> dict:
        """``{file_hash: [stats of each stored snapshot that file produced]}`` for the known ones."""
        hashes = list(file_hashes)
        if not hashes:
            return {}
        if self._session is None:
            if not self.cursor().execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name = 'ingested_files'").fetchone()[0]:
                return {}
        else:
            with self._lock:
                self._ensure_ingested_files()
        rows = self.cursor().execute(
            "SELECT f.file_hash, s.stats FROM ingested_files f JOIN snapshots s ON s.id = f.snapshot_id "
            "WHERE list_contains(?, f.file_hash) ORDER BY s.taken_at", [hashes]).fetchall()
        out: dict = {}
        for h, stats in rows:
            out.setdefault(h, []).append(json.loads(stats) if stats else {})
        return out

    def add_ingested_files(self, pairs):
        """Record ``(file_hash, snapshot_id)`` pairs, in one transaction."""
        pairs = list(pairs)
        if not pairs or self.read_only:
            return
        with self._lock:
            self.begin_writing()
            self._ensure_ingested_files()
            self._transaction(lambda con: con.execute(
                "INSERT OR IGNORE INTO ingested_files SELECT DISTINCT * FROM "
                "(SELECT unnest(?::VARCHAR[]) AS f, unnest(?::INTEGER[]) AS s)",
                [[p[0] for p in pairs], [p[1] for p in pairs]]))

    # -------------------------------------------------------------- versions of fetched maps (frontwatch.sources.live)
    # The listing's updatedAt of each map when it was fetched, so that a map the map maker revised
    # since is fetched again. A table of its own, created on first use.
    def map_versions(self, source: str, source_ids) -> dict:
        """``{source_id: updatedAt (UTC) of the version stored}`` for the maps known."""
        ids = [str(i) for i in source_ids]
        if not ids or not self._has_table("map_versions"):
            return {}
        rows = self.cursor().execute(
            "SELECT source_id, updated_at FROM map_versions WHERE source = ? AND list_contains(?, source_id)",
            [source, ids]).fetchall()
        return {sid: u.astimezone(dt.timezone.utc) for sid, u in rows if u is not None}

    def set_map_versions(self, source: str, versions: dict):
        """Record ``{source_id: updatedAt}`` of maps just fetched (one statement)."""
        versions = {str(k): v for k, v in versions.items() if v is not None}
        if not versions or self.read_only:
            return
        def write(con):
            con.execute("CREATE TABLE IF NOT EXISTS map_versions (source VARCHAR NOT NULL, source_id VARCHAR NOT NULL, "
                        "updated_at TIMESTAMPTZ, fetched_at TIMESTAMPTZ, PRIMARY KEY (source, source_id))")
            con.execute("INSERT OR REPLACE INTO map_versions SELECT ?, unnest(?::VARCHAR[]), unnest(?::TIMESTAMPTZ[]), now()",
                        [source, list(versions), list(versions.values())])
        self._transaction(write)

    # -------------------------------------------------------------- the map maker's notes (frontwatch.sources.notes)
    # One note per published map (keyed by the map's id, its unix time), and the places each
    # links, one row each, so that the notes near a point are found with an index-friendly box
    # before the exact distance. Tables of their own, created on first use, like ingested_files.
    def _ensure_notes(self):
        if not getattr(self, "_notes_ready", None) is self._base:
            self.con.execute("CREATE TABLE IF NOT EXISTS notes (map_id BIGINT PRIMARY KEY, source VARCHAR NOT NULL, "
                             "created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ, lang VARCHAR, text VARCHAR)")
            self.con.execute("CREATE TABLE IF NOT EXISTS note_places (map_id BIGINT NOT NULL, seq INTEGER NOT NULL, "
                             "name VARCHAR, lat DOUBLE, lon DOUBLE, zoom DOUBLE, site_id VARCHAR, "
                             "PRIMARY KEY (map_id, seq))")
            self._notes_ready = self._base

    def add_notes(self, notes, source: str = "deepstate") -> dict:
        """Store the map maker's notes (:class:`frontwatch.sources.notes.Note`) in ONE transaction,
        replacing a stored note of the same map. Returns ``{"added", "updated", "unchanged"}``
        (updated: its text, places or ``updatedAt`` changed)."""
        notes = list(notes)
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        if not notes:
            return counts
        with self._lock:
            self.begin_writing()
            self._ensure_notes()
            con = self.con
            old = {r[0]: r[1:] for r in con.execute(
                "SELECT map_id, updated_at, lang, text FROM notes WHERE list_contains(?, map_id)",
                [[n.map_id for n in notes]]).fetchall()}
            old_places = {}
            if old:
                for mid, name, lat, lon, zoom, site in con.execute(
                        "SELECT map_id, name, lat, lon, zoom, site_id FROM note_places WHERE list_contains(?, map_id) "
                        "ORDER BY map_id, seq", [list(old)]).fetchall():
                    old_places.setdefault(mid, []).append((name, lat, lon, zoom, site))
            todo = []
            for n in {n.map_id: n for n in notes}.values():
                places = [(p.name, p.lat, p.lon, p.zoom, p.site_id) for p in (*n.places, *n.site_places)]
                if n.map_id in old:
                    upd, lang, text = old[n.map_id]
                    same_time = (upd is None and n.updated is None) or (
                        upd is not None and n.updated is not None and upd.astimezone(dt.timezone.utc) == n.updated)
                    if same_time and lang == n.lang and text == n.text and old_places.get(n.map_id, []) == places:
                        counts["unchanged"] += 1
                        continue
                    counts["updated"] += 1
                else:
                    counts["added"] += 1
                todo.append((n, places))
            if not todo:
                return counts
            ids = [n.map_id for n, _ in todo]

            def write(con):
                con.execute("DELETE FROM note_places WHERE list_contains(?, map_id)", [ids])
                con.execute("DELETE FROM notes WHERE list_contains(?, map_id)", [ids])
                con.execute("INSERT INTO notes SELECT unnest(?::BIGINT[]), ?, unnest(?::TIMESTAMPTZ[]), "
                            "unnest(?::TIMESTAMPTZ[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
                            [ids, source, [n.created for n, _ in todo], [n.updated for n, _ in todo],
                             [n.lang for n, _ in todo], [n.text for n, _ in todo]])
                rows = [(n.map_id, i, *p) for n, places in todo for i, p in enumerate(places)]
                if rows:
                    cols = list(zip(*rows))
                    con.execute("INSERT INTO note_places SELECT unnest(?::BIGINT[]), unnest(?::INTEGER[]), "
                                "unnest(?::VARCHAR[]), unnest(?::DOUBLE[]), unnest(?::DOUBLE[]), unnest(?::DOUBLE[]), "
                                "unnest(?::VARCHAR[])", [list(c) for c in cols])
            self._transaction(write)
        return counts

    def notes(self, start=None, end=None, *, near=None, source: str | None = None) -> list:
        """The map maker's notes of the maps published between ``start`` and ``end`` (dates or
        datetimes, inclusive; UTC days), oldest first, as :class:`frontwatch.sources.notes.Note`.

        ``near=(lat, lon, km)`` keeps the notes that link a place within ``km`` of the point
        (geodesic distance on WGS84), each with ``near`` set to those places and their
        distances, nearest first. Places linked by the site's own id (``site_places``) have no
        coordinates and are never near anything."""
        if not self._has_table("notes"):
            return []
        q = "SELECT map_id, created_at, updated_at, lang, text FROM notes WHERE 1=1"
        args = []
        if source:
            q += " AND source = ?"
            args.append(source)
        if start is not None:
            q += " AND created_at >= ?"
            args.append(_as_start(start))
        if end is not None:
            q += " AND created_at < ?"
            args.append(_as_end(end))
        cur = self.cursor()
        rows = cur.execute(q + " ORDER BY created_at, map_id", args).fetchall()
        if not rows:
            return []
        places: dict = {}
        for mid, name, lat, lon, zoom, site in cur.execute(
                "SELECT map_id, name, lat, lon, zoom, site_id FROM note_places WHERE map_id IN "
                "(SELECT unnest(?::BIGINT[])) ORDER BY map_id, seq", [[r[0] for r in rows]]).fetchall():
            places.setdefault(mid, []).append(notes_src.LinkedPlace(name, lat, lon, zoom, site))
        out = [notes_src.Note(mid, c.astimezone(dt.timezone.utc), u.astimezone(dt.timezone.utc) if u else None, lang, text,
                    tuple(p for p in places.get(mid, ()) if p.lat is not None),
                    tuple(p for p in places.get(mid, ()) if p.lat is None)) for mid, c, u, lang, text in rows]
        if near is None:
            return out
        lat0, lon0, km = (float(v) for v in near)
        from pyproj import Geod

        geod = Geod(ellps="WGS84")
        kept = []
        for n in out:
            located = list(n.places)
            if not located:
                continue
            _, _, metres = geod.inv([lon0] * len(located), [lat0] * len(located),
                                    [p.lon for p in located], [p.lat for p in located])
            hits = sorted(((p, m / 1000.0) for p, m in zip(located, metres) if m / 1000.0 <= km), key=lambda t: t[1])
            if hits:
                kept.append(dataclasses.replace(n, near=tuple(hits)))
        return kept

    def notes_summary(self) -> dict:
        """``{"notes", "places", "first", "last"}`` of the stored notes (zeros and None when none)."""
        if not self._has_table("notes"):
            return {"notes": 0, "places": 0, "first": None, "last": None}
        c = self.cursor()
        n, a, b = c.execute("SELECT count(*), min(created_at), max(created_at) FROM notes").fetchone()
        k = c.execute("SELECT count(*) FROM note_places").fetchone()[0]
        return {"notes": n, "places": k, "first": a.date().isoformat() if a else None,
                "last": b.date().isoformat() if b else None}

    # -------------------------------------------------------------- claims ledger
    def replace_claims(self, report: str, report_hash: str, rows: list[dict], *, same_name: bool = True) -> int:
        """Replace the ledger rows of one checked report by ``rows`` in ONE transaction.

        A report is the same when its content hash matches, or (``same_name``) its name does, so
        re-checking an edited file replaces its rows too. Each row has the ``claims`` columns
        (``id`` unique in the store, ``record`` a JSON string). Returns the rows written."""
        def write(con):
            if same_name:
                con.execute("DELETE FROM claims WHERE report_hash = ? OR report = ?", [report_hash, report])
            else:
                con.execute("DELETE FROM claims WHERE report_hash = ?", [report_hash])
            cols = ("id", "report", "report_hash", "published", "checked_at", "measure", "place", "side",
                    "date", "record", "verdict", "reason")
            if rows:
                con.executemany(f"INSERT INTO claims ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                [[r.get(c) for c in cols] for r in rows])
        self._transaction(write)
        return len(rows)

    @_store_errors
    def claims(self, measure: str | None = None, place: str | None = None) -> list[dict]:
        """Ledger rows (``record`` parsed), oldest claim date first; ``measure``/``place`` match
        case-insensitively."""
        q = ("SELECT id, report, report_hash, published, checked_at, measure, place, side, date, record, verdict, "
             "reason FROM claims WHERE 1=1")
        args = []
        if measure:
            q += " AND lower(measure) = lower(?)"
            args.append(measure)
        if place:
            # "Kursk" finds "Kursk oblast" too: claims name an oblast that way (frontwatch.claims.places).
            q += " AND (lower(place) = lower(?) OR lower(place) = lower(?) || ' oblast')"
            args.extend([place, place])
        rows = self.cursor().execute(q + " ORDER BY measure, date, published, report, id", args).fetchall()
        keys = ("id", "report", "report_hash", "published", "checked_at", "measure", "place", "side", "date",
                "record", "verdict", "reason")
        out = []
        for r in rows:
            d = dict(zip(keys, r))
            d["record"] = json.loads(d["record"]) if d["record"] else {}
            out.append(d)
        return out

# Writers not closed yet, held (strongly: a script may drop its last reference without closing)
# until they publish, at the latest when the interpreter exits.
_open_writers: "set[Store]" = set()


@atexit.register
def _publish_open_writers():
    """A writer left open at exit publishes what it committed, as DuckDB kept committed
    transactions when stores were written in place (scripts that never close their store)."""
    for st in list(_open_writers):
        try:
            st.close()
        except Exception:  # noqa: BLE001 - at exit, nothing better to do
            pass


def _remove_copy(copy: Path):
    for p in (copy, copy.with_name(copy.name + ".wal")):
        try:
            p.unlink()
        except OSError:
            pass


def clean_writer_leftovers(store_path: Path) -> list[Path]:
    """Remove the copies that writers killed mid-write left beside the store (only the writer
    lock's holder may call it: every other copy's writer is then gone). Returns them."""
    gone = []
    for p in store_path.parent.glob(store_path.name + ".writing-*"):
        m = re.match(re.escape(store_path.name) + r"\.writing-(\d+)-", p.name)
        if m and int(m.group(1)) == os.getpid():
            continue  # this process's own (a session in progress on another Store object)
        try:
            p.unlink()
            gone.append(p)
        except OSError:
            pass
    return gone


class SideCache:
    """Figures computed from the store, kept apart from it in a SQLite file (WAL mode: readers
    and one writer at a time across processes, never blocking each other for long), bounded:
    at most ``max_rows`` figures and ``max_tile_bytes`` of tilings, the oldest written going
    first. Keys are content addresses (layer hash | region hash), so a figure is never stale.
    If the file cannot be used (a read-only folder, a damaged file), figures are kept in memory
    for this process instead, within the same bounds."""

    def __init__(self, path, max_rows: int | None = None, max_tile_bytes: int | None = None):
        self.path = Path(path)
        self.max_rows = int(max_rows or os.environ.get("FRONTWATCH_CACHE_ROWS") or CACHE_MAX_ROWS)
        self.max_tile_bytes = int(max_tile_bytes or CACHE_MAX_TILE_BYTES)
        self._local = threading.local()
        self._conns: list = []
        self._guard = threading.Lock()
        self._memory: dict | None = None
        self._tiles_memory: dict = {}
        try:
            self._db().execute("SELECT 1 FROM measures LIMIT 1")
        except (sqlite3.Error, OSError):
            self._memory = {}

    def _db(self):
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=5.0, isolation_level=None, check_same_thread=False)
            try:
                con.execute("PRAGMA journal_mode=WAL")
                con.execute("PRAGMA synchronous=NORMAL")
                con.execute("CREATE TABLE IF NOT EXISTS measures (kind TEXT NOT NULL, key TEXT NOT NULL, "
                            "value REAL, PRIMARY KEY (kind, key))")
                con.execute("CREATE TABLE IF NOT EXISTS tiles (key TEXT PRIMARY KEY, state BLOB NOT NULL)")
                con.execute("CREATE TABLE IF NOT EXISTS borders (file_hash TEXT PRIMARY KEY, rows BLOB NOT NULL)")
            except sqlite3.Error:
                con.close()
                raise
            self._local.con = con
            with self._guard:
                self._conns.append(con)
        return con

    @property
    def in_memory(self) -> bool:
        """True when the file cannot be used and figures are kept in this process only."""
        return self._memory is not None

    def _failed(self):
        """Use memory from now on (the file went bad under us: a full disk, a deleted folder)."""
        if self._memory is None:
            self._memory = {}

    def get(self, kind: str, keys) -> dict[str, float]:
        keys = list(keys)
        if not keys:
            return {}
        if self._memory is not None:
            return {k: self._memory[(kind, k)] for k in keys if (kind, k) in self._memory}
        try:
            rows = self._db().execute("SELECT key, value FROM measures WHERE kind = ? AND key IN "
                                      "(SELECT value FROM json_each(?))", [kind, json.dumps(keys)]).fetchall()
        except sqlite3.Error:
            self._failed()
            return {}
        return dict(rows)

    def put(self, kind: str, values: dict):
        if not values:
            return
        if self._memory is not None:
            if len(self._memory) + len(values) > self.max_rows:
                for k in list(self._memory)[:max(len(values), self.max_rows // 10)]:
                    del self._memory[k]
            self._memory.update({(kind, k): float(v) for k, v in values.items()})
            return
        try:
            con = self._db()
            con.execute("BEGIN IMMEDIATE")
            try:
                con.executemany("INSERT OR REPLACE INTO measures (kind, key, value) VALUES (?, ?, ?)",
                                [(kind, k, float(v)) for k, v in values.items()])
                lo, hi = con.execute("SELECT min(rowid), max(rowid) FROM measures").fetchone()
                if lo is not None and hi - lo + 1 > self.max_rows:
                    # Oldest written first out, down to 90% of the bound (rowids grow with each write).
                    con.execute("DELETE FROM measures WHERE rowid <= ?", [hi - int(self.max_rows * 0.9)])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            pass  # a busy or full cache: the figure is computed again next time

    def rows(self) -> int:
        if self._memory is not None:
            return len(self._memory)
        return self._db().execute("SELECT count(*) FROM measures").fetchone()[0]

    def tiles(self, key: str) -> dict | None:
        if self._memory is not None:
            blob = self._tiles_memory.get(key)
        else:
            try:
                row = self._db().execute("SELECT state FROM tiles WHERE key = ?", [key]).fetchone()
            except sqlite3.Error:
                self._failed()
                row = None
            blob = row[0] if row else None
        return _unpack_tiles(blob) if blob is not None else None

    def put_tiles(self, key: str, state: dict):
        blob = _pack_tiles(state)
        if len(blob) > self.max_tile_bytes:
            return
        if self._memory is not None:
            self._tiles_memory[key] = blob
            while sum(map(len, self._tiles_memory.values())) > self.max_tile_bytes:
                del self._tiles_memory[next(iter(self._tiles_memory))]
            return
        try:
            con = self._db()
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute("INSERT OR REPLACE INTO tiles (key, state) VALUES (?, ?)", [key, blob])
                total = con.execute("SELECT coalesce(sum(length(state)), 0) FROM tiles").fetchone()[0]
                while total > self.max_tile_bytes:
                    oldest = con.execute("SELECT rowid, length(state) FROM tiles ORDER BY rowid LIMIT 1").fetchone()
                    con.execute("DELETE FROM tiles WHERE rowid = ?", [oldest[0]])
                    total -= oldest[1]
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            pass

    BORDERS_KEPT = 2  # borders files other than the store's own, prepared and kept (4-5 MB each)

    def borders(self, file_hash: str) -> dict | None:
        """``{iso_a3: (WKB, region key)}`` of the borders kept under ``file_hash``, or None."""
        if self._memory is not None:
            blob = self._tiles_memory.get(("borders", file_hash))
        else:
            try:
                row = self._db().execute("SELECT rows FROM borders WHERE file_hash = ?", [file_hash]).fetchone()
            except sqlite3.Error:
                self._failed()
                row = None
            blob = row[0] if row else None
        return _unpack_borders(blob) if blob is not None else None

    def put_borders(self, file_hash: str, rows: dict):
        """Keep ``{iso_a3: (WKB, region key)}`` under ``file_hash`` (the newest :data:`BORDERS_KEPT`)."""
        blob = _pack_borders(rows)
        if self._memory is not None:
            self._tiles_memory[("borders", file_hash)] = blob
            return
        try:
            con = self._db()
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute("INSERT OR REPLACE INTO borders (file_hash, rows) VALUES (?, ?)", [file_hash, blob])
                con.execute("DELETE FROM borders WHERE rowid NOT IN (SELECT rowid FROM borders ORDER BY rowid DESC "
                            "LIMIT ?)", [self.BORDERS_KEPT])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            pass  # prepared again next time

    def clear(self, tiles: bool = False):
        if self._memory is not None:
            self._memory.clear()
            if tiles:
                self._tiles_memory.clear()
            return
        con = self._db()
        con.execute("DELETE FROM measures")
        if tiles:
            con.execute("DELETE FROM tiles")

    def close(self):
        with self._guard:
            for con in self._conns:
                try:
                    con.close()
                except sqlite3.Error:
                    pass
            self._conns.clear()
        self._local = threading.local()


def _pack_borders(rows: dict) -> bytes:
    """``{iso_a3: (WKB, key)}`` as one blob: a JSON header (iso, key, length of each WKB), a
    newline, then the WKB one after the other."""
    head = json.dumps([[iso, key, len(wkb)] for iso, (wkb, key) in sorted(rows.items())]).encode()
    return head + b"\n" + b"".join(bytes(rows[iso][0]) for iso in sorted(rows))


def _unpack_borders(blob: bytes) -> dict | None:
    try:
        head, _, body = bytes(blob).partition(b"\n")
        out, at = {}, 0
        for iso, key, n in json.loads(head):
            out[iso] = (body[at:at + n], key)
            at += n
        return out if at == len(body) else None
    except (ValueError, TypeError):
        return None  # a damaged entry: prepared again


_TILE_ARRAYS = (("boxes", "<f8"), ("piece_km2", "<f8"), ("gap_cell", "<i8"), ("gap_km2", "<f8"))


def _pack_tiles(state: dict) -> bytes:
    """A tiling state as one blob (numpy's .npz of plain arrays: no pickle)."""
    import numpy as np

    gaps = [bytes(g) for g in state["gaps"]]
    arrays = {name: np.ascontiguousarray(state[name], dtype=t) for name, t in _TILE_ARRAYS}
    buf = io.BytesIO()
    np.savez(buf, margin=np.float64(state["margin"]), gap_ends=np.cumsum([len(g) for g in gaps], dtype="<i8"),
             gaps=np.frombuffer(b"".join(gaps), dtype=np.uint8), **arrays)
    return buf.getvalue()


def _unpack_tiles(blob: bytes) -> dict | None:
    import numpy as np

    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            ends = z["gap_ends"]
            raw = z["gaps"].tobytes()
            starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
            out = {"margin": float(z["margin"]), "boxes": z["boxes"].reshape(-1, 4)}
            for name, _ in _TILE_ARRAYS[1:]:
                out[name] = z[name]
            out["gaps"] = [raw[a:b] for a, b in zip(starts, ends)]
            return out
    except (ValueError, KeyError, OSError):
        return None  # a damaged entry: rebuilt


def _as_start(d):
    if isinstance(d, dt.datetime):
        return d if d.tzinfo else d.replace(tzinfo=dt.timezone.utc)
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc)


def _as_end(d):
    """Exclusive upper bound: the day after a date, or the datetime itself plus a microsecond."""
    if isinstance(d, dt.datetime):
        return (d if d.tzinfo else d.replace(tzinfo=dt.timezone.utc)) + dt.timedelta(microseconds=1)
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc) + dt.timedelta(days=1)
