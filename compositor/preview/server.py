"""The preview's web server: the page, its API and the event stream (standard library).

``http.server.ThreadingHTTPServer`` is enough: one editor's browser, a few requests a
save, and server-sent events are plain HTTP. Safe by default (docs/preview.md):

- it listens on 127.0.0.1 unless ``--host`` says otherwise (the CLI warns);
- every request's ``Host`` must name this server, and an ``Origin``, when sent, must be
  this server's: a page of another site, or a DNS name rebound to 127.0.0.1, is refused;
- every URL but the page's own script and style needs the per-run ``token``;
- it serves the page images of the current build, the preview's own files and JSON,
  nothing from the disk by path; it writes nothing into the issue.
"""

from __future__ import annotations

import hmac
import json
import queue
import shlex
import subprocess
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from compositor.preview.live import Event, Preview
from compositor.preview.pages import DEFAULT_SCALE, SCALES

STATIC = {
    "/static/preview.js": "text/javascript; charset=utf-8",
    "/static/preview.css": "text/css; charset=utf-8",
}
KEEPALIVE_SECONDS = 15
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Access:
    """Who may ask: the names this server answers to, and the run's token."""

    hosts: frozenset[str]  # "127.0.0.1:8000", "localhost:8000", …
    token: str

    @classmethod
    def for_address(cls, host: str, port: int, token: str) -> Access:
        names = {"127.0.0.1", "localhost", "[::1]", host if ":" not in host else f"[{host}]"}
        return cls(frozenset(f"{name}:{port}" for name in names), token)

    def origins(self) -> frozenset[str]:
        return frozenset(f"http://{host}" for host in self.hosts)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never keeps the process alive
    block_on_close = False

    def __init__(self, address, preview: Preview, token: str, editor: str = "") -> None:
        super().__init__(address, PreviewHandler)
        self.preview = preview
        self.editor = editor
        self.access = Access.for_address(address[0], self.server_address[1], token)


def static_text(name: str) -> bytes:
    return resources.files("compositor.preview").joinpath("static", name).read_bytes()


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 -- the base's name
        pass  # the terminal shows builds, not every image request

    # -- routing ---------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 -- the base class's name
        url = urlsplit(self.path)
        if not self._allowed(url, needs_token=url.path not in STATIC):
            return
        preview = self.server.preview
        route = url.path
        query = parse_qs(url.query)
        if route == "/":
            return self._send(200, "text/html; charset=utf-8", self._index())
        if route in STATIC:
            return self._send(200, STATIC[route], static_text(route.rsplit("/", 1)[1]))
        if route == "/api/pages":
            return self._json(200, {**preview.pages(), "editor": bool(self.server.editor)})
        if route == "/api/findings":
            return self._json(200, {"build": preview.build_id, "findings": preview.findings})
        if route == "/api/source":
            return self._source(query)
        if route == "/api/events":
            return self._events()
        if route.startswith("/pages/") and route.endswith(".jpg"):
            return self._page_image(route[len("/pages/") : -len(".jpg")], query)
        return self._json(404, {"error": "not found"})

    def _page_image(self, key: str, query: dict) -> None:
        images = self.server.preview.images
        asked = query.get("scale", [str(DEFAULT_SCALE)])[0]
        scale = int(asked) if asked.isdigit() else 0
        if scale not in SCALES:
            return self._json(400, {"error": f"scale must be one of {', '.join(map(str, SCALES))}"})
        images.scale = scale  # the next build's changed pages are drawn at it
        image = images.image(key, scale)
        if image is None:
            return self._json(404, {"error": "not found"})
        # named by what it draws: the same name, the same image
        return self._send(200, "image/jpeg", image, cache="private, max-age=3600")

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        # A POST from a page always carries Origin: one without it is not from our page.
        if not self._allowed(url, needs_token=True, needs_origin=True):
            return
        if url.path != "/api/open":
            return self._json(404, {"error": "not found"})
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(min(length, 4096)) or b"{}")
            file, line, column = str(body["file"]), int(body["line"]), int(body["column"])
        except (ValueError, KeyError, TypeError):
            return self._json(400, {"error": "give file, line and column"})
        return self._open(file, line, column)

    # -- the guards ------------------------------------------------------------------
    def _allowed(self, url, *, needs_token: bool, needs_origin: bool = False) -> bool:
        access = self.server.access
        if self.headers.get("Host", "") not in access.hosts:
            self._json(421, {"error": "this server answers only to its own address"})
            return False
        origin = self.headers.get("Origin")
        if (origin is not None or needs_origin) and origin not in access.origins():
            self._json(403, {"error": "requests from other pages are refused"})
            return False
        token = parse_qs(url.query).get("token", [""])[0]
        if needs_token and not hmac.compare_digest(token.encode(), access.token.encode()):
            self._json(403, {"error": "this address needs the token the preview printed"})
            return False
        return True

    # -- the answers -----------------------------------------------------------------
    def _index(self) -> bytes:
        token = self.server.access.token
        page = static_text("index.html").decode("utf-8")
        return page.replace("{{token}}", token).encode("utf-8")

    def _source(self, query: dict) -> None:
        try:
            page = int(query["page"][0])
            x, y = float(query["x"][0]), float(query["y"][0])
        except (KeyError, ValueError):
            return self._json(400, {"error": "give page, x and y (mm)"})
        found = self.server.preview.source_at(page, x, y)
        if found is None:
            return self._json(404, {"error": "nothing from the source is drawn there"})
        return self._json(200, found)

    def _open(self, file: str, line: int, column: int) -> None:
        template = self.server.editor
        path = self.server.preview.source_file(file)
        if not template:
            return self._json(409, {"error": "COMPOSITOR_EDITOR is not set"})
        if path is None:
            return self._json(404, {"error": "not a file of this issue"})
        command = [
            part.format(file=path, line=line, column=column) for part in shlex.split(template)
        ]
        try:
            subprocess.Popen(  # noqa: S603 -- the editor's own command, no shell
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            return self._json(500, {"error": f"cannot start the editor: {error.strerror}"})
        return self._json(200, {"opened": file, "line": line, "column": column})

    def _events(self) -> None:
        preview = self.server.preview
        channel = preview.listen()
        self.send_response(200)
        self._common_headers("text/event-stream; charset=utf-8")
        self.send_header("Connection", "keep-alive")
        self.end_headers()
        try:
            first = Event("error", {"error": preview.error}) if preview.error else None
            self._write_event(first or Event("build", {"build": preview.build_id}))
            while True:
                try:
                    event = channel.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                self._write_event(event)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the page went away
        finally:
            preview.forget(channel)
            self.close_connection = True

    def _write_event(self, event: Event) -> None:
        data = json.dumps(event.data, ensure_ascii=False)
        self.wfile.write(f"event: {event.kind}\ndata: {data}\n\n".encode())
        self.wfile.flush()

    def _json(self, status: int, value: dict) -> None:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        self._send(status, "application/json; charset=utf-8", body)

    def _send(self, status: int, kind: str, body: bytes, cache: str = "no-store") -> None:
        self.send_response(HTTPStatus(status))
        self._common_headers(kind, cache)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _common_headers(self, kind: str, cache: str = "no-store") -> None:
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Security-Policy", POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")  # the token is in the URL
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
