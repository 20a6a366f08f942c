"""Extensions created once and bound to the app in create_app."""

import re
import threading
from contextlib import contextmanager

from engineio import json as engineio_json
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect


class UnreadableArguments:
    """Stands for the arguments of a Socket.IO event whose JSON could not be read: not an
    object, so each handler refuses it as malformed, as it refuses a string or a list."""

    def __repr__(self) -> str:
        return "<unreadable arguments>"


UNREADABLE = UnreadableArguments()

# The event's name at the start of a Socket.IO event's JSON: ["vote", ...
_EVENT_NAME = re.compile(r'\[\s*("(?:[^"\\]|\\.){1,100}")\s*,')


class SocketFrameJSON:
    """The JSON module python-socketio and python-engineio decode every frame with
    (SocketIO(json=...)).

    python-socketio decodes an event's JSON before any handler runs, and lets every error
    of it through: JSON nested deeper than the recursion limit (about 1,000 levels) raised
    RecursionError, logged as a traceback, and the call went unanswered. Here a frame whose
    JSON cannot be read but that names its event still reaches that event's handler, with
    UNREADABLE as its one argument, and is refused like any malformed call. One naming no
    event raises ValueError (python-engineio then keeps its text as it is; the frame guard
    in live.py logs what python-socketio makes of it in one line).

    A readable frame costs one Python call more than python-engineio's own module, which
    does the decoding (it also refuses integers of more than 100 digits)."""

    dumps = staticmethod(engineio_json.dumps)

    @staticmethod
    def loads(text, **kwargs):
        try:
            return engineio_json.loads(text, **kwargs)
        except (ValueError, RecursionError):
            event = _event_named_in(text)
            if event is None:
                raise ValueError("not readable JSON") from None
            return [event, UNREADABLE]


def _event_named_in(text) -> str | None:
    named = _EVENT_NAME.match(text) if isinstance(text, str) else None
    try:
        return engineio_json.loads(named.group(1)) if named else None
    except ValueError:  # a bad escape in the name
        return None


db = SQLAlchemy()
socketio = SocketIO(json=SocketFrameJSON)
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
migrate = Migrate()


class _DatabaseTurns:
    """Upvotes over Socket.IO wait their turn for a database connection here, not in
    SQLAlchemy's pool (votes go through the group commit, one writer at a time).

    A gevent worker can run thousands of handlers at once; with PostgreSQL each one yields
    while waiting for the server, so more of them than the pool holds would time out in the
    pool (an unanswered upvote). Here they queue without a deadline instead."""

    def __init__(self) -> None:
        self._turns = threading.BoundedSemaphore(1)

    def configure(self, size: int) -> None:
        self._turns = threading.BoundedSemaphore(max(1, size))

    @contextmanager
    def __call__(self):
        turns = self._turns
        with turns:
            try:
                yield
            finally:
                db.session.remove()  # give the connection back before the next one's turn


database_turn = _DatabaseTurns()


def quiet_when_a_websocket_leaves(wsgi_app):
    """A phone that closes its page while its connection is being upgraded to a WebSocket
    leaves engine.io answering its probe on a closed socket: engine.io raises a bare OSError,
    which gunicorn logs as a traceback for every such phone. Nothing is lost (the phone is
    gone), so the request ends the way engine.io ends every WebSocket under gunicorn."""
    def app(environ, start_response):
        try:
            return wsgi_app(environ, start_response)
        except OSError as error:
            if error.errno is not None or environ.get("HTTP_UPGRADE", "").lower() != "websocket":
                raise
            if "gunicorn.socket" in environ:
                raise StopIteration() from None  # gunicorn: close the connection quietly
            raise ConnectionError() from None  # werkzeug's way, as engine.io does there
    return app
