"""``frontwatch serve``: the JSON API and the map UI over the store (FastAPI under uvicorn)."""
from __future__ import annotations

import os

import click

from frontwatch.faces.cli.options import borders_opt, store_opt


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8080, show_default=True, help="Port to listen on.")
@click.option("--token-env", default="FRONTWATCH_TOKEN", show_default=True, metavar="NAME",
              help="Environment variable holding the write token. When it is set, the store is opened "
                   "read-write and POST /api/ingest and /api/sync accept 'Authorization: Bearer TOKEN'; "
                   "otherwise the service is read-only.")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="Seconds a query may compute.")
@click.option("--workers", type=int, default=4, show_default=True, help="Threads computing queries.")
@store_opt
@borders_opt
def command(host, port, token_env, timeout, workers, store_path, borders_file):
    """Serve the JSON API (/api/..., schema at /openapi.json) and the map UI (/)
    over the store. Read-only unless a token is configured: then ingest and sync need it.

    Example: frontwatch serve --port 8080
    """
    try:
        import uvicorn

        from frontwatch.faces.service import ServiceConfig, create_app
    except ImportError as exc:
        raise click.ClickException(f"the web service needs fastapi and uvicorn ({exc.name} missing)") from None
    from frontwatch.store import StoreError

    token = os.environ.get(token_env) or None
    cfg = ServiceConfig(store_path=store_path, token=token, borders_file=borders_file, timeout_s=timeout,
                        workers=workers, sync_base_url=os.environ.get("FRONTWATCH_DEEPSTATE_URL") or None)
    try:
        app = create_app(cfg)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    mode = "read-write (token set: ingest and sync enabled)" if token else "read-only"
    click.echo(f"frontwatch: serving {app.state.frontwatch.store.path} {mode} on http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
