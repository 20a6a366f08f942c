"""A phone on a bad network: answers made offline wait on the phone, survive a reload, and are
stored once when it is back; an answer to a question closed meanwhile says it was not counted;
the indicator tells whether the answer on screen is the one the server has.

Playwright's offline mode cuts HTTP but not an open WebSocket (microsoft/playwright#4910); the
page closes its socket itself on the browser's `offline` event, as it does on a real phone.
What the server stored is read from its database."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from ..serverproc import create_run, facilitator_action
from .test_phone_and_projector import screenshot, wait_for_ack

pytestmark = pytest.mark.browser

WAITING, SAVED, CHANGED, NOT_COUNTED = "Venter på å sendes", "Lagret ✓", "Endret, ikke sendt", "Ikke telt"
BACK_ONLINE_MS = 15_000  # the page sends at once on `online`; Socket.IO reconnects within 5 s
SHOTS = "/tmp/offline-shots"


def stored_answers(server, code):
    path = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT a.participant_id, a.question_id, a.items, a.vote_id FROM answer a "
            "JOIN run r ON r.id = a.run_id WHERE r.code = ?", (code,)).fetchall()
    return [(p, q, sorted(i["option"] for i in json.loads(items)), v) for p, q, items, v in rows]


@pytest.fixture
def phone_390(open_context):
    context = open_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                           is_mobile=True, has_touch=True)
    return context, context.new_page()


def join_on(page, server, code, group="Bord 1"):
    page.goto(f"{server.url}/j/{code}")
    page.locator("input[name=new_group]").fill(group)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/r/{code}$"))
    wait_for_ack(page, "participant:join")


def wait_until_true(page, check, timeout_s=15):
    """Until the async check on the page resolves true. Playwright's wait_for_function takes a
    resolved promise as done whatever it resolved to, so a cache check there never waited."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(check):
        assert time.monotonic() < deadline, f"not true within {timeout_s} s: {check}"
        page.wait_for_timeout(100)


def wait_until_cached(page):
    """Until the service worker controls the page and keeps a copy of it and of every script and
    style it is made of (a reload offline without offline.js would show no waiting answers)."""
    wait_until_true(page, """async () => {
        if (!(navigator.serviceWorker && navigator.serviceWorker.controller)) { return false; }
        const parts = [location.pathname, document.getElementById('questions').getAttribute('data-fragment')];
        document.querySelectorAll('script[src], link[rel=stylesheet][href]').forEach(
            (el) => parts.push(el.getAttribute('src') || el.getAttribute('href')));
        for (const part of parts) { if (!(await caches.match(part))) { return false; } }
        return true;
    }""")


def question(page, qid):
    return page.locator(f"section.question[data-question={qid}]")


def answer(page, qid, *options):
    form = question(page, qid).locator("form.answer-form")
    for option in options:
        form.locator(f"input[name=option][value={option}]").check()
    form.locator("button[type=submit]").click()
    return form.locator(".form-message")


def test_answers_made_offline_survive_a_reload_and_are_stored_once_when_back(
        live_server, facilitator, phone_390, output_path):
    context, page = phone_390
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/categories/open")
    facilitator_action(live_server, facilitator, code, "questions/goals/open")
    join_on(page, live_server, code)
    wait_until_cached(page)

    context.set_offline(True)
    expect(page.locator("#connection")).to_contain_text("Frakoblet")
    expect(answer(page, "categories", "B", "D")).to_have_text(WAITING)
    expect(answer(page, "goals", "trust", "env")).to_have_text(WAITING)
    assert page.url.endswith(f"/r/{code}"), "the form posted: the browser's error page"
    screenshot(page, output_path, "offline-waiting.png")

    page.reload()  # offline: the service worker's copy, the answers from the phone's storage
    for qid, options in (("categories", ["B", "D"]), ("goals", ["trust", "env"])):
        expect(question(page, qid).locator(".form-message")).to_have_text(WAITING)
        for option in options:
            expect(question(page, qid).locator(f"input[name=option][value={option}]")).to_be_checked()
    assert stored_answers(live_server, code) == []

    context.set_offline(False)
    for qid in ("categories", "goals"):
        expect(question(page, qid).locator(".form-message")).to_have_text(SAVED, timeout=BACK_ONLINE_MS)
    rows = stored_answers(live_server, code)
    assert sorted((q, options) for _, q, options, _ in rows) == [
        ("categories", ["B", "D"]), ("goals", ["env", "trust"])]
    assert len({p for p, _, _, _ in rows}) == 1 and all(re.fullmatch(r"\d{13}-[a-z0-9]{10}", v) for *_, v in rows)
    assert page.evaluate("Object.keys(JSON.parse(localStorage.getItem("
                         f"'workshop.outbox.{code}.' + document.getElementById('offline-outbox')"
                         ".getAttribute('data-me'))).outbox).length") == 0
    # The socket is back too, and sending again changes nothing on the server.
    wait_for_ack(page, "participant:join")
    page.reload()
    expect(question(page, "goals").locator(".answered")).to_be_visible()
    for qid in ("categories", "goals"):  # drawn as the server stored them
        expect(question(page, qid).locator(".form-message")).to_have_text(SAVED)
    assert stored_answers(live_server, code) == rows


