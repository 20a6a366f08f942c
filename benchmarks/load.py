"""Load generator: simulated phones voting over Socket.IO, and a projector measuring the results.

What one run does against one server (a `Target`: the app or the bare baseline):

1. Join: every phone joins over HTTP exactly like a browser (GET /j/<code> for the CSRF token
   and session cookie, POST /j/<code> with a table name; 50 tables by default), `--join-concurrency`
   requests at a time on one aiohttp session. Each phone sends its own X-Forwarded-For address
   (10.x.y.z), as phones on a venue network have their own addresses: the app limits joins to
   120/minute per address, so the app server is started with WORKSHOP_TRUST_PROXY=1 (run.py).
2. Connect: one `socketio.AsyncClient` per phone (WebSocket only, its own aiohttp session, the
   session cookie in the Cookie header), then `participant:join`. The gunicorn worker's VmRSS is
   read before the first and after the last connection: (after - before) / phones is the RSS
   per connection.
3. Projector: a separate *process* (so its receive timestamps are not delayed by 2,000 phones
   sharing one event loop) connects with the facilitator's cookie, calls `screen:watch` and
   records (receive wall time, question, seq, respondents) of every `results` payload.
4. Burst: every phone votes on all four questions at times drawn uniformly over `burst`
   seconds, one vote at a time (it waits for the ack, as the real page does); 10 % of phones
   change one earlier answer, 2 % (at least one) disconnect between their 2nd and 3rd vote and
   come back with a new connection and `participant:join`. Bounded: a vote that gets no ack in
   `call_timeout` seconds counts as timed out, and a phase is cut off at its deadline.
5. Flood: then every phone changes all four answers back to back with no pause: this saturates
   the server and gives its maximum votes/s (the number compared with the baseline).
6. Check: the answers the server stored (the app's SQLite/PostgreSQL `answer` table, the
   baseline's /_bench/dump) are compared with what the phones were told was accepted.

Per-participant votes stay far under the app's 30/minute limit (at most 5 + 4 per phone).

Vote-to-projector latency, the method
-------------------------------------
All clocks are the same machine's wall clock (`time.time()` here, `time.time_ns()` in the
server, whose `seq` is microseconds). For each accepted vote v we know `send` (just before the
emit) and `ack` (when its ack arrived); the server committed it somewhere in between. A results
payload P carries `seq` and `respondents`. The baseline takes `seq` just before it counts; the
app takes it just after it reads the answers (workshop/presenter.results_payload), in the same
greenlet with no switch in between (SQLite calls and pandas do not yield under gevent), so no
vote can commit between the read and `seq` and `seq` stands for the moment of the read. (With
PostgreSQL under gevent or several server processes that is only approximately true; the
`stale` count below would show payloads that contradict it.)
P reflects v if:
  * P.seq >= v.ack: P was built after the commit, so it includes v (certain); or
  * v.send <= P.seq < v.ack (ambiguous), v is the phone's first answer to that question, and
    P.respondents >= the number of phones whose first answer was *sent* before P.seq: then
    every such answer, v included, is counted.
A payload with P.seq < v.send is taken not to include v. The latency of v is P.receive - v.send
for the first (lowest seq) payload of v's question that reflects v. Where the ambiguity cannot be
resolved (a changed answer, or a payload counting only some in-flight answers) the next payload
built after the ack is used, so the reported p50/p95/p99 are an upper bound for those votes.
The details also give a lower bound: the receive time of the first payload built after the
send (no payload can reflect v earlier); the true latency lies between the two. After each
phase, if no payload was built after a question's last ack (the load generator can receive an
ack after the server's last push), one extra "nudge" vote makes the server push once more; it is
not counted in the phases. Votes no payload reflects by the end are reported as `unreflected`.
As a check of the method and of the server, a payload whose respondents are *fewer* than the
phones whose first answer was acked before its seq is counted as `stale`.

Throughput (votes/s) of a phase = accepted votes / (last ack - first send) in that phase. In the
burst phase that is the offered load when the server keeps up; the flood phase gives the maximum.

Lost and duplicated
-------------------
Every vote carries a unique vote_id that the app stores with the answer. For every
(phone, question) with an accepted vote the stored row must carry the vote_id of the phone's last
accepted vote (or of a later one that timed out): a missing row or an older vote_id is `lost`.
`duplicated` counts extra rows per (participant, question), a phone's answers stored under more
than one participant, rows whose vote_id no phone sent, and any question whose stored or
projected respondents exceed the phones that answered it.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import math
import multiprocessing
import os
import random
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import aiohttp
import socketio
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUESTIONS_FILE = os.path.join(ROOT, "questions", "kontraktsoppfolging.yaml")
# The four questions of the group exercise (choice, choice with write-in, ranked, text).
QUESTION_IDS = ("categories", "goals", "topics", "needs")


# --- what is driven -----------------------------------------------------------------------

@dataclass
class Target:
    name: str                      # "app" or "baseline"
    url: str                       # where phones join and connect
    projector_url: str             # where the projector connects (another process is allowed)
    code: str                      # join code of the run
    facilitator_cookie: str        # Cookie header for the projector's screen:watch
    stored_answers: Callable[[], list[tuple]]  # -> [(participant, question, vote_id)]
    worker_pid: int | None = None  # the process holding the connections (for VmRSS)
    stored_tables: Callable[[], int] | None = None  # -> how many tables the run has


@dataclass
class LoadConfig:
    participants: int = 200
    groups: int = 50
    burst: float = 60.0            # seconds over which the burst's votes are spread
    flood: bool = True             # then every phone changes all answers at once
    change_share: float = 0.10
    reconnect_share: float = 0.02
    join_concurrency: int = 16
    connect_concurrency: int = 100
    call_timeout: float = 60.0
    phase_grace: float = 120.0     # a phase is cut off this long after its last scheduled vote
    settle_timeout: float = 30.0   # wait this long at most for the projector to catch up
    quiet_wait: float = 0.0        # before each phase, wait up to this long for a quiet machine
    seed: int = 1
    join_only: bool = False        # measure the joins only (no connections, no votes)
    log: Callable[[str], None] = print
    # Called with ("start"|"end", target, phase) around each voting phase (e.g. a profiler).
    phase_hook: Callable[[str, Target, str], None] | None = None


@dataclass
class Vote:
    phone: int
    question: str
    vote_id: str
    phase: str
    send: float = 0.0
    ack: float | None = None
    ok: bool = False
    code: str | None = None        # refusal code, "timeout", "error:..." or "cut_off"

    @property
    def maybe_stored(self) -> bool:
        """Accepted, or never answered (timed out, cut off): the server may have stored it."""
        return self.ok or self.ack is None


@dataclass
class Phone:
    index: int
    group: str
    cookie: str = ""
    client: socketio.AsyncClient | None = None
    votes: list[Vote] = field(default_factory=list)
    reconnects: int = 0
    reconnect_failed: bool = False
    alive: bool = False
    join_steps: tuple[float, float, float] | None = None  # page, form post, questions page


def load_questions(path: str = QUESTIONS_FILE) -> dict[str, dict]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {q["id"]: q for q in data["questions"] if q["id"] in QUESTION_IDS}


def make_fields(question: dict, rng: random.Random) -> dict:
    """A valid answer for a question of the workshop template."""
    options = [o["id"] for o in question.get("options", [])]
    if question["type"] == "choice":
        exclusive = [o["id"] for o in question["options"] if o.get("exclusive")]
        plain = [o for o in options if o not in exclusive]
        if exclusive and rng.random() < 0.1:
            return {"option": [exclusive[0]]}
        high = min(question.get("max", 1), 5, len(plain))
        return {"option": rng.sample(plain, rng.randint(max(question.get("min", 1), 1), high))}
    if question["type"] == "ranked":
        picked = rng.sample(options, question.get("ranks", 3))
        return {f"rank_{i + 1}": [o] for i, o in enumerate(picked)}
    count = rng.randint(1, min(2, question.get("max_entries", 1)))
    themes = ["maler", "eksempler", "kontraktsstrategi", "sanksjoner", "bærekraftskrav",
              "oppfølgingsplan", "ressurser", "dialogmøter", "rapportering", "forankring"]
    return {"entry": [f"Mer om {t}" for t in rng.sample(themes, count)]}


# --- server process facts -----------------------------------------------------------------

def worker_pid_of(master_pid: int) -> int:
    """The gunicorn worker: the (single) child of the server's master process."""
    try:
        with open(f"/proc/{master_pid}/task/{master_pid}/children", encoding="ascii") as handle:
            children = [int(p) for p in handle.read().split()]
    except OSError:
        children = []
    if not children:  # fall back to scanning /proc for the parent id
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                        stat = handle.read()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == master_pid:
                    children.append(int(entry))
    if len(children) != 1:
        raise RuntimeError(f"expected one worker under pid {master_pid}, found {children}")
    return children[0]


