"""``frontwatch serve``: the JSON API and the map UI over the store (FastAPI under uvicorn)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import os
import sys

import click

from frontwatch.extras import MissingExtra, require
from frontwatch.faces.cli.options import borders_opt, store_opt
from frontwatch.store import StoreError
from frontwatch.lazy import lazy_import

# Needs the serve extra (fastapi): imported on first use, after require().
if TYPE_CHECKING:
    from frontwatch.faces import service
else:
    service = lazy_import("frontwatch.faces.service")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8080, show_default=True, help="Port to listen on.")
@click.option("--token-env", default="FRONTWATCH_TOKEN", show_default=True, metavar="NAME",
              help="Environment variable holding the write token. When it is set, the store is opened "
                   "read-write and POST /api/ingest and /api/sync accept 'Authorization: Bearer TOKEN'; "
                   "otherwise the service is read-only.")
@click.option("--timeout", type=float, default=120.0, show_default=True,
              help="Seconds a query may take, its wait for a worker included (then 504).")
@click.option("--claims-timeout", type=float, default=30.0, show_default=True,
              help="Seconds a claims extraction or check may take; its worker process is then stopped.")
@click.option("--workers", type=int, default=4, show_default=True, help="Threads computing quick queries "
              "(areas, changes, peaks); front lines, advances and settlements have 2 of their own.")
@click.option("--warm/--no-warm", default=True, show_default=True,
              help="Before listening, and for each new store file, compute what the map page asks first.")
@store_opt
@borders_opt
def command(host, port, token_env, timeout, claims_timeout, workers, warm, store_path, borders_file):
    """Serve the JSON API (/api/..., schema at /openapi.json) and the map UI (/)
    over the store. Read-only unless a token is configured: then ingest and sync need it.
    The store stays free: `frontwatch ingest` and `sync` may write it while it serves, and the
    service answers from the new maps once they are in (see docs/operations.md).

    Example: frontwatch serve --port 8080
    """
    try:
        require("serve", "frontwatch serve")
    except MissingExtra as exc:
        raise click.ClickException(str(exc)) from None
    import uvicorn

    token = os.environ.get(token_env) or None
    cfg = service.ServiceConfig(store_path=store_path, token=token, borders_file=borders_file, timeout_s=timeout,
                        claims_timeout_s=claims_timeout, workers=workers, warm=warm,
                        sync_base_url=os.environ.get("FRONTWATCH_DEEPSTATE_URL") or None)
    try:
        app = service.create_app(cfg)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    mode = "ingest and sync enabled (token set)" if token else "read-only"
    click.echo(f"frontwatch: serving {app.state.frontwatch.store.path} ({mode}) on http://{host}:{port}/"
               + (" once warm" if warm else ""), err=True)
    # The thread that answers gets the GIL back within 1 ms (5 ms by default) from the threads
    # that compute, so cached answers are not held up by a computation in Python code.
    sys.setswitchinterval(0.001)
    # Browsers and proxies keep connections open between requests: do not drop them after 5 s
    # (uvicorn's default), or a client that waited for a slow answer meets a closed connection.
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=75)
