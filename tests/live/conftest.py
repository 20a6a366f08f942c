"""Fixtures for tests against a real `workshop serve` process on 127.0.0.1.

One server per test module (starting gunicorn costs about a second); every test makes its
own run on it, so tests never see each other's participants or answers.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import socketio

from ..serverproc import facilitator_session, fail_on_new_tracebacks, running_server

TIMEOUT = 10  # seconds, for every single network call


@pytest.fixture(autouse=True)
def no_traceback_in_server_logs():
    """Each test fails when a server it used (the module's, or one it started itself) wrote a
    Python traceback to its log."""
    yield
    fail_on_new_tracebacks()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("live")) as server:
        yield server
    fail_on_new_tracebacks()  # written while it stopped


@pytest.fixture(scope="module")
def facilitator(server) -> requests.Session:
    # Signed in once per module: the sign-in form is limited to 10 attempts a minute.
    session = facilitator_session(server)
    yield session
    session.close()


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)


class LiveClient:
    """A real python-socketio client with the cookies of an HTTP session; records pushes."""

    def __init__(self, server, http: requests.Session, label: str = ""):
        self.server = server
        self.http = http
        self.label = label
        self.sio = socketio.Client(reconnection=False, request_timeout=TIMEOUT)
        self.received: list[tuple[float, str, dict]] = []  # (monotonic time, event, payload)
        self._changed = threading.Condition()
        for name in ("state", "results"):
            self.sio.on(name, handler=self._recorder(name))

    def _recorder(self, name):
        def record(payload):
            with self._changed:
                self.received.append((time.monotonic(), name, payload))
                self._changed.notify_all()

        return record

    def connect(self) -> LiveClient:
        self.sio.connect(self.server.url, headers={"Cookie": cookie_header(self.http)},
                         transports=["websocket"], wait_timeout=TIMEOUT)
        return self

    def call(self, event: str, data) -> dict:
        return self.sio.call(event, data, timeout=TIMEOUT)

    def disconnect(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()

    def events(self, name: str) -> list[dict]:
        with self._changed:
            return [payload for _, event, payload in self.received if event == name]

    def wait_for(self, name: str, predicate, timeout: float, since: int = 0):
        """The first `name` event (from index `since` of received) that satisfies predicate,
        as (arrival time, payload); None when none arrived within timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for at, event, payload in self.received[since:]:
                    if event == name and predicate(payload):
                        return at, payload
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)

    def wait_until(self, check, timeout: float) -> bool:
        """Wait until check() (called under the lock, on every new event) is true."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not check():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True


@pytest.fixture
def live_clients(server):
    """Make LiveClients; all of them are disconnected after the test, even when it fails."""
    made: list[LiveClient] = []
    owned: list[requests.Session] = []

    def make(http: requests.Session, label: str = "", own_http: bool = True) -> LiveClient:
        client = LiveClient(server, http, label)
        made.append(client)
        if own_http:
            owned.append(http)
        return client

    yield make
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda c: c.disconnect(), made, timeout=2 * TIMEOUT))
    for http in owned:
        http.close()
