"""Past one server: two real `workshop serve` processes on one PostgreSQL database and one
Redis message queue, as behind a sticky load balancer (deploy/nginx.conf).

A phone on one process and the projector on the other must see each other's changes: the
vote is stored through one process and its results are pushed by that process's background
task over Redis to the projector connected to the other one; a question opened through one
process reaches a phone connected to the other.

Needs WORKSHOP_TEST_POSTGRES_URL (a server where a database may be created; a fresh one is
made for this module and dropped after it) and WORKSHOP_TEST_REDIS_URL (.ci/run sets both).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time

import pytest
import requests

from ..live.conftest import TIMEOUT, LiveClient
from ..serverproc import (
    ROOT,
    SECRET,
    create_run,
    csrf_token,
    facilitator_action,
    facilitator_session,
    free_port,
    join_participant,
    start_server,
    stop_server,
)

REDIS_URL = os.environ.get("WORKSHOP_TEST_REDIS_URL")
POSTGRES_URL = os.environ.get("WORKSHOP_TEST_POSTGRES_URL")
# Seconds from an acknowledged vote, or an opening, to its push on the other process.
PUSH_DEADLINE = 5.0

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(not REDIS_URL, reason="WORKSHOP_TEST_REDIS_URL is not set "
                       "(e.g. redis://127.0.0.1:6379/0; .ci/run sets it)"),
    pytest.mark.skipif(not POSTGRES_URL, reason="WORKSHOP_TEST_POSTGRES_URL is not set "
                       "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test; .ci/run sets it)"),
]


# --- the services ------------------------------------------------------------------------

def _admin_connection(url):
    """A psycopg connection, in autocommit, to the database named in a SQLAlchemy URL."""
    import psycopg

    params = {"host": url.host, "port": url.port, "user": url.username,
              "password": url.password, "dbname": url.database, "connect_timeout": TIMEOUT}
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True)


@pytest.fixture(scope="module")
def postgres_url():
    """A fresh, empty database on the given server, for this module only; dropped after it."""
    from sqlalchemy.engine import make_url

    server = make_url(POSTGRES_URL)
    name = f"workshop_test_{secrets.token_hex(6)}"
    with _admin_connection(server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin_connection(server) as admin:
            if admin.info.server_version >= 130000:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            else:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="module")
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=TIMEOUT)
    try:
        assert client.ping()
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture(scope="module")
def servers(tmp_path_factory, postgres_url, redis_url):
    """Process A and process B: separate ports and instance folders, one database, one queue.

    Redis pub/sub channels are global (not per database number), so two sets of processes on
    one Redis, each with its own fresh database, would share the default "flask-socketio"
    channel and rooms named "screens:1". WORKSHOP_MESSAGE_QUEUE_CHANNEL asks for a channel of
    our own (honoured once the app reads it, see deploy/README.md); until then the run ids of
    this database start at a random number, so our rooms are ours in any case.
    """
    from sqlalchemy.engine import make_url

    env = {
        "WORKSHOP_MESSAGE_QUEUE": redis_url,
        "WORKSHOP_MESSAGE_QUEUE_CHANNEL": f"workshop-test-{secrets.token_hex(6)}",
        "WORKSHOP_RESULTS_INTERVAL": "0.25",
        # As behind deploy/nginx.conf; requests without X-Forwarded-* headers are unchanged.
        "WORKSHOP_TRUST_PROXY": "1",
    }
    started = []
    try:
        # One after the other: A migrates the empty database, B finds it current.
        a = start_server(tmp_path_factory.mktemp("process-a"), extra_env=env, db_url=postgres_url)
        started.append(a)
        with _admin_connection(make_url(postgres_url)) as connection:
            connection.execute("SELECT setval(pg_get_serial_sequence('run', 'id'), %s, false)",
                               (secrets.randbelow(2_000_000_000) + 1_000_000,))
        b = start_server(tmp_path_factory.mktemp("process-b"), extra_env=env, db_url=postgres_url)
        started.append(b)
        yield a, b
    finally:
        for server in started:
            stop_server(server)
    for server in started:
        log = server.log()
        assert "Traceback" not in log, f"{server.url} logged an error:\n{log}"


@pytest.fixture
def clients():
    """Make LiveClients (to either process); all are disconnected after the test."""
    made: list[LiveClient] = []
    sessions: list[requests.Session] = []

    def make(server, http: requests.Session, label: str) -> LiveClient:
        client = LiveClient(server, http, label)
        made.append(client)
        if http not in sessions:
            sessions.append(http)
        return client.connect()

    yield make
    for client in made:
        client.disconnect()
    for http in sessions:
        http.close()


# --- the tests ---------------------------------------------------------------------------

def counts(payload: dict) -> dict[str, int]:
    return {o["key"]: o["count"] for o in payload["results"]["options"]}


def statuses(state: dict) -> dict[str, str]:
    return {q["id"]: q["status"] for q in state["questions"]}


def test_both_processes_use_the_one_database(servers):
    a, b = servers
    facilitator = facilitator_session(a)
    try:
        code = create_run(a, facilitator)
        # The run made through A is on B, and B accepts A's sign-in cookie (the shared key).
        page = facilitator.get(f"{b.url}/facilitator/runs/{code}", timeout=TIMEOUT)
        assert page.status_code == 200 and "/facilitator/login" not in page.url
        assert code in page.text
        phone = join_participant(b, code, "Bord 1", "Via B")  # joins through B ...
        try:
            page = phone.get(f"{a.url}/r/{code}", timeout=TIMEOUT)  # ... and is known on A
            assert page.status_code == 200 and f"/r/{code}" in page.url
            assert "/j/" not in page.url
        finally:
            phone.close()
    finally:
        facilitator.close()


@pytest.mark.parametrize("phone_on, screen_on", [("a", "b"), ("b", "a")])
def test_a_vote_on_one_process_is_pushed_to_the_projector_on_the_other(
        servers, clients, phone_on, screen_on):
    a, b = servers
    process = {"a": a, "b": b}
    facilitator = facilitator_session(a)
    code = create_run(a, facilitator)
    facilitator_action(a, facilitator, code, "questions/categories/open")
    # Revealed: the pushes carry the counts, not only how many answered.
    facilitator_action(a, facilitator, code, "questions/categories/reveal")

    # The projector page runs in the facilitator's browser: the same cookies, the other process.
    screen = clients(process[screen_on], facilitator, f"projector on {screen_on}")
    watch = screen.call("screen:watch", {"code": code})
    assert watch["ok"], watch
    first = {p["question"]: p for p in watch["results"]}["categories"]
    assert first["respondents"] == 0

    phones = []
    for n in range(2):
        http = join_participant(process[phone_on], code, "Bord 1", f"{phone_on.upper()}{n}")
        phone = clients(process[phone_on], http, f"phone {n} on {phone_on}")
        ack = phone.call("participant:join", {"code": code})
        assert ack["ok"], ack
        phones.append(phone)

    for n, (phone, option) in enumerate(zip(phones, ["B", "D"]), start=1):
        since = len(screen.received)
        sent = time.monotonic()
        ack = phone.call("vote", {"question": "categories", "fields": {"option": [option]},
                                  "vote_id": f"{phone_on}-{n}"})
        assert ack["ok"], ack
        seen = screen.wait_for(
            "results",
            lambda p, n=n, option=option: p["question"] == "categories" and p["respondents"] == n
            and counts(p)[option] == 1,
            PUSH_DEADLINE, since=since)
        assert seen is not None, (
            f"a vote on process {phone_on} did not reach the projector on process {screen_on} "
            f"within {PUSH_DEADLINE} s; received: {screen.received[since:]}")
        print(f"vote {n} on {phone_on} -> projector on {screen_on}: {seen[0] - sent:.3f} s")
    latest = max((p for p in screen.events("results") if p["question"] == "categories"),
                 key=lambda p: p["seq"])
    assert latest["participants"] == 2
    assert counts(latest) == {"A": 0, "B": 1, "C": 0, "D": 1, "E": 0, "F": 0}


def test_opening_a_question_on_one_process_is_pushed_to_a_phone_on_the_other(servers, clients):
    a, b = servers
    facilitator = facilitator_session(b)
    code = create_run(b, facilitator)

    phone = clients(a, join_participant(a, code, "Bord 2", "Kari"), "phone on a")
    ack = phone.call("participant:join", {"code": code})
    assert ack["ok"], ack
    assert statuses(ack["state"])["goals"] == "draft"
    screen = clients(a, facilitator, "projector on a")
    assert screen.call("screen:watch", {"code": code})["ok"]

    since = len(phone.received)
    sent = time.monotonic()
    facilitator_action(b, facilitator, code, "questions/goals/open")  # the facilitator is on B
    seen = phone.wait_for("state", lambda s: statuses(s)["goals"] == "open", PUSH_DEADLINE,
                          since=since)
    assert seen is not None, f"opening on B was not pushed to the phone on A in {PUSH_DEADLINE} s"
    print(f"open on b -> phone on a: {seen[0] - sent:.3f} s")
    assert screen.wait_for("state", lambda s: statuses(s)["goals"] == "open", PUSH_DEADLINE)

    # The phone on A votes on what B opened; both processes read the same state.
    trust = {"option": ["trust"]}
    ack = phone.call("vote", {"question": "goals", "fields": trust, "vote_id": "g1"})
    assert ack["ok"], ack
    facilitator_action(b, facilitator, code, "questions/goals/close")
    assert phone.wait_for("state", lambda s: statuses(s)["goals"] == "closed", PUSH_DEADLINE,
                          since=since)
    ack = phone.call("vote", {"question": "goals", "fields": trust, "vote_id": "g2"})
    assert not ack["ok"] and ack["code"] == "closed", ack


# --- the same two processes behind deploy/nginx.conf ------------------------------------

NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)


def nginx_config(tmp_path, upstreams: list[str], http_port: int, https_port: int) -> str:
    """deploy/nginx.conf as shipped, changed only where it says CHANGE (and with listen
    addresses on 127.0.0.1), inside a minimal main config; returns the main config's path."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True, timeout=TIMEOUT)
    with open(os.path.join(ROOT, "deploy", "nginx.conf"), encoding="utf-8") as handle:
        text = handle.read()

    def change(pattern: str, replacement: str, count: int) -> None:
        nonlocal text
        text, n = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert n == count, f"deploy/nginx.conf: expected {count} of {pattern!r}, found {n}"

    # The upstream's servers: the processes A and B instead of the example ports.
    shipped = len(re.findall(r"^\s*server 127\.0\.0\.1:\d+ ", text, re.MULTILINE))
    assert shipped >= 2, "deploy/nginx.conf: expected two or more app processes in the upstream"
    change(r"^\s*server 127\.0\.0\.1:\d+ .*\n", "", shipped)
    ours = "".join(f"\\1server {u} max_fails=3 fail_timeout=10s;\n" for u in upstreams)
    change(r"^(\s*)keepalive (\d+);", ours + r"\1keepalive \2;", 1)
    change(r"^\s*listen \[::\].*\n", "", 2)
    change(r"listen 80;", f"listen 127.0.0.1:{http_port};", 1)
    change(r"listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl", 1)
    change(r"ssl_certificate\s+\S+;", f"ssl_certificate {tmp_path / 'cert.pem'};", 1)
    change(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {tmp_path / 'key.pem'};", 1)
    (tmp_path / "workshop.conf").write_text(text, encoding="utf-8")
    main = tmp_path / "nginx-main.conf"
    main.write_text(f"""
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log info;
events {{ worker_connections 512; }}
http {{
    log_format upstream '$remote_addr $upstream_addr "$request" $status';
    access_log {tmp_path}/access.log upstream;
    client_body_temp_path {tmp_path}/client_body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/workshop.conf;
}}
""", encoding="utf-8")
    return str(main)


@pytest.fixture
def nginx(servers, tmp_path):
    """nginx on two 127.0.0.1 ports (HTTP, HTTPS) in front of processes A and B."""
    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (it makes the test's certificate)")
    a, b = servers
    http_port, https_port = free_port(), free_port()
    config = nginx_config(tmp_path, [s.url.removeprefix("http://") for s in (a, b)],
                          http_port, https_port)
    base = [NGINX, "-p", str(tmp_path), "-e", str(tmp_path / "startup.log"), "-c", config]
    check = subprocess.run([*base, "-t"], check=False, capture_output=True, text=True,
                           timeout=TIMEOUT)
    assert check.returncode == 0, f"nginx -t refused deploy/nginx.conf:\n{check.stderr}"
    with open(tmp_path / "nginx.out", "w") as out:
        process = subprocess.Popen([*base, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                   stderr=out, start_new_session=True)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert process.poll() is None, (tmp_path / "nginx.out").read_text()
            try:
                requests.get(f"http://127.0.0.1:{http_port}/", timeout=1, allow_redirects=False)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield {"http": f"http://127.0.0.1:{http_port}", "https": f"https://127.0.0.1:{https_port}",
               "ca": str(tmp_path / "cert.pem"), "access_log": tmp_path / "access.log"}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # the master stops its worker
            try:
                process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=TIMEOUT)


def browser_session(nginx) -> requests.Session:
    """A requests session that, like a browser, trusts the certificate and sends a Referer
    (Flask-WTF refuses an HTTPS form post without one)."""
    session = requests.Session()
    session.trust_env = False  # else REQUESTS_CA_BUNDLE (or a proxy) from the environment wins
    session.verify = nginx["ca"]
    session.headers["Referer"] = nginx["https"] + "/"
    return session


class FromAddress(requests.adapters.HTTPAdapter):
    """Connects from the given local address (127.0.0.0/8 is all loopback): another client."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def post_form(session: requests.Session, url: str, data: dict) -> requests.Response:
    page = session.get(url, timeout=TIMEOUT)
    assert page.status_code == 200, page.text[:300]
    return session.post(url, data={**data, "csrf_token": csrf_token(page.text)}, timeout=TIMEOUT)


def socket_client(url: str, http: requests.Session, label: str):
    """A python-socketio client that starts with long-polling and upgrades, as a browser's does
    (its WebSocket handshake carries the Origin a browser would send: https://host:port)."""
    import socketio

    from ..live.conftest import cookie_header

    client = LiveClient(None, http, label)
    client.sio = socketio.Client(reconnection=False, request_timeout=TIMEOUT, http_session=http)
    for name in ("state", "results"):
        client.sio.on(name, handler=client._recorder(name))
    client.sio.connect(url, headers={"Cookie": cookie_header(http)}, wait_timeout=TIMEOUT)
    return client


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx-light)")
def test_through_nginx_with_tls_websockets_and_the_forwarded_headers(servers, nginx):
    a, b = servers
    https = nginx["https"]
    redirect = requests.get(nginx["http"] + "/j/ABC?x=1", allow_redirects=False, timeout=TIMEOUT)
    assert redirect.status_code == 301
    assert redirect.headers["Location"] == "https://127.0.0.1/j/ABC?x=1"

    made = []
    try:
        facilitator = browser_session(nginx)
        made.append(facilitator)
        response = post_form(facilitator, https + "/facilitator/login", {"secret": SECRET})
        assert response.ok and response.url.startswith(https + "/facilitator"), response.text[:500]
        # X-Forwarded-Proto reached the app: the session cookie is Secure, and HSTS is sent.
        assert all(cookie.secure for cookie in facilitator.cookies), list(facilitator.cookies)
        assert "max-age" in response.headers.get("Strict-Transport-Security", "")
        page = facilitator.get(https + "/facilitator/", timeout=TIMEOUT)
        response = facilitator.post(https + "/facilitator/runs", timeout=TIMEOUT, data={
            "template": "kontraktsoppfolging", "language": "nb",
            "csrf_token": csrf_token(page.text)})
        assert response.ok and "/runs/" in response.url, response.text[:500]
        code = response.url.rstrip("/").rsplit("/", 1)[1]
        # The join link is built from X-Forwarded-Host and -Proto: the address phones use.
        console = facilitator.get(f"{https}/facilitator/runs/{code}", timeout=TIMEOUT)
        assert f"{https}/j/" in console.text, "the join link does not use the proxy's address"
        page = console
        for action in ("open", "reveal"):
            response = facilitator.post(
                f"{https}/facilitator/runs/{code}/questions/categories/{action}",
                data={"csrf_token": csrf_token(page.text)}, timeout=TIMEOUT)
            assert response.ok and response.url.endswith(f"/runs/{code}"), response.text[:300]

        # Socket.IO accepts only the page's own Origin, which it knows from X-Forwarded-Host
        # and -Proto: https://127.0.0.1:<nginx's port>, not the process's http://... address.
        handshake = https + "/socket.io/?EIO=4&transport=polling"
        accepted = facilitator.get(handshake, headers={"Origin": https}, timeout=TIMEOUT)
        assert accepted.status_code == 200, accepted.text[:300]
        for wrong in ("https://elsewhere.example", a.url, https.rsplit(":", 1)[0]):
            refused = facilitator.get(handshake, headers={"Origin": wrong}, timeout=TIMEOUT)
            assert refused.status_code == 400, (wrong, refused.status_code)

        # Sticky, and spread: a long-polling Socket.IO session works through nginx only while
        # every request of it reaches the process that made it. Clients at 16 addresses (all of
        # them on one process by chance: 2 in 65536).
        for n in range(2, 18):
            client = browser_session(nginx)
            made.append(client)
            client.mount("https://", FromAddress(f"127.0.0.{n}"))
            opened = client.get(handshake, headers={"Origin": https}, timeout=TIMEOUT)
            assert opened.status_code == 200, opened.text[:300]
            sid = json.loads(opened.text[1:])["sid"]
            session_url = f"{handshake}&sid={sid}"
            sent = client.post(session_url, data="40", headers={"Origin": https}, timeout=TIMEOUT)
            assert sent.status_code == 200, (n, sent.status_code, sent.text)
            answer = client.get(session_url, headers={"Origin": https}, timeout=TIMEOUT)
            assert answer.status_code == 200 and answer.text.startswith("40{"), (n, answer.text)
            client.post(session_url, data="1", headers={"Origin": https}, timeout=TIMEOUT)  # close
        upstream_of: dict[str, set[str]] = {}
        for line in nginx["access_log"].read_text().splitlines():
            address, upstream, *_ = line.split()
            if "/socket.io/" in line and address != "127.0.0.1":
                upstream_of.setdefault(address, set()).add(upstream)
        assert len(upstream_of) == 16 and all(len(u) == 1 for u in upstream_of.values()), upstream_of
        processes = {server.url.removeprefix("http://") for server in (a, b)}
        assert set.union(*upstream_of.values()) == processes, \
            f"16 addresses all went to one process: {upstream_of}"

        # The projector, through nginx: long-polling first, then the WebSocket upgrade.
        screen = socket_client(https, facilitator, "projector via nginx")
        made.append(screen)
        assert screen.call("screen:watch", {"code": code})["ok"]
        deadline = time.monotonic() + TIMEOUT
        while screen.sio.transport() != "websocket" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert screen.sio.transport() == "websocket", "the WebSocket upgrade did not pass nginx"

        # A phone through nginx, and one straight on each process: whichever process nginx
        # chose for 127.0.0.1, one of the phones is on the other one.
        phones = []
        for n, url in enumerate([https, a.url, b.url]):
            http = browser_session(nginx) if url == https else requests.Session()
            made.append(http)
            response = post_form(http, f"{url}/j/{code}",
                                 {"new_group": "Bord 1", "display_name": f"N{n}"})
            assert response.ok and f"/r/{code}" in response.url, response.text[:500]
            phone = socket_client(url, http, f"phone {n}")
            made.append(phone)
            ack = phone.call("participant:join", {"code": code})
            assert ack["ok"], ack
            phones.append(phone)
        # One vote at a time, each seen before the next is sent: the vote on the process the
        # projector is not on can only reach it through Redis.
        for n, (phone, option) in enumerate(zip(phones, ["A", "B", "C"]), start=1):
            since = len(screen.received)
            ack = phone.call("vote", {"question": "categories", "fields": {"option": [option]},
                                      "vote_id": f"nginx-{n}"})
            assert ack["ok"], ack
            seen = screen.wait_for(
                "results", lambda p, n=n, option=option: p["question"] == "categories"
                and p["respondents"] == n and counts(p)[option] == 1, PUSH_DEADLINE, since=since)
            assert seen is not None, f"the projector behind nginx missed {phone.label}'s vote"
    finally:
        for thing in reversed(made):
            if isinstance(thing, LiveClient):
                thing.disconnect()
            else:
                thing.close()
