"""Extensions created once and bound to the app in create_app."""

import threading
from contextlib import contextmanager

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

db = SQLAlchemy()
socketio = SocketIO()
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