def rss_kib(pid: int | None) -> int | None:
    if pid is None:
        return None
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def cpu_seconds(pid: int | None) -> float | None:
    if pid is None:
        return None
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


async def wait_until_quiet(log, max_wait: float, threshold: float = 0.3) -> float:
    """Wait (at most max_wait s) until other processes use less than `threshold` cores."""
    began = time.monotonic()
    while True:
        busy0, total0 = machine_jiffies()
        await asyncio.sleep(2.0)
        busy1, total1 = machine_jiffies()
        cores = (busy1 - busy0) / max(1, total1 - total0) * (os.cpu_count() or 1)
        if cores < threshold or time.monotonic() - began >= max_wait:
            if cores >= threshold:
                log(f"  machine still busy ({cores:.2f} cores used by other processes); going on")
            return cores
        log(f"  other processes use {cores:.2f} cores; waiting for a quieter machine")
        await asyncio.sleep(10.0)


async def timeline(pid: int | None, into: list, log, every: float = 1.0, log_every: int = 10) -> None:
    """Every second: votes sent and acked so far, worker and load generator CPU share."""
    began = time.monotonic()
    last = (began, cpu_seconds(pid) or 0.0, sum(os.times()[:2]), PROGRESS["sent"], PROGRESS["acked"])
    n = 0
    while True:
        await asyncio.sleep(every)
        now = (time.monotonic(), cpu_seconds(pid) or 0.0, sum(os.times()[:2]),
               PROGRESS["sent"], PROGRESS["acked"])
        span = now[0] - last[0]
        row = {"t": round(now[0] - began, 1), "sent_per_s": round((now[3] - last[3]) / span, 1),
               "acked_per_s": round((now[4] - last[4]) / span, 1),
               "in_flight": now[3] - now[4],
               "server_cpu": round((now[1] - last[1]) / span, 2),
               "client_cpu": round((now[2] - last[2]) / span, 2)}
        into.append(row)
        n += 1
        if n % log_every == 0:
            log(f"    t={row['t']:>5} s: sent {row['sent_per_s']}/s, acked {row['acked_per_s']}/s, "
                f"in flight {row['in_flight']}, server CPU {row['server_cpu']}, "
                f"load generator CPU {row['client_cpu']}")
        last = now


