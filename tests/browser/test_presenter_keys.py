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

from ..serverproc import SECRET, create_run, facilitator_action, join_participant
from .test_phone_and_projector import assert_not_reloaded, mark_loaded, received, wait_for_ack

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("PRESENTER_SHOTS")  # a folder to keep the screenshots in, when set


def shoot(page, output_path, name, full_page=True):
    os.makedirs(output_path, exist_ok=True)
    page.screenshot(path=os.path.join(output_path, name), full_page=full_page)
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name), full_page=full_page)


def join_phone(page, url, code, table, name):
    page.goto(f"{url}/j/{code}")
    page.locator("input[name=new_group]").fill(table)
    page.locator("input[name=display_name]").fill(name)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/r/{code}$"))
    wait_for_ack(page, "participant:join")
    mark_loaded(page)
    page.evaluate(COUNT_FETCHES)


# Counts the phone's fetches of its questions' fragment, as participant.js makes them: a step
# that changes nothing a phone shows must cost it no request (a hall of 2,000 phones).
COUNT_FETCHES = """() => {
  window.__fetches = 0;
  window.__drawn = 0;
  document.getElementById("questions").addEventListener("workshop:refreshed", () => { window.__drawn += 1; });
  const real = window.fetch;
  window.fetch = function (url) {
    if (String(url).endsWith("/questions")) { window.__fetches += 1; }
    return real.apply(this, arguments);
  };
}"""


def fetches(page) -> int:
    return page.evaluate("window.__fetches")


def settled(page) -> None:
    """Until every fetch of the questions the phone made is drawn."""
    page.wait_for_function("window.__drawn === window.__fetches")


def told(pages, move):
    """Do `move` and wait until every page has its state push (participant.js has applied it:
    the probe hears an event just before the page's own handler)."""
    counts = [received(page, "state") for page in pages]
    move()
    for page, count in zip(pages, counts, strict=True):
        page.wait_for_function("(n) => window.__probe.events.filter((e) => e === 'state').length > n", arg=count)


def expect_phone_slide(phones, slide_id, title):
    for phone in phones:
        card = phone.locator(f".phone-slide[data-slide={slide_id}]")
        expect(card).to_be_visible()
        expect(card.locator(".on-screen-label")).to_have_text("På skjermen nå")
        expect(card.locator("h2")).to_contain_text(title)


def expect_on_screen(phones, question_id):
    """The question's section says it is on the screen, and no other does."""
    for phone in phones:
        section = phone.locator(f"section.question[data-question={question_id}]")
        expect(section).to_have_class(re.compile(r"\bon-screen\b"))
        expect(section.locator(".on-screen-label")).to_be_visible()
        expect(section.locator(".on-screen-label")).to_have_text("På skjermen nå")
        expect(phone.locator("section.question.on-screen")).to_have_count(1)


def fits_the_width(page) -> bool:
    """Nothing wider than the screen: no sideways scroll, no element past its right edge."""
    return page.evaluate("""() => document.documentElement.scrollWidth <= window.innerWidth &&
        [...document.querySelectorAll("main *")].every((e) => e.getBoundingClientRect().right <= window.innerWidth + 0.5)""")


def joined_phones(open_context, server, code, tables):
    """Phones already at their tables (joined over HTTP: the join form is tested above), their
    pages opened side by side, so a test that follows the projector spends little on joining."""
    pages = []
    for table in tables:
        session = join_participant(server, code, table)
        context = open_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context.add_cookies([{"name": c.name, "value": c.value, "url": server.url} for c in session.cookies])
        page = context.new_page()
        page.goto(f"{server.url}/r/{code}", wait_until="commit")
        pages.append(page)
    for page in pages:
        wait_for_ack(page, "participant:join")
        mark_loaded(page)
        page.evaluate(COUNT_FETCHES)
    return pages


def open_projector(page, url, code):
    page.goto(f"{url}/projector/{code}")
    wait_for_ack(page, "screen:watch")
    mark_loaded(page)
    return page.locator("#projector")


def socket_connections(page) -> int:
    """The Socket.IO connections the page's scripts opened (each io() call is one)."""
    return page.evaluate("window.__probe.sockets.length")


def card(page, question_id):
    return page.locator(f".question-control[data-question={question_id}]")


