"""Headers and cookies that follow the scheme the request came in on.

On the venue's plain-HTTP network a Secure cookie would never come back, so Secure and HSTS
are only set when the request itself was HTTPS (directly or, with WORKSHOP_TRUST_PROXY, via a
reverse proxy's X-Forwarded-Proto).

And a body refused as too large is read to its end before the page saying so is sent, so that
page reaches the browser.
"""

from __future__ import annotations

import time

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])


# Where Flask-SocketIO keeps a connection's own copy of the session (its managed session).
SOCKETIO_SESSION_KEY = "saved_session"


class SchemeAwareSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, object] = {}

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request) and request.is_secure

    def get_signing_serializer(self, app: Flask):
        # Flask builds a new serializer for every cookie it reads and every one it writes (a
        # twentieth of a join's function calls, benchmarks/README.md); it keeps no state
        # between calls, so one per key is enough.
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request):
        if SOCKETIO_SESSION_KEY in request.environ:
            # A Socket.IO event after the first: Flask-SocketIO replaces this session with the
            # connection's copy as soon as the context is open. Verifying and decoding the
            # cookie again for every vote was a tenth of the worker's CPU (benchmarks/profiles).
            return self.null_session_class()
        return super().open_session(app, request)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def add_security_headers(response):
    """Each header unless the view set its own. (Not Headers.setdefault: it tells a missing
    header by an exception, five of them on every response of a hall's joins.)"""
    present = {key.casefold() for key in response.headers.keys()}
    for key, value in (*SECURITY_HEADERS, HSTS) if request.is_secure else SECURITY_HEADERS:
        if key.casefold() not in present:
            response.headers.add(key, value)
    return response


# A body over MAX_CONTENT_LENGTH is refused before any of it is read. gunicorn then reads
# what is left for at most its keep-alive time (2 s) and closes the connection with the rest
# unread, which resets it: a client still sending (a file over the venue's wifi) gets
# "connection reset" instead of the page saying why (measured: 5 MB at 1 MB/s, cut at 2 s).
# Reading the rest first, as nginx's lingering close does, lets the page arrive. Bounded in
# bytes and time (nginx lingers 30 s too), so a refused body cannot hold a connection longer.
REFUSED_BODY_MOST_READ = 64 * 1024 * 1024
REFUSED_BODY_MOST_SECONDS = 30.0


def read_rest_of_refused_body() -> None:
    """Read and drop the rest of a request body the app refused as too large."""
    declared = request.content_length
    if declared is not None and declared > REFUSED_BODY_MOST_READ:
        return  # too much to wait for; a client that reads while it sends still gets the page
    stream = request.environ.get("wsgi.input")
    # gunicorn's connection: bounded reads, so a client that stops sending cannot hold us.
    connection = request.environ.get("gunicorn.socket")
    if stream is None:
        return
    left = REFUSED_BODY_MOST_READ if declared is None else declared
    deadline = time.monotonic() + REFUSED_BODY_MOST_SECONDS
    prior_timeout = connection.gettimeout() if connection is not None else None
    try:
        while left > 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if connection is not None:
                connection.settimeout(remaining)
            chunk = stream.read(min(64 * 1024, left))
            if not chunk:
                return
            left -= len(chunk)
            time.sleep(0)  # under gevent, the room's other requests run between chunks
    except Exception:  # the client went away or sent a broken chunk: nothing more to read
        return
    finally:
        if connection is not None:
            connection.settimeout(prior_timeout)


def init_app(app: Flask) -> None:
    app.session_interface = SchemeAwareSessionInterface()
    app.after_request(add_security_headers)
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
