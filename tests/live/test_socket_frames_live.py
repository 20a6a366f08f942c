"""Malformed Socket.IO frames against the real server (gunicorn + gevent): sent as raw
WebSocket text, so they go through python-engineio's and python-socketio's own decoding, as a
hostile client's would. Every call of an event is answered with a refusal; a frame that names
no event is dropped with one line in the log; no traceback (the conftest fails the test on any).
And one socket cannot make participant:join hit the database more than its limit allows."""

from __future__ import annotations

import json
import time

import pytest
import websocket

from ..conftest import SOCKET_EVENTS as EVENTS  # every event the server handles
from ..serverproc import create_run, join_participant
from .conftest import TIMEOUT, cookie_header

pytestmark = pytest.mark.live

MALFORMED_NB = "Svaret kunne ikke leses. Last inn siden på nytt og prøv igjen."
DEPTH = 20_000
MALFORMED_CALLS = {  # each event's arguments, as the JSON after ["<event>"
    "no argument": "",
    "two arguments": ',{"code":"X"},{"b":2}',
    "a string": ',"x"',
    "a number": ",5",
    "null": ",null",
    "nested lists": "," + "[" * DEPTH + "]" * DEPTH,
    # 10,000 levels: 20,000 of {"a": would be over the server's 64 KB frame limit, which
    # closes the connection before anything is decoded.
    "nested objects": "," + '{"a":' * (DEPTH // 2) + "1" + "}" * (DEPTH // 2),
    "not JSON": ',{"code":]',
}
# Frames python-socketio cannot take as a call (the engine.io message type "4" and after it):
# nothing to answer, at most one line each in the log.
NAMING_NO_EVENT = ["42", "421", "421[]", "421{}", "421" + "[" * DEPTH + "]" * DEPTH,
                   "4" + "[" * DEPTH, "4[1]", "49", "4true"]


def with_code(code: str) -> str:
    return "," + json.dumps({"code": code})


class RawSocket:
    """One Socket.IO connection over a plain WebSocket: frames are sent exactly as given."""

    def __init__(self, server, http):
        url = server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(url, header=[f"Cookie: {cookie_header(http)}"],
                                              timeout=TIMEOUT)
        assert self.ws.recv().startswith("0")  # engine.io open
        self.ws.send("40")  # connect to the namespace "/"
        assert self.ws.recv().startswith("40")
        self.ack_id = 0

    def call(self, event: str, arguments_json: str):
        """Send ["event"<arguments_json>] asking for an acknowledgement; its arguments."""
        self.ack_id += 1
        self.ws.send(f'42{self.ack_id}["{event}"{arguments_json}]')
        return self._ack(self.ack_id, TIMEOUT)

    def send_frame(self, text: str) -> None:
        self.ws.send(text)

    def unanswered(self, seconds: float) -> bool:
        """Whether no acknowledgement arrives within `seconds`."""
        return self._ack(None, seconds) is None

    def _ack(self, ack_id, seconds: float):
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.ws.settimeout(left)
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                return None
            if frame == "2":  # engine.io ping
                self.ws.send("3")
            elif frame.startswith("43") and (ack_id is None or frame.startswith(f"43{ack_id}[")):
                return json.loads(frame[frame.index("["):])
        return None

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def raw_sockets(server):
    made = []

    def make(http):
        made.append(RawSocket(server, http))
        return made[-1]

    yield make
    for sock in made:
        sock.close()


@pytest.fixture
def room(server, facilitator):
    code = create_run(server, facilitator)
    return code, join_participant(server, code, "Bord 1")


def test_every_malformed_call_of_every_event_is_refused_without_a_log_line(server, facilitator, room, raw_sockets):
    code, phone_http = room
    phone, screen = raw_sockets(phone_http), raw_sockets(facilitator)
    assert phone.call("participant:join", with_code(code))[0]["ok"]
    log_before = server.log()
    for event in EVENTS:
        sock = screen if event == "screen:watch" else phone
        for name, arguments in MALFORMED_CALLS.items():
            ack = sock.call(event, arguments)
            assert ack == [{"ok": False, "code": "malformed", "error": MALFORMED_NB}], (event, name, ack)
    assert server.log() == log_before  # refused calls are answered, not logged
    # The connection still works.
    assert phone.call("participant:join", with_code(code))[0]["ok"]
    assert screen.call("screen:watch", with_code(code))[0]["ok"]


def test_a_frame_naming_no_event_is_dropped_with_one_log_line(server, room, raw_sockets):
    code, phone_http = room
    phone = raw_sockets(phone_http)
    for frame in NAMING_NO_EVENT:
        lines_before = server.log().splitlines()
        phone.send_frame(frame)
        assert phone.unanswered(0.5), frame
        new = server.log().splitlines()[len(lines_before):]
        assert len(new) <= 1 and all(line.startswith("Socket.IO frame from 127.0.0.1 refused: ")
                                     for line in new), (frame, new)
    # The server still serves (on a new connection: "4true" decodes as True, which
    # python-socketio takes for packet type 1, a disconnect from the namespace).
    assert raw_sockets(phone_http).call("participant:join", with_code(code))[0]["ok"]


def test_one_socket_cannot_hammer_participant_join(server, room, raw_sockets):
    # The server's limits are the defaults: 20 joins a minute per connection.
    code, phone_http = room
    phone = raw_sockets(phone_http)
    started = time.monotonic()
    codes = [phone.call("participant:join", with_code(code))[0].get("code", "ok")
             for _ in range(200)]
    elapsed = time.monotonic() - started
    assert codes[:20] == ["ok"] * 20 and set(codes[20:]) == {"rate_limited"}, codes
    print(f"200 joins on one socket in {elapsed:.2f} s: 20 answered, 180 refused")
    # The same phone reconnecting (a new connection) joins again.
    assert raw_sockets(phone_http).call("participant:join", with_code(code))[0]["ok"]
