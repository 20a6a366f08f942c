"""A bare python-socketio server: the ceiling the app is compared against.

Same async mode and server as the app (`workshop serve`: gunicorn's gevent worker, one worker,
WebSocket through simple-websocket), but no Flask, no database, no validation and no pandas:
votes are kept in a dict in memory and a counter per question is pushed to a projector room,
coalesced exactly like workshop/broadcast.py (a vote marks its question pending; one background
greenlet pushes at most once per RESULTS_INTERVAL, 0.25 s). Every payload carries `seq`
(microseconds, taken *before* the counts are read) and `respondents`, like the app's.

The HTTP join does the work the app's join cannot do without, and nothing more, so the load
generator drives both the same way and the join's ratio compares like with like: GET /j/<code>
reads the run's tables from SQLite and returns a page listing them, with a hidden csrf_token
and a `session` cookie; POST /j/<code> checks the token against the cookie, finds the table
the phone typed ("bord 3 " is "Bord 3") or inserts it, inserts the participant and commits
(SQLite in WAL, synchronous=NORMAL, like the app), then redirects to /r/<code> with the
participant in the `session` cookie; GET /r/<code> reads the participant and its table back
and returns the questions page. GET /_bench/dump returns every stored answer (the baseline's
votes stay in memory) and the number of tables, for the integrity checks.

Run: gunicorn -k gevent -w 1 --worker-connections 5000 --bind 127.0.0.1:PORT \
         --no-control-socket benchmarks.baseline_server:app
"""

from __future__ import annotations

import html
import json
import os
import secrets
import sqlite3
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

import socketio
import yaml

RESULTS_INTERVAL = float(os.environ.get("BASELINE_RESULTS_INTERVAL", "0.25"))
CODE = "BENCH1"
QUESTIONS = ("categories", "goals", "topics", "needs")

sio = socketio.Server(async_mode="gevent", ping_interval=20, ping_timeout=40,
                      max_http_buffer_size=64 * 1024, cors_allowed_origins=[])

DATABASE = os.environ.get("BASELINE_DATABASE") or os.path.join(
    tempfile.gettempdir(), f"workshop-baseline-{os.getpid()}.sqlite")
MAX_TABLE_NAME = 40
QUESTIONS_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                              "questions", "kontraktsoppfolging.yaml")


def _questions_html() -> str:
    """The four questions with their options as form inputs (an HTML page of the app's size),
    built once: what the app's questions page shows a phone that has just joined."""
    with open(QUESTIONS_FILE, encoding="utf-8") as handle:
        questions = {q["id"]: q for q in yaml.safe_load(handle)["questions"]}
    parts = []
    for number, qid in enumerate(QUESTIONS, start=1):
        q = questions[qid]
        options = "".join(
            f'<label><input type="checkbox" name="option" value="{html.escape(o["id"])}"> '
            f'{html.escape(o["label"]["nb"])}</label>' for o in q.get("options", []))
        if q["type"] == "ranked":
            options = "".join(f'<select name="rank_{r}">{options}</select>'
                              for r in range(1, q.get("ranks", 3) + 1))
        parts.append(f'<section id="q-{qid}"><h2>{number}. {html.escape(q["text"]["nb"])}</h2>'
                     f'<form method="post" action="/r/{CODE}/answer/{qid}">'
                     f'<input type="hidden" name="csrf_token" value="{{token}}">{options}'
                     f'<textarea name="entry"></textarea><button>Send svar</button></form></section>')
    return "".join(parts)


QUESTIONS_HTML = _questions_html()
_answers: dict[tuple[int, str], dict] = {}  # (participant, question) -> {"vote_id", "fields"}
_votes_accepted = 0
_pending: set[str] = set()
_lock = threading.Lock()
_worker_started = False


def _sequence() -> int:
    return time.time_ns() // 1000


def _participant_of(environ) -> int | None:
    cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    morsel = cookie.get("session")
    if morsel is None or not morsel.value.startswith("p"):
        return None
    try:
        return int(morsel.value[1:])
    except ValueError:
        return None


@sio.event
def connect(sid, environ, auth=None):
    sio.save_session(sid, {"participant": _participant_of(environ),
                           "facilitator": "facilitator=1" in environ.get("HTTP_COOKIE", "")})


@sio.on("participant:join")
def participant_join(sid, data):
    session = sio.get_session(sid)
    if not isinstance(data, dict) or data.get("code") != CODE or session["participant"] is None:
        return {"ok": False, "code": "not_joined", "error": "not joined"}
    session["joined"] = True
    sio.enter_room(sid, "participants")
    return {"ok": True, "state": {"seq": _sequence(), "run": CODE,
                                  "questions": [{"id": q, "status": "open"} for q in QUESTIONS]}}


@sio.on("vote")
def vote(sid, data):
    global _votes_accepted, _worker_started
    session = sio.get_session(sid)
    participant = session.get("participant") if session.get("joined") else None
    if participant is None:
        return {"ok": False, "code": "not_joined", "error": "not joined"}
    if not isinstance(data, dict) or data.get("question") not in QUESTIONS \
            or not isinstance(data.get("fields"), dict):
        return {"ok": False, "code": "malformed", "error": "malformed"}
    question = data["question"]
    with _lock:
        _answers[(participant, question)] = {"vote_id": data.get("vote_id"),
                                             "fields": data["fields"]}
        _votes_accepted += 1
        _pending.add(question)
        if not _worker_started:
            _worker_started = True
            sio.start_background_task(_push_pending)
    return {"ok": True, "question": question, "vote_id": data.get("vote_id")}