async def sample_states(pid: int | None, into: dict, interval: float = 0.02) -> None:
    """Count the worker's scheduler states (R running, S sleeping, D disk wait) until cancelled."""
    if pid is None:
        return
    while True:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as handle:  # noqa: ASYNC230 - procfs
                state = handle.read().rsplit(")", 1)[1].split()[0]
            with open(f"/proc/{pid}/wchan", encoding="ascii") as handle:  # noqa: ASYNC230
                wchan = handle.read().strip() or "-"
        except OSError:
            return
        into[state] = into.get(state, 0) + 1
        if state != "R":
            into["wchan:" + wchan] = into.get("wchan:" + wchan, 0) + 1
        await asyncio.sleep(interval)


def sqlite_answers(path: str, code: str) -> list[tuple]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute(
            "SELECT a.participant_id, a.question_id, a.vote_id FROM answer a "
            "JOIN run r ON a.run_id = r.id WHERE r.code = ?", (code,)).fetchall()
    finally:
        connection.close()


def postgres_answers(url: str, code: str) -> list[tuple]:
    import psycopg

    url = re.sub(r"^postgresql\+\w+://", "postgresql://", url)
    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT a.participant_id, a.question_id, a.vote_id FROM answer a "
            "JOIN run r ON a.run_id = r.id WHERE r.code = %s", (code,)).fetchall()


_TABLES_SQL = ('SELECT count(*) FROM "group" g JOIN run r ON g.run_id = r.id WHERE r.code = {}')


def database_tables(database_url: str, code: str) -> int:
    """How many tables (groups) the run has in the app's database."""
    if database_url.startswith("sqlite:///"):
        connection = sqlite3.connect(f"file:{database_url[len('sqlite:///'):]}?mode=ro", uri=True,
                                     timeout=30)
        try:
            return connection.execute(_TABLES_SQL.format("?"), (code,)).fetchone()[0]
        finally:
            connection.close()
    import psycopg

    url = re.sub(r"^postgresql\+\w+://", "postgresql://", database_url)
    with psycopg.connect(url) as connection:
        return connection.execute(_TABLES_SQL.format("%s"), (code,)).fetchone()[0]


def database_answers(database_url: str, code: str) -> list[tuple]:
    if database_url.startswith("sqlite:///"):
        return sqlite_answers(database_url[len("sqlite:///"):], code)
    if database_url.startswith("postgres"):
        return postgres_answers(database_url, code)
    raise ValueError(f"unsupported database URL {database_url!r}")


# --- the projector, in its own process ----------------------------------------------------

def _projector_main(url: str, cookie: str, code: str, connection) -> None:
    asyncio.run(_projector(url, cookie, code, connection))


async def _projector(url: str, cookie: str, code: str, connection) -> None:
    records: list[tuple] = []
    last: dict[str, dict] = {}
    disconnects = 0
    client = socketio.AsyncClient(reconnection=False)

    @client.on("results")
    def on_results(data):
        records.append((time.time(), data.get("question"), data.get("seq"), data.get("respondents")))
        last[data.get("question")] = data

    @client.event
    def disconnect(*_args):
        nonlocal disconnects
        disconnects += 1

    try:
        await client.connect(url, headers={"Cookie": cookie}, transports=["websocket"],
                             wait_timeout=30)
        ack = await client.call("screen:watch", {"code": code}, timeout=60)
    except Exception as error:  # noqa: BLE001 - reported to the parent
        connection.send(("error", repr(error)))
        return
    if not ack or not ack.get("ok"):
        connection.send(("error", f"screen:watch refused: {ack!r}"))
        await client.disconnect()
        return
    connection.send(("ready", None))
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, connection.recv)
        if command == "latest":
            latest: dict[str, tuple] = {}
            for _, question, seq, respondents in records:
                latest[question] = (seq, respondents)
            connection.send(latest)
        elif command == "stop":
            break
    await client.disconnect()
    sizes = {q: len(json.dumps(p, ensure_ascii=False).encode()) for q, p in last.items()}
    connection.send({"records": records, "disconnects": disconnects, "payload_bytes": sizes})


class Projector:
    def __init__(self, url: str, cookie: str, code: str):
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_projector_main, args=(url, cookie, code, child),
                                       daemon=True)

    async def start(self) -> None:
        self.process.start()
        kind, detail = await asyncio.to_thread(self._recv, 90)
        if kind != "ready":
            raise RuntimeError(f"projector failed: {detail}")

    def _recv(self, timeout: float):
        if not self.connection.poll(timeout):
            raise TimeoutError("projector did not answer")
        return self.connection.recv()

    async def latest(self) -> dict:
        self.connection.send("latest")
        return await asyncio.to_thread(self._recv, 30)

    async def stop(self) -> dict:
        try:
            self.connection.send("stop")
            return await asyncio.to_thread(self._recv, 30)
        finally:
            self.process.join(10)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(5)


# --- phones ---------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def table_typed(index: int, groups: int) -> str:
    """The table a phone types. The first phone at a table names it "Bord N"; after that one
    phone in five types it as people do ("bord N ", "BORD N"), which must join the same table."""
    name = f"Bord {index % groups + 1}"
    if index >= groups and index % 5 == 1:
        return f"bord {index % groups + 1} "
    if index >= groups and index % 5 == 3:
        return name.upper()
    return name


