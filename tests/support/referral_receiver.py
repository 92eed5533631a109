"""A real local HTTP receiver for referrals, as a partner would run it.

It checks the signature (actions.delivery.verify_signature: an HMAC over the
timestamp, the Idempotency-Key and the body, so a key cannot be swapped onto
another body), keeps each idempotency key once, and can be told to be slow or
to fail, so that the tests see delivery from the receiver's side.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from actions.delivery import verify_signature
from servers import free_port

SECRET = "test-secret-0123456789abcdef"  # the tests' shared secret


class Receiver:
    """Start with `start()`; until then its port refuses connections ("down")."""

    def __init__(self, secret: str, port: int | None = None) -> None:
        self.secret = secret
        self.port = port or free_port()
        self.accepted: dict[str, dict] = {}
        self.requests: list[tuple[str, int]] = []  # (idempotency key, status answered)
        self.started: list[str] = []  # keys of requests as they arrive
        self.fail_next = 0  # answer this many requests with `fail_status`
        self.fail_status = 500
        self.delay = 0.0  # seconds to wait before answering (then still accept)
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/referrals"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("Idempotency-Key", "")
                with receiver.lock:
                    receiver.started.append(key)
                    failing = receiver.fail_next > 0
                    receiver.fail_next -= failing
                if receiver.delay:
                    time.sleep(receiver.delay)
                if failing:
                    status = receiver.fail_status
                elif not verify_signature(receiver.secret, self.headers, body):  # key too
                    status = 401
                else:
                    with receiver.lock:
                        status = 200 if key in receiver.accepted else 201
                        receiver.accepted.setdefault(key, json.loads(body))
                with receiver.lock:
                    receiver.requests.append((key, status))
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # the sender has gone (killed or timed out)
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait_for(self, condition, timeout: float = 30.0) -> bool:
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if condition(self):
                    return True
            time.sleep(0.02)
        return False