def stored_texts(server, code, qid):
    path = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT a.items FROM answer a JOIN run r ON r.id = a.run_id WHERE r.code = ? AND a.question_id = ?",
            (code, qid)).fetchall()
    return [[i["text"] for i in json.loads(items)] for (items,) in rows]


def answer_all_four(page):
    expect(answer(page, "categories", "B", "C")).to_have_text(SAVED)
    expect(answer(page, "goals", "trust")).to_have_text(SAVED)
    topics = question(page, "topics").locator("form.answer-form")
    for rank, value in ((1, "anchoring"), (2, "sanctions"), (3, "reporting")):
        topics.locator(f"select[name=rank_{rank}]").select_option(value)
    topics.locator("button[type=submit]").click()
    expect(topics.locator(".form-message")).to_have_text(SAVED)
    needs = question(page, "needs").locator("form.answer-form")
    needs.locator("textarea").first.fill("T1")
    for text in ("T2", "T3"):
        needs.locator(".add-entry").click()
        needs.locator("textarea").last.fill(text)
    needs.locator("button[type=submit]").click()
    expect(needs.locator(".form-message")).to_have_text(SAVED)
    return needs


def test_a_reload_offline_shows_every_answer_the_phone_had_and_never_sends_an_older_one(
        live_server, facilitator, phone_390, output_path):
    """The reviewer's loss: the reload showed the first visit's page (questions 1-3 empty, one
    box of four texts, "Endret, ikke sendt"), and Send then put the older answer back."""
    context, page = phone_390
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "open-all")
    join_on(page, live_server, code)
    wait_until_cached(page)
    needs = answer_all_four(page)
    wait_until_true(page, """async () => {  // the worker fetched its copy again after the last answer
        const kept = await caches.match(location.pathname);
        return kept && (await kept.text()).includes("T3");
    }""")

    context.set_offline(True)
    needs.locator(".add-entry").click()
    needs.locator("textarea").last.fill("T4")
    needs.locator("button[type=submit]").click()
    expect(needs.locator(".form-message")).to_have_text(WAITING)
    page.reload()

    expect(page.locator("#connection")).to_contain_text("Frakoblet")
    expect(page.locator(".progress-line")).to_have_text("4 av 4 besvart")
    for option in ("B", "C"):
        expect(question(page, "categories").locator(f"input[name=option][value={option}]")).to_be_checked()
    expect(question(page, "categories").locator(".choice-counter")).to_have_text("2 av 5 valgt")
    expect(question(page, "topics").locator("select[name=rank_1]")).to_have_value("anchoring")
    expect(needs.locator("textarea")).to_have_count(4)
    assert [needs.locator("textarea").nth(i).input_value() for i in range(4)] == ["T1", "T2", "T3", "T4"]
    expect(needs.locator(".form-message")).to_have_text(WAITING)
    for qid in ("categories", "goals", "topics"):
        expect(question(page, qid).locator(".form-message")).to_have_text(SAVED)
    screenshot(page, output_path, "offline-reload-all-answers.png")

    context.set_offline(False)
    expect(needs.locator(".form-message")).to_have_text(SAVED, timeout=BACK_ONLINE_MS)
    expect(page.locator("#connection")).to_have_text("", timeout=BACK_ONLINE_MS)
    assert stored_texts(live_server, code, "needs") == [["T1", "T2", "T3", "T4"]]
    needs.locator("button[type=submit]").click()  # what the phone shows is what the server has
    expect(needs.locator(".form-message")).to_have_text(SAVED)
    page.wait_for_timeout(500)
    assert stored_texts(live_server, code, "needs") == [["T1", "T2", "T3", "T4"]]