def phone_address(index: int) -> str:
    n = index + 1
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


async def http_join(http: aiohttp.ClientSession, target: Target, phone: Phone) -> None:
    """Join as a phone's browser does: the join page (CSRF token and session cookie), the form
    post with a table name, then the redirect to the questions page. Times each step."""
    headers = {"X-Forwarded-For": phone_address(phone.index)}
    url = f"{target.url}/j/{target.code}"
    began = time.monotonic()
    async with http.get(url, headers=headers) as response:
        page = await response.text()
        if response.status != 200:
            raise RuntimeError(f"GET join page: HTTP {response.status}")
        session = response.cookies.get("session")
    paged = time.monotonic()
    match = CSRF.search(page)
    if not match or session is None:
        raise RuntimeError("join page without CSRF token or session cookie")
    form = {"new_group": phone.group, "display_name": "", "csrf_token": match.group(1) or match.group(2)}
    async with http.post(url, data=form, allow_redirects=False,
                         headers={**headers, "Cookie": f"session={session.value}"}) as response:
        await response.read()
        if response.status == 429:
            raise RuntimeError("join refused: HTTP 429 (rate limit per address)")
        location = response.headers.get("Location", "")
        if response.status != 302 or f"/r/{target.code}" not in location:
            raise RuntimeError(f"join failed: HTTP {response.status}")
        joined = response.cookies.get("session")
    posted = time.monotonic()
    phone.cookie = f"session={(joined or session).value}"
    # The browser follows the redirect with the new cookie: the questions page is part of
    # the join as the person sees it.
    async with http.get(urljoin(url, location), allow_redirects=False,
                        headers={**headers, "Cookie": phone.cookie}) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"questions page after joining: HTTP {response.status}")
    done = time.monotonic()
    phone.join_steps = (paged - began, posted - paged, done - posted)


def join_summary(phones: list[Phone], total_s: float, failed: int) -> dict:
    """Joins/s over the whole phase and the latency of one join (page + form + questions page)."""
    steps = [p.join_steps for p in phones if p.join_steps is not None]
    whole = [sum(s) * 1000 for s in steps]

    def step(i: int, share: float):
        return _round(percentile([s[i] * 1000 for s in steps], share))

    return {
        "joins": len(steps), "failed": failed, "total_s": round(total_s, 2),
        "joins_per_s": round(len(steps) / total_s, 1) if total_s > 0 else None,
        "p50_ms": _round(percentile(whole, 0.50)), "p99_ms": _round(percentile(whole, 0.99)),
        "max_ms": _round(max(whole) if whole else None),
        "page_p50_ms": step(0, 0.5), "post_p50_ms": step(1, 0.5), "questions_p50_ms": step(2, 0.5),
        "page_p99_ms": step(0, 0.99), "post_p99_ms": step(1, 0.99),
        "questions_p99_ms": step(2, 0.99),
    }


PHONE_PUSHES: dict[str, dict] = {}  # event -> {"events", "bytes", "max_bytes"}


class PhoneClient(socketio.AsyncClient):
    """A Socket.IO client that counts the events the server pushes to phones and drops them
    without decoding. Real phones each have their own CPU to decode pushes; 2,000 simulated
    phones share one process, where decoding large pushes (e.g. a list of every idea sent to
    every phone) would make the load generator, not the server, the bottleneck. The server
    still encodes and sends every byte; the bytes are reported."""

    async def _handle_eio_message(self, data):
        if isinstance(data, str) and data.startswith('2["') and not self._binary_packet:
            end = data.find('"', 3)
            stats = PHONE_PUSHES.setdefault(data[3:end], {"events": 0, "bytes": 0, "max_bytes": 0})
            stats["events"] += 1
            stats["bytes"] += len(data)
            stats["max_bytes"] = max(stats["max_bytes"], len(data))
            return
        await super()._handle_eio_message(data)


async def connect_phone(target: Target, phone: Phone, timeout: float) -> None:
    client = PhoneClient(reconnection=False, request_timeout=timeout)
    await client.connect(target.url, transports=["websocket"], wait_timeout=timeout,
                         headers={"Cookie": phone.cookie,
                                  "X-Forwarded-For": phone_address(phone.index)})
    answer = await client.call("participant:join", {"code": target.code}, timeout=timeout)
    if not answer or not answer.get("ok"):
        await client.disconnect()
        raise RuntimeError(f"participant:join refused: {answer!r}")
    phone.client = client
    phone.alive = True


PROGRESS = {"sent": 0, "acked": 0}


async def send_vote(phone: Phone, vote: Vote, fields: dict, timeout: float) -> None:
    phone.votes.append(vote)
    PROGRESS["sent"] += 1
    vote.send = time.time()
    vote.code = "cut_off"  # until the call returns (a phase deadline may cancel it)
    try:
        answer = await phone.client.call(
            "vote", {"question": vote.question, "fields": fields, "vote_id": vote.vote_id},
            timeout=timeout)
    except socketio.exceptions.TimeoutError:
        vote.code = "timeout"
        return
    except Exception as error:  # noqa: BLE001 - a broken connection is a result, not a crash
        vote.code = "error:" + type(error).__name__
        return
    vote.ack = time.time()
    PROGRESS["acked"] += 1
    if isinstance(answer, dict) and answer.get("ok"):
        vote.ok = True
        vote.code = None
    else:
        vote.code = answer.get("code", "refused") if isinstance(answer, dict) else "refused"


