"""The whole session from the run page's keys, and the same from the facilitator's phone
remote: the projector and two phones follow each step live, nobody's page reloads.

The count of the issue: from sign-in to the board in at most 6 clicks or keys. Here: the
sign-in (1, Enter), "Start run" (2), → to the first slide (3, not needed but shown), O opens the
exercise and its questions (4), B the board (5).
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from ..serverproc import SECRET, create_run, facilitator_action
from .test_phone_and_projector import assert_not_reloaded, mark_loaded, wait_for_ack

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("PRESENTER_SHOTS")  # a folder to keep the screenshots in, when set


def shoot(page, output_path, name):
    os.makedirs(output_path, exist_ok=True)
    page.screenshot(path=os.path.join(output_path, name), full_page=True)
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def join_phone(page, url, code, table, name):
    page.goto(f"{url}/j/{code}")
    page.locator("input[name=new_group]").fill(table)
    page.locator("input[name=display_name]").fill(name)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/r/{code}$"))
    wait_for_ack(page, "participant:join")
    mark_loaded(page)


def open_projector(page, url, code):
    page.goto(f"{url}/projector/{code}")
    wait_for_ack(page, "screen:watch")
    mark_loaded(page)
    return page.locator("#projector")


@pytest.fixture
def laptop(open_context):
    return open_context(viewport={"width": 1280, "height": 720}).new_page()


def test_the_session_runs_from_the_keys_with_the_projector_and_two_phones_following(
        live_server, laptop, projector, open_context, output_path):
    url = live_server.url
    keys = 0
    # Sign in (typing the secret is no click; Enter sends it) and start the bundled workshop.
    laptop.goto(f"{url}/facilitator/login")
    laptop.locator("input[name=secret]").fill(SECRET)
    laptop.locator("input[name=secret]").press("Enter")
    keys += 1
    expect(laptop).to_have_url(re.compile(r"/facilitator/$"))
    choice = laptop.locator("select[name=template]")
    if choice.input_value() != "kontraktsoppfolging":  # choosing the workshop is a click too
        choice.select_option("kontraktsoppfolging")
        keys += 1
    laptop.locator("main button.primary", has_text="Start").click()
    keys += 1
    expect(laptop).to_have_url(re.compile(r"/facilitator/runs/\w+$"))
    code = laptop.url.rsplit("/", 1)[1]
    wait_for_ack(laptop, "screen:watch")
    mark_loaded(laptop)
    legend = laptop.locator(".key-legend")
    expect(legend).to_contain_text("→")
    expect(legend).to_contain_text("neste steg")

    screen = open_projector(projector, url, code)
    expect(screen).to_have_attribute("data-step", "lobby")
    phones = [open_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
              for _ in range(2)]
    for n, phone in enumerate(phones, start=1):
        join_phone(phone, url, code, f"Bord {n}", f"Deltaker {n}")
    expect(projector.locator("#lobby-joined")).to_have_text("2")

    current = laptop.locator("#presenter-current")
    expect(current).to_contain_text("Lobby")
    # → the first slide: the projector shows it, the laptop its notes and what comes next.
    laptop.keyboard.press("ArrowRight")
    keys += 1
    expect(screen).to_have_attribute("data-step", "slide")
    expect(projector.locator("#slide-title")).to_contain_text("kontraktsoppfølging")
    notes = laptop.locator("#presenter-notes")
    expect(notes).not_to_be_empty()
    expect(projector.locator("#projector")).not_to_contain_text(notes.inner_text())
    expect(laptop.locator("#presenter-next")).not_to_have_text("…")
    # The presenter's own page beside it: the slide's notes, what comes next, the keys; the
    # whole of it on a 1280x720 laptop. PageDown and PageUp, as a clicker sends them, work there.
    view = laptop.context.new_page()
    view.goto(f"{url}/facilitator/runs/{code}/presenter")
    wait_for_ack(view, "screen:watch")
    expect(view.locator("#presenter-notes")).to_have_text(notes.inner_text())
    expect(view.locator("#presenter-current")).to_contain_text("2/14")
    assert view.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1"), "the view scrolls"
    view.screenshot(path=os.path.join(output_path, "presenter-page-1280x720.png"))
    if SHOTS:
        view.screenshot(path=os.path.join(SHOTS, "presenter-page-1280x720.png"))
    view.keyboard.press("PageDown")
    expect(current).to_contain_text("3/")  # the run page follows
    expect(projector.locator("#slide-title")).not_to_contain_text("kontraktsoppfølging")
    view.keyboard.press("PageUp")
    expect(current).to_contain_text("2/")
    view.close()
    # A key typed into a field is text, not a command.
    laptop.locator("#clear-code").press("b")
    laptop.locator("#clear-code").press("ArrowRight")
    expect(current).to_contain_text("2/")
    laptop.locator("#clear-code").blur()

    # O: the exercise, its questions opened for every phone at once.
    laptop.keyboard.press("o")
    keys += 1
    expect(screen).to_have_attribute("data-step", "exercise")
    expect(projector.locator("#overview .overview-item")).to_have_count(4)
    for phone in phones:
        expect(phone.locator("section.question[data-question=goals]")).to_be_visible()
    expect(laptop.locator("#presenter-countdown")).to_have_text(re.compile(r"^\d+:\d\d"))
    expect(laptop.locator("#presenter-answers")).to_contain_text("0/2")
    view = laptop.context.new_page()
    view.goto(f"{url}/facilitator/runs/{code}/presenter")
    wait_for_ack(view, "screen:watch")
    expect(view.locator("#presenter-answers .presenter-count")).to_have_count(4)
    assert view.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1"), "the view scrolls"
    if SHOTS:
        view.screenshot(path=os.path.join(SHOTS, "presenter-page-exercise-1280x720.png"))
    view.close()

    # B: the board. That is the exercise from sign-in to the board.
    laptop.keyboard.press("b")
    keys += 1
    expect(screen).to_have_attribute("data-step", "board")
    assert keys <= 6, f"{keys} clicks or keys from sign-in to the board"

    # F: the fruit board, opened for the phones; R reveals its results on the projector.
    laptop.keyboard.press("f")
    expect(screen).to_have_attribute("data-step", "question")
    for phone in phones:
        expect(phone.locator("section.question[data-question=fruits]")).to_be_visible()
    expect(projector.locator("#proj-results")).to_have_class(re.compile("hidden-results"))
    laptop.keyboard.press("r")
    expect(projector.locator("#proj-results")).not_to_have_class(re.compile("hidden-results"))
    laptop.keyboard.press("R")
    expect(projector.locator("#proj-results")).to_have_class(re.compile("hidden-results"))
    # → the plan, the last step; → again stays there.
    laptop.keyboard.press("ArrowRight")
    expect(screen).to_have_attribute("data-step", "plan")
    expect(laptop.locator("#presenter-next")).to_have_text("(siste steg)")
    laptop.keyboard.press("ArrowRight")
    expect(screen).to_have_attribute("data-step", "plan")
    # ← back to the fruit board, L the lobby.
    laptop.keyboard.press("ArrowLeft")
    expect(screen).to_have_attribute("data-step", "question")
    laptop.keyboard.press("l")
    expect(screen).to_have_attribute("data-step", "lobby")
    shoot(laptop, output_path, "run-page-1280x720.png")
    for page in [laptop, projector, *phones]:
        assert_not_reloaded(page)


def test_the_phone_remote_drives_the_projector(live_server, facilitator, projector, open_context, output_path):
    url = live_server.url
    code = create_run(live_server, facilitator)
    screen = open_projector(projector, url, code)
    context = open_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": c.name, "value": c.value, "url": url} for c in facilitator.cookies])
    remote = context.new_page()
    remote.goto(f"{url}/facilitator/runs/{code}/remote")
    wait_for_ack(remote, "screen:watch")
    mark_loaded(remote)
    current = remote.locator("#presenter-current")
    expect(current).to_contain_text("Lobby")
    # The buttons are big enough for a thumb, and the page does not scroll sideways.
    for button in remote.locator(".remote-button").all():
        box = button.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 120, box
    assert remote.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    remote.get_by_role("button", name=re.compile("Neste")).tap()
    expect(screen).to_have_attribute("data-step", "slide")
    expect(current).to_contain_text("2/")
    expect(remote.locator("#presenter-notes")).not_to_be_empty()
    shoot(remote, output_path, "remote-390x844.png")
    remote.get_by_role("button", name=re.compile("Neste")).tap()
    expect(current).to_contain_text("3/")
    remote.get_by_role("button", name=re.compile("Forrige")).tap()
    expect(current).to_contain_text("2/")
    remote.get_by_role("button", name="Oppgave").tap()
    expect(screen).to_have_attribute("data-step", "exercise")
    facilitator_action(live_server, facilitator, code, "projector/goals")
    expect(screen).to_have_attribute("data-step", "question")
    expect(current).to_contain_text("2. ")
    remote.get_by_role("button", name="Vis / skjul").tap()
    expect(projector.locator("#proj-results")).not_to_have_class(re.compile("hidden-results"))
    remote.get_by_role("button", name="Tavle").tap()
    expect(screen).to_have_attribute("data-step", "board")
    remote.get_by_role("button", name="Lobby").tap()
    expect(screen).to_have_attribute("data-step", "lobby")
    remote.set_viewport_size({"width": 320, "height": 640})
    assert remote.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(remote, output_path, "remote-320x640.png")
    assert_not_reloaded(remote)
    assert_not_reloaded(projector)
