"""The API's writes, with a token only (``FRONTWATCH_TOKEN``): one uploaded map file ingested
(``/api/ingest``), new maps fetched from the map site (``/api/sync``). Neither takes a path from
the client. The app lists them in its schema only when it has a token.

May import: fastapi, frontwatch library modules, frontwatch.faces.service.*.
"""
from __future__ import annotations

import hmac
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Header, Query, Request

from frontwatch.faces.service.query import OptDate
from frontwatch.faces.service.responses import (AUTH_ERRORS, ERRORS, JSONBytes, LibraryFailure, api_words, error,
                                                library_error, one_line)
from frontwatch.faces.service.state import MB, State, StateDep
from frontwatch.lazy import lazy_import
from frontwatch.sources.base import gunzip_capped, temp_folder
from frontwatch.store import Store

if TYPE_CHECKING:
    from frontwatch import ingest as ingest_mod
    from frontwatch.sources import live
else:
    ingest_mod = lazy_import("frontwatch.ingest")
    live = lazy_import("frontwatch.sources.live")

router = APIRouter()


def require_token(state: State, authorization: str | None) -> None:
    """Refuse a write: 403 on a read-only service or a wrong token, 401 without one."""
    if state.read_only:
        raise LibraryFailure(error(403, "this service is read-only: start it with a token "
                                        "(FRONTWATCH_TOKEN) to enable ingest and sync"))
    if not authorization or not authorization.lower().startswith("bearer "):
        raise LibraryFailure(error(401, "missing bearer token (Authorization: Bearer TOKEN)",
                                   headers={"WWW-Authenticate": "Bearer"}))
    given = authorization[7:].strip().encode()
    if not hmac.compare_digest(given, state.config.token.encode()):
        raise LibraryFailure(error(403, "wrong token"))


@router.post("/api/ingest", tags=["writes"], summary="Ingest one uploaded map file (token required)",
             responses={**ERRORS, **AUTH_ERRORS},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
async def ingest_upload(state: StateDep, request: Request,
                        filename: Annotated[str, Query(max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                                                       description="The file's name (DeepStateMap history files "
                                                                   "carry their time: 1732485298.geojson)")] = "upload.geojson",
                        replace: bool = False,
                        authorization: Annotated[str | None, Header()] = None):
    require_token(state, authorization)
    data = await request.body()
    if not data:
        return error(400, "empty upload: send the file's bytes as the request body")

    if data[:2] == b"\x1f\x8b":
        # A gzip bomb (50 MB of zeros unpack to 50 GB) is refused before anything is written.
        try:
            gunzip_capped([data], state.config.max_unpacked_upload_bytes)
        except ValueError:
            return error(413, f"{filename}: gzip unpacks to more than "
                              f"{state.config.max_unpacked_upload_bytes // MB} MB, the limit for one upload")
        except (OSError, EOFError, zlib.error) as exc:
            return error(400, f"{filename}: corrupt or truncated gzip ({exc})")
    name = Path(filename).name

    def fn():
        with temp_folder("upload") as tmpdir, state.write_lock:
            path = Path(tmpdir) / name
            path.write_bytes(data)
            with Store(state.store.path) as writer:
                summary = ingest_mod.ingest(writer, [path], replace=replace, workers=1)
            # The client sees its file's name, never the server's temporary folder.
            summary.errors = [e.replace(str(path), name).replace(tmpdir + "/", "").replace(tmpdir, "")
                              for e in summary.errors]
        return summary

    summary = await state.run(fn, timeout=state.config.sync_timeout_s)
    if summary.added or summary.replaced:
        state.invalidate()
    rec = summary.to_record()
    if summary.errors and not (summary.added or summary.unchanged or summary.replaced):
        return JSONBytes({"error": api_words(one_line(summary.errors[0])), **rec}, status_code=400)
    return JSONBytes(rec)



@router.post("/api/sync", tags=["writes"], summary="Fetch new maps from the map site (token required)",
             responses={**ERRORS, **AUTH_ERRORS})
async def sync(state: StateDep, since: OptDate = None, until: OptDate = None,
               authorization: Annotated[str | None, Header()] = None):
    require_token(state, authorization)

    def fn():
        with state.write_lock, Store(state.store.path) as writer:
            return live.sync(writer, since=since, until=until, base_url=state.config.sync_base_url,
                           retries=state.config.sync_retries, backoff=state.config.sync_backoff_s)

    try:
        summary = await state.run(fn, timeout=state.config.sync_timeout_s)
    except Exception as exc:  # noqa: BLE001
        resp = library_error(exc)
        if resp is None:
            raise
        return resp
    if summary.added or summary.revised:  # a revised map keeps its id and date: cached answers are stale
        state.invalidate()
    return JSONBytes({"added": summary.added, "revised": summary.revised, "unchanged": summary.unchanged,
                      "listed": summary.listed,
                      "skipped_existing": summary.skipped_existing, "errors": summary.errors,
                      "warnings": summary.warnings,
                      "last": summary.last.isoformat() if summary.last else None})
