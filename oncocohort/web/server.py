"""``oncocohort serve``: the web app on this computer, with its token in the start URL (as Jupyter does)."""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import webbrowser
from pathlib import Path

from .app import create_app


def start_url(host: str, port: int, token: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def serve(host: str = "127.0.0.1", port: int = 8765, workspace: str | Path = "oncocohort-workspace",
          open_browser: bool = True, max_upload_mb: float = 50, token: str | None = None) -> int:
    """Run the server until interrupted; returns the exit code (1 when the port is taken)."""
    import uvicorn

    if not port_is_free(host, port):
        print(f"oncocohort serve: port {port} on {host} is in use (another oncocohort serve?); choose another with "
              "--port", file=sys.stderr)
        return 1
    app = create_app(workspace, token=token, max_upload_mb=max_upload_mb, cookie_suffix=str(port))
    url = start_url(host, port, app.web.token)
    print(f"oncocohort serve: workspace {app.web.workspace.root}")
    if not _is_loopback(host):
        print(f"oncocohort serve: WARNING — listening on {host}: other computers on the network can reach this "
              "server; only the token keeps them out.")
    print(f"oncocohort serve: open this address in your browser (it holds the access token):\n    {url}\n"
          "Stop with Ctrl+C.", flush=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")
    try:
        uvicorn.Server(config).run()
    finally:
        app.web.runner.shutdown()
    return 0