# --- the load -------------------------------------------------------------------------------

def burst_plan(rng: random.Random, questions: list[str], burst: float, change: bool,
               reconnect: bool) -> list[tuple[float, str, str | None]]:
    """[(at, "vote"|"reconnect", question)], sorted by time."""
    order = rng.sample(questions, len(questions))
    times = sorted(rng.uniform(0, burst) for _ in order)
    steps = [(t, "vote", q) for t, q in zip(times, order)]
    if change:
        at = rng.uniform(times[0], burst)
        answered = [q for t, q in zip(times, order) if t <= at]
        steps.append((at, "vote", rng.choice(answered)))
    if reconnect:
        steps.append(((times[1] + times[2]) / 2, "reconnect", None))
    steps.sort(key=lambda s: (s[0], s[1] == "vote"))
    return steps


async def run_phase(name: str, target: Target, phones: list[Phone], plans: dict[int, list],
                    questions: dict[str, dict], config: LoadConfig, rng: random.Random) -> dict:
    start = time.monotonic()
    last_step = max((s[0] for plan in plans.values() for s in plan), default=0.0)
    deadline = start + last_step + config.phase_grace
    counter = {"n": 0}

    async def drive(phone: Phone, plan: list) -> None:
        for at, kind, question in plan:
            delay = start + at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if time.monotonic() > deadline or not phone.alive:
                return
            if kind == "reconnect":
                phone.alive = False
                try:
                    await phone.client.disconnect()
                    await connect_phone(target, phone, config.call_timeout)
                    phone.reconnects += 1
                except Exception as error:  # noqa: BLE001
                    config.log(f"  phone {phone.index} could not reconnect: {error!r}")
                    phone.reconnect_failed = True
                    return
                continue
            counter["n"] += 1
            vote = Vote(phone.index, question, f"{phone.index}:{question}:{name}:{counter['n']}", name)
            await send_vote(phone, vote, make_fields(questions[question], rng), config.call_timeout)

    tasks = [asyncio.create_task(drive(p, plans[p.index])) for p in phones if p.index in plans]
    done, pending = await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()))
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception():
            config.log(f"  a phone failed: {task.exception()!r}")
    return {"cut_off": len(pending)}


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))  # nearest rank
    return ordered[rank]


def latency_analysis(votes: list[Vote], records: list[tuple]) -> dict:
    """Match votes to the first projector payload that reflects them (see the module docstring)."""
    by_question: dict[str, list[tuple]] = {}
    for received, question, seq, respondents in records:
        by_question.setdefault(question, []).append((seq, received, respondents))
    for payloads in by_question.values():
        payloads.sort()
    seqs_of = {q: [p[0] for p in payloads] for q, payloads in by_question.items()}
    # First answer of each (phone, question): the vote that adds a respondent.
    first: dict[tuple[int, str], Vote] = {}
    for vote in sorted(votes, key=lambda v: v.send):
        if vote.maybe_stored:
            first.setdefault((vote.phone, vote.question), vote)
    first_sends: dict[str, list[int]] = {}
    first_acks: dict[str, list[int]] = {}
    for (_, question), vote in first.items():
        first_sends.setdefault(question, []).append(int(vote.send * 1e6))
        if vote.ok:
            first_acks.setdefault(question, []).append(int(vote.ack * 1e6))
    for table in (first_sends, first_acks):
        for values in table.values():
            values.sort()

    stale = 0
    for question, payloads in by_question.items():
        acks = first_acks.get(question, [])
        for seq, _, respondents in payloads:
            if respondents is not None and respondents < bisect.bisect_right(acks, seq):
                stale += 1

    latencies: dict[str, list[float]] = {}
    lower: dict[str, list[float]] = {}
    unreflected: dict[str, int] = {}
    for vote in votes:
        if not vote.ok:
            continue
        payloads = by_question.get(vote.question, [])
        seqs = seqs_of.get(vote.question, [])
        send_us, ack_us = int(vote.send * 1e6), int(vote.ack * 1e6)
        is_first = first.get((vote.phone, vote.question)) is vote
        sends = first_sends.get(vote.question, [])
        found = None
        start = bisect.bisect_left(seqs, send_us)
        if start < len(payloads):
            # The first payload built after the send: no payload can reflect v earlier.
            lower.setdefault(vote.phase, []).append((payloads[start][1] - vote.send) * 1000)
        for seq, received, respondents in payloads[start:]:
            if seq >= ack_us:
                found = received
                break
            if is_first and respondents is not None and respondents >= bisect.bisect_right(sends, seq):
                found = received
                break
        if found is None:
            unreflected[vote.phase] = unreflected.get(vote.phase, 0) + 1
        else:
            latencies.setdefault(vote.phase, []).append((found - vote.send) * 1000)
    return {"latencies_ms": latencies, "lower_bound_ms": lower, "unreflected": unreflected,
            "stale_payloads": stale}


