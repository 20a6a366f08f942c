"""The phone helps before it refuses (issue 13, point 4), in headless Chromium: the counter as
goals are ticked and a ninth refused at once beside it, the option that stands alone saying
what it unticked, another text box up to the most, the progress line and the links to the
board and plan, all without a reload. Screenshots at 390x844 and 320x640 go to the test's
output directory and /tmp/phone-shots/."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from ..serverproc import create_run, csrf_token, facilitator_action

pytestmark = pytest.mark.browser

SHOTS = "/tmp/phone-shots"
NINE_GOALS = ["planned", "goals", "requirements", "expectations", "rights", "disputes",
              "innovation_room", "relations", "trust"]
SIZES = [(390, 844), (320, 640)]


def join_by_browser(page, url, code, table="Bord 1"):
    page.goto(f"{url}/j/{code}")
    page.locator("input[name=new_group]").fill(table)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/r/{code}$"))
    page.wait_for_function("() => window.__probe && window.__probe.acks.includes('participant:join')")
    page.evaluate("window.__sameDocument = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"


def shots(page, output_path, name, locator=None):
    """The same view at both phone sizes, scrolled to `locator`."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        if locator is not None:
            locator.scroll_into_view_if_needed()
        for folder in (output_path, SHOTS):
            os.makedirs(folder, exist_ok=True)
            page.screenshot(path=os.path.join(folder, f"{name}-{width}x{height}.png"))


def share_board(server, session, code, on=True):
    page = session.get(f"{server.url}/facilitator/runs/{code}/board", timeout=10)
    response = session.post(f"{server.url}/facilitator/runs/{code}/board/share",
                            data={"on": "1" if on else "0", "csrf_token": csrf_token(page.text)}, timeout=10)
    assert response.ok


def test_the_goals_counter_follows_the_ticks_and_a_ninth_is_refused_beside_it(
        live_server, facilitator, phone, output_path):
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/goals/open")
    join_by_browser(phone, live_server.url, code)
    form = phone.locator("form.answer-form[data-question=goals]")
    counter = form.locator(".choice-counter")
    expect(counter).to_have_text("0 av 8 valgt")
    for n, goal in enumerate(NINE_GOALS[:8], start=1):
        form.locator(f"input[name=option][value={goal}]").check()
        expect(counter).to_have_text(f"{n} av 8 valgt")
    expect(counter).to_have_class(re.compile(r"\bfull\b"))

    ninth = form.locator(f"input[name=option][value={NINE_GOALS[8]}]")
    ninth.click()
    expect(ninth).not_to_be_checked()
    note = form.locator(".choice-note")
    expect(note).to_be_visible()
    expect(note).to_have_text("Høyst 8: fjern et kryss før du velger et nytt.")
    expect(note).to_have_attribute("role", "alert")
    # Beside the box just tapped, not at the bottom of the list.
    assert form.evaluate("""f => f.querySelector('.choice-note').previousElementSibling ===
                               f.querySelector('input[value=trust]').closest('label')""")
    expect(counter).to_have_text("8 av 8 valgt")
    shots(phone, output_path, "goals-ninth-refused", note)

    # A written-in goal is one of the eight: with eight ticked it is too many, and said so.
    form.locator("input[name=write_in]").fill("Lokale arbeidsplasser")
    expect(counter).to_have_text("9 av 8 valgt")
    expect(counter).to_have_class(re.compile(r"\berror\b"))
    expect(note).to_have_text("Høyst 8: fjern et kryss før du velger et nytt.")
    form.locator("input[value=planned]").uncheck()
    expect(counter).to_have_text("8 av 8 valgt")
    form.locator("button[type=submit]").click()
    expect(form.locator(".form-message")).to_contain_text("✓")
    assert_not_reloaded(phone)


def test_the_option_that_stands_alone_says_what_it_unticked(live_server, facilitator, phone, output_path):
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/categories/open")
    join_by_browser(phone, live_server.url, code)
    form = phone.locator("form.answer-form[data-question=categories]")
    alone = form.locator("label.choice.exclusive")
    expect(alone.locator(".exclusive-note")).to_have_text("Står alene: velger du dette, fjernes kryssene for de andre.")
    form.locator("input[value=A]").check()
    form.locator("input[value=B]").check()
    expect(form.locator(".choice-counter")).to_have_text("2 av 5 valgt")

    form.locator("input[value=F]").check()
    for other in ("A", "B"):
        expect(form.locator(f"input[value={other}]")).not_to_be_checked()
    note = form.locator(".choice-note")
    expect(note).to_have_text("Dette valget står alene, så kryssene for de andre valgene dine ble fjernet.")
    expect(note).to_be_in_viewport()  # under the option at the foot of the screen, brought into view
    expect(form.locator(".choice-counter")).to_have_text("1 av 5 valgt")
    shots(phone, output_path, "categories-exclusive-cleared", note)

    form.locator("input[value=C]").check()
    expect(form.locator("input[value=F]")).not_to_be_checked()
    expect(note).to_have_text("Krysset for «min kommune/fylkeskommune har ikke etablert mål for spesifikke "
                              "kategorier» ble fjernet: det valget står alene.")
    assert form.evaluate("""f => f.querySelector('.choice-note').previousElementSibling ===
                               f.querySelector('input[value=C]').closest('label')""")
    shots(phone, output_path, "categories-exclusive-unticked", note)
    assert_not_reloaded(phone)


