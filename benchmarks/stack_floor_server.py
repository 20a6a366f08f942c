"""The baseline's join done through the app's own stack at its leanest: what a join costs
before the app.

The join target (benchmarks/README.md, joins) compares the app with a bare WSGI server
(`baseline_server`). Between the two lies the stack this project is built on and may not
leave (Flask, Flask-WTF's CSRF, Flask's signed session cookie, Flask-SQLAlchemy, Jinja, under
gunicorn's gevent worker). This server does exactly the baseline's join work through those
layers, as lean as they allow, and nothing else (no rate limits, no translations, no pages
kept between phones, no results pushed; SQL statements through SQLAlchemy Core, not the ORM;
no WTForms form): GET /j/<code> reads the tables and renders a Jinja page listing them with
Flask-WTF's CSRF token; POST /j/<code> (the token checked by CSRFProtect against the signed
session) finds the table typed or inserts it and inserts the participant in one transaction,
and redirects to /r/<code>; GET /r/<code> reads the participant's table back and renders the
baseline's questions page. Its time against the baseline's is the floor of any join the app
can serve on this stack; the app's time against it is what the app itself adds.

Run: gunicorn -k gevent -w 1 --worker-connections 5000 --bind 127.0.0.1:PORT \
         --no-control-socket benchmarks.stack_floor_server:app
"""

from __future__ import annotations

import os
import secrets
import tempfile

from flask import Flask, abort, redirect, render_template, request, session, url_for
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from jinja2 import DictLoader
from markupsafe import Markup
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError

from .baseline_server import CODE, MAX_TABLE_NAME, QUESTIONS_HTML

DATABASE = os.environ.get("BASELINE_DATABASE") or os.path.join(
    tempfile.gettempdir(), f"workshop-stack-floor-{os.getpid()}.sqlite")

app = Flask(__name__)
app.config.update(
    SECRET_KEY=secrets.token_hex(32),
    SQLALCHEMY_DATABASE_URI="sqlite:///" + DATABASE,
    # As the app: enough pooled connections for a gevent worker's hall of phones.
    SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 30}, "pool_size": 30, "max_overflow": 60},
)
db = SQLAlchemy(app)
CSRFProtect(app)


class Table(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(40), nullable=False)
    key = db.Column(db.String(40), nullable=False, unique=True)


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    table_id = db.Column(db.Integer, db.ForeignKey("table.id"), nullable=False)
    token = db.Column(db.String(64), nullable=False, unique=True)


def _pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
        cursor.execute("PRAGMA " + pragma)
    cursor.close()


with app.app_context():
    event.listen(db.engine, "connect", _pragmas)
    db.create_all()

PAGE = """<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>{{ code }}</title>
</head><body><main><h1>{{ code }}</h1>{% block body %}{% endblock %}</main></body></html>"""
JOIN_PAGE = PAGE.replace("{% block body %}{% endblock %}", """<form method="post">
<input id="csrf_token" name="csrf_token" type="hidden" value="{{ csrf_token() }}">
<fieldset>{% for name in tables %}<label><input type="radio" name="group" value="{{ name }}">
{{ name }}</label>{% endfor %}</fieldset><input name="new_group" maxlength="40">
<input name="display_name" maxlength="40"><button>Bli med</button></form>""")
QUESTIONS_PAGE = PAGE.replace("{% block body %}{% endblock %}",
                              "<p>Bord: <strong>{{ table }}</strong></p>{{ questions }}")
# Loaded and compiled once, as the app's templates are.
app.jinja_loader = DictLoader({"join.html": JOIN_PAGE, "questions.html": QUESTIONS_PAGE})


@app.route("/")
def index():
    return "stack floor"


@app.route("/j/<code>", methods=["GET", "POST"])
def join(code: str):
    if code != CODE:
        abort(404)
    if request.method == "POST":  # CSRFProtect has checked the token against the session
        name = " ".join((request.form.get("new_group") or request.form.get("group") or "").split())
        if not name or len(name) > MAX_TABLE_NAME:
            abort(400)
        key = name.casefold()
        for _attempt in range(2):  # the second after another phone made the same table first
            try:
                with db.engine.begin() as connection:  # one transaction, as the baseline's
                    table_id = connection.execute(select(Table.id).where(Table.key == key)).scalar()
                    if table_id is None:
                        table_id = connection.execute(
                            insert(Table).values(name=name, key=key)).inserted_primary_key[0]
                    session["member"] = connection.execute(insert(Member).values(
                        table_id=table_id, token=secrets.token_urlsafe(24))).inserted_primary_key[0]
                break
            except IntegrityError:
                continue
        return redirect(url_for("questions", code=code))
    with db.engine.connect() as connection:
        tables = connection.execute(select(Table.name).order_by(Table.name)).scalars().all()
    return render_template("join.html", code=code, tables=tables)


@app.route("/r/<code>")
def questions(code: str):
    member = session.get("member")
    name = None
    if member:
        with db.engine.connect() as connection:
            name = connection.execute(select(Table.name).join(Member, Member.table_id == Table.id)
                                      .where(Member.id == member)).scalar()
    if name is None:
        return redirect(url_for("join", code=code))
    token = session.get("csrf_token", "")
    return render_template("questions.html", code=code, table=name,
                           questions=Markup(QUESTIONS_HTML.replace("{token}", token)))


@app.route("/_bench/dump")
def dump():
    # Only ever bound to 127.0.0.1, like the baseline's.
    tables = db.session.execute(select(db.func.count(Table.id))).scalar()
    return {"answers": [], "votes_accepted": 0, "tables": tables}