def integrity(phones: list[Phone], stored: list[tuple], projected_last: dict) -> dict:
    """Lost and duplicated answers (see the module docstring)."""
    owner: dict[str, tuple[int, str, int]] = {}
    sent: dict[tuple[int, str], list[Vote]] = {}
    for phone in phones:
        for vote in phone.votes:
            key = (phone.index, vote.question)
            sent.setdefault(key, []).append(vote)
            owner[vote.vote_id] = (phone.index, vote.question, len(sent[key]) - 1)
    rows_per_key: dict[tuple, int] = {}
    stored_by_phone_q: dict[tuple[int, str], list[int]] = {}
    participants_of_phone: dict[int, set] = {}
    phantom = 0
    for participant, question, vote_id in stored:
        rows_per_key[(participant, question)] = rows_per_key.get((participant, question), 0) + 1
        if vote_id not in owner or owner[vote_id][1] != question:
            phantom += 1
            continue
        phone, _, position = owner[vote_id]
        stored_by_phone_q.setdefault((phone, question), []).append(position)
        participants_of_phone.setdefault(phone, set()).add(participant)
    extra_rows = sum(n - 1 for n in rows_per_key.values() if n > 1)
    split_identity = sum(len(s) - 1 for s in participants_of_phone.values() if len(s) > 1)
    lost = 0
    lost_examples = []
    answered: dict[str, int] = {}
    for key, votes in sent.items():
        accepted = [i for i, v in enumerate(votes) if v.ok]
        if any(v.maybe_stored for v in votes):
            answered[key[1]] = answered.get(key[1], 0) + 1
        if not accepted:
            continue
        positions = stored_by_phone_q.get(key, [])
        if not positions or max(positions) < accepted[-1]:
            lost += 1
            if len(lost_examples) < 5:
                lost_examples.append({"phone": key[0], "question": key[1],
                                      "expected": votes[accepted[-1]].vote_id,
                                      "stored": [votes[p].vote_id for p in positions]})
    stored_per_question: dict[str, int] = {}
    for _, question, _ in stored:
        stored_per_question[question] = stored_per_question.get(question, 0) + 1
    over_count = sum(max(0, n - answered.get(q, 0)) for q, n in stored_per_question.items())
    over_projected = sum(max(0, (r or 0) - answered.get(q, 0))
                         for q, (_, r) in projected_last.items())
    return {
        "accepted_answers": sum(1 for votes in sent.values() if any(v.ok for v in votes)),
        "stored_rows": len(stored),
        "lost": lost,
        "lost_examples": lost_examples,
        "duplicated": extra_rows + split_identity + phantom + over_count + over_projected,
        "duplicated_detail": {"extra_rows": extra_rows, "split_identity": split_identity,
                              "phantom_rows": phantom, "stored_over_answered": over_count,
                              "projected_over_answered": over_projected},
        "projected_respondents": {q: r for q, (_, r) in projected_last.items()},
        "answered_per_question": answered,
    }


async def _bounded(items, concurrency: int, work) -> list:
    semaphore = asyncio.Semaphore(concurrency)
    errors: list = []

    async def one(item):
        async with semaphore:
            try:
                await work(item)
            except Exception as error:  # noqa: BLE001 - counted and reported
                errors.append((item, error))

    await asyncio.gather(*(one(i) for i in items))
    return errors


async def settle(projector: Projector, votes: list[Vote], timeout: float, nudge,
                 interval: float = 0.25) -> tuple[float, int]:
    """Wait until the projector has a payload built after the last ack of every question.

    When the load generator's own event loop was busy, an ack can be *received* after the
    server's last push for that question, so no payload is certainly newer than the vote. After
    2 s without one, `nudge(question)` sends one more vote (phase "nudge", a changed answer of
    one phone) so that the server pushes again; it is not counted in any phase.
    """
    last_ack: dict[str, int] = {}
    for vote in votes:
        if vote.ok:
            last_ack[vote.question] = max(last_ack.get(vote.question, 0), int(vote.ack * 1e6))
    began = time.monotonic()
    nudged = 0
    while time.monotonic() - began < timeout:
        latest = await projector.latest()
        behind = [q for q, ack in last_ack.items() if latest.get(q, (0, 0))[0] < ack]
        if not behind:
            break
        if time.monotonic() - began > 2.0 and not nudged:
            for question in behind:
                await nudge(question)
                nudged += 1
        await asyncio.sleep(interval)
    await asyncio.sleep(2 * interval)  # and one more push, for late payloads
    return time.monotonic() - began, nudged


def phase_summary(name: str, votes: list[Vote], latencies: list[float], unreflected: int,
                  cpu: float | None, wall: float) -> dict:
    accepted = [v for v in votes if v.ok]
    codes: dict[str, int] = {}
    for vote in votes:
        if not vote.ok:
            codes[vote.code or "?"] = codes.get(vote.code or "?", 0) + 1
    # "timeout": no ack within call_timeout; "cut_off": still waiting at the phase deadline.
    span = (max(v.ack for v in accepted) - min(v.send for v in votes)) if accepted else 0.0
    acks = [(v.ack - v.send) * 1000 for v in accepted]
    return {
        "phase": name,
        "sent": len(votes),
        "accepted": len(accepted),
        "refused": codes,
        "span_s": round(span, 3),
        "votes_per_s": round(len(accepted) / span, 1) if span > 0 else None,
        "p50_ms": _round(percentile(latencies, 0.50)),
        "p95_ms": _round(percentile(latencies, 0.95)),
        "p99_ms": _round(percentile(latencies, 0.99)),
        "max_ms": _round(max(latencies) if latencies else None),
        "mean_ms": _round(statistics.fmean(latencies) if latencies else None),
        "ack_p50_ms": _round(percentile(acks, 0.50)),
        "ack_p99_ms": _round(percentile(acks, 0.99)),
        "unreflected": unreflected,
        "server_cpu_s": _round(cpu),
        "server_cpu_ms_per_vote": _round(cpu * 1000 / len(accepted)) if cpu and accepted else None,
        "server_cpu_share": _round(cpu / span, 2) if cpu and span else None,
        "wall_s": round(wall, 2),
    }


