"""workshop: live workshop exercises that turn a room's answers into decisions."""

from __future__ import annotations

import os
import secrets
import time
from contextlib import contextmanager

from flask import Flask, has_request_context, request, session
from markupsafe import Markup
from sqlalchemy import event, text

# Imported before any init_app so its handlers are kept by Flask-SocketIO and bound to every
# app it is initialised with (handlers declared after init_app bind to that first app only).
from . import (
    about,
    broadcast,
    facilitator,
    frontend_libraries,
    live,
    participant,
    projector,
    ratelimit,
    security,
    services,
)
from . import cli as commands
from .config import Config
from .domain.question_types import TYPES as QUESTION_TYPE_REGISTRY
from .domain.text import displayable
from .extensions import babel, csrf, database_turn, db, limiter, migrate, quiet_when_a_websocket_leaves, socketio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("WORKSHOP_INSTANCE_PATH") or os.path.join(ROOT, "instance"),
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_object(Config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite") and ":memory:" not in uri and uri != "sqlite://":
        # A gevent worker serves a hall of phones at once: enough pooled connections that
        # handlers wait for the write lock (busy timeout), not for a connection.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"timeout": 30}, "pool_size": 30, "max_overflow": 60}
    elif not uri.startswith("sqlite") and not app.config["SQLALCHEMY_ENGINE_OPTIONS"]:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 10, "max_overflow": 20,
                                                   "pool_pre_ping": True}

    db.init_app(app)
    app.extensions["workshop.vote_writer"] = services.votes.new_vote_writer()
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    # Leave room in the pool for pages, joins and the results pushes.
    database_turn.configure(options.get("pool_size", 5) + options.get("max_overflow", 10) - 5)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS",
                          ratelimit.storage_options(app.config["RATELIMIT_STORAGE_URI"]))
    limiter.init_app(app)
    ratelimit.init_app(app)
    babel.init_app(app, locale_selector=_locale, default_translation_directories=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "translations"))
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        channel=app.config["SOCKETIO_MESSAGE_QUEUE_CHANNEL"],
        # A phone on a slow venue network may pause for a while without being gone.
        ping_interval=20,
        ping_timeout=40,
        max_http_buffer_size=64 * 1024,
        # A phone's events are handled one after another on its own connection, not each in
        # a new greenlet: spawning one per vote was a seventh of the worker's CPU in a full
        # hall (benchmarks/profiles), and a phone's votes now arrive in the order it sent them.
        async_handlers=False,
    )
    app.wsgi_app = quiet_when_a_websocket_leaves(app.wsgi_app)  # after Socket.IO's middleware
    live.init_app(app)
    commands.init_app(app)
    security.init_app(app)
    broadcast.init_app(app)

    for package in (participant, facilitator, projector, frontend_libraries, about):
        app.register_blueprint(package.blueprint())

    _register_page_helpers(app)
    # Every value a page shows passes here: a stored text UTF-8 cannot encode (from before
    # the text hygiene) is shown with U+FFFD instead of failing the whole page.
    app.jinja_env.finalize = _displayable_output

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
            db.engine.dispose()
        if app.config.get("SCHEMA_FROM_MODELS"):
            db.create_all()  # tests: faster than migrating; tests/web/test_migrations checks both agree
        elif not app.config.get("SCHEMA_MANAGED_ELSEWHERE"):  # set by migration tooling
            upgrade_database()
    return app


def upgrade_database() -> None:
    """Bring the database to the current schema with the Alembic migrations in migrations/."""
    from flask_migrate import stamp, upgrade
    from sqlalchemy import inspect

    directory = os.path.join(ROOT, "migrations")
    with _schema_lock():
        tables = set(inspect(db.engine).get_table_names())
        if "run" in tables and "alembic_version" not in tables:
            # Built from the models (tests, or a tool) rather than by migrations: it is current.
            stamp(directory=directory)
            return
        upgrade(directory=directory)


SCHEMA_LOCK_ID = 7240511  # any constant shared by every process of this app


@contextmanager
def _schema_lock():
    """On PostgreSQL, processes starting together migrate one at a time (an advisory lock)."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    with db.engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": SCHEMA_LOCK_ID})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": SCHEMA_LOCK_ID})
            connection.commit()


def _register_page_helpers(app: Flask) -> None:
    from flask import render_template
    from flask_babel import gettext
    from flask_wtf.csrf import CSRFError

    from .presenter import current_language

    names = {"nb": "Norsk", "en": "English"}
    # A type may bring its own style sheet (static/css/question_types/<type>.css).
    styles = [name for name in sorted(QUESTION_TYPE_REGISTRY) if os.path.isfile(
        os.path.join(app.static_folder, "css", "question_types", f"{name}.css"))]

    @app.context_processor
    def language_helpers():
        def other_lang() -> str:
            return "en" if current_language() == "nb" else "nb"

        return {
            "question_type_names": sorted(QUESTION_TYPE_REGISTRY),  # each has its renderer
            "question_type_styles": styles,
            "current_lang": current_language,
            "other_lang": other_lang,
            "other_lang_name": lambda: names[other_lang()],
        }

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = gettext("The form had expired or was not sent from this app. "
                          "Nothing was changed: reload the page and try again.")
        return render_template("error.html", message=message), 400

    @app.errorhandler(404)
    def not_found(error):
        message = getattr(error, "description", None) or gettext("Page not found.")
        if "requested URL was not found" in message:
            message = gettext("Page not found.")
        return render_template("error.html", message=message), 404

    @app.errorhandler(429)
    def too_many(error):
        message = gettext("Too many attempts in a short time. Wait a minute and try again.")
        return render_template("error.html", message=message), 429

    @app.errorhandler(413)
    def too_large(error):
        # Refused before the view ran (a form or file over MAX_CONTENT_LENGTH), in the
        # person's language instead of Werkzeug's English page.
        security.read_rest_of_refused_body()
        size = app.config["MAX_CONTENT_LENGTH"] // 1024
        message = gettext("What you sent is too large (more than %(size)s KB). Nothing was saved: "
                          "shorten the text or choose a smaller file, and try again.", size=size)
        return render_template("error.html", message=message), 413


def _displayable_output(value):
    # Markup stays Markup: replacing a code point inside it leaves its HTML as it was.
    if isinstance(value, Markup):
        return Markup(displayable(value))
    return displayable(value) if isinstance(value, str) else value


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the projector read while phones write; NORMAL is durable across a process
    # crash (only an OS crash can lose the last commits); the busy timeout queues writers.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _locale() -> str:
    from flask import current_app

    if not has_request_context():  # a command (workshop export): the room's default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    asked = request.args.get("lang")
    if asked in current_app.config["LANGUAGES"]:
        return asked
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _instance_secret_key(instance_path: str) -> str:
    """A stable key per installation, so phones keep their identity across restarts."""
    path = os.path.join(instance_path, "secret_key")
    try:
        with open(path, encoding="ascii") as handle:
            key = handle.read().strip()
            if key:
                return key
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process starting at the same moment wrote it first
        for _ in range(50):
            time.sleep(0.05)
            with open(path, encoding="ascii") as handle:
                written = handle.read().strip()
            if written:
                return written
        raise
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
