"""Map archives packed as zip or tar files (``history.zip``, ``deepstate.tar.gz``), read as the
folders they hold.

An archive among the inputs (given itself, found in a folder, or an object in a store) is
unpacked into one temporary folder that lives as long as the :class:`Unpacked` block, and its
map files are read like any others; names shown to the user (error lines, the stored snapshots'
origins) are ``ARCHIVE!member`` (``history.zip!history/1732312508.geojson``), never the
temporary path. A member's bytes are the file's, so a map ingested from an archive and the same
map ingested from a folder are one stored file (the same file key), and re-ingesting the archive
changes nothing.

Safety: members whose names leave the folder (``../x``, absolute paths) or that are links or
devices are refused by the standard library's own checks (zip names are sanitised by
:meth:`zipfile.ZipFile.extract`; tar members go through ``tarfile``'s ``data`` filter), and an
archive is refused before anything is written when its unpacked size would pass
:func:`max_archive_bytes` (8 GiB by default; an archive bomb, e.g. 50 MB of zipped zeros, unpacks
to tens of GB), would not fit on the temporary disk, or when it holds more than
:data:`MAX_MEMBERS` files. The sizes checked are the ones the archive declares; Python's zipfile
and tarfile never write more than a member declares (zipfile then fails its CRC check), so the
check bounds what is written. The temporary folder is named after the process
(``frontwatch-archive-PID-...``): one left by a process killed mid-ingest is removed by the next
ingest (:func:`frontwatch.sources.base.clean_temp_leftovers`). Choice: unpack to disk rather than read members in memory, because the readers run in
worker processes that take file paths; with a remote Dask cluster put the files on shared storage
instead (a temporary folder here is not seen by workers elsewhere).
May import: the standard library, frontwatch.sources.base.
"""
from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path

from frontwatch.sources.base import ARCHIVE_SUFFIXES, SourceError, clean_temp_leftovers, download, is_url, iter_files, temp_folder

MAX_DEPTH = 3  # archives inside archives, at most this deep
MAX_MEMBERS = 200_000  # files in one archive (the whole DeepStateMap archive is under 2,000)
MAX_ARCHIVE_BYTES = 8 << 30  # unpacked, one archive


def max_archive_bytes() -> int:
    """The most one archive may unpack to: ``$FRONTWATCH_MAX_ARCHIVE_MB`` MB, else 8 GiB."""
    env = os.environ.get("FRONTWATCH_MAX_ARCHIVE_MB")
    try:
        return int(float(env) * 1024 * 1024) if env else MAX_ARCHIVE_BYTES
    except ValueError:
        return MAX_ARCHIVE_BYTES


def is_archive(path) -> bool:
    """True for a zip or tar archive, by its name."""
    return str(path).lower().endswith(ARCHIVE_SUFFIXES)


class Unpacked:
    """A temporary folder for the archives of one ingest, removed when the block ends.

    >>> with Unpacked() as unpacked:                           # doctest: +SKIP
    ...     folder = unpacked.folder_of("history.zip")         # then read the files under it
    ...     unpacked.shown(str(folder / "history/1.geojson"))  # 'history.zip!history/1.geojson'
    """

    def __init__(self):
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._names: dict[str, str] = {}  # unpacked folder -> the archive's name as given
        self._count = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def folder_of(self, archive) -> Path:
        """Unpack ``archive`` (a path or an object URL) and return the folder holding its members.
        SourceError, naming the archive, when it is corrupt, truncated, unsafe or too large."""
        if self._tmp is None:
            clean_temp_leftovers()
            self._tmp = temp_folder("archive")
        shown = self.shown(str(archive))
        self._count += 1
        folder = Path(self._tmp.name) / f"a{self._count}"
        folder.mkdir()
        fetched = is_url(archive)
        local = download(archive, folder.with_suffix(".download")) if fetched else Path(archive)
        try:
            if str(archive).lower().endswith(".zip") or zipfile.is_zipfile(local):  # by name: a truncated zip has no directory
                _unzip(local, folder, shown)
            else:
                _untar(local, folder, shown)
        finally:
            if fetched:
                local.unlink(missing_ok=True)
        self._names[str(folder)] = shown
        return folder

    def expand(self, files, depth: int = 0) -> tuple[list, list[str]]:
        """``(files, errors)``: ``files`` with each archive replaced by the map files it holds,
        and one line per archive that could not be unpacked."""
        out, errors = [], []
        for f in files:
            if not is_archive(f):
                out.append(f)
                continue
            try:
                if depth >= MAX_DEPTH:
                    raise SourceError(self.shown(str(f)), f"archive nested more than {MAX_DEPTH} deep")
                inner, inner_errors = self.expand(iter_files(self.folder_of(f)), depth + 1)
            except SourceError as exc:
                errors.append(self.shown(str(exc)))
                continue
            out.extend(inner)
            errors.extend(inner_errors)
        return out, errors

    def shown(self, text: str) -> str:
        """``text`` with every unpacked folder's path replaced by ``ARCHIVE!``."""
        for folder, name in self._names.items():
            text = text.replace(folder + "/", name + "!").replace(folder, name)
        return text


def _check_room(shown, folder: Path, size: int, count: int) -> None:
    if count > MAX_MEMBERS:
        raise SourceError(shown, f"holds {count:,} files, more than the {MAX_MEMBERS:,} one archive may hold; "
                                 "unpack it elsewhere and ingest the folder")
    cap = max_archive_bytes()
    if size > cap:
        raise SourceError(shown, f"unpacks to {_size(size)}, more than the {_size(cap)} one archive may unpack to "
                                 "($FRONTWATCH_MAX_ARCHIVE_MB raises it); unpack it elsewhere and ingest the folder")
    free = shutil.disk_usage(folder).free
    if size > free:
        raise SourceError(shown, f"unpacks to {_size(size)}, more than the {_size(free)} free in "
                                 f"{folder.parent}; unpack it elsewhere and ingest the folder")


def _size(n: int) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e9 else f"{n / 1e6:,.1f} MB"


def _unzip(path: Path, folder: Path, shown) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            _check_room(shown, folder, sum(m.file_size for m in members), len(members))
            for m in members:
                zf.extract(m, folder)  # names leaving the folder are sanitised by zipfile
    except SourceError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, ValueError) as exc:
        raise SourceError(shown, f"corrupt or truncated zip archive ({' '.join(str(exc).split())[:200]})") from None


def _untar(path: Path, folder: Path, shown) -> None:
    try:
        with tarfile.open(path) as tf:
            members = tf.getmembers()
            _check_room(shown, folder, sum(m.size for m in members if m.isfile()), len(members))
            tf.extractall(folder, filter="data")  # refuses ../, absolute names, links out, devices
    except SourceError:
        raise
    except tarfile.FilterError as exc:
        raise SourceError(shown, f"unsafe member in tar archive ({exc})") from None
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise SourceError(shown, f"corrupt or truncated tar archive ({' '.join(str(exc).split())[:200]})") from None
