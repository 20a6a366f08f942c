"""A bare python-socketio server: the ceiling the app is compared against.

Same async mode and server as the app (`workshop serve`: gunicorn's gevent worker, one worker,
WebSocket through simple-websocket), but no Flask, no database, no validation and no pandas:
votes are kept in a dict in memory and a counter per question is pushed to a projector room,
coalesced exactly like workshop/broadcast.py (a vote marks its question pending; one background
greenlet pushes at most once per RESULTS_INTERVAL, 0.25 s). Every payload carries `seq`
(microseconds, taken *before* the counts are read) and `respondents`, like the app's.

The HTTP join has the same shape as the app's so the load generator drives both the same way:
GET /j/<code> returns a page with a hidden csrf_token and a `session` cookie, POST /j/<code>
redirects to /r/<code> with the participant in the `session` cookie. GET /_bench/dump returns
every stored answer (the baseline's "database") for the lost/duplicated check.

Run: gunicorn -k gevent -w 1 --worker-connections 5000 --bind 127.0.0.1:PORT \
         --no-control-socket benchmarks.baseline_server:app
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import threading
import time
from http.cookies import SimpleCookie

import socketio

RESULTS_INTERVAL = float(os.environ.get("BASELINE_RESULTS_INTERVAL", "0.25"))
CODE = "BENCH1"
QUESTIONS = ("categories", "goals", "topics", "needs")

sio = socketio.Server(async_mode="gevent", ping_interval=20, ping_timeout=40,
                      max_http_buffer_size=64 * 1024, cors_allowed_origins=[])

_ids = itertools.count(1)
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


def http_app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "GET")
    if path == "/":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"baseline"]
    if path == f"/j/{CODE}" and method == "GET":
        token = secrets.token_hex(8)
        body = (f'<form method="post"><input id="csrf_token" name="csrf_token" type="hidden" '
                f'value="{token}"></form>').encode()
        start_response("200 OK", [("Content-Type", "text/html"),
                                  ("Set-Cookie", f"session=c{token}; Path=/; HttpOnly")])
        return [body]
    if path == f"/j/{CODE}" and method == "POST":
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        participant = next(_ids)
        start_response("302 Found", [("Location", f"/r/{CODE}"),
                                     ("Set-Cookie", f"session=p{participant}; Path=/; HttpOnly")])
        return [b""]
    if path == "/facilitator/login":
        start_response("200 OK", [("Set-Cookie", "facilitator=1; Path=/")])
        return [b""]
    if path == "/_bench/dump":
        # Only ever bound to 127.0.0.1; the benchmark reads the in-memory "database" here.
        with _lock:
            rows = [{"participant": p, "question": q, "vote_id": a["vote_id"]}
                    for (p, q), a in _answers.items()]
            body = json.dumps({"answers": rows, "votes_accepted": _votes_accepted}).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


app = socketio.WSGIApp(sio, http_app)
