"""Run the service's app under uvicorn in a background thread of this process, on a port the OS
picks: for tests, the load test and embedding. ``frontwatch serve`` runs uvicorn in the
foreground instead. May import: the standard library, uvicorn, frontwatch.faces.service.app.
"""
from __future__ import annotations

import contextlib
import socket
import threading
import time

from frontwatch.faces.service.app import ServiceConfig, create_app


@contextlib.contextmanager
def running_server(config: ServiceConfig | None = None, host: str = "127.0.0.1", startup_timeout_s: float = 600.0,
                   app=None):
    """Yield the base URL (``http://127.0.0.1:PORT``) of a live server over ``config`` (or over
    ``app``, made by :func:`create_app`, to inspect it while it serves); stop it on exit."""
    import uvicorn

    app = app if app is not None else create_app(config)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="frontwatch-uvicorn")
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the frontwatch service did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        app.state.frontwatch.close()
