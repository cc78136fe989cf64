"""A TCP proxy a test can cut: PostgreSQL (or anything) unreachable for one process only.

    proxy = TcpProxy(("127.0.0.1", 5432)).start()   # listens on proxy.port
    proxy.cut()       # every open connection is closed and new ones are refused
    proxy.restore()   # accepts again, on the same port
    proxy.close()

Green (eventlet): the test process must be monkey-patched (tests/conftest.py does it), and the
process using the proxy must be this one (a nameko ServiceContainer started by the test).
"""
import socket

import eventlet


class TcpProxy:
    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = None
        self._listener = None
        self._server = None
        self._pipes: set = set()

    def start(self) -> "TcpProxy":
        self._listener = eventlet.listen(("127.0.0.1", self.port or 0))
        self.port = self._listener.getsockname()[1]
        self._server = eventlet.spawn(self._accept, self._listener)
        return self

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for src, dst in ((client, upstream), (upstream, client)):
                self._pipes.add(eventlet.spawn(self._pump, src, dst))

    def _pump(self, src, dst) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def cut(self) -> None:
        """Refuse new connections and close the open ones (as a server going away does)."""
        if self._server is not None:
            self._server.kill()
            self._listener.close()
            self._server = None
        for pipe in list(self._pipes):
            pipe.kill()
        self._pipes.clear()

    def restore(self) -> None:
        self.start()

    def close(self) -> None:
        self.cut()