def expect_card(page, question_id, status, buttons, revealed=False, on_screen=False):
    """The run page's card for the question says this, and shows these buttons, in order."""
    section = card(page, question_id)
    expect(section.locator(".status")).to_have_text(status)
    expect(section.locator(".actions button:visible")).to_have_text(buttons)
    expect(section.locator(".results-state")).to_have_text("Resultatene vises" if revealed else "Resultatene er skjult")
    if on_screen:
        expect(section.locator(".on-screen-note")).to_be_visible()
    else:
        expect(section.locator(".on-screen-note")).to_be_hidden()


@pytest.fixture
def laptop(open_context):
    return open_context(viewport={"width": 1280, "height": 720}).new_page()


def test_the_session_runs_from_the_keys_with_the_projector_and_two_phones_following(
        live_server, laptop, projector, facilitator, open_context, output_path):
    url = live_server.url
    keys = 0
    websockets = []  # the run page's real connections, as the server sees them
    laptop.on("websocket", lambda ws: websockets.append(ws.url) if "/socket.io/" in ws.url else None)
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
    # Its cards, the step buttons, the presenter's view and the keys share one connection.
    assert socket_connections(laptop) == 1
    expect_card(laptop, "goals", "Ikke åpnet", ["Åpne", "Vis resultatene", "Vis på projektoren"])

    screen = open_projector(projector, url, code)
    expect(screen).to_have_attribute("data-step", "lobby")
    assert socket_connections(projector) == 1
    phones = [open_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
              for _ in range(2)]
    for n, phone in enumerate(phones, start=1):
        join_phone(phone, url, code, f"Bord {n}", f"Deltaker {n}")
    expect(projector.locator("#lobby-joined")).to_have_text("2")

    current = laptop.locator("#presenter-current")
    expect(current).to_contain_text("Lobby")
    # → the first slide: the projector shows it, the laptop its notes and what comes next.
    # The phones are told and fetch nothing: the slide is not one for the phones.
    told(phones, lambda: laptop.keyboard.press("ArrowRight"))
    keys += 1
    expect(screen).to_have_attribute("data-step", "slide")
    for phone in phones:
        assert fetches(phone) == 0, "a step that changes nothing on the phone fetched its questions"
        expect(phone.locator(".phone-slide")).to_have_count(0)
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
    assert socket_connections(view) == 1
    expect(view.locator("#presenter-notes")).to_have_text(notes.inner_text())
    expect(view.locator("#presenter-current")).to_contain_text("2/14")
    assert view.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1"), "the view scrolls"
    view.screenshot(path=os.path.join(output_path, "presenter-page-1280x720.png"))
    if SHOTS:
        view.screenshot(path=os.path.join(SHOTS, "presenter-page-1280x720.png"))
    view.keyboard.press("PageDown")
    expect(current).to_contain_text("3/")  # the run page follows
    expect(projector.locator("#slide-title")).not_to_contain_text("kontraktsoppfølging")
    # The fruit picture is a slide for the phones too: on both, above the questions' place,
    # its picture in view; at 320 px wide nothing of it leaves the screen.
    expect_phone_slide(phones, "fruit_picture", "LEDELSESFORANKRING")
    expect(phones[0].locator(".phone-slide img")).to_be_visible()
    shoot(phones[0], output_path, "phone-slide-390x844.png")
    phones[1].set_viewport_size({"width": 320, "height": 640})
    assert fits_the_width(phones[1]), "the slide is wider than a 320-px phone"
    shoot(phones[1], output_path, "phone-slide-320x640.png")
    view.keyboard.press("PageUp")
    expect(current).to_contain_text("2/")
    for phone in phones:  # the next step is no slide for the phones: it goes
        expect(phone.locator(".phone-slide")).to_have_count(0)
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
        expect(phone.locator("section.question.on-screen")).to_have_count(0)  # the overview: none
    expect(laptop.locator("#presenter-countdown")).to_have_text(re.compile(r"^\d+:\d\d"))
    expect(laptop.locator("#presenter-answers")).to_contain_text("0/2")
    # The run page's cards follow the key, with no reload: open, counting down, Close.
    for question_id in ("categories", "goals"):
        expect_card(laptop, question_id, "Åpen nå", ["Steng", "Vis resultatene", "Vis på projektoren"])
        expect(card(laptop, question_id).locator(".countdown")).to_have_text(re.compile(r"^\d+:\d\d igjen$"))
    expect_card(laptop, "fruits", "Ikke åpnet", ["Åpne", "Vis resultatene", "Vis på projektoren"])
    # A phone answers: its card counts it.
    expect(card(laptop, "categories").locator(".answer-count")).to_have_text("0")
    form = phones[0].locator("section.question[data-question=categories] form.answer-form")
    for option in ("B", "D"):
        form.locator(f"input[name=option][value={option}]").check()
    form.locator("button[type=submit]").click()
    expect(form.locator(".form-message")).to_have_text("Lagret ✓")
    expect(card(laptop, "categories").locator(".answer-count")).to_have_text("1")
    phones[0].evaluate("window.scrollTo(0, 0)")  # where the pushes below must leave it
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
    expect_on_screen(phones, "fruits")
    expect(projector.locator("#proj-results")).to_have_class(re.compile("hidden-results"))
    expect_card(laptop, "fruits", "Åpen nå", ["Steng", "Vis resultatene"], on_screen=True)
    laptop.keyboard.press("r")
    expect(projector.locator("#proj-results")).not_to_have_class(re.compile("hidden-results"))
    expect_card(laptop, "fruits", "Åpen nå", ["Steng", "Skjul resultatene"], revealed=True, on_screen=True)
    # The cards after these live changes, as the facilitator sees them on a laptop and on a
    # big screen: the fruit board's on the projector, revealed.
    for width, height in ((1280, 720), (1920, 1080)):
        laptop.set_viewport_size({"width": width, "height": height})
        laptop.evaluate("document.querySelector('.question-control[data-question=fruits]')"
                        ".scrollIntoView({block: 'end'})")
        shoot(laptop, output_path, f"run-cards-{width}x{height}.png", full_page=False)
    laptop.set_viewport_size({"width": 1280, "height": 720})
    laptop.keyboard.press("R")
    expect(projector.locator("#proj-results")).to_have_class(re.compile("hidden-results"))
    expect_card(laptop, "fruits", "Åpen nå", ["Steng", "Vis resultatene"], on_screen=True)
    # Another facilitator (a second tab, the remote) closes and reveals a question: this page's
    # card says so too.
    facilitator_action(live_server, facilitator, code, "questions/goals/close")
    facilitator_action(live_server, facilitator, code, "questions/goals/reveal")
    expect_card(laptop, "goals", "Stengt", ["Åpne igjen", "Skjul resultatene", "Vis på projektoren"], revealed=True)
    expect(card(laptop, "goals").locator(".countdown")).to_have_text("")
    # The card's own button does it without reloading the page, and says what it did.
    card(laptop, "goals").get_by_role("button", name="Skjul resultatene").click()
    expect_card(laptop, "goals", "Stengt", ["Åpne igjen", "Vis resultatene", "Vis på projektoren"])
    # → the plan, the last step; → again stays there.
    laptop.keyboard.press("ArrowRight")
    expect(screen).to_have_attribute("data-step", "plan")
    expect(laptop.locator("#presenter-next")).to_have_text("(siste steg)")
    laptop.keyboard.press("ArrowRight")
    expect(screen).to_have_attribute("data-step", "plan")
    for phone in phones:  # the plan is no question: the mark goes
        expect(phone.locator("section.question.on-screen")).to_have_count(0)
    # R on a step that shows no question reveals nothing behind the facilitator's back (the
    # fruit board was the last question on the projector) and says why.
    laptop.keyboard.press("r")
    expect(laptop.locator("#presenter-error")).to_contain_text("Dette steget viser ikke noe spørsmål")
    expect_card(laptop, "fruits", "Åpen nå", ["Steng", "Vis resultatene", "Vis på projektoren"])
    # ← back to the fruit board: marked again from the push alone, on the same page (no
    # fetch: the section is the one drawn before) and nobody's page scrolled.
    for phone in phones:
        settled(phone)
        phone.evaluate("document.querySelector('section.question[data-question=fruits]').__same = true")
    before = [fetches(phone) for phone in phones]
    laptop.keyboard.press("ArrowLeft")
    expect(screen).to_have_attribute("data-step", "question")
    expect_on_screen(phones, "fruits")
    for phone, count in zip(phones, before, strict=True):
        assert fetches(phone) == count
        assert phone.evaluate("document.querySelector('section.question[data-question=fruits]').__same === true")
        assert phone.evaluate("window.scrollY") == 0
    assert fits_the_width(phones[1]), "the marked question is wider than a 320-px phone"
    for phone, name in zip(phones, ("phone-on-screen-390x844.png", "phone-on-screen-320x640.png"), strict=True):
        phone.locator("section.question[data-question=fruits]").scroll_into_view_if_needed()  # for the picture
        shoot(phone, output_path, name, full_page=False)
    laptop.keyboard.press("l")
    expect(screen).to_have_attribute("data-step", "lobby")
    expect(card(laptop, "fruits").locator(".on-screen-note")).to_be_hidden()
    shoot(laptop, output_path, "run-page-1280x720.png")
    for page in [laptop, projector, *phones]:
        assert_not_reloaded(page)
    assert socket_connections(laptop) == 1 and len(websockets) == 1, websockets


