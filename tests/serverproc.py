"""A real app server process on 127.0.0.1 for live and browser tests.

Started with the same command as the README (`workshop serve`, gunicorn + gevent), on a free
port, against a temporary database; stopped by its process id, bounded in time.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "live-test-secret"
TRACEBACK = "Traceback (most recent call last)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    env: dict
    log_path: str

    def log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()


# The log of every server started here, with how far it has been read for tracebacks.
_log_checked: dict[str, int] = {}


def new_tracebacks() -> list[str]:
    """For each server started here (this test session) whose log holds a Python traceback
    in what it wrote since the last call: the log's path, the line or two logged before the
    traceback (what failed) and the traceback itself. A server stopped with SIGKILL writes
    nothing as it dies: a test that kills one is not failed for that."""
    found = []
    for path, checked in list(_log_checked.items()):
        with open(path, "rb") as handle:  # bytes: a line being written may end mid-character
            handle.seek(checked)
            written = handle.read().decode("utf-8", errors="replace")
            _log_checked[path] = handle.tell()
        at = written.find(TRACEBACK)
        if at != -1:
            before = "".join(written[:at].splitlines(keepends=True)[-2:])  # what failed, as logged
            found.append(f"{path}:\n{before}{written[at:at + 6000]}")
    return found


def fail_on_new_tracebacks() -> None:
    """Fail the current test when a server's log gained a traceback (see new_tracebacks):
    that is a request answered with a 500 or a call left unanswered, even when the test's
    own checks passed. The live and browser tests call this at each test's teardown and
    after stopping their module's server."""
    found = new_tracebacks()
    if found:
        import pytest

        pytest.fail("a server wrote a Python traceback to its log:\n\n" + "\n\n".join(found),
                    pytrace=False)


def start_server(tmp_path, port: int | None = None, extra_env: dict | None = None, db_url: str | None = None) -> Server:
    port = port or free_port()
    env = dict(os.environ)
    env.update({
        "WORKSHOP_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": db_url or "sqlite:///" + str(tmp_path / "live.sqlite"),
        "WORKSHOP_FACILITATOR_SECRET": SECRET,
        "WORKSHOP_SECRET_KEY": "live-test-key",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra_env or {})
    return _launch(port, env, str(tmp_path / f"server-{port}.log"))


def restart_server(server: Server, sig: int = signal.SIGTERM) -> Server:
    """Stop `server` with `sig` (if it still runs) and start it again with the same settings:
    the same port, database, instance path and secrets, so phones keep their cookies. The new
    process logs to a file of its own next to the first one; returns the new Server."""
    stop_server(server, sig)
    port = int(server.url.rsplit(":", 1)[1])
    stem, ext = os.path.splitext(server.log_path)
    stem = stem.split(".restart", 1)[0]
    n = 1
    while os.path.exists(f"{stem}.restart{n}{ext}"):
        n += 1
    return _launch(port, dict(server.env), f"{stem}.restart{n}{ext}")


def _launch(port: int, env: dict, log_path: str) -> Server:
    log = open(log_path, "w")
    _log_checked[log_path] = 0
    process = subprocess.Popen(
        [sys.executable, "-m", "workshop.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}", process, env, log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited early:\n" + server.log())
        try:
            if requests.get(server.url + "/", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("server did not start in 30 s:\n" + server.log())


def stop_server(server: Server, sig: int = signal.SIGTERM) -> None:
    if server.process.poll() is None:
        try:
            os.killpg(server.process.pid, sig)  # the worker is in the same process group
        except ProcessLookupError:
            pass
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


@contextmanager
def running_server(tmp_path, **kwargs):
    server = start_server(tmp_path, **kwargs)
    try:
        yield server
    finally:
        stop_server(server)


def csrf_token(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def http_session() -> requests.Session:
    """A client that opens a connection per request. gunicorn closes a connection left idle for
    2 s; a kept one reused at that moment is reset ("Connection reset by peer"), which a loaded
    CI machine met between one phone's answers."""
    session = requests.Session()
    session.headers["Connection"] = "close"
    return session


def facilitator_session(server: Server) -> requests.Session:
    session = http_session()
    page = session.get(server.url + "/facilitator/login", timeout=10)
    response = session.post(server.url + "/facilitator/login",
                            data={"secret": SECRET, "csrf_token": csrf_token(page.text)}, timeout=10)
    assert response.ok and "/facilitator/login" not in response.url, response.text[:500]
    return session


def create_run(server: Server, session: requests.Session, template: str = "kontraktsoppfolging") -> str:
    page = session.get(server.url + "/facilitator/", timeout=10)
    response = session.post(server.url + "/facilitator/runs",
                            data={"template": template, "language": "nb", "csrf_token": csrf_token(page.text)},
                            timeout=10)
    assert response.ok
    return response.url.rstrip("/").rsplit("/", 1)[1]


def facilitator_action(server: Server, session: requests.Session, code: str, path: str) -> None:
    page = session.get(f"{server.url}/facilitator/runs/{code}", timeout=10)
    response = session.post(f"{server.url}/facilitator/runs/{code}/{path}",
                            data={"csrf_token": csrf_token(page.text)}, timeout=10)
    assert response.ok


def join_participant(server: Server, code: str, group: str, name: str = "") -> requests.Session:
    session = http_session()
    page = session.get(f"{server.url}/j/{code}", timeout=10)
    response = session.post(f"{server.url}/j/{code}",
                            data={"new_group": group, "display_name": name, "csrf_token": csrf_token(page.text)},
                            timeout=10)
    assert response.ok and f"/r/{code}" in response.url, response.text[:500]
    return session
