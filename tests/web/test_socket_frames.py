"""Malformed Socket.IO calls of every event are refused, in the phone's language, and leave
at most one line in the log: no argument, extra arguments, a non-object, JSON nested far
deeper than Python's recursion limit. And participant:join is rate limited per connection.

The deep frames are sent as the text a client puts on the wire, through python-socketio's
own decoding (the test client's emit encodes a Python value first, and cannot encode 20,000
levels); tests/live/test_socket_frames_live.py sends them to the real server too."""

from __future__ import annotations

import logging

import pytest

from workshop import services
from workshop.extensions import socketio

from ..conftest import SOCKET_EVENTS, join
from .test_abuse import limits_app, open_run

EVENTS = SOCKET_EVENTS
MALFORMED_NB = "Svaret kunne ikke leses. Last inn siden på nytt og prøv igjen."
MALFORMED_EN = "The answer could not be read. Reload the page and try again."
DEPTH = 20_000

# An object of the shape each event takes, and the malformed calls of every event: the
# call's arguments ("object" stands for the event's object), or its JSON as sent on the wire.
ONE_OBJECT = {"participant:join": {"code": "X"}, "vote": {"question": "goals", "fields": {"option": ["trust"]}},
        "upvote": {"question": "ideas", "ref": "x"}, "screen:watch": {"code": "X"},
        "board:watch": {"code": "X", "audience": "phones"}}