def test_the_phone_remote_drives_the_projector(live_server, facilitator, projector, open_context, output_path):
    url = live_server.url
    code = create_run(live_server, facilitator)
    screen = open_projector(projector, url, code)
    phones = joined_phones(open_context, live_server, code, ["Bord 1", "Bord 2"])
    context = open_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": c.name, "value": c.value, "url": url} for c in facilitator.cookies])
    remote = context.new_page()
    remote.goto(f"{url}/facilitator/runs/{code}/remote")
    wait_for_ack(remote, "screen:watch")
    assert socket_connections(remote) == 1
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
    expect_phone_slide(phones, "fruit_picture", "LEDELSESFORANKRING")  # the phones follow the remote
    remote.get_by_role("button", name=re.compile("Forrige")).tap()
    expect(current).to_contain_text("2/")
    for phone in phones:
        expect(phone.locator(".phone-slide")).to_have_count(0)
    remote.get_by_role("button", name="Oppgave").tap()
    expect(screen).to_have_attribute("data-step", "exercise")
    for phone in phones:
        expect(phone.locator("section.question[data-question=goals]")).to_be_visible()
        settled(phone)
    before = [fetches(phone) for phone in phones]
    facilitator_action(live_server, facilitator, code, "projector/goals")
    expect(screen).to_have_attribute("data-step", "question")
    expect(current).to_contain_text("2. ")
    expect_on_screen(phones, "goals")  # from the push, the questions not fetched again
    assert [fetches(phone) for phone in phones] == before
    remote.get_by_role("button", name="Vis / skjul").tap()
    expect(projector.locator("#proj-results")).not_to_have_class(re.compile("hidden-results"))
    remote.get_by_role("button", name="Tavle").tap()
    expect(screen).to_have_attribute("data-step", "board")
    for phone in phones:
        expect(phone.locator("section.question.on-screen")).to_have_count(0)
    # The fruit board, opened for the phones from the remote, then → to the plan, the last step.
    remote.get_by_role("button", name="Fruktkurven").tap()
    expect(screen).to_have_attribute("data-step", "question")
    expect(current).to_contain_text("Fruktkurven")
    expect_on_screen(phones, "fruits")
    remote.get_by_role("button", name=re.compile("Neste")).tap()
    expect(screen).to_have_attribute("data-step", "plan")
    expect(remote.locator("#presenter-next")).to_have_text("(siste steg)")
    remote.get_by_role("button", name="Lobby").tap()
    expect(screen).to_have_attribute("data-step", "lobby")
    remote.set_viewport_size({"width": 320, "height": 640})
    assert remote.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(remote, output_path, "remote-320x640.png")
    for page in [remote, projector, *phones]:
        assert_not_reloaded(page)


