"""Configuration from the environment, with defaults that are safe for a venue laptop."""

from __future__ import annotations

import os

from . import netaddress


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    def __init__(self, instance_path: str) -> None:
        self.SECRET_KEY = os.environ.get("WORKSHOP_SECRET_KEY")  # else generated into instance/
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", "sqlite:///" + os.path.join(instance_path, "workshop.sqlite")
        )
        self.QUESTIONS_DIR = os.environ.get(
            "WORKSHOP_QUESTIONS_DIR",
            os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "questions"),
        )
        # The workshop the console preselects for a new run.
        self.DEFAULT_TEMPLATE = os.environ.get("WORKSHOP_DEFAULT_TEMPLATE", "kontraktsoppfolging")
        # The facilitator secret can be given here; otherwise one is generated at first start.
        self.FACILITATOR_SECRET = os.environ.get("WORKSHOP_FACILITATOR_SECRET")
        self.SOCKETIO_MESSAGE_QUEUE = os.environ.get("WORKSHOP_MESSAGE_QUEUE")  # e.g. redis://
        # Redis pub/sub ignores the database number: installations sharing a Redis need their
        # own channel, or they receive each other's pushes.
        self.SOCKETIO_MESSAGE_QUEUE_CHANNEL = os.environ.get(
            "WORKSHOP_MESSAGE_QUEUE_CHANNEL", "flask-socketio")
        # gevent in production (see README); threading for tests and the Flask test clients.
        self.SOCKETIO_ASYNC_MODE = os.environ.get("WORKSHOP_ASYNC_MODE", "threading")
        # Results are pushed to the screens at most once per interval per question, however
        # fast votes arrive (phones, when revealed, at most every 0.5 s). Measured: 0.1 s
        # halves the projector's median delay with 2,000 phones (benchmarks/README.md).
        self.RESULTS_INTERVAL = float(os.environ.get("WORKSHOP_RESULTS_INTERVAL", "0.1"))
        # Behind a reverse proxy that sets X-Forwarded-Proto/For/Host, trust one hop.
        self.TRUST_PROXY = _bool("WORKSHOP_TRUST_PROXY", False)
        # The join link and QR code. Behind a reverse proxy, the address phones open
        # (https://workshop.example.no); else this machine's network address, chosen in the
        # console when there are several (workshop/netaddress.py).
        self.PUBLIC_URL = netaddress.parse_public_url(os.environ.get("WORKSHOP_PUBLIC_URL"))
        # Where `workshop serve` listens (it sets WORKSHOP_HOST for the app): on 127.0.0.1 no
        # phone can connect, whatever address the link shows.
        self.LISTEN_HOST = os.environ.get("WORKSHOP_HOST", "0.0.0.0")
        # Addresses phones can use, when the ones found are wrong (a container, a port
        # forward); else found on this machine by DISCOVER_ADDRESSES, which tests replace.
        self.JOIN_ADDRESSES = netaddress.parse_addresses(os.environ.get("WORKSHOP_JOIN_ADDRESSES"))
        self.DISCOVER_ADDRESSES = netaddress.machine_addresses
        # Who hears about accessibility problems (the statement page): an e-mail address, a
        # web address or any text; the organisation running the app sets it.
        self.ACCESSIBILITY_CONTACT = os.environ.get("WORKSHOP_ACCESSIBILITY_CONTACT", "").strip()
        # The organisation's own accessibility statement (for Norwegian public bodies, made
        # at uustatus.no), linked from the app's statement page when set.
        self.ACCESSIBILITY_STATEMENT_URL = os.environ.get("WORKSHOP_ACCESSIBILITY_STATEMENT_URL", "").strip()
        self.BABEL_DEFAULT_LOCALE = "nb"
        self.LANGUAGES = ("nb", "en")
        self.WTF_CSRF_TIME_LIMIT = None  # a workshop day is long; the token lives with the session
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # The cookie is sent again only when the session changed: the phone's service worker
        # refreshes its copy of the page in the background, and a refreshed old cookie arriving
        # after the language switch would switch the phone back.
        self.SESSION_REFRESH_EACH_REQUEST = False
        self.PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
        self.MAX_CONTENT_LENGTH = 256 * 1024
        self.RATELIMIT_STORAGE_URI = os.environ.get("WORKSHOP_RATELIMIT_STORAGE", "workshop-memory://")
        self.RATELIMIT_HEADERS_ENABLED = True
        # Said, not left to Flask-Limiter: its one Limiter object takes an unset value from the
        # last app it served, so an app made after one with limits off had none.
        self.RATELIMIT_ENABLED = True
        self.SQLALCHEMY_ENGINE_OPTIONS: dict = {}
        # Rate limits. A whole room may sit behind one public address (the venue's NAT), so
        # per-address limits are generous and the tight ones are per participant.
        self.JOIN_LIMIT_PER_ADDRESS = os.environ.get("WORKSHOP_JOIN_LIMIT", "3000/minute")
        self.VOTE_LIMIT_PER_PARTICIPANT = os.environ.get("WORKSHOP_VOTE_LIMIT", "30/minute")
        # Looking up a join code (GET /j/<code>) and a phone's participant:join over Socket.IO.
        # Every phone of a hall does both within a minute of the QR going up, and joins again
        # on each reconnect; guessing codes or hammering join from one socket must not pass.
        self.JOIN_PAGE_LIMIT_PER_ADDRESS = os.environ.get("WORKSHOP_JOIN_PAGE_LIMIT", "6000/minute")
        # Lookups of codes that do not exist (the code form and /j/<code> together): guessing
        # is slow, while a hall's typos behind one NAT (about 50 in its first minute) pass.
        self.JOIN_MISS_LIMIT_PER_ADDRESS = os.environ.get("WORKSHOP_JOIN_MISS_LIMIT", "120/minute")
        self.JOIN_EVENT_LIMIT_PER_ADDRESS = os.environ.get("WORKSHOP_JOIN_EVENT_LIMIT", "6000/minute")
        self.JOIN_EVENT_LIMIT_PER_CONNECTION = os.environ.get("WORKSHOP_JOIN_EVENT_LIMIT_PER_CONNECTION", "20/minute")
        self.VOTE_LIMIT_PER_ADDRESS = os.environ.get("WORKSHOP_VOTE_LIMIT_PER_ADDRESS", "20000/minute")
