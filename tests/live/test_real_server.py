"""The real server (gunicorn + gevent, `workshop serve`) with real Socket.IO clients.

A room of phones votes at once over WebSocket; the projector's pushed results and the
database must hold exactly what the phones were told was accepted. The expected results are
computed here from the acknowledged votes, with the rules stated in the app's docs (counts of
participants per option, Borda 3/2/1 for ranked topics, majority per group), never by calling
the app's own aggregation.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from ..serverproc import ROOT, create_run, facilitator_action, join_participant
from .conftest import TIMEOUT

pytestmark = pytest.mark.live

TEMPLATE = os.path.join(ROOT, "questions", "kontraktsoppfolging.yaml")
PARTICIPANTS = 30
GROUPS = [f"Bord {n}" for n in range(1, 6)]
WRITE_IN = "__write_in__"
PUSH_DEADLINE = 3.0  # seconds from a vote's acknowledgement to the projector seeing it
SETTLE_DEADLINE = 5.0  # seconds for the pushed results to catch up with every vote


# The four questions of the bundled workshop, one of each kind a phone answers.
VOTED = ["categories", "goals", "topics", "needs"]


def load_questions() -> dict[str, dict]:
    with open(TEMPLATE, encoding="utf-8") as handle:
        template = yaml.safe_load(handle)
    return {
        q["id"]: {"type": q["type"], "options": [o["id"] for o in q.get("options", [])],
                  "exclusive": {o["id"] for o in q.get("options", []) if o.get("exclusive")},
                  "ranks": q.get("ranks", 0)}
        for q in template["questions"] if q["id"] in VOTED
    }


QUESTIONS = load_questions()


# --- what each phone sends -----------------------------------------------------------------

def choice_fields(rng: random.Random, question: dict, most: int, write_in: str = "") -> dict:
    plain = [o for o in question["options"] if o not in question["exclusive"]]
    if question["exclusive"] and rng.random() < 0.15:
        return {"option": [min(question["exclusive"])]}
    fields = {"option": rng.sample(plain, rng.randint(1, most))}
    if write_in:
        fields["write_in"] = [write_in]
    return fields


def ranked_fields(rng: random.Random, question: dict, write_in: str = "") -> dict:
    picks = rng.sample(question["options"], question["ranks"])
    fields = {f"rank_{r}": [option] for r, option in enumerate(picks, start=1)}
    if write_in:
        fields["rank_2"] = [WRITE_IN]
        fields["rank_2_text"] = [write_in]
    return fields


def plan_votes(index: int, name: str) -> list[tuple[str, dict]]:
    """The votes one phone sends, in order; every third phone changes one answer once."""
    rng = random.Random(1000 + index)
    goal_write_in = ["Bedre data", "  bedre DATA ", "Felles rutiner"][index % 3] if index % 5 == 0 else ""
    topic_write_in = ["Kompetanseheving", "kompetanseheving "][index % 2] if index % 7 == 3 else ""
    final = {
        "categories": choice_fields(rng, QUESTIONS["categories"], 3),
        "goals": choice_fields(rng, QUESTIONS["goals"], 4, goal_write_in),
        "topics": ranked_fields(rng, QUESTIONS["topics"], topic_write_in),
        "needs": {"entry": [f"Behov {k + 1} fra {name}" for k in range(rng.randint(1, 3))]
                  + (["Flere konkrete eksempler"] if index % 3 == 0 else [])},
    }
    changed = list(QUESTIONS)[index % 4] if index % 3 == 1 else None
    votes = []
    if changed:
        first = final[changed]
        while first == final[changed]:
            first = {
                "categories": lambda: choice_fields(rng, QUESTIONS["categories"], 3),
                "goals": lambda: choice_fields(rng, QUESTIONS["goals"], 7, "Noe helt annet"),
                "topics": lambda: ranked_fields(rng, QUESTIONS["topics"]),
                "needs": lambda: {"entry": [f"Første tanke fra {name}"]},
            }[changed]()
        votes.append((changed, first))
    votes.extend((qid, final[qid]) for qid in QUESTIONS if qid != changed)
    if changed:  # the changed answer's final version is sent last, replacing the first
        votes.append((changed, final[changed]))
    return votes


# --- what the results must be, from the accepted votes ---------------------------------------

def write_in_key(text: str) -> str:
    return "~" + " ".join(text.split()).casefold()


def answer_keys(qtype: str, fields: dict) -> dict:
    """The accepted answer as {key: rank or None} (choice, ranked) or a list of texts (text)."""
    if qtype == "text":
        return [e.strip() for e in fields["entry"] if e.strip()]
    if qtype == "ranked":
        keys = {}
        for name, value in fields.items():
            if name.startswith("rank_") and not name.endswith("_text"):
                rank = int(name.split("_")[1])
                option = value[0]
                keys[write_in_key(fields[f"{name}_text"][0]) if option == WRITE_IN else option] = rank
        return keys
    keys = {option: None for option in fields.get("option", [])}
    text = "".join(fields.get("write_in", [])[:1]).strip()
    if text:
        keys[write_in_key(text)] = None
    return keys


def expected_results(qid: str, accepted: dict[str, dict], group_of: dict[str, str],
                     public_id: dict[str, str]) -> dict:
    """accepted: participant name -> the fields of their last acknowledged vote."""
    question = QUESTIONS[qid]
    qtype = question["type"]
    answers = {name: answer_keys(qtype, fields) for name, fields in accepted.items()}
    members = {g: [n for n in answers if group_of[n] == g] for g in GROUPS}
    expected = {"respondents": len(answers), "participants": PARTICIPANTS}
    if qtype == "text":
        expected["entries"] = Counter(
            (text, group_of[n], public_id[n]) for n, texts in answers.items() for text in texts)
        expected["groups"] = {
            g: (len(ns), Counter(t for n in ns for t in answers[n])) for g, ns in members.items()}
        return expected
    counts = Counter(key for keys in answers.values() for key in keys)
    options = {key: {"count": counts.get(key, 0)} for key in [*question["options"], *counts]}
    if qtype == "ranked":
        points = question["ranks"] + 1  # Borda: first place 3, second 2, third 1
        for key, option in options.items():
            option["score"] = sum(points - keys[key] for keys in answers.values() if key in keys)
            option["first"] = sum(1 for keys in answers.values() if keys.get(key) == 1)
    expected["options"] = options
    groups = {}
    for g, ns in members.items():
        group_counts = Counter(key for n in ns for key in answers[n])
        entry = {"respondents": len(ns), "counts": dict(group_counts)}
        if qtype == "ranked":
            entry["scores"] = dict(Counter({
                key: sum(points - answers[n][key] for n in ns if key in answers[n])
                for key in group_counts}))
        else:  # a group's answer: more than half of its members; exactly half is a tie
            entry["answer"] = {(k, c * 2 == len(ns)) for k, c in group_counts.items()
                               if c * 2 >= len(ns)}
        groups[g] = entry
    expected["groups"] = groups
    return expected


def observed_results(payload: dict) -> dict:
    """The same shape as expected_results, read from a pushed "results" payload."""
    results = payload["results"] or {}
    observed = {"respondents": payload["respondents"], "participants": payload["participants"]}
    if payload["type"] == "text":
        observed["entries"] = Counter(
            (e["text"], e["group"], e["participant"]) for e in results.get("entries", []))
        observed["groups"] = {
            g["name"]: (g["respondents"], Counter(a["label"] for a in g["answer"]))
            for g in results.get("groups", [])}
        return observed
    observed["options"] = {
        o["key"]: {k: o[k] for k in ("count", "score", "first") if k in o}
        for o in results.get("options", [])}
    groups = {}
    for g in results.get("groups", []):
        entry = {"respondents": g["respondents"], "counts": g["counts"]}
        if payload["type"] == "ranked":
            entry["scores"] = g["scores"]
        else:
            entry["answer"] = {(a["key"], a["tie"]) for a in g["answer"]}
        groups[g["name"]] = entry
    observed["groups"] = groups
    return observed


def latest_results(screen, qid: str) -> dict | None:
    """The newest pushed results of a question, by sequence number, as a client keeps them."""
    payloads = [p for p in screen.events("results") if p["question"] == qid]
    return max(payloads, key=lambda p: p["seq"]) if payloads else None


# --- the database, read-only -----------------------------------------------------------------

def read_db(server, sql: str, params=()) -> list[tuple]:
    path = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    connection = sqlite3.connect(Path(path).as_uri() + "?mode=ro", uri=True, timeout=TIMEOUT)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def db_answers(server, code: str) -> list[tuple]:
    return read_db(server, """
        SELECT p.display_name, a.question_id, a.items, a.vote_id
        FROM answer a JOIN participant p ON p.id = a.participant_id JOIN run r ON r.id = a.run_id
        WHERE r.code = ?""", (code,))


def db_public_ids(server, code: str) -> dict[str, str]:
    rows = read_db(server, """
        SELECT p.display_name, p.public_id FROM participant p JOIN run r ON r.id = p.run_id
        WHERE r.code = ?""", (code,))
    return dict(rows)


def stored_keys(qtype: str, items: list[dict]):
    """The stored items in the same shape as answer_keys."""
    if qtype == "text":
        return [i.get("text") for i in items]
    return {(i.get("option") or write_in_key(i.get("text"))): i.get("rank") for i in items}


# --- helpers ---------------------------------------------------------------------------------

def join_phone(server, live_clients, code: str, group: str, name: str):
    phone = live_clients(join_participant(server, code, group, name), name).connect()
    ack = phone.call("participant:join", {"code": code})
    assert ack["ok"], ack
    return phone, ack["state"]


def watch_screen(server, live_clients, facilitator, code: str):
    # The projector page runs in the facilitator's browser, so it carries the same cookies.
    screen = live_clients(facilitator, "projector", own_http=False).connect()
    watch = screen.call("screen:watch", {"code": code})
    assert watch["ok"], watch
    return screen, watch


def statuses(state: dict) -> dict[str, str]:
    return {q["id"]: q["status"] for q in state["questions"] if q["id"] in VOTED}


def parallel(function, arguments, workers=PARTICIPANTS):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # Each call only makes network calls with timeouts; this bounds the whole batch too.
        return list(pool.map(function, arguments, timeout=6 * TIMEOUT))


def reveal_all(server, facilitator, code):
    for qid in QUESTIONS:
        facilitator_action(server, facilitator, code, f"questions/{qid}/reveal")


# --- the tests -------------------------------------------------------------------------------

def test_a_room_of_phones_votes_and_nothing_is_lost(server, facilitator, live_clients):
    code = create_run(server, facilitator)
    reveal_all(server, facilitator, code)  # results are hidden until revealed
    screen, watch = watch_screen(server, live_clients, facilitator, code)
    assert {p["question"] for p in watch["results"]} >= set(VOTED)
    assert all(p["respondents"] == 0 for p in watch["results"])

    names = [f"P{i:02d}" for i in range(PARTICIPANTS)]
    group_of = {name: GROUPS[i % len(GROUPS)] for i, name in enumerate(names)}

    def arrive(i):
        phone, state = join_phone(server, live_clients, code, group_of[names[i]], names[i])
        assert set(statuses(state).values()) == {"draft"}
        return phone

    phones = parallel(arrive, range(PARTICIPANTS))

    facilitator_action(server, facilitator, code, "open-all")
    for phone in phones:  # pushed to every phone, none of them asked
        assert phone.wait_for("state", lambda s: set(statuses(s).values()) == {"open"},
                              TIMEOUT), phone.label

    def vote(i):
        phone, votes = phones[i], plan_votes(i, names[i])
        accepted, refused = {}, []
        for n, (qid, fields) in enumerate(votes):
            vote_id = f"{names[i]}-{qid}-{n}"
            ack = phone.call("vote", {"question": qid, "fields": fields, "vote_id": vote_id})
            if ack.get("ok"):
                accepted[qid] = (fields, vote_id)
            else:
                refused.append((qid, ack))
        return names[i], accepted, refused, len(votes)

    outcomes = parallel(vote, range(PARTICIPANTS))
    refused = [(name, r) for name, _, rs, _ in outcomes for r in rs]
    assert refused == [], f"valid votes were refused: {refused}"
    # The free texts are moderated: the facilitator lets them all through, then every one counts.
    facilitator_action(server, facilitator, code, "moderation/needs/approve-all")
    sent = sum(n for *_, n in outcomes)
    assert sent > PARTICIPANTS * len(QUESTIONS)  # some phones did change an answer
    accepted = {qid: {name: acc[qid][0] for name, acc, _, _ in outcomes if qid in acc}
                for qid in QUESTIONS}
    vote_ids = {(name, qid): acc[qid][1] for name, acc, _, _ in outcomes for qid in acc}

    public_id = db_public_ids(server, code)
    assert sorted(public_id) == names
    expected = {qid: expected_results(qid, accepted[qid], group_of, public_id) for qid in QUESTIONS}

    def settled():
        return all(
            (p := latest_results(screen, qid)) is not None and observed_results(p) == expected[qid]
            for qid in QUESTIONS)

    screen.wait_until(settled, SETTLE_DEADLINE)
    for qid in QUESTIONS:
        payload = latest_results(screen, qid)
        assert payload is not None and payload["visible"], qid
        observed = observed_results(payload)
        for part in expected[qid]:  # compared part by part, so a failure shows the difference
            assert observed[part] == expected[qid][part], (qid, part)
        if QUESTIONS[qid]["type"] != "text":
            options = payload["results"]["options"]
            # The template's options come first, in the template's order, then write-ins.
            assert [o["key"] for o in options[:len(QUESTIONS[qid]["options"])]] == QUESTIONS[qid]["options"]
            # A bar is as long as its figure: of the most one option can get (a choice: every
            # participant; a ranking: every participant's first place).
            most = PARTICIPANTS * (QUESTIONS[qid]["ranks"] if QUESTIONS[qid]["type"] == "ranked" else 1)
            for option in options:
                assert option["share"] == pytest.approx(option["figure"] / most, abs=1e-4)
        assert [g["name"] for g in payload["results"]["groups"]] == GROUPS

    # The database: exactly one answer per participant per question, the last accepted one.
    rows = db_answers(server, code)
    per_pair = Counter((name, qid) for name, qid, _, _ in rows)
    assert per_pair == Counter({(name, qid): 1 for name in names for qid in QUESTIONS})
    for name, qid, items, vote_id in rows:
        qtype = QUESTIONS[qid]["type"]
        assert stored_keys(qtype, json.loads(items)) == answer_keys(qtype, accepted[qid][name]), (name, qid)
        assert vote_id == vote_ids[(name, qid)], (name, qid)


def test_the_projector_is_pushed_each_new_vote_within_seconds(server, facilitator, live_clients):
    code = create_run(server, facilitator)
    reveal_all(server, facilitator, code)  # results are hidden until revealed
    facilitator_action(server, facilitator, code, "questions/categories/open")
    screen, watch = watch_screen(server, live_clients, facilitator, code)
    assert watch["results"][0]["question"] == "categories" and watch["results"][0]["respondents"] == 0
    phones = [join_phone(server, live_clients, code, "Bord 1", f"Q{n}")[0] for n in range(3)]

    latencies = []
    for n, (phone, option) in enumerate(zip(phones, ["A", "B", "A"]), start=1):
        expected_a = sum(1 for o in ["A", "B", "A"][:n] if o == "A")
        since = len(screen.received)
        sent = time.monotonic()
        ack = phone.call("vote", {"question": "categories", "fields": {"option": [option]},
                                  "vote_id": f"push-{n}"})
        assert ack["ok"], ack
        # The projector does not ask again: it only listens.
        seen = screen.wait_for(
            "results",
            lambda p, n=n, a=expected_a: p["question"] == "categories" and p["respondents"] == n
            and {o["key"]: o["count"] for o in p["results"]["options"]}["A"] == a,
            PUSH_DEADLINE, since=since)
        assert seen is not None, f"vote {n} was not pushed to the projector within {PUSH_DEADLINE} s"
        latencies.append(seen[0] - sent)
    assert max(latencies) < PUSH_DEADLINE, latencies
    print("push latencies (s):", [round(x, 3) for x in latencies])
    # Phones are never sent results.
    # Revealed, so phones follow the results too, but never see who answered what.
    assert all("p-" not in str([r["results"] for r in phone.events("results")]) for phone in phones)


def test_a_phone_that_reconnects_gets_the_current_state_and_keeps_its_answer(
        server, facilitator, live_clients):
    code = create_run(server, facilitator)
    reveal_all(server, facilitator, code)  # results are hidden until revealed
    facilitator_action(server, facilitator, code, "questions/categories/open")
    phone, state = join_phone(server, live_clients, code, "Bord 2", "Kari")
    assert statuses(state) == {"categories": "open", "goals": "draft", "topics": "draft", "needs": "draft"}
    ack = phone.call("vote", {"question": "categories", "fields": {"option": ["B", "D"]}, "vote_id": "before"})
    assert ack["ok"], ack

    phone.disconnect()
    assert not phone.sio.connected
    away = len(phone.received)
    facilitator_action(server, facilitator, code, "questions/topics/open")
    time.sleep(0.3)  # the push for the opening has gone out while the phone was away
    assert len(phone.received) == away

    phone.connect()  # the same phone, the same cookies, a new connection
    ack = phone.call("participant:join", {"code": code})
    assert ack["ok"], ack
    assert statuses(ack["state"]) == {"categories": "open", "goals": "draft", "topics": "open", "needs": "draft"}

    # Back in the room: the next change is pushed to it, and it can vote again.
    facilitator_action(server, facilitator, code, "questions/goals/open")
    assert phone.wait_for("state", lambda s: statuses(s)["goals"] == "open", TIMEOUT, since=away)
    ack = phone.call("vote", {"question": "topics", "vote_id": "after", "fields": {
        "rank_1": ["dialogue"], "rank_2": ["reporting"], "rank_3": ["anchoring"]}})
    assert ack["ok"], ack

    # The answer from before the reconnect is still counted, and only once.
    _, watch = watch_screen(server, live_clients, facilitator, code)
    results = {p["question"]: p for p in watch["results"]}
    categories = results["categories"]
    assert categories["respondents"] == 1 and categories["participants"] == 1
    counts = {o["key"]: o["count"] for o in categories["results"]["options"]}
    assert counts == {"A": 0, "B": 1, "C": 0, "D": 1, "E": 0, "F": 0}
    topics = {o["key"]: o["score"] for o in results["topics"]["results"]["options"] if o["score"]}
    assert topics == {"dialogue": 3, "reporting": 2, "anchoring": 1}
    rows = db_answers(server, code)
    assert sorted((name, qid, vote_id) for name, qid, _, vote_id in rows) == [
        ("Kari", "categories", "before"), ("Kari", "topics", "after")]