def _round(value, digits: int = 1):
    return None if value is None else round(value, digits)


async def run_load(target: Target, config: LoadConfig) -> dict:
    """Drive one target with the configured load and return the measurements."""
    log = config.log
    rng = random.Random(config.seed)
    questions = load_questions()
    question_ids = list(questions)
    phones = [Phone(i, table_typed(i, config.groups)) for i in range(config.participants)]
    result: dict = {"target": target.name, "participants": config.participants,
                    "groups": min(config.groups, config.participants), "burst_s": config.burst}
    client_cpu_start = sum(os.times()[:2])
    PHONE_PUSHES.clear()

    # 1. HTTP joins
    if config.quiet_wait > 0:
        await wait_until_quiet(log, config.quiet_wait)
    if config.phase_hook:
        config.phase_hook("start", target, "join")
    cpu_start = cpu_seconds(target.worker_pid)
    client_start = sum(os.times()[:2])
    machine_start = machine_jiffies()
    began = time.monotonic()
    connector = aiohttp.TCPConnector(limit=config.join_concurrency)
    try:
        async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                         timeout=aiohttp.ClientTimeout(total=60)) as http:
            errors = await _bounded(phones, config.join_concurrency,
                                    lambda p: http_join(http, target, p))
    finally:
        join_s = time.monotonic() - began
        cpu_end = cpu_seconds(target.worker_pid)
        machine_end = machine_jiffies()
        if config.phase_hook:
            config.phase_hook("end", target, "join")
    result["join_s"] = round(join_s, 2)
    result["join_failed"] = len(errors)
    result["join"] = join_summary(phones, join_s, len(errors))
    cpu = cpu_end - cpu_start if cpu_start is not None and cpu_end is not None else None
    result["join"]["server_cpu_s"] = _round(cpu, 2)
    result["join"]["server_cpu_ms_per_join"] = (
        _round(cpu * 1000 / result["join"]["joins"], 2) if cpu and result["join"]["joins"] else None)
    client_cpu = sum(os.times()[:2]) - client_start
    result["join"]["client_cpu_s"] = _round(client_cpu, 2)
    machine_cores = ((machine_end[0] - machine_start[0]) / max(1, machine_end[1] - machine_start[1])
                     * (os.cpu_count() or 1))
    result["join"]["other_processes_cores"] = round(
        max(0.0, machine_cores - ((cpu or 0) + client_cpu) / max(join_s, 1e-9)), 2)
    if target.stored_tables is not None:
        result["join"]["tables_stored"] = await asyncio.to_thread(target.stored_tables)
    if errors:
        log(f"  {len(errors)} joins failed, e.g. {errors[0][1]!r}")
    joined = [p for p in phones if p.cookie]
    j = result["join"]
    log(f"  {target.name}: {len(joined)} phones joined over HTTP in {result['join_s']} s "
        f"({j['joins_per_s']}/s, p50 {j['p50_ms']} ms, p99 {j['p99_ms']} ms; server CPU "
        f"{j['server_cpu_ms_per_join']} ms/join; tables {j.get('tables_stored')}; other processes "
        f"{j['other_processes_cores']} cores)")
    if config.join_only:
        result["phases"] = []
        result["client_cpu_s"] = round(sum(os.times()[:2]) - client_cpu_start, 1)
        return result

    # 2. Socket.IO connections, with the worker's RSS before and after
    await asyncio.sleep(1.0)
    rss_before = rss_kib(target.worker_pid)
    began = time.monotonic()
    errors = await _bounded(joined, config.connect_concurrency,
                            lambda p: connect_phone(target, p, config.call_timeout))
    result["connect_s"] = round(time.monotonic() - began, 2)
    result["connect_failed"] = len(errors)
    if errors:
        log(f"  {len(errors)} connections failed, e.g. {errors[0][1]!r}")
    connected = [p for p in joined if p.alive]
    await asyncio.sleep(1.0)
    rss_after = rss_kib(target.worker_pid)
    result["rss_before_kib"] = rss_before
    result["rss_connected_kib"] = rss_after
    result["rss_per_connection_kib"] = (
        round((rss_after - rss_before) / len(connected), 1)
        if rss_before is not None and rss_after is not None and connected else None)
    log(f"  {target.name}: {len(connected)} phones connected in {result['connect_s']} s, "
        f"RSS {rss_before} -> {rss_after} KiB")

    # 3. projector
    projector = Projector(target.projector_url, target.facilitator_cookie, target.code)
    await projector.start()
    phases = []
    try:
        # 4. burst
        n_reconnect = max(1, round(config.reconnect_share * len(connected))) if connected else 0
        reconnecting = set(rng.sample([p.index for p in connected], n_reconnect))
        plans = {p.index: burst_plan(rng, question_ids, config.burst,
                                     rng.random() < config.change_share, p.index in reconnecting)
                 for p in connected}
        phases.append(await _timed_phase("burst", target, connected, plans, questions, config,
                                         rng, projector))
        # 5. flood
        if config.flood:
            plans = {p.index: [(0.0, "vote", q) for q in rng.sample(question_ids, len(question_ids))]
                     for p in connected}
            phases.append(await _timed_phase("flood", target, connected, plans, questions, config,
                                             rng, projector))
    finally:
        projected = await projector.stop()
    result["rss_end_kib"] = rss_kib(target.worker_pid)

    # 6. analysis
    votes = [v for p in phones for v in p.votes]
    analysis = latency_analysis(votes, projected["records"])
    result["phases"] = []
    for name, cpu, wall, client_cpu, states in phases:
        phase_votes = [v for v in votes if v.phase == name]
        summary = phase_summary(name, phase_votes, analysis["latencies_ms"].get(name, []),
                                analysis["unreflected"].get(name, 0), cpu, wall)
        lower = analysis["lower_bound_ms"].get(name, [])
        summary["lower_p50_ms"] = _round(percentile(lower, 0.50))
        summary["lower_p95_ms"] = _round(percentile(lower, 0.95))
        summary["lower_p99_ms"] = _round(percentile(lower, 0.99))
        summary["client_cpu_s"] = _round(client_cpu)
        summary["client_cpu_share"] = _round(client_cpu / summary["span_s"], 2) if summary["span_s"] else None
        summary["timeline"] = states.pop("timeline", [])
        summary["worker_states"] = states
        result["phases"].append(summary)
    result["stale_payloads"] = analysis["stale_payloads"]
    result["payloads"] = len(projected["records"])
    result["payload_bytes"] = projected["payload_bytes"]
    result["projector_disconnects"] = projected["disconnects"]
    result["reconnected_phones"] = sum(1 for p in phones if p.reconnects)
    result["reconnect_failed"] = sum(1 for p in phones if p.reconnect_failed)
    result["phone_pushes_received"] = {k: dict(v) for k, v in PHONE_PUSHES.items()}
    latest: dict[str, tuple] = {}
    for _, question, seq, respondents in projected["records"]:
        latest[question] = (seq, respondents)
    stored = await asyncio.to_thread(target.stored_answers)
    result["integrity"] = integrity(phones, stored, latest)

    # disconnect everyone
    async def close(phone: Phone) -> None:
        if phone.client is not None:
            try:
                await asyncio.wait_for(phone.client.disconnect(), 10)
            except Exception:  # noqa: BLE001, S110 - the server may already be overloaded or gone
                pass
    await _bounded(phones, 200, close)
    result["client_cpu_s"] = round(sum(os.times()[:2]) - client_cpu_start, 1)
    return result


