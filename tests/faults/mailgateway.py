"""A mail server on localhost that the test can take down: it refuses connections, answers 421
("service not available"), or accepts the connection and never answers, and when up it speaks
enough SMTP for Django's SMTP backend and keeps every message it accepted."""

import email
import socket
import socketserver
import threading

DOWN, BUSY, HANGING, UP = "down", "busy", "hanging", "up"


class _Handler(socketserver.StreamRequestHandler):
    timeout = 10

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        gateway = self.server.gateway
        mode = gateway.mode
        if mode == BUSY:
            self.reply("421 gateway overloaded, try again later")
            return
        if mode == HANGING:
            gateway.released.wait(timeout=30)
            return
        self.reply("220 fake-gateway ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 fake-gateway")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = bytearray()
                for chunk in iter(self.rfile.readline, b""):
                    if chunk == b".\r\n":
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                gateway.accepted(email.message_from_bytes(bytes(data)))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class MailGateway:
    """``with MailGateway() as gateway``: ``gateway.port`` for ``EMAIL_PORT``, ``gateway.mode`` to
    switch between ``DOWN`` (nothing listens), ``BUSY``, ``HANGING`` and ``UP``, ``gateway.received``
    for the messages accepted, in order."""

    def __init__(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.received: list[email.message.Message] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._server = None
        self._mode = DOWN

    def accepted(self, message) -> None:
        with self._lock:
            self.received.append(message)

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        self._mode = mode
        if mode == DOWN:
            self._close()
        elif self._server is None:
            self.released.clear()
            self._server = _Server(("127.0.0.1", self.port), _Handler)
            self._server.gateway = self
            threading.Thread(target=self._server.serve_forever, daemon=True).start()
        if mode != HANGING:
            self.released.set()
        else:
            self.released.clear()

    def _close(self) -> None:
        if self._server is not None:
            self.released.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._close()