def test_a_card_closes_its_question_when_the_countdown_runs_out(live_server, facilitator, projector):
    """The run page's card says "Closed" and offers to reopen the moment the question's time is
    up, without a push from the server and without a reload (the page's clock is run forward)."""
    laptop = projector  # the facilitator's signed-in browser
    code = create_run(live_server, facilitator)
    laptop.clock.install()
    laptop.goto(f"{live_server.url}/facilitator/runs/{code}")
    wait_for_ack(laptop, "screen:watch")
    mark_loaded(laptop)
    facilitator_action(live_server, facilitator, code, "questions/goals/open")
    expect_card(laptop, "goals", "Åpen nå", ["Steng", "Vis resultatene"], on_screen=True)
    expect(card(laptop, "goals").locator(".countdown")).to_have_text(re.compile(r"^\d+:\d\d igjen$"))
    pushes = received(laptop, "state")

    laptop.clock.fast_forward(10 * 60 * 1000 + 1000)  # the bundled question's 10 minutes, and a second
    expect_card(laptop, "goals", "Stengt", ["Åpne igjen", "Vis resultatene"], on_screen=True)
    expect(card(laptop, "goals").locator(".countdown")).to_have_text("")
    assert received(laptop, "state") == pushes, "the card waited for a push"
    assert_not_reloaded(laptop)