@sio.on("screen:watch")
def screen_watch(sid, data):
    if not isinstance(data, dict) or data.get("code") != CODE:
        return {"ok": False, "error": "unknown run"}
    sio.enter_room(sid, "screens")
    return {"ok": True, "results": [_payload(q) for q in QUESTIONS]}


def _payload(question: str) -> dict:
    seq = _sequence()  # before reading the counts, like the app
    respondents = sum(1 for (_, q) in list(_answers) if q == question)
    return {"seq": seq, "run": CODE, "question": question, "respondents": respondents}


def _push_pending() -> None:
    while True:
        sio.sleep(RESULTS_INTERVAL)
        with _lock:
            batch = sorted(_pending)
            _pending.clear()
        for question in batch:
            sio.emit("results", _payload(question), to="screens")


_database: sqlite3.Connection | None = None


def database() -> sqlite3.Connection:
    """One connection for the worker (opened in the worker, after gunicorn's fork)."""
    global _database
    if _database is None:
        connection = sqlite3.connect(DATABASE, check_same_thread=False, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA busy_timeout=30000")
        connection.execute("CREATE TABLE IF NOT EXISTS grp (id INTEGER PRIMARY KEY, "
                           "name TEXT NOT NULL, key TEXT NOT NULL UNIQUE)")
        connection.execute("CREATE TABLE IF NOT EXISTS participant (id INTEGER PRIMARY KEY, "
                           "grp_id INTEGER NOT NULL REFERENCES grp(id), token TEXT NOT NULL UNIQUE)")
        _database = connection
    return _database


def _cookie(environ, name: str) -> str | None:
    morsel = SimpleCookie(environ.get("HTTP_COOKIE", "")).get(name)
    return None if morsel is None else morsel.value


def _page(title: str, body: str) -> bytes:
    return (f'<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>{html.escape(title)}'
            f'</title></head><body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>'
            ).encode()


def _join_page(environ, start_response):
    token = secrets.token_hex(16)
    with _lock:
        tables = [name for (name,) in database().execute("SELECT name FROM grp ORDER BY name")]
    choices = "".join(f'<label><input type="radio" name="group" value="{html.escape(t)}"> '
                      f'{html.escape(t)}</label>' for t in tables)
    body = (f'<form method="post"><input id="csrf_token" name="csrf_token" type="hidden" '
            f'value="{token}"><fieldset>{choices}</fieldset><input name="new_group" maxlength="40">'
            f'<input name="display_name" maxlength="40"><button>Bli med</button></form>')
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                              ("Set-Cookie", f"session=c{token}; Path=/; HttpOnly")])
    return [_page(CODE, body)]


def _join_post(environ, start_response):
    size = int(environ.get("CONTENT_LENGTH") or 0)
    form = parse_qs(environ["wsgi.input"].read(size).decode("utf-8", "replace"))
    token = (form.get("csrf_token") or [""])[0]
    if not token or _cookie(environ, "session") != "c" + token:
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"bad csrf token"]
    name = " ".join(((form.get("new_group") or form.get("group") or [""])[0]).split())
    if not name or len(name) > MAX_TABLE_NAME:
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"bad table name"]
    with _lock:
        connection = database()
        connection.execute("BEGIN IMMEDIATE")
        try:
            row = connection.execute("SELECT id FROM grp WHERE key = ?", (name.casefold(),)).fetchone()
            table = row[0] if row else connection.execute(
                "INSERT INTO grp (name, key) VALUES (?, ?)", (name, name.casefold())).lastrowid
            participant = connection.execute(
                "INSERT INTO participant (grp_id, token) VALUES (?, ?)",
                (table, secrets.token_urlsafe(24))).lastrowid
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    start_response("302 Found", [("Location", f"/r/{CODE}"),
                                 ("Set-Cookie", f"session=p{participant}; Path=/; HttpOnly")])
    return [b""]


def _questions_page(environ, start_response):
    participant = _participant_of(environ)
    with _lock:
        row = database().execute(
            "SELECT g.name FROM participant p JOIN grp g ON g.id = p.grp_id WHERE p.id = ?",
            (participant,)).fetchone() if participant is not None else None
    if row is None:
        start_response("302 Found", [("Location", f"/j/{CODE}")])
        return [b""]
    token = _cookie(environ, "session") or ""
    body = (f"<p>Bord: <strong>{html.escape(row[0])}</strong></p>"
            + QUESTIONS_HTML.replace("{token}", html.escape(token)))
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [_page(CODE, body)]


def http_app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "GET")
    if path == "/":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"baseline"]
    if path == f"/j/{CODE}" and method == "GET":
        return _join_page(environ, start_response)
    if path == f"/j/{CODE}" and method == "POST":
        return _join_post(environ, start_response)
    if path == f"/r/{CODE}" and method == "GET":
        return _questions_page(environ, start_response)
    if path == "/facilitator/login":
        start_response("200 OK", [("Set-Cookie", "facilitator=1; Path=/")])
        return [b""]
    if path == "/_bench/dump":
        # Only ever bound to 127.0.0.1; the benchmark reads the in-memory "database" here.
        with _lock:
            rows = [{"participant": p, "question": q, "vote_id": a["vote_id"]}
                    for (p, q), a in _answers.items()]
            tables = database().execute("SELECT count(*) FROM grp").fetchone()[0]
            body = json.dumps({"answers": rows, "votes_accepted": _votes_accepted,
                               "tables": tables}).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


app = socketio.WSGIApp(sio, http_app)
