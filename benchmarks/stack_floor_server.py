"""The baseline's join done through the app's own stack: what a join costs before the app.

The join target (benchmarks/README.md, joins) compares the app with a bare WSGI server
(`baseline_server`). Between the two lies the stack this project is built on and may not
leave (Flask, Flask-WTF's CSRF, Flask's signed session cookie, Flask-SQLAlchemy, Jinja, under
gunicorn's gevent worker). This server does exactly the baseline's join work through those
layers and nothing else (no rate limits, no translations, no pages kept between phones, no
results pushed): GET /j/<code> reads the tables and renders a page listing them with the
form's CSRF token; POST /j/<code> validates the form, finds the table typed or inserts it,
inserts the participant, commits and redirects to /r/<code>; GET /r/<code> reads the
participant and its table back and renders the baseline's questions page. Its time against
the baseline's is the floor of any join the app can serve; the app's time against it is what
the app itself adds.

Run: gunicorn -k gevent -w 1 --worker-connections 5000 --bind 127.0.0.1:PORT \
         --no-control-socket benchmarks.stack_floor_server:app
"""

from __future__ import annotations

import os
import secrets
import tempfile

from flask import Flask, abort, redirect, render_template, session, url_for
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect, FlaskForm
from jinja2 import DictLoader
from markupsafe import Markup
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from wtforms import StringField
from wtforms.validators import Length

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


class JoinForm(FlaskForm):
    group = StringField()
    new_group = StringField(validators=[Length(max=MAX_TABLE_NAME)])
    display_name = StringField(validators=[Length(max=40)])


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
{{ form.csrf_token }}<fieldset>{% for name in tables %}<label><input type="radio" name="group"
value="{{ name }}"> {{ name }}</label>{% endfor %}</fieldset>{{ form.new_group(maxlength=40) }}
{{ form.display_name(maxlength=40) }}<button>Bli med</button></form>""")
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
    form = JoinForm()
    if form.validate_on_submit():
        name = " ".join((form.new_group.data or form.group.data or "").split())
        if not name:
            abort(400)
        key = name.casefold()
        table_id = db.session.execute(select(Table.id).where(Table.key == key)).scalar()
        if table_id is None:
            table = Table(name=name, key=key)
            db.session.add(table)
            try:
                db.session.flush()
                table_id = table.id
            except IntegrityError:  # another phone made the same table a moment ago
                db.session.rollback()
                table_id = db.session.execute(select(Table.id).where(Table.key == key)).scalar_one()
        member = Member(table_id=table_id, token=secrets.token_urlsafe(24))
        db.session.add(member)
        db.session.commit()
        session["member"] = member.id
        return redirect(url_for("questions", code=code))
    tables = db.session.execute(select(Table.name).order_by(Table.name)).scalars().all()
    return render_template("join.html", code=code, form=form, tables=tables)


@app.route("/r/<code>")
def questions(code: str):
    member = session.get("member")
    name = db.session.execute(select(Table.name).join(Member, Member.table_id == Table.id)
                              .where(Member.id == member)).scalar() if member else None
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