async def _timed_phase(name, target, phones, plans, questions, config, rng, projector):
    if config.quiet_wait > 0:
        await wait_until_quiet(config.log, config.quiet_wait)
    config.log(f"  {target.name}: {name} phase, {sum(len(p) for p in plans.values())} steps")
    if config.phase_hook:
        config.phase_hook("start", target, name)
    cpu_start = cpu_seconds(target.worker_pid)
    client_start = sum(os.times()[:2])
    projector_start = cpu_seconds(projector.process.pid)
    machine_start = machine_jiffies()
    began = time.monotonic()
    states: dict = {}
    rows: list = []
    sampler = asyncio.create_task(sample_states(target.worker_pid, states))
    ticker = asyncio.create_task(timeline(target.worker_pid, rows, config.log))
    try:
        outcome = await run_phase(name, target, phones, plans, questions, config, rng)
    finally:
        sampler.cancel()
        ticker.cancel()
        wall = time.monotonic() - began
        cpu_end = cpu_seconds(target.worker_pid)
        client_cpu = sum(os.times()[:2]) - client_start
        machine_end = machine_jiffies()
        projector_cpu = cpu_seconds(projector.process.pid) - projector_start
        if config.phase_hook:
            config.phase_hook("end", target, name)
    if outcome["cut_off"]:
        config.log(f"  {outcome['cut_off']} phones were cut off at the {name} deadline")
    votes = [v for p in phones for v in p.votes if v.phase == name]

    async def nudge(question: str) -> None:
        phone = next((p for p in phones if p.alive), None)
        if phone is not None:
            vote = Vote(phone.index, question, f"{phone.index}:{question}:nudge-{name}", "nudge")
            await send_vote(phone, vote, make_fields(questions[question], rng), config.call_timeout)

    waited, nudged = await settle(projector, votes, config.settle_timeout, nudge)
    config.log(f"  {target.name}: {name} done in {wall:.1f} s, projector settled in {waited:.1f} s"
               + (f" ({nudged} nudge votes)" if nudged else ""))
    cpu = (cpu_end - cpu_start) if cpu_start is not None and cpu_end is not None else None
    ncpu = os.cpu_count() or 1
    machine_cores = ((machine_end[0] - machine_start[0])
                     / max(1, machine_end[1] - machine_start[1]) * ncpu)
    others = machine_cores - ((cpu or 0) + client_cpu + projector_cpu) / max(wall, 1e-9)
    states["machine_busy_cores"] = round(machine_cores, 2)
    states["other_processes_cores"] = round(max(0.0, others), 2)
    config.log(f"  {target.name}: {name}: machine busy {machine_cores:.2f} of {ncpu} cores, "
               f"server {(cpu or 0) / wall:.2f}, load generator {client_cpu / wall:.2f}, "
               f"projector {projector_cpu / wall:.2f}, other processes {max(0.0, others):.2f}")
    samples = sum(v for k, v in states.items() if len(k) == 1 and k in "RSDZT")
    if samples:
        config.log(f"  {target.name}: {name} worker states " + ", ".join(
            f"{k} {100 * v / samples:.0f}%" for k, v in sorted(states.items(), key=lambda kv: -kv[1])
            if isinstance(v, int) and 100 * v / samples >= 1))
    states["timeline"] = rows
    return name, cpu, wall, client_cpu, states
