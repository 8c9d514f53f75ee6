"""A recording HTTP server on 127.0.0.1, to prove that a build never reaches the network.

Every request is recorded before it is answered (404), so a test can assert that the
list stays empty. Its port is what replaces ``PORT`` in the hostile fixtures.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Recorder:
    port: int
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"


@contextmanager
def recording_server() -> Iterator[Recorder]:
    """Serve on an ephemeral loopback port for the duration of the ``with`` block."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            seen.append(f"{self.command} {self.path}")
            self.send_response(404)
            self.end_headers()

        do_GET = do_HEAD = do_POST = _record

        def log_message(self, *args) -> None:  # keep pytest output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Recorder(port=server.server_address[1], requests=seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def copy_with_port(source: Path, target: Path, port: int) -> Path:
    """Copy a fixture folder, replacing ``PORT`` in every text file with ``port``."""
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".toml", ".css"):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("PORT", str(port)), encoding="utf-8")
    return target
