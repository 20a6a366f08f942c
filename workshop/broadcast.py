"""Pushing state and results to the room.

Results are coalesced: a vote only marks its question as changed, and a single background
task pushes fresh results to the screens at most once per RESULTS_INTERVAL (0.1 s: the
projector follows within a fraction of a second), and to the whole room of phones at most
every PHONE_RESULTS_INTERVAL. Pushing on every vote would be
O(N^2) for a full room. Every payload carries a sequence number (microseconds) so a client
that receives pushes out of order keeps the newest.

The board is pushed the same way, drawn: whatever changed it (a vote, a pin, a note) marks
the run, and the same task renders the board once per audience and language someone watches
and pushes it to the pages showing it, at most every BOARD_INTERVAL; a hall of phones no
longer fetches it, each one, on every vote.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, current_app

from . import changes, presenter
from .extensions import db, socketio
from .models import Run

_pending: set[tuple[int, str]] = set()
_boards_pending: set[int] = set()  # runs whose board changed since it was last pushed
# The board as last drawn, per (run, kind, language), until it changes: a hall of phones that
# comes back after the wifi dropped asks for it once each, and is answered without a render.
_boards_drawn: dict[int, dict[tuple[str, str, str], dict]] = {}  # run id -> (run code, kind, language) -> push
_board_changes: dict[int, int] = {}  # per run, how many changes: a render older than one is not kept
# When each question last sent something to the whole room of phones (a scheduling detail,
# not state). Screens get results every RESULTS_INTERVAL; a hall of phones much less often.
_phones_told: dict[tuple[str, int, str], float] = {}
PHONE_RESULTS_INTERVAL = 0.5  # seconds between revealed results pushed to every phone
IDEAS_NOTICE_INTERVAL = 5.0  # seconds between "there are N ideas" notices (to every phone: costly)
BOARD_INTERVAL = 1.0  # seconds between a run's board pushes (each is the whole board)
_lock = threading.Lock()
_worker_started = False
_app: Flask | None = None


def init_app(app: Flask) -> None:
    global _app
    _app = app


def participants_room(run_id: int) -> str:
    return f"run:{run_id}"


def screens_room(run_id: int) -> str:
    return f"screens:{run_id}"


def board_room(run_id: int, audience: str, lang: str) -> str:
    return f"board:{run_id}:{audience}:{lang}"


def results_changed(run_id: int, question_id: str) -> None:
    if _app is None:
        return
    _board_outdated(run_id)
    if _app.config["RESULTS_INTERVAL"] <= 0:
        emit_results(run_id, [question_id])
        emit_board(run_id)
        return
    with _lock:
        _pending.add((run_id, question_id))
        _boards_pending.add(run_id)  # every board shows every question's answers
        _start_worker()


def _start_worker() -> None:
    global _worker_started
    if not _worker_started:  # (under _lock)
        _worker_started = True
        socketio.start_background_task(_push_pending, _app)


def _push_pending(app: Flask) -> None:
    interval = app.config["RESULTS_INTERVAL"]
    took = 0.0
    while True:
        # When building the pushes takes long (a full hall, revealed results), wait longer
        # before the next ones, so votes keep being served between them.
        socketio.sleep(max(interval, 2 * took))
        started = time.monotonic()
        with _lock:
            batch = sorted(_pending)
            _pending.clear()
            boards = sorted(_boards_pending)
            _boards_pending.clear()
        if not batch and not boards:
            continue
        by_run: dict[int, list[str]] = {}
        for run_id, question_id in batch:
            by_run.setdefault(run_id, []).append(question_id)
        with app.app_context():
            for run_id, question_ids in by_run.items():
                _push_one(app, "results", run_id, emit_results, question_ids)
            for run_id in boards:
                _push_one(app, "the board", run_id, emit_board)
        took = time.monotonic() - started


def _push_one(app: Flask, what: str, run_id: int, emit, *args) -> None:
    try:
        emit(run_id, *args)
    except Exception:  # one bad run must not stop the pushes for every other
        app.logger.exception("pushing %s for run %s failed", what, run_id)
    finally:
        db.session.remove()


def emit_results(run_id: int, question_ids: list[str]) -> None:
    run = db.session.get(Run, run_id)
    if run is None:
        return
    for payload in presenter.results_payloads(run, question_ids):
        question_id = payload["question"]
        socketio.emit("results", payload, to=screens_room(run_id))
        told_all = True
        if payload["visible"]:  # revealed: phones follow the results live too
            if _time_to_tell("results", run_id, question_id, PHONE_RESULTS_INTERVAL):
                socketio.emit("results", presenter.phone_results_payload(payload),
                              to=participants_room(run_id))
            else:
                told_all = False
        if payload["ideas_total"] is not None:
            if _time_to_tell("ideas", run_id, question_id, IDEAS_NOTICE_INTERVAL):
                socketio.emit("ideas", {"seq": payload["seq"], "question": question_id,
                                        "total": payload["ideas_total"]},
                              to=participants_room(run_id))
            else:
                told_all = False
        if not told_all:  # told the phones a moment ago: again on a later round, so the last
            with _lock:   # change reaches them too
                _pending.add((run_id, question_id))


def _time_to_tell(kind: str, run_id: int, question_id: str, interval: float) -> bool:
    if _app is not None and _app.config["RESULTS_INTERVAL"] <= 0:
        return True  # tests push synchronously
    now = time.monotonic()
    if now - _phones_told.get((kind, run_id, question_id), 0.0) < interval:
        return False
    _phones_told[(kind, run_id, question_id)] = now
    return True


def state_changed(run_id: int) -> None:
    """Open, close, reveal, project: pushed at once to phones and screens, never coalesced."""
    if _app is None:
        return
    run = db.session.get(Run, run_id)
    state = presenter.run_state(run)
    socketio.emit("state", state, to=participants_room(run_id))
    socketio.emit("state", state, to=screens_room(run_id))
    emit_results(run_id, [q["id"] for q in state["questions"]])
    board_changed(run_id)  # an opened or cleared question is on the board too


def board_changed(run_id: int) -> None:
    """A pin, a hidden text, a note, sharing: the boards are drawn again, coalesced."""
    if _app is None:
        return
    _board_outdated(run_id)
    if _app.config["RESULTS_INTERVAL"] <= 0:
        emit_board(run_id)
        return
    with _lock:
        _boards_pending.add(run_id)
        _start_worker()


def emit_board(run_id: int) -> None:
    """Push the board to every page that watches it: rendered once per audience and language,
    and only for those someone watches. Called again within BOARD_INTERVAL, it leaves the run
    marked for a later round, so the last change always arrives."""
    watched = [(audience, lang) for audience in presenter.BOARD_AUDIENCES
               for lang in current_app.config["LANGUAGES"] if _watched(board_room(run_id, audience, lang))]
    if not watched:
        return
    if not _time_to_tell("board", run_id, "", BOARD_INTERVAL):
        with _lock:
            _boards_pending.add(run_id)
        return
    run = db.session.get(Run, run_id)
    if run is None:
        return
    drawn: dict[tuple[str, str], dict] = {}
    for audience, lang in watched:
        kind = _board_kind(run, audience)
        if (kind, lang) not in drawn:
            drawn[kind, lang] = board_for(run, audience, lang)
        room = board_room(run_id, audience, lang)
        socketio.emit("board", drawn[kind, lang], to=room)
        if kind == "waiting":  # no longer shared: these phones watch again when it is
            socketio.close_room(room)


def _board_kind(run: Run, audience: str) -> str:
    """The phones and the projector see the same board once it is shared: drawn once."""
    if audience == "controls":
        return "controls"
    return "waiting" if audience == "phones" and not run.board_shared else "view"


def board_for(run: Run, audience: str, lang: str) -> dict:
    """The board push for one audience and language: the last one drawn while the board has
    not changed since, else drawn now. With several processes a change made in another one is
    not seen here, so nothing is kept."""
    key = (run.code, _board_kind(run, audience), lang)  # the code: SQLite may reuse a deleted run's id
    kept = _boards_drawn.get(run.id, {}).get(key)
    if kept is not None:
        return kept
    changes_before = _board_changes.get(run.id, 0)
    push = presenter.board_push(run, audience, lang)
    if changes_before == _board_changes.get(run.id, 0) and not current_app.config.get("SOCKETIO_MESSAGE_QUEUE"):
        _boards_drawn.setdefault(run.id, {})[key] = push
    return push


def _board_outdated(run_id: int) -> None:
    _board_changes[run_id] = _board_changes.get(run_id, 0) + 1
    _boards_drawn.pop(run_id, None)  # on every vote's path: one lookup, not a walk of every run's


def _watched(room: str) -> bool:
    """Whether a page watches this room. With several processes (a message queue), the
    others' watchers are not known here: every audience is then taken as watched."""
    if current_app.config.get("SOCKETIO_MESSAGE_QUEUE"):
        return True
    return next(iter(socketio.server.manager.get_participants("/", room)), None) is not None


# The use cases announce, this pushes. Connected once, at import: every app of the process
# shares this module's state (the app the pushes run in is the last one init_app saw).
@changes.state_changed.connect
def _on_state_changed(run_id: int) -> None:
    state_changed(run_id)


@changes.results_changed.connect
def _on_results_changed(run_id: int, question_id: str) -> None:
    results_changed(run_id, question_id)


@changes.board_changed.connect
def _on_board_changed(run_id: int) -> None:
    board_changed(run_id)
