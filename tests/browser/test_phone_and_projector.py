"""A phone joins by code and votes; the projector, open before the vote, counts it live.

Both pages get their updates over Socket.IO: the tests check that neither page reloaded.
Screenshots go to the test's output directory and, for the README, to docs/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
from playwright.sync_api import expect

from ..serverproc import ROOT, create_run, facilitator_action, join_participant

pytestmark = pytest.mark.browser

DOCS_SCREENSHOTS = os.path.join(ROOT, "docs", "screenshots")
GOALS = ["planned", "requirements", "trust"]  # the first two are at the top of the page


def mark_loaded(page):
    """A flag that only survives while the page is not reloaded."""
    page.evaluate("window.__sameDocument = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"


def wait_for_ack(page, name):
    """Until the server acknowledged `name` (then the page is in the run's broadcast room)."""
    page.wait_for_function("(name) => window.__probe && window.__probe.acks.includes(name)", arg=name)


def received(page, name) -> int:
    return page.evaluate("(name) => window.__probe.events.filter((e) => e === name).length", name)


def screenshot(page, output_path, name, readme=False, **kwargs):
    """Into the test's output directory; with readme=True a copy for the README too."""
    os.makedirs(output_path, exist_ok=True)
    path = os.path.join(output_path, name)
    page.screenshot(path=path, **kwargs)
    if readme:
        os.makedirs(DOCS_SCREENSHOTS, exist_ok=True)
        shutil.copyfile(path, os.path.join(DOCS_SCREENSHOTS, name))
    return path


def test_phone_votes_and_projector_counts_it_live(live_server, facilitator, phone, projector, output_path):
    url = live_server.url
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/goals/open")  # also projects it

    # The big screen is up before anyone votes.
    projector.goto(f"{url}/projector/{code}")
    wait_for_ack(projector, "screen:watch")
    expect(projector.locator("#proj-question")).to_contain_text("strategiske mål")
    expect(projector.locator("#proj-respondents")).to_have_text("0")
    mark_loaded(projector)
    shown_code = projector.locator(".big-code").inner_text()  # "K7M 4QX", as the room reads it

    # The phone: code, group, name, then the open question.
    phone.goto(f"{url}/")
    phone.locator("input[name=code]").press_sequentially(shown_code.lower())
    phone.locator("main button[type=submit]").click()
    expect(phone).to_have_url(re.compile(rf"/j/{code}$"))
    phone.locator("input[name=new_group]").fill("Bord 3")
    phone.locator("input[name=display_name]").fill("Kari")
    phone.locator("main button[type=submit]").click()
    expect(phone).to_have_url(re.compile(rf"/r/{code}$"))
    wait_for_ack(phone, "participant:join")
    mark_loaded(phone)

    question = phone.locator("section.question[data-question=goals]")
    expect(question).to_be_visible()
    expect(question.locator(".countdown")).to_have_text(re.compile(r"^\d+:\d\d igjen$"))
    form = question.locator("form.answer-form")
    for goal in GOALS:
        box = form.locator(f"input[name=option][value={goal}]")
        box.check()
        expect(box).to_be_checked()
    form.locator("button[type=submit]").click()

    message = form.locator(".form-message")
    expect(message).to_have_class(re.compile(r"\bok\b"))
    expect(message).to_contain_text("✓")
    assert phone.evaluate("window.__probe.acks.includes('vote')"), "the vote did not go over Socket.IO"
    assert_not_reloaded(phone)

    # The projector counts the vote without a reload, chart and table included.
    expect(projector.locator("#proj-respondents")).to_have_text("1")
    assert_not_reloaded(projector)
    assert received(projector, "results") >= 1
    # Results stay hidden until the facilitator reveals them; then they appear without a reload.
    expect(projector.locator("#proj-table tr")).to_have_count(0)
    facilitator_action(live_server, facilitator, code, "questions/goals/reveal")
    rows = projector.locator("#proj-table tr")
    expect(rows).to_have_count(16)
    for goal_label in ("Få det vi planla", "Alle krav vi har stilt", "Tillit hos brukere"):
        expect(rows.filter(has_text=goal_label).locator("td").first).to_have_text("1")
    expect(projector.locator("#proj-groups .group-card h3")).to_have_text("Bord 3 (1)")

    # The reveal redraws the phone's questions: the vote still says it is saved there.
    expect(question).to_have_attribute("data-revealed", "1")
    expect(message).to_have_class(re.compile(r"\bok\b"))
    expect(message).to_contain_text("✓")
    message.scroll_into_view_if_needed()
    screenshot(phone, output_path, "phone-saved.png")
    screenshot(phone, output_path, "phone-full.png", full_page=True)
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, output_path, "phone.png", readme=True)
    # (the README's projector.png is a rehearsed hall's, from test_projector_fit)
    screenshot(projector, output_path, "projector.png")
    screenshot(projector, output_path, "projector-full.png", full_page=True)


def test_waiting_phone_gets_the_question_without_reload(live_server, facilitator, phone, output_path):
    url = live_server.url
    code = create_run(live_server, facilitator)
    join_participant(live_server, code, "Bord 1")  # so there is a group to pick

    phone.goto(f"{url}/j/{code}")
    phone.get_by_role("radio", name="Bord 1").check()
    phone.locator("main button[type=submit]").click()
    expect(phone).to_have_url(re.compile(rf"/r/{code}$"))
    expect(phone.locator(".waiting")).to_be_visible()
    expect(phone.locator("section.question")).to_have_count(0)
    wait_for_ack(phone, "participant:join")
    mark_loaded(phone)
    pushes_before = received(phone, "state")

    facilitator_action(live_server, facilitator, code, "questions/goals/open")

    question = phone.locator("section.question[data-question=goals]")
    expect(question).to_be_visible()
    expect(question.locator("form.answer-form input[name=option]")).to_have_count(16)
    expect(phone.locator(".waiting")).to_have_count(0)
    assert_not_reloaded(phone)
    assert received(phone, "state") > pushes_before, "the question did not come as a push"
    screenshot(phone, output_path, "phone-question-arrived.png")
