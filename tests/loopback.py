"""A small HTTP server on 127.0.0.1 for tests that need a real socket (timeouts, kills)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # noqa: ANN001
        """A client that went away (a timeout test) is expected: no traceback on stderr, where
        it would land in a later test's captured output."""


class Loopback:
    """routes: path -> (status, headers, body, delay_seconds, chunked_stall), or path -> a
    function of (request path, request headers) returning such a tuple (an echoing server)."""

    def __init__(self, routes: Mapping[str, tuple | Callable[[str, Any], tuple]]) -> None:
        self.routes = routes
        self.hits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # noqa: ANN002
                pass

            def do_GET(self):  # noqa: N802
                outer.hits.append(self.path)
                key = next((k for k in outer.routes if self.path.startswith(k)), None)
                if key is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                route = outer.routes[key]
                if callable(route):
                    route = route(self.path, dict(self.headers))
                status, headers, body, delay, stall = route
                time.sleep(delay)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if stall:  # half the body, then silence: a timeout in the middle of the body
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    time.sleep(stall)
                    return
                self.wfile.write(body)

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Loopback:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
