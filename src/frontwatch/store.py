"""The embedded store: one DuckDB file holding snapshots, their layer geometries, the map
maker's own area figures and notes, country borders, cached measures and the claims ledger.

Geometries are content-addressed (``geometries.hash``): a layer identical to one already stored
(the same Crimea polygon in every snapshot, or a map republished unchanged) is stored once, and
every cached measure keyed by that hash is reused. Writes happen in transactions, so a crash or a
``kill -9`` mid-ingest leaves the store as it was after the last committed batch. The store knows
nothing of the analytics; it only saves and returns geometries and records.
May import: the standard library, duckdb, numpy, shapely, pyproj (distances to the map maker's
linked places), platformdirs, frontwatch.sources.base, frontwatch.sources.notes, frontwatch.statuses.
"""
from __future__ import annotations

import collections.abc
import dataclasses
import datetime as dt
import json
import os
import re
import threading
from pathlib import Path

import duckdb

from frontwatch.statuses import STATUSES

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
        import tempfile

        inserted = False
        try:
            with tempfile.TemporaryDirectory(prefix="frontwatch-") as d:
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

    def __repr__(self):
        return f"StoredBorders({sorted(self._rows)})"


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


class Store:
    """A frontwatch store at ``path`` (created on first use). Use as a context manager or call close().

    Read-only stores (``read_only=True``) can be opened by several processes at once, e.g. the
    web service while no ingest runs.
    """

    def __init__(self, path=None, read_only: bool = False):
        self.path = Path(path) if path else default_store_path()
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no store here yet (run `frontwatch ingest PATH` first)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            text = str(exc).splitlines()[0]
            held = re.search(r"Conflicting lock is held in (.*?) \(PID (\d+)\)", text)
            if held:
                # Another process has it open for writing (an ingest, a sync, `frontwatch serve`).
                raise StoreError(f"{self.path}: the store is in use by another process (PID {held.group(2)}, "
                                 f"{Path(held.group(1)).name}); wait for it to finish, stop it, or give another "
                                 "--store") from None
            raise StoreError(f"{self.path}: cannot open store ({text})") from None
        self._lock = threading.RLock()
        self._geom_cache: dict[str, object] = {}
        if not read_only:
            self.con.execute(_SCHEMA)
            self.con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    # -------------------------------------------------------------- lifecycle
    def close(self):
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def cursor(self):
        """A cursor for use from another thread (DuckDB connections are not thread-safe)."""
        return self.con.cursor()

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
        out = []
        with self._lock:
            con = self.con
            con.execute("BEGIN TRANSACTION")
            try:
                out = self._add_batch(con, snapshots, replace)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
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
        with self._lock:
            con = self.con
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute("DELETE FROM official_areas WHERE list_contains(?, snapshot_id)", [list(figures)])
                if rows:
                    cols = [list(c) for c in zip(*rows)]
                    con.execute("INSERT INTO official_areas SELECT unnest(?::INTEGER[]), unnest(?::VARCHAR[]), "
                                "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::DOUBLE[]), unnest(?::VARCHAR[])", cols)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def _delete_snapshot(self, con, sid):
        con.execute("DELETE FROM layers WHERE snapshot_id = ?", [sid])
        con.execute("DELETE FROM official_areas WHERE snapshot_id = ?", [sid])
        con.execute("DELETE FROM snapshots WHERE id = ?", [sid])
        # The files that gave the old content no longer give this snapshot (its id lives on).
        if self._has_table("ingested_files"):
            con.execute("DELETE FROM ingested_files WHERE snapshot_id = ?", [sid])

    # -------------------------------------------------------------- reading snapshots
    def sources(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT DISTINCT source FROM snapshots ORDER BY source").fetchall()]

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
        rows = self.con.cursor().execute(q + " ORDER BY taken_at", args).fetchall()
        return [SnapshotInfo(r[0], r[1], r[2], r[3].astimezone(dt.timezone.utc), r[4], r[5]) for r in rows]

    def source_statuses(self, source: str | None = None) -> tuple:
        """The statuses of which ``source`` (default: :meth:`default_source`) has a layer in at
        least one snapshot, in vocabulary order."""
        source = source or self.default_source()
        rows = self.con.cursor().execute(
            "SELECT DISTINCT l.status FROM layers l JOIN snapshots s ON s.id = l.snapshot_id WHERE s.source = ?",
            [source]).fetchall()
        have = {r[0] for r in rows}
        return tuple(st for st in STATUSES if st in have)

    def default_source(self) -> str | None:
        """``deepstate`` when present (the full map with every status), else the source with most snapshots."""
        rows = self.con.cursor().execute(
            "SELECT source, count(*) n FROM snapshots GROUP BY source ORDER BY (source = 'deepstate') DESC, n DESC").fetchall()
        return rows[0][0] if rows else None

    def layer_hashes(self, snapshot_id: int) -> dict[str, str]:
        rows = self.con.cursor().execute("SELECT status, geom_hash FROM layers WHERE snapshot_id = ?", [snapshot_id]).fetchall()
        return {s: h for s, h in rows}

    def all_layer_hashes(self, snapshot_ids) -> dict[int, dict[str, str]]:
        """``{snapshot_id: {status: geom_hash}}`` for many snapshots in one query."""
        ids = list(snapshot_ids)
        out = {i: {} for i in ids}
        if not ids:
            return out
        rows = self.con.cursor().execute(
            "SELECT snapshot_id, status, geom_hash FROM layers WHERE list_contains(?, snapshot_id)", [ids]).fetchall()
        for sid, status, h in rows:
            out[sid][status] = h
        return out

    def geometry(self, ghash: str):
        """The geometry stored under ``ghash`` (EPSG:4326), memoised in this process."""
        import shapely

        g = self._geom_cache.get(ghash)
        if g is None:
            row = self.con.cursor().execute("SELECT wkb FROM geometries WHERE hash = ?", [ghash]).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: geometry {ghash} missing (store damaged?)")
            g = shapely.from_wkb(row[0])
            if len(self._geom_cache) > 512:
                self._geom_cache.clear()
            self._geom_cache[ghash] = g
        return g

    def geometry_wkbs(self, ghashes) -> dict:
        """``{hash: WKB}`` for many hashes in one query, as stored (for engines, which ship WKB)."""
        want = list(dict.fromkeys(ghashes))
        if not want:
            return {}
        rows = self.con.cursor().execute(
            "SELECT hash, wkb FROM geometries WHERE hash IN (SELECT unnest(?::VARCHAR[]))", [want]).fetchall()
        if len(rows) < len(want):
            missing = sorted(set(want) - {r[0] for r in rows})
            raise StoreError(f"{self.path}: geometry {missing[0]} missing (store damaged?)")
        return {h: bytes(w) for h, w in rows}

    def layers(self, snapshot_id: int) -> dict:
        """``{status: geometry}`` of one snapshot."""
        return {s: self.geometry(h) for s, h in self.layer_hashes(snapshot_id).items()}

    def official_areas(self, snapshot_id: int) -> list[dict]:
        rows = self.con.cursor().execute(
            "SELECT type, status, hash, km2, percent FROM official_areas WHERE snapshot_id = ?", [snapshot_id]).fetchall()
        return [{"type": r[0], "status": r[1], "hash": r[2], "km2": r[3], "percent": r[4]} for r in rows]

    def stats(self, snapshot_id: int) -> dict:
        row = self.con.cursor().execute("SELECT stats FROM snapshots WHERE id = ?", [snapshot_id]).fetchone()
        return json.loads(row[0]) if row and row[0] else {}

    def official_of(self, snapshot_ids) -> dict:
        """``{snapshot_id: (official_areas rows, stats)}`` of the snapshots that have figures, in two
        queries (a query per map costs 5 ms: 1.2 s for a series of 239 maps)."""
        ids = [int(i) for i in snapshot_ids]
        if not ids:
            return {}
        cur = self.con.cursor()
        rows: dict = {}
        for sid, t, st, h, km2, pct in cur.execute(
                "SELECT snapshot_id, type, status, hash, km2, percent FROM official_areas WHERE list_contains(?, snapshot_id)",
                [ids]).fetchall():
            rows.setdefault(sid, []).append({"type": t, "status": st, "hash": h, "km2": km2, "percent": pct})
        if not rows:
            return {}
        stats = dict(cur.execute("SELECT id, stats FROM snapshots WHERE list_contains(?, id)", [list(rows)]).fetchall())
        return {sid: (r, json.loads(stats[sid]) if stats.get(sid) else {}) for sid, r in rows.items()}

    def summary(self) -> dict:
        c = self.con.cursor()
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
    def _ensure_borders_columns(self, con):
        con.execute("ALTER TABLE borders ADD COLUMN IF NOT EXISTS file_hash VARCHAR")
        con.execute("ALTER TABLE borders ADD COLUMN IF NOT EXISTS key VARCHAR")

    def set_borders(self, borders: dict, origin: str, *, file_hash: str | None = None, keys: dict | None = None):
        """Replace the stored country borders with ``{iso_a3: geometry}`` (one transaction);
        ``file_hash`` of the file they were prepared from and ``keys`` (``{iso_a3: region key}``)
        are kept with them (see :meth:`borders`)."""
        import shapely

        keys = keys or {}
        with self._lock:
            self._ensure_borders_columns(self.con)
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute("DELETE FROM borders")
                for iso, g in borders.items():
                    self.con.execute("INSERT INTO borders (iso_a3, wkb, origin, file_hash, key) VALUES (?, ?, ?, ?, ?)",
                                     [iso, shapely.to_wkb(g, output_dimension=2), origin, file_hash, keys.get(iso)])
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise

    def borders(self) -> "StoredBorders":
        """The stored country borders, ``{iso_a3: geometry}`` (a mapping that decodes a country
        when it is first asked for: a query about Russia does not decode the seven others)."""
        cur = self.con.cursor()
        if "key" in self._columns("borders"):
            rows = cur.execute("SELECT iso_a3, wkb, key, file_hash FROM borders ORDER BY iso_a3").fetchall()
        else:
            rows = [(iso, w, None, None) for iso, w in cur.execute("SELECT iso_a3, wkb FROM borders ORDER BY iso_a3").fetchall()]
        return StoredBorders({iso: (w, k) for iso, w, k, _ in rows}, rows[0][3] if rows else None)

    def borders_of_file(self, file_hash: str) -> "StoredBorders | None":
        """The borders prepared from the file of ``file_hash`` when the store holds them: its
        own borders, or those kept by :meth:`keep_prepared_borders`; else None."""
        if not file_hash:
            return None
        own = self.borders()
        if own and own.file_hash == file_hash and all(own.key_of(i) for i in own):
            return own
        if not self._has_table("prepared_borders"):
            return None
        rows = self.con.cursor().execute("SELECT iso_a3, wkb, key FROM prepared_borders WHERE file_hash = ? "
                                         "ORDER BY iso_a3", [file_hash]).fetchall()
        return StoredBorders({iso: (w, k) for iso, w, k in rows}, file_hash) if rows else None

    PREPARED_BORDERS_KEPT = 2  # borders files other than the store's own, prepared and kept

    def keep_prepared_borders(self, file_hash: str, borders: dict, keys: dict, origin: str):
        """Keep the borders prepared from a file given to a command (``--borders FILE``) that are
        not the store's own, under the file's hash, so that the next command given the same file
        does not prepare it again; the store's own borders stay as they are. The newest
        :data:`PREPARED_BORDERS_KEPT` files are kept. A no-op on a read-only store."""
        import shapely

        if self.read_only or not file_hash:
            return
        with self._lock:
            self.con.execute("CREATE TABLE IF NOT EXISTS prepared_borders (file_hash VARCHAR NOT NULL, iso_a3 VARCHAR NOT NULL, "
                             "wkb BLOB NOT NULL, key VARCHAR, origin VARCHAR, kept_at TIMESTAMPTZ, "
                             "PRIMARY KEY (file_hash, iso_a3))")
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute("DELETE FROM prepared_borders WHERE file_hash = ?", [file_hash])
                for iso, g in borders.items():
                    self.con.execute("INSERT INTO prepared_borders VALUES (?, ?, ?, ?, ?, now())",
                                     [file_hash, iso, shapely.to_wkb(g, output_dimension=2), keys.get(iso), origin])
                self.con.execute("DELETE FROM prepared_borders WHERE file_hash NOT IN (SELECT file_hash FROM "
                                 "(SELECT file_hash, max(kept_at) AS t FROM prepared_borders GROUP BY file_hash) "
                                 f"ORDER BY t DESC LIMIT {int(self.PREPARED_BORDERS_KEPT)})")
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise

    def _columns(self, table: str) -> set:
        return {r[0] for r in self.con.cursor().execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}

    # -------------------------------------------------------------- first-level regions (frontwatch.geo.admin)
    # Oblasts and their like, as drawn (sea included; cut to land when resolved), per country. A
    # table of its own, created on first write, so older stores open unchanged.
    def _has_table(self, name: str) -> bool:
        return bool(self.con.cursor().execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])

    def set_admin_units(self, country: str, units: list[dict], origin: str):
        """Replace the stored units of ``country`` (ISO-3) with ``units`` (dicts with iso, country,
        name, source_name, wkb), in one transaction; a no-op on a read-only store."""
        if self.read_only:
            return
        with self._lock:
            self.con.execute("CREATE TABLE IF NOT EXISTS admin_units (iso VARCHAR PRIMARY KEY, country VARCHAR NOT NULL, "
                             "name VARCHAR, source_name VARCHAR, wkb BLOB NOT NULL, origin VARCHAR)")
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute("DELETE FROM admin_units WHERE country = ?", [country])
                for u in units:
                    self.con.execute("INSERT OR REPLACE INTO admin_units VALUES (?, ?, ?, ?, ?, ?)",
                                     [u["iso"], country, u["name"], u.get("source_name"), u["wkb"], origin])
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise

    def admin_units(self) -> list[dict]:
        """The stored units (dicts with iso, country, name, source_name, wkb, origin), by code."""
        if not self._has_table("admin_units"):
            return []
        rows = self.con.cursor().execute(
            "SELECT iso, country, name, source_name, wkb, origin FROM admin_units ORDER BY iso").fetchall()
        return [dict(zip(("iso", "country", "name", "source_name", "wkb", "origin"), r)) for r in rows]

    # -------------------------------------------------------------- region tilings (frontwatch.geo.geodesy)
    # A large region's equal-area tiling (TiledRegion.state()), saved under the region's hash and
    # the tiling version so that a later process measures at once instead of rebuilding it.
    def _ensure_region_tiles(self):
        if not getattr(self, "_region_tiles_ready", False):
            cols = {r[0] for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'region_tiles'").fetchall()}
            if cols and "gap_ends" not in cols:  # a layout of a development version: a cache, so rebuilt
                self.con.execute("DROP TABLE region_tiles")
            self.con.execute("CREATE TABLE IF NOT EXISTS region_tiles (key VARCHAR PRIMARY KEY, margin DOUBLE, "
                             "boxes BLOB, piece_km2 BLOB, gap_cell BLOB, gap_km2 BLOB, gap_ends BLOB, gaps BLOB)")
            self._region_tiles_ready = True

    def region_tiles(self, key: str) -> dict | None:
        """The saved tiling state under ``key``, or None. Arrays are stored as little-endian
        bytes and the gaps as one blob of concatenated WKB with their end offsets."""
        import numpy as np

        cur = self.con.cursor()
        if not cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'region_tiles'").fetchone()[0]:
            return None
        try:
            row = cur.execute("SELECT margin, boxes, piece_km2, gap_cell, gap_km2, gap_ends, gaps FROM region_tiles "
                              "WHERE key = ?", [key]).fetchone()
        except duckdb.Error:  # another layout: treated as not saved (put_region_tiles replaces it)
            return None
        if row is None:
            return None
        margin, boxes, piece, cell, km2, ends, blob = row
        ends = np.frombuffer(ends, dtype="<i8")
        starts = np.concatenate([[0], ends[:-1]])
        return {"margin": margin, "boxes": np.frombuffer(boxes, dtype="<f8").reshape(-1, 4),
                "piece_km2": np.frombuffer(piece, dtype="<f8"), "gap_cell": np.frombuffer(cell, dtype="<i8"),
                "gap_km2": np.frombuffer(km2, dtype="<f8"), "gaps": [blob[a:b] for a, b in zip(starts, ends)]}

    def put_region_tiles(self, key: str, state: dict):
        """Save a tiling state under ``key`` (one statement; a no-op on read-only stores)."""
        import numpy as np

        if self.read_only:
            return
        gaps = [bytes(g) for g in state["gaps"]]
        ends = np.cumsum([len(g) for g in gaps], dtype="<i8")
        arr = lambda a, t: np.ascontiguousarray(a, dtype=t).tobytes()  # noqa: E731
        with self._lock:
            self._ensure_region_tiles()
            self.con.execute("INSERT OR REPLACE INTO region_tiles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             [key, float(state["margin"]), arr(state["boxes"], "<f8"), arr(state["piece_km2"], "<f8"),
                              arr(state["gap_cell"], "<i8"), arr(state["gap_km2"], "<f8"), ends.tobytes(), b"".join(gaps)])

    # -------------------------------------------------------------- measure cache
    def cached(self, kind: str, keys: list[str]) -> dict[str, float]:
        if not keys:
            return {}
        rows = self.con.cursor().execute(
            "SELECT key, value FROM measure_cache WHERE kind = ? AND list_contains(?, key)", [kind, list(keys)]).fetchall()
        return dict(rows)

    def put_cached(self, kind: str, values: dict[str, float]):
        if not values or self.read_only:
            return
        with self._lock:
            cur = self.con.cursor()
            # One statement for all rows: executemany is a round trip per row (18 s for 3,600 rows).
            cur.execute("INSERT OR REPLACE INTO measure_cache SELECT ?, unnest(?::VARCHAR[]), unnest(?::DOUBLE[])",
                        [kind, list(values), [float(v) for v in values.values()]])

    # -------------------------------------------------------------- ingested files (frontwatch.ingest)
    # Which raw files (hash of their bytes + reader options) produced which snapshots, so that a
    # re-ingest skips files already stored unchanged without parsing them. A table of its own,
    # created on first use, so older stores and the snapshots INSERT stay as they are; a file
    # whose snapshot was since replaced no longer joins, and is read again.
    def _ensure_ingested_files(self):
        if not getattr(self, "_ingested_files_ready", False):
            self.con.execute("CREATE TABLE IF NOT EXISTS ingested_files (file_hash VARCHAR NOT NULL, "
                             "snapshot_id INTEGER NOT NULL, PRIMARY KEY (file_hash, snapshot_id))")
            self._ingested_files_ready = True

    def ingested_files(self, file_hashes) -> dict:
        """``{file_hash: [stats of each stored snapshot that file produced]}`` for the known ones."""
        hashes = list(file_hashes)
        if not hashes:
            return {}
        if self.read_only:
            if not self.con.cursor().execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name = 'ingested_files'").fetchone()[0]:
                return {}
        else:
            self._ensure_ingested_files()
        rows = self.con.cursor().execute(
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
            self._ensure_ingested_files()
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute("INSERT OR IGNORE INTO ingested_files SELECT DISTINCT * FROM "
                                 "(SELECT unnest(?::VARCHAR[]) AS f, unnest(?::INTEGER[]) AS s)",
                                 [[p[0] for p in pairs], [p[1] for p in pairs]])
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise

    # -------------------------------------------------------------- versions of fetched maps (frontwatch.sources.live)
    # The listing's updatedAt of each map when it was fetched, so that a map the map maker revised
    # since is fetched again. A table of its own, created on first use.
    def map_versions(self, source: str, source_ids) -> dict:
        """``{source_id: updatedAt (UTC) of the version stored}`` for the maps known."""
        ids = [str(i) for i in source_ids]
        if not ids or not self._has_table("map_versions"):
            return {}
        rows = self.con.cursor().execute(
            "SELECT source_id, updated_at FROM map_versions WHERE source = ? AND list_contains(?, source_id)",
            [source, ids]).fetchall()
        return {sid: u.astimezone(dt.timezone.utc) for sid, u in rows if u is not None}

    def set_map_versions(self, source: str, versions: dict):
        """Record ``{source_id: updatedAt}`` of maps just fetched (one statement)."""
        versions = {str(k): v for k, v in versions.items() if v is not None}
        if not versions or self.read_only:
            return
        with self._lock:
            self.con.execute("CREATE TABLE IF NOT EXISTS map_versions (source VARCHAR NOT NULL, source_id VARCHAR NOT NULL, "
                             "updated_at TIMESTAMPTZ, fetched_at TIMESTAMPTZ, PRIMARY KEY (source, source_id))")
            self.con.execute("INSERT OR REPLACE INTO map_versions SELECT ?, unnest(?::VARCHAR[]), unnest(?::TIMESTAMPTZ[]), now()",
                             [source, list(versions), list(versions.values())])

    # -------------------------------------------------------------- the map maker's notes (frontwatch.sources.notes)
    # One note per published map (keyed by the map's id, its unix time), and the places each
    # links, one row each, so that the notes near a point are found with an index-friendly box
    # before the exact distance. Tables of their own, created on first use, like ingested_files.
    def _ensure_notes(self):
        if not getattr(self, "_notes_ready", False):
            self.con.execute("CREATE TABLE IF NOT EXISTS notes (map_id BIGINT PRIMARY KEY, source VARCHAR NOT NULL, "
                             "created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ, lang VARCHAR, text VARCHAR)")
            self.con.execute("CREATE TABLE IF NOT EXISTS note_places (map_id BIGINT NOT NULL, seq INTEGER NOT NULL, "
                             "name VARCHAR, lat DOUBLE, lon DOUBLE, zoom DOUBLE, site_id VARCHAR, "
                             "PRIMARY KEY (map_id, seq))")
            self._notes_ready = True

    def add_notes(self, notes, source: str = "deepstate") -> dict:
        """Store the map maker's notes (:class:`frontwatch.sources.notes.Note`) in ONE transaction,
        replacing a stored note of the same map. Returns ``{"added", "updated", "unchanged"}``
        (updated: its text, places or ``updatedAt`` changed)."""
        notes = list(notes)
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        if not notes:
            return counts
        with self._lock:
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
            con.execute("BEGIN TRANSACTION")
            try:
                ids = [n.map_id for n, _ in todo]
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
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return counts

    def notes(self, start=None, end=None, *, near=None, source: str | None = None) -> list:
        """The map maker's notes of the maps published between ``start`` and ``end`` (dates or
        datetimes, inclusive; UTC days), oldest first, as :class:`frontwatch.sources.notes.Note`.

        ``near=(lat, lon, km)`` keeps the notes that link a place within ``km`` of the point
        (geodesic distance on WGS84), each with ``near`` set to those places and their
        distances, nearest first. Places linked by the site's own id (``site_places``) have no
        coordinates and are never near anything."""
        from frontwatch.sources.notes import LinkedPlace, Note

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
        cur = self.con.cursor()
        rows = cur.execute(q + " ORDER BY created_at, map_id", args).fetchall()
        if not rows:
            return []
        places: dict = {}
        for mid, name, lat, lon, zoom, site in cur.execute(
                "SELECT map_id, name, lat, lon, zoom, site_id FROM note_places WHERE map_id IN "
                "(SELECT unnest(?::BIGINT[])) ORDER BY map_id, seq", [[r[0] for r in rows]]).fetchall():
            places.setdefault(mid, []).append(LinkedPlace(name, lat, lon, zoom, site))
        out = [Note(mid, c.astimezone(dt.timezone.utc), u.astimezone(dt.timezone.utc) if u else None, lang, text,
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
        c = self.con.cursor()
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
        with self._lock:
            con = self.con
            con.execute("BEGIN TRANSACTION")
            try:
                if same_name:
                    con.execute("DELETE FROM claims WHERE report_hash = ? OR report = ?", [report_hash, report])
                else:
                    con.execute("DELETE FROM claims WHERE report_hash = ?", [report_hash])
                cols = ("id", "report", "report_hash", "published", "checked_at", "measure", "place", "side",
                        "date", "record", "verdict", "reason")
                con.executemany(f"INSERT INTO claims ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                [[r.get(c) for c in cols] for r in rows])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return len(rows)

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
        rows = self.con.cursor().execute(q + " ORDER BY measure, date, published, report, id", args).fetchall()
        keys = ("id", "report", "report_hash", "published", "checked_at", "measure", "place", "side", "date",
                "record", "verdict", "reason")
        out = []
        for r in rows:
            d = dict(zip(keys, r))
            d["record"] = json.loads(d["record"]) if d["record"] else {}
            out.append(d)
        return out

def _as_start(d):
    if isinstance(d, dt.datetime):
        return d if d.tzinfo else d.replace(tzinfo=dt.timezone.utc)
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc)


def _as_end(d):
    """Exclusive upper bound: the day after a date, or the datetime itself plus a microsecond."""
    if isinstance(d, dt.datetime):
        return (d if d.tzinfo else d.replace(tzinfo=dt.timezone.utc)) + dt.timedelta(microseconds=1)
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc) + dt.timedelta(days=1)