MALFORMED_ARGUMENTS = {
    "no argument": (),
    "two arguments": ("object", {"b": 2}),
    "three arguments": ("object", "object", "object"),
    "a string": ("x",),
    "a number": (5,),
    "a list": ([{"code": "X"}],),
    "null": (None,),
    "true": (True,),
}
MALFORMED_WIRE = {
    "nested lists": "[" * DEPTH + "]" * DEPTH,
    # {"a": is five characters a level: 10,000 levels keep the frame within the server's
    # 64 KB limit (max_http_buffer_size), which refuses bigger frames before any decoding.
    "nested objects": '{"a":' * (DEPTH // 2) + "1" + "}" * (DEPTH // 2),
    "nested objects in the object": '{"code":' + '{"a":' * (DEPTH // 2) + "1" + "}" * (DEPTH // 2 + 1),
    "not JSON": '{"code":]',
}


def emit_wire(sock, event: str, arguments_json: str):
    """Call `event` with arguments written as JSON text, decoded by python-socketio as it
    decodes a real client's frame (EVENT packet "2", acknowledgement id 1)."""
    sock.socketio.server._handle_eio_message(sock.eio_sid, f'21["{event}",{arguments_json}]')
    ack, sock.acks = sock.acks, None
    return ack["args"][0] if ack and len(ack["args"]) == 1 else ack


@pytest.fixture
def sockets(app, client, facilitator, run_code):
    """A joined phone's socket, and the facilitator's for screen:watch (both Norwegian)."""
    facilitator.post(f"/facilitator/runs/{run_code}/open-all")
    phone = socketio.test_client(app, flask_test_client=join(client, run_code))
    assert phone.emit("participant:join", {"code": run_code}, callback=True)["ok"]
    screen = socketio.test_client(app, flask_test_client=facilitator)
    return {event: screen if event == "screen:watch" else phone for event in EVENTS}


def test_every_event_the_server_handles_is_fuzzed(app):
    assert sorted(socketio.server.handlers["/"]) == sorted(SOCKET_EVENTS)


def assert_refused_with_at_most_a_line(ack, caplog, message=MALFORMED_NB):
    assert ack == {"ok": False, "code": "malformed", "error": message}
    assert len(caplog.records) <= 1, caplog.text
    assert not [r for r in caplog.records if r.exc_info], caplog.text
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("call", MALFORMED_ARGUMENTS, ids=str)
def test_a_call_with_no_argument_extra_ones_or_a_non_object_is_refused(sockets, caplog, event, call):
    arguments = [ONE_OBJECT[event] if a == "object" else a for a in MALFORMED_ARGUMENTS[call]]
    with caplog.at_level(logging.DEBUG):
        ack = sockets[event].emit(event, *arguments, callback=True)
    assert_refused_with_at_most_a_line(ack, caplog)


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("frame", MALFORMED_WIRE, ids=str)
def test_a_call_nested_20000_deep_or_not_json_is_refused(sockets, caplog, event, frame):
    with caplog.at_level(logging.DEBUG):
        ack = emit_wire(sockets[event], event, MALFORMED_WIRE[frame])
    assert_refused_with_at_most_a_line(ack, caplog)


def test_an_object_whose_values_are_nested_just_readably_deep_is_refused(sockets, caplog):
    # 500 levels decode (Python's limit is about 1,000): each value then reaches its check.
    deep = "[" * 500 + "]" * 500
    every_value_deep = "{" + ",".join(
        f'"{key}":{deep}' for key in ("code", "question", "fields", "ref", "vote_id")) + "}"
    for event in EVENTS:
        with caplog.at_level(logging.DEBUG):
            ack = emit_wire(sockets[event], event, every_value_deep)
        assert ack["ok"] is False and ack["code"] in {"malformed", "not_joined", "unknown_question",
                                                      "unknown_run"}, (event, ack)
    assert not caplog.records, caplog.text


def test_an_english_phone_is_refused_in_english(app, run_code, caplog):
    english = app.test_client()
    english.post("/lang/en")
    phone = socketio.test_client(app, flask_test_client=join(english, run_code))
    # Its language is known before it joins from its session cookie (participant:join runs in
    # its request context); a vote or upvote is worded in the language its join recorded.
    assert_refused_with_at_most_a_line(phone.emit("participant:join", callback=True), caplog, MALFORMED_EN)
    assert phone.emit("participant:join", {"code": run_code}, callback=True)["ok"]
    for event in ("participant:join", "vote", "upvote"):
        assert_refused_with_at_most_a_line(phone.emit(event, "x", callback=True), caplog, MALFORMED_EN)
        assert_refused_with_at_most_a_line(emit_wire(phone, event, MALFORMED_WIRE["nested lists"]),
                                           caplog, MALFORMED_EN)


def test_the_well_formed_calls_still_work_after_the_malformed_ones(sockets, run_code):
    phone = sockets["vote"]
    for event in EVENTS:
        sockets[event].emit(event, callback=True)
        emit_wire(sockets[event], event, MALFORMED_WIRE["nested lists"])
    assert phone.emit("participant:join", {"code": run_code}, callback=True)["ok"]
    assert phone.emit("vote", ONE_OBJECT["vote"], callback=True)["ok"]
    assert sockets["screen:watch"].emit("screen:watch", {"code": run_code}, callback=True)["ok"]


def test_a_frame_naming_no_event_is_dropped_with_one_line(sockets, caplog):
    # Nothing to answer: no event named, or no packet python-socketio can take apart. Sent
    # to the message handler python-engineio calls for each frame (the test client's emit
    # goes around it), which logs a failure in one line instead of python-engineio's traceback.
    phone = sockets["vote"]
    receive = phone.socketio.server.eio.handlers["message"]
    for frame in ["21" + "[" * DEPTH + "]" * DEPTH, "21[]", "21{}", "2", "21", "[[[", "9"]:
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            receive(phone.eio_sid, frame)
        assert phone.acks is None
        assert len(caplog.records) <= 1 and not [r for r in caplog.records if r.exc_info], caplog.text
        assert all(r.getMessage().startswith("Socket.IO frame from") for r in caplog.records)


def test_a_handler_that_fails_answers_and_logs_one_line(sockets, run_code, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database is gone\nTraceback (most recent call last): forged")

    monkeypatch.setattr(services.joining, "participant_by_token", broken)
    monkeypatch.setattr(services.votes, "submit_answer", broken)
    for event, arguments in (("participant:join", {"code": run_code}), ("vote", ONE_OBJECT["vote"])):
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            ack = sockets[event].emit(event, arguments, callback=True)
        assert ack == {"ok": False, "code": "malformed", "error": MALFORMED_NB}
        [line] = [r for r in caplog.records if r.name == "workshop.live"]
        assert not line.exc_info and "\n" not in line.getMessage()
        assert f"Socket.IO event '{event}' from 127.0.0.1 failed: RuntimeError" in line.getMessage()
        assert len(caplog.records) == 1


def test_participant_join_is_limited_per_connection_not_per_room(tmp_path, monkeypatch):
    app = limits_app(tmp_path, monkeypatch, JOIN_EVENT_LIMIT_PER_CONNECTION="3/minute")
    code = open_run(app)
    flask_client = app.test_client()
    flask_client.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    phone = socketio.test_client(app, flask_test_client=join(flask_client, code))
    acks = [phone.emit("participant:join", {"code": code}, callback=True) for _ in range(4)]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["code"] == "rate_limited" and "Vent litt" in acks[-1]["error"]
    # The same phone on a new connection (a reconnect), and another phone elsewhere, join.
    again = socketio.test_client(app, flask_test_client=flask_client)
    assert again.emit("participant:join", {"code": code}, callback=True)["ok"]
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    other = socketio.test_client(app, flask_test_client=join(elsewhere, code, "Bord 2"))
    assert other.emit("participant:join", {"code": code}, callback=True)["ok"]


def test_participant_join_is_limited_per_address_for_every_connection_behind_it(tmp_path, monkeypatch):
    app = limits_app(tmp_path, monkeypatch, JOIN_EVENT_LIMIT_PER_ADDRESS="3/minute")
    code = open_run(app)
    oks = []
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"):  # a NAT, and not
        flask_client = app.test_client()
        flask_client.environ_base["REMOTE_ADDR"] = address
        phone = socketio.test_client(app, flask_test_client=join(flask_client, code))
        oks.append(phone.emit("participant:join", {"code": code}, callback=True)["ok"])
    assert oks == [True, True, True, False, True]


def test_the_join_limits_are_off_when_rate_limiting_is(app, client, run_code):
    app.config["JOIN_EVENT_LIMIT_PER_CONNECTION"] = "1/minute"  # RATELIMIT_ENABLED is False here
    phone = socketio.test_client(app, flask_test_client=join(client, run_code))
    assert all(phone.emit("participant:join", {"code": run_code}, callback=True)["ok"] for _ in range(3))
