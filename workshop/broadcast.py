"""Pushing state and results to the room.

Results are coalesced: a vote only marks its question as changed, and a single background
task pushes fresh results to the screens at most once per RESULTS_INTERVAL (0.1 s: the
projector follows within a fraction of a second), and to the whole room of phones at most
every PHONE_RESULTS_INTERVAL. Pushing on every vote would be
O(N^2) for a full room. Every payload carries a sequence number (microseconds) so a client
that receives pushes out of order keeps the newest.
"""

from __future__ import annotations

import threading
import time

from flask import Flask

from . import changes, presenter
from .extensions import db, socketio
from .models import Run

_pending: set[tuple[int, str]] = set()
# When each question last sent something to the whole room of phones (a scheduling detail,
# not state). Screens get results every RESULTS_INTERVAL; a hall of phones much less often.
_phones_told: dict[tuple[str, int, str], float] = {}
PHONE_RESULTS_INTERVAL = 0.5  # seconds between revealed results pushed to every phone
IDEAS_NOTICE_INTERVAL = 5.0  # seconds between "there are N ideas" notices (to every phone: costly)
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


def results_changed(run_id: int, question_id: str) -> None:
    if _app is None:
        return
    if _app.config["RESULTS_INTERVAL"] <= 0:
        emit_results(run_id, [question_id])
        return
    global _worker_started
    with _lock:
        _pending.add((run_id, question_id))
        if not _worker_started:
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
        if not batch:
            continue
        by_run: dict[int, list[str]] = {}
        for run_id, question_id in batch:
            by_run.setdefault(run_id, []).append(question_id)
        with app.app_context():
            for run_id, question_ids in by_run.items():
                try:
                    emit_results(run_id, question_ids)
                except Exception:  # one bad run must not stop the pushes for every other
                    app.logger.exception("pushing results for run %s failed", run_id)
                finally:
                    db.session.remove()
        took = time.monotonic() - started


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


def board_changed(run_id: int) -> None:
    """A pin, a hidden text, a note: every board on a screen or a phone fetches itself again."""
    if _app is None:
        return
    payload = {"seq": presenter.sequence()}
    socketio.emit("board", payload, to=participants_room(run_id))
    socketio.emit("board", payload, to=screens_room(run_id))


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
