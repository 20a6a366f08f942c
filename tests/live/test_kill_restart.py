"""Trustworthy under faults: the real server is killed (SIGKILL, the whole process group) in
the middle of a room's voting burst and started again on the same port, with the same
database, instance folder and secrets.

The phones are real python-socketio clients that reconnect by themselves, the way the
browser's participant.js and projector.js do: on every "connect" they emit participant:join
(or screen:watch) again and take the state from the acknowledgement. No code in this test
reconnects them. A phone that never got the acknowledgement of a vote sends the same vote
(same vote_id) again once it has joined again, and then finishes its burst.

What must hold, for every participant and question, with the votes that phone sent for that
question in order v1..vn and vk the last one it was told was accepted (ack ok):

* the database holds exactly one answer, and it is one of vk..vn (its vote_id and its items):
  an accepted vote is never lost, and the only votes that may replace it are the ones sent
  after it whose acknowledgement never came (the server may have stored them just before it
  died). With no accepted vote yet there may be no answer, or any of v1..vn.
* this is checked twice: on the database file as the killed server left it (before the new
  process starts), and at the end, when every phone has had its last vote accepted, so the
  answer must be exactly that last vote.

And the projector, the same client object throughout, is pushed results after the restart
whose respondents per question equal the number of answers in the database.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import socketio

from ..serverproc import (
    create_run,
    facilitator_action,
    facilitator_session,
    join_participant,
    restart_server,
    start_server,
    stop_server,
)
from .conftest import cookie_header
from .test_real_server import (
    QUESTIONS,
    VOTED,
    answer_keys,
    choice_fields,
    db_answers,
    ranked_fields,
    statuses,
    stored_keys,
)

pytestmark = pytest.mark.live

PARTICIPANTS = 200
GROUPS = [f"Bord {n}" for n in range(1, 11)]
TIMEOUT = 5.0  # seconds, for every single request (HTTP, connect, ack)
RECOVER = 30.0  # seconds from a dropped connection until the phone has joined again
BUDGET = 60.0  # seconds for everything after the HTTP setup (it takes about 10)
KILL_AT = 0.4  # the server is killed once this share of the burst's votes was accepted
JOIN_WORKERS = 16  # HTTP joins at a time
CONNECTS_AT_ONCE = 50


# --- the burst each phone sends ----------------------------------------------------------

def make_answer(rng: random.Random, qid: str, name: str, tag: str) -> dict:
    question = QUESTIONS[qid]
    if question["type"] == "text":
        return {"entry": [f"{tag} {k + 1} fra {name}" for k in range(rng.randint(1, 3))]}
    if question["type"] == "ranked":
        return ranked_fields(rng, question)
    return choice_fields(rng, question, 3)


def plan_burst(index: int, name: str) -> list[tuple[str, dict]]:
    """Every phone answers the four questions in its own order; two in three change one or
    two of their answers at the end (first a draft, later the final answer)."""
    rng = random.Random(5000 + index)
    final = {qid: make_answer(rng, qid, name, "Behov") for qid in VOTED}
    changed = rng.sample(VOTED, index % 3)
    first = {}
    for qid in changed:
        qtype = QUESTIONS[qid]["type"]
        draft = make_answer(rng, qid, name, "Utkast")
        while answer_keys(qtype, draft) == answer_keys(qtype, final[qid]):
            draft = make_answer(rng, qid, name, "Utkast")
        first[qid] = draft
    order = rng.sample(VOTED, len(VOTED))
    return [(qid, first.get(qid, final[qid])) for qid in order] + [(qid, final[qid]) for qid in changed]


@dataclass
class Vote:
    qid: str
    vote_id: str
    fields: dict
    attempts: list = field(default_factory=list)  # (monotonic time, ack or None)
    acked_at: float | None = None


# --- the clients ---------------------------------------------------------------------------

class Client:
    """A python-socketio client that reconnects by itself and, on every connect, does what
    the page does (`hello`), recording every acknowledgement and push it gets."""

    hello_event = ""

    def __init__(self, url: str, cookie: str, code: str, name: str):
        self.url, self.cookie, self.code, self.name = url, cookie, code, name
        self.sio = socketio.AsyncClient(
            reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1.0,
            randomization_factor=0.2, request_timeout=TIMEOUT)
        self.connects: list[float] = []  # monotonic time of every "connect"
        self.drops: list[float] = []
        self.hellos: list[tuple[int, float, object]] = []  # (connect number, time, ack or None)
        self.ready = asyncio.Event()  # the hello of the current connection was acknowledged ok
        self.dropped = asyncio.Event()  # replaced on every connect; set when it drops
        self.received: list[tuple[float, str, dict]] = []
        self.changed = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        for event in ("state", "results"):
            self.sio.on(event, self._recorder(event))

    def _recorder(self, event):
        async def record(payload):
            self.received.append((time.monotonic(), event, payload))
            self.changed.set()
        return record

    async def _on_connect(self):
        self.connects.append(time.monotonic())
        self.dropped = asyncio.Event()
        self.ready.clear()
        # Not awaited here: the acknowledgement is read by the loop that runs this handler.
        task = asyncio.create_task(self._hello(len(self.connects)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _on_disconnect(self, reason=None):
        self.drops.append(time.monotonic())
        self.ready.clear()
        self.dropped.set()

    async def _hello(self, number: int):
        ack = await self.request(self.hello_event, {"code": self.code})
        self.hellos.append((number, time.monotonic(), ack))
        self.changed.set()
        if number == len(self.connects) and not self.dropped.is_set() \
                and isinstance(ack, dict) and ack.get("ok"):
            self.ready.set()

    async def connect(self):
        # Headers as a function: python-engineio moves a Cookie header out of the given dict
        # into its aiohttp session, which it closes on a drop, so the automatic reconnection
        # would otherwise arrive without cookies. A browser sends its cookies every time.
        await self.sio.connect(self.url, headers=lambda: {"Cookie": self.cookie},
                               transports=["websocket"], wait_timeout=TIMEOUT)

    async def request(self, event: str, data: dict):
        """The acknowledgement; None when the connection is down or drops before it comes, or
        when it does not come within TIMEOUT."""
        dropped = self.dropped
        if dropped.is_set():
            return None
        answer = asyncio.get_running_loop().create_future()

        def acknowledge(*args):
            if not answer.done():
                answer.set_result(args[0] if len(args) == 1 else args)

        try:
            await self.sio.emit(event, data, callback=acknowledge)
        except socketio.exceptions.SocketIOError:  # not connected at this moment
            return None
        lost = asyncio.ensure_future(dropped.wait())
        try:
            await asyncio.wait({answer, lost}, timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
        return answer.result() if answer.done() else None

    def hellos_after(self, moment: float) -> list:
        return [ack for number, _, ack in self.hellos if self.connects[number - 1] > moment]

    def describe(self, times: dict[str, float]) -> str:
        """What happened to this client, with times relative to the kill, for failures."""
        zero = times.get("kill", 0.0)
        return (f"connects at {[round(t - zero, 2) for t in self.connects]}, "
                f"drops at {[round(t - zero, 2) for t in self.drops]}, "
                f"hellos {[(n, round(t - zero, 2), a if a is None or a.get('ok') is not True else True) for n, t, a in self.hellos]}, "
                f"connected={self.sio.connected}, engine.io state={self.sio.eio.state}, "
                f"server up at {round(times['up'] - zero, 2) if 'up' in times else None}")

    async def close(self):
        for task in list(self._tasks):
            task.cancel()
        await self.sio.shutdown()  # disconnects, or stops the reconnection attempts


class Phone(Client):
    hello_event = "participant:join"

    def __init__(self, *args):
        super().__init__(*args)
        self.sent: list[Vote] = []


class Screen(Client):
    hello_event = "screen:watch"

    def results_after(self, moment: float) -> list[dict]:
        """Every results payload this screen got after `moment`: pushes and watch acks."""
        found = [p for at, event, p in self.received if event == "results" and at > moment]
        for number, _, ack in self.hellos:
            if self.connects[number - 1] > moment and isinstance(ack, dict) and ack.get("ok"):
                found.extend(ack["results"])
        return found


# --- checking the database against what the phones were told ---------------------------------

def check_answers(rows: list[tuple], phones: list[Phone], moment: str) -> Counter:
    """The rule in the module docstring; rows: (name, question, items, vote_id). Returns how
    many answers were checked in each situation."""
    stored: dict[tuple[str, str], list[tuple]] = {}
    for name, qid, items, vote_id in rows:
        stored.setdefault((name, qid), []).append((json.loads(items), vote_id))
    names = {phone.name for phone in phones}
    assert {name for name, _ in stored} <= names, f"{moment}: answers from unknown participants"
    seen = Counter()
    for phone in phones:
        for qid in VOTED:
            qtype = QUESTIONS[qid]["type"]
            found = stored.get((phone.name, qid), [])
            assert len(found) <= 1, f"{moment}: {phone.name} has {len(found)} answers to {qid}"
            votes = [v for v in phone.sent if v.qid == qid]
            accepted = [n for n, v in enumerate(votes) if v.acked_at is not None]
            if accepted:
                allowed = votes[accepted[-1]:]
                assert found, (f"{moment}: the accepted vote {allowed[0].vote_id} of {phone.name} "
                               f"to {qid} is lost: no answer in the database")
            else:
                allowed = votes
                if not found:
                    seen["no accepted vote, no answer"] += 1
                    continue
            items, vote_id = found[0]
            match = [v for v in allowed if v.vote_id == vote_id]
            assert match, (f"{moment}: {phone.name}/{qid} holds vote {vote_id!r}, expected one of "
                           f"{[v.vote_id for v in allowed]} (the last accepted one or a later one)")
            assert stored_keys(qtype, items) == answer_keys(qtype, match[0].fields), \
                (moment, phone.name, qid, vote_id)
            if not accepted:
                seen["no accepted vote, an unacknowledged one stored"] += 1
            elif match[0] is votes[accepted[-1]]:
                seen["the last accepted vote"] += 1
            else:
                seen["a later, unacknowledged vote"] += 1
    return seen


# --- the test --------------------------------------------------------------------------------

def test_votes_survive_a_killed_and_restarted_server(tmp_path):
    started = time.monotonic()
    # All 200 phones join from one address (127.0.0.1): the per-address join limit is raised
    # so the test does not depend on its default.
    servers = [start_server(tmp_path, extra_env={"WORKSHOP_JOIN_LIMIT": "100000/minute"})]
    facilitator = None
    try:
        server = servers[0]
        facilitator = facilitator_session(server)
        code = create_run(server, facilitator)
        facilitator_action(server, facilitator, code, "open-all")

        names = [f"P{i:03d}" for i in range(PARTICIPANTS)]

        def arrive(i: int) -> str:
            http = join_participant(server, code, GROUPS[i % len(GROUPS)], names[i])
            try:
                return cookie_header(http)
            finally:
                http.close()

        with ThreadPoolExecutor(max_workers=JOIN_WORKERS) as pool:
            cookies = list(pool.map(arrive, range(PARTICIPANTS), timeout=60))
        joined = time.monotonic()

        # In a thread of its own: Playwright's sync API (browser tests in the same pytest
        # process) may leave an event loop running in this one.
        with ThreadPoolExecutor(max_workers=1) as runner:
            report = runner.submit(asyncio.run, asyncio.wait_for(
                room(servers, code, names, cookies, cookie_header(facilitator)), BUDGET)
            ).result(timeout=BUDGET + 30)
        report["setup (start, sign in, 200 HTTP joins)"] = joined - started
        report["whole test"] = time.monotonic() - started
        print("\n" + "\n".join(f"  {k}: {v:.2f} s" if isinstance(v, float) else f"  {k}: {v}"
                               for k, v in report.items()))
    except BaseException:
        for s in servers:
            print(f"--- {s.log_path} (last 3000 characters) ---\n{s.log()[-3000:]}")
        raise
    finally:
        if facilitator is not None:
            facilitator.close()
        stop_server(servers[-1])
        stop_server(servers[0])


async def room(servers, code: str, names: list[str], cookies: list[str], facilitator_cookie: str):
    server = servers[0]
    url = server.url
    phones = [Phone(url, cookie, code, name) for name, cookie in zip(names, cookies)]
    screen = Screen(url, facilitator_cookie, code, "projector")
    clients = [*phones, screen]
    times: dict[str, float] = {}
    report: dict[str, object] = {}
    try:
        # --- everyone connects and joins (as the page does on "connect") ---
        gate = asyncio.Semaphore(CONNECTS_AT_ONCE)

        async def connect(client: Client):
            async with gate:
                await client.connect()
                await asyncio.wait_for(client.ready.wait(), TIMEOUT)

        t = time.monotonic()
        await asyncio.gather(*(connect(c) for c in clients))
        report["200 phones and the projector connected and joined"] = time.monotonic() - t
        for phone in phones:
            (ack,) = phone.hellos_after(0)
            assert set(statuses(ack["state"]).values()) == {"open"}, (phone.name, ack)

        # --- the burst, with the kill and the restart in its middle ---
        plans = {phone.name: plan_burst(i, phone.name) for i, phone in enumerate(phones)}
        total = sum(len(p) for p in plans.values())
        kill_now = asyncio.Event()
        accepted = [0]

        async def burst(phone: Phone):
            rng = random.Random(phone.name)
            for n, (qid, fields) in enumerate(plans[phone.name]):
                await asyncio.sleep(rng.uniform(0, 0.2))
                vote = Vote(qid, f"{phone.name}-{n}", fields)
                phone.sent.append(vote)
                while vote.acked_at is None:
                    assert len(vote.attempts) < 5, (phone.name, vote.vote_id, vote.attempts)
                    # After a drop: wait until the phone has reconnected and joined by itself.
                    try:
                        await asyncio.wait_for(phone.ready.wait(), RECOVER)
                    except TimeoutError:
                        raise AssertionError(
                            f"{phone.name} did not join again within {RECOVER} s: "
                            + phone.describe(times)) from None
                    ack = await phone.request(
                        "vote", {"question": qid, "fields": fields, "vote_id": vote.vote_id})
                    vote.attempts.append((time.monotonic(), ack))
                    if ack is None:
                        continue  # never acknowledged: the same vote again, same vote_id
                    assert ack.get("ok") and ack.get("vote_id") == vote.vote_id, \
                        (phone.name, vote.vote_id, ack)
                    vote.acked_at = time.monotonic()
                    accepted[0] += 1
                    if accepted[0] >= KILL_AT * total:
                        kill_now.set()

        crash: dict[str, object] = {}

        async def kill_and_restart():
            await asyncio.wait_for(kill_now.wait(), 30)
            times["kill"] = time.monotonic()
            crash["accepted before the kill"] = accepted[0]
            await asyncio.to_thread(stop_server, servers[0], signal.SIGKILL)
            times["dead"] = time.monotonic()
            # The database as the killed server left it, before the new process opens it.
            # Acks are counted after it is read: any ack seen now came from the dead server.
            crash["rows"] = await asyncio.to_thread(db_answers, servers[0], code)
            crash["seen"] = check_answers(crash["rows"], phones, "right after the kill")
            servers.append(await asyncio.to_thread(restart_server, servers[0]))
            times["up"] = time.monotonic()

        t = time.monotonic()
        await asyncio.gather(kill_and_restart(), *(burst(p) for p in phones))
        times["burst done"] = time.monotonic()
        report["votes in the burst (not counting retries)"] = total
        report["accepted before the kill"] = crash["accepted before the kill"]
        report["answers in the database at the kill"] = len(crash["rows"])
        report["check at the kill"] = dict(crash["seen"])
        report["burst start to kill"] = times["kill"] - t
        report["kill to dead"] = times["dead"] - times["kill"]
        report["dead to the new server answering"] = times["up"] - times["dead"]
        rejoined = max(p.connects[-1] for p in clients)
        report["new server answering to the last client reconnected"] = rejoined - times["up"]
        report["kill to the end of the burst"] = times["burst done"] - times["kill"]

        # --- every client reconnected by itself and got the current state ---
        kill = times["kill"]
        for client in clients:
            assert client.drops and client.drops[0] >= kill, (client.name, client.drops)
            again = client.hellos_after(kill)
            assert again and all(isinstance(a, dict) and a.get("ok") for a in again), \
                (client.name, again)
        for phone in phones:
            for ack in phone.hellos_after(kill):
                assert set(statuses(ack["state"]).values()) == {"open"}, (phone.name, ack)
        retried = [v for p in phones for v in p.sent if len(v.attempts) > 1]
        report["votes sent again after the restart"] = len(retried)
        assert retried, "the kill hit no vote in flight: it was not in the middle of the burst"
        assert any(v.acked_at < kill for p in phones for v in p.sent)
        assert any(v.acked_at > times["up"] and len(v.attempts) == 1 for p in phones for v in p.sent)

        # --- the database at the end: exactly the last vote of every phone ---
        rows = await asyncio.to_thread(db_answers, servers[-1], code)
        assert Counter((name, qid) for name, qid, _, _ in rows) == \
            Counter({(name, qid): 1 for name in names for qid in VOTED})
        assert all(v.acked_at is not None for p in phones for v in p.sent)
        seen = check_answers(rows, phones, "at the end")
        assert seen == Counter({"the last accepted vote": PARTICIPANTS * len(VOTED)}), seen
        for phone in phones:  # the last accepted vote is the last one in the plan
            last = {qid: fields for qid, fields in plans[phone.name]}
            by_question = {qid: (json.loads(items), vote_id)
                           for name, qid, items, vote_id in rows if name == phone.name}
            for qid in VOTED:
                qtype = QUESTIONS[qid]["type"]
                assert stored_keys(qtype, by_question[qid][0]) == answer_keys(qtype, last[qid])

        # --- the projector, never recreated, is pushed the database's counts ---
        counts = Counter(qid for _, qid, _, _ in rows)

        def settled() -> bool:
            for qid in VOTED:
                pushed = [p for p in screen.results_after(times["up"]) if p["question"] == qid]
                newest = max(pushed, key=lambda p: p["seq"], default=None)
                if newest is None or newest["respondents"] != counts[qid]:
                    return False
            return True

        t = time.monotonic()
        deadline = t + 10
        while not settled() and time.monotonic() < deadline:
            screen.changed.clear()
            try:
                await asyncio.wait_for(screen.changed.wait(), max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                pass
        report["last vote to the projector showing the database's counts"] = \
            time.monotonic() - times["burst done"]
        for qid in VOTED:
            pushes = [p for at, event, p in screen.received
                      if event == "results" and at > times["up"] and p["question"] == qid]
            assert pushes, f"no results for {qid} were pushed to the projector after the restart"
            newest = max((p for p in screen.results_after(times["up"]) if p["question"] == qid),
                         key=lambda p: p["seq"])
            assert (newest["respondents"], newest["participants"]) == (counts[qid], PARTICIPANTS), \
                (qid, newest["respondents"], newest["participants"], counts[qid])
        assert len(screen.connects) == 2, screen.connects
        return report
    finally:
        try:
            await asyncio.wait_for(
                asyncio.gather(*(c.close() for c in clients), return_exceptions=True), 15)
        except TimeoutError:
            print("some clients did not close within 15 s")  # the loop's end cancels them
