"""The console's production build (console/dist) served for a browser test, with /api and /.well-known
passed on to the gateway: the same origin, as the gateway itself serves the console at `/`."""
import functools
import http.server
import pathlib
import threading

import requests

PASSED_ON = ("/api/", "/.well-known/", "/healthz")


class Handler(http.server.SimpleHTTPRequestHandler):
    gateway = ""

    def log_message(self, *args):  # quiet
        pass

    def _pass_on(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        answer = requests.request(self.command, self.gateway + self.path, data=body, headers=headers,
                                  timeout=30, allow_redirects=False)
        self.send_response(answer.status_code)
        for k, v in answer.headers.items():
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def _route(self):
        if self.path.startswith(PASSED_ON):
            return self._pass_on()
        if self.command != "GET":
            self.send_error(405)
            return
        target = pathlib.Path(self.directory) / self.path.split("?")[0].lstrip("/")
        if not target.is_file():  # the single-page app's own routes
            self.path = "/index.html"
        return super().do_GET()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _route


def serve(dist: pathlib.Path, gateway: str):
    """A started server; its address is http://127.0.0.1:<server.server_port>."""
    handler = functools.partial(type("Bound", (Handler,), {"gateway": gateway}), directory=str(dist))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
