"""Headers and cookies that follow the scheme the request came in on.

On the venue's plain-HTTP network a Secure cookie would never come back, so Secure and HSTS
are only set when the request itself was HTTPS (directly or, with WORKSHOP_TRUST_PROXY, via a
reverse proxy's X-Forwarded-Proto).
"""

from __future__ import annotations

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
    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request) and request.is_secure

    def open_session(self, app: Flask, request):
        if SOCKETIO_SESSION_KEY in request.environ:
            # A Socket.IO event after the first: Flask-SocketIO replaces this session with the
            # connection's copy as soon as the context is open. Verifying and decoding the
            # cookie again for every vote was a tenth of the worker's CPU (benchmarks/profiles).
            return self.null_session_class()
        return super().open_session(app, request)


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.session_interface = SchemeAwareSessionInterface()
    app.after_request(add_security_headers)
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