def test_another_text_box_is_added_up_to_the_most(live_server, facilitator, phone, output_path):
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/needs/open")
    join_by_browser(phone, live_server.url, code)
    form = phone.locator("form.answer-form[data-question=needs]")
    boxes = form.locator("textarea[name=entry]")
    add = form.locator("button.add-entry")
    expect(boxes).to_have_count(1)
    boxes.nth(0).fill("Maler for oppfølgingsmøter")
    for n in range(2, 6):
        add.click()
        expect(boxes).to_have_count(n)
        expect(boxes.nth(n - 1)).to_be_focused()
        expect(form.locator(f"label[for=needs-entry-{n}]")).to_have_text(f"Svar {n}")
        boxes.nth(n - 1).fill(f"Behov nummer {n}")
    expect(add).to_be_hidden()  # five is the most this question takes
    expect(form.locator(".entry-counter")).to_have_text("Du har skrevet 5 svar, det meste spørsmålet tar imot.")
    shots(phone, output_path, "needs-five-texts", add.locator("xpath=.."))
    form.locator("button[type=submit]").click()
    expect(form.locator(".form-message")).to_contain_text("✓")
    assert_not_reloaded(phone)
    phone.reload()  # all five were stored
    expect(form.locator("textarea[name=entry]")).to_have_count(5)
    expect(form.locator("textarea[name=entry]").nth(4)).to_have_value("Behov nummer 5")


def test_the_progress_line_follows_the_answers_live(live_server, facilitator, phone, output_path):
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "questions/categories/open")
    join_by_browser(phone, live_server.url, code)
    line = phone.locator(".progress-line")
    expect(line).to_have_count(0)  # one question open: nothing to count
    facilitator_action(live_server, facilitator, code, "open-all")
    expect(line).to_have_text("0 av 4 besvart")
    categories = phone.locator("form.answer-form[data-question=categories]")
    categories.locator("input[value=A]").check()
    categories.locator("button[type=submit]").click()
    expect(line).to_have_text("1 av 4 besvart")
    goals = phone.locator("form.answer-form[data-question=goals]")
    goals.locator("input[value=trust]").check()
    goals.locator("button[type=submit]").click()
    expect(line).to_have_text("2 av 4 besvart")
    assert_not_reloaded(phone)
    phone.evaluate("window.scrollTo(0, 0)")
    shots(phone, output_path, "progress-line")


def test_the_board_and_plan_links_appear_when_the_facilitator_shares(live_server, facilitator, phone, output_path):
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "open-all")
    join_by_browser(phone, live_server.url, code)
    board, plan = phone.locator(".shared-links .board-link"), phone.locator(".shared-links .plan-link")
    expect(board).to_be_hidden()
    expect(plan).to_be_hidden()
    share_board(live_server, facilitator, code)
    expect(board).to_be_visible()
    expect(plan).to_be_visible()
    assert_not_reloaded(phone)
    phone.evaluate("window.scrollTo(0, 0)")
    shots(phone, output_path, "shared-links")
    share_board(live_server, facilitator, code, on=False)
    expect(board).to_be_hidden()
    share_board(live_server, facilitator, code)
    board.click()
    expect(phone).to_have_url(re.compile(rf"/r/{code}/board$"))
    expect(phone.locator("#board")).to_be_visible()
    phone.go_back()
    phone.locator(".shared-links .plan-link").click()
    expect(phone).to_have_url(re.compile(rf"/r/{code}/plan$"))


def test_the_points_left_follow_the_typing(live_server, facilitator, phone, output_path):
    code = create_run(live_server, facilitator, template="kategorier-100-poeng")
    facilitator_action(live_server, facilitator, code, "questions/attention/open")
    join_by_browser(phone, live_server.url, code)
    form = phone.locator("form.answer-form[data-question=attention]")
    left = form.locator(".points-left")
    expect(left).to_have_text("100 poeng igjen")
    form.locator("input[name=points_1]").fill("30")
    form.locator("input[name=points_2]").fill("50")
    expect(left).to_have_text("20 poeng igjen")
    form.locator("input[name=points_3]").fill("40")
    expect(left).to_have_text("-20 poeng igjen")
    expect(left).to_have_class(re.compile(r"\berror\b"))
    shots(phone, output_path, "points-left", left)


def test_the_counters_and_text_boxes_are_rebuilt_from_the_answers_waiting_after_a_reload(
        live_server, facilitator, open_context, output_path):
    """Answers waiting on the phone (offline) are put back after a reload as they were: the
    counter counts the ticks put back, and each queued text gets its own box."""
    from .test_offline_answers import WAITING, wait_until_cached

    context = open_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    code = create_run(live_server, facilitator)
    facilitator_action(live_server, facilitator, code, "open-all")
    join_by_browser(page, live_server.url, code)
    wait_until_cached(page)

    context.set_offline(True)
    categories = page.locator("section[data-question=categories] form.answer-form")
    for option in ("B", "C", "D"):
        categories.locator(f"input[name=option][value={option}]").check()
    categories.locator("button[type=submit]").click()
    needs = page.locator("section[data-question=needs] form.answer-form")
    needs.locator("textarea").first.fill("Første")
    for text in ("Andre", "Tredje"):
        needs.locator(".add-entry").click()
        needs.locator("textarea").last.fill(text)
    needs.locator("button[type=submit]").click()
    expect(needs.locator(".form-message")).to_have_text(WAITING)

    page.reload()
    expect(categories.locator(".choice-counter")).to_have_text("3 av 5 valgt")
    expect(categories.locator("input[name=option]:checked")).to_have_count(3)
    expect(categories.locator(".form-message")).to_have_text(WAITING)
    expect(needs.locator("textarea")).to_have_count(3)
    assert [needs.locator("textarea").nth(i).input_value() for i in range(3)] == ["Første", "Andre", "Tredje"]
    expect(needs.locator(".entry-counter")).to_have_text("3 av 5 svar")
    expect(needs.locator(".add-entry")).to_be_visible()
    expect(needs.locator(".form-message")).to_have_text(WAITING)
    shots(page, output_path, "outbox-restored", needs)
    context.set_offline(False)