def test_the_questions_are_drawn_again_from_the_server_when_the_socket_is_back(
        live_server, facilitator, phone_390):
    """An answer stored while this page's socket was down (here from a second tab of the same
    phone) shows on the page once it is connected again, so a Send cannot put the older back."""
    context, page = phone_390
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/goals/open")
    join_on(page, live_server, code)
    expect(answer(page, "goals", "trust")).to_have_text(SAVED)
    page.evaluate("window.__probe.acks.length = 0; window.WorkshopPhone.socket.disconnect()")
    expect(page.locator("#connection")).to_contain_text("Frakoblet")

    other = context.new_page()
    other.goto(f"{live_server.url}/r/{code}")
    wait_for_ack(other, "participant:join")
    goals = question(other, "goals")
    goals.locator("input[name=option][value=trust]").uncheck()
    expect(answer(other, "goals", "env")).to_have_text(SAVED)
    other.close()

    page.evaluate("window.WorkshopPhone.socket.connect()")
    wait_for_ack(page, "participant:join")
    box = question(page, "goals")
    expect(box.locator("input[name=option][value=env]")).to_be_checked()
    expect(box.locator("input[name=option][value=trust]")).not_to_be_checked()
    expect(box.locator(".form-message")).to_have_text(SAVED)
    expect(page.locator("#connection")).to_have_text("")


def test_an_answer_made_offline_to_a_question_closed_meanwhile_is_shown_as_not_counted(
        live_server, facilitator, phone_390, output_path):
    context, page = phone_390
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/categories/open")
    facilitator_action(live_server, facilitator, code, "questions/goals/open")
    join_on(page, live_server, code)

    context.set_offline(True)
    expect(answer(page, "categories", "A")).to_have_text(WAITING)
    expect(answer(page, "goals", "digital")).to_have_text(WAITING)
    os.makedirs(SHOTS, exist_ok=True)
    for width, height in ((390, 844), (320, 640)):
        page.set_viewport_size({"width": width, "height": height})
        question(page, "goals").locator(".form-message").scroll_into_view_if_needed()
        screenshot(page, SHOTS, f"phone-{width}-waiting.png")
    page.set_viewport_size({"width": 390, "height": 844})
    facilitator_action(live_server, facilitator, code, "questions/categories/close")

    context.set_offline(False)
    closed = question(page, "categories")
    notice = closed.locator(".vote-notice")
    expect(notice).to_have_text(
        f"{NOT_COUNTED}: Dette spørsmålet er stengt. Det forrige svaret ditt er beholdt.", timeout=BACK_ONLINE_MS)
    expect(closed.locator("form.answer-form")).to_have_count(0)
    expect(question(page, "goals").locator(".form-message")).to_have_text(SAVED, timeout=BACK_ONLINE_MS)
    assert [(q, o) for _, q, o, _ in stored_answers(live_server, code)] == [("goals", ["digital"])]
    for width, height in ((390, 844), (320, 640)):
        page.set_viewport_size({"width": width, "height": height})
        notice.scroll_into_view_if_needed()
        screenshot(page, SHOTS, f"phone-{width}-not-counted.png")
        screenshot(page, output_path, f"phone-{width}-not-counted.png")

    page.reload()  # dropped from what waits, and the question still says why
    expect(question(page, "categories").locator(".vote-notice")).to_contain_text(NOT_COUNTED)
    page.wait_for_timeout(500)
    assert [(q, o) for _, q, o, _ in stored_answers(live_server, code)] == [("goals", ["digital"])]


def test_the_indicator_says_when_a_sent_answer_was_changed_and_not_sent(live_server, facilitator, phone):
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/goals/open")
    join_on(phone, live_server, code)
    message = answer(phone, "goals", "trust", "env")
    expect(message).to_have_text(SAVED)
    assert phone.evaluate("window.__probe.acks.includes('vote')"), "the vote did not go over Socket.IO"

    box = question(phone, "goals").locator("input[name=option][value=env]")
    box.uncheck()
    expect(message).to_have_text(CHANGED)
    box.check()
    expect(message).to_have_text(SAVED)  # the same as the server has again
    box.uncheck()
    expect(message).to_have_text(CHANGED)
    phone.reload()  # the server's answer against what the browser kept in the form
    expect(question(phone, "goals").locator(".answered")).to_be_visible()
    form = question(phone, "goals").locator("form.answer-form")
    form.locator("input[name=option][value=digital]").check()
    expect(form.locator(".form-message")).to_have_text(CHANGED)
    form.locator("button[type=submit]").click()
    expect(form.locator(".form-message")).to_have_text(SAVED)
    [(_, _, options, _)] = stored_answers(live_server, code)
    assert "digital" in options and "trust" in options


def test_without_javascript_the_form_still_posts_and_is_saved(live_server, facilitator, open_context):
    context = open_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/goals/open")
    page.goto(f"{live_server.url}/j/{code}")
    page.locator("input[name=new_group]").fill("Bord 2")
    page.locator("main button[type=submit]").click()
    question(page, "goals").locator("input[name=option][value=trust]").check()
    question(page, "goals").locator("button[type=submit]").click()
    expect(page.locator(".flash-ok")).to_be_visible()
    assert [(q, o, v) for _, q, o, v in stored_answers(live_server, code)] == [("goals", ["trust"], None)]
