"""The risk matrix and the benefits map of the bundled follow-up meeting on the big screen
(1920x1080, and 1280x720): drawn live, no broken values, nothing beyond the screen; and the
phones' forms at 390 and 320 pixels wide."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from ..serverproc import ROOT, create_run, facilitator_action
from .test_every_workshop_every_screen import BAD_WORDS, PAGE_TEXT
from .test_phone_and_projector import wait_for_ack

pytestmark = pytest.mark.browser

WORKSHOP = "oppfolgingsmote-3-mnd"
SHOTS = os.environ.get("WORKSHOP_SHOTS", "")  # a folder to keep the screenshots in, when set

# Whatever the page lays out past the screen's right or bottom edge (a projector cannot scroll).
BEYOND = """() => {
  const w = window.innerWidth, h = window.innerHeight, out = [];
  if (document.documentElement.scrollWidth > w) { out.push("page wider than the screen"); }
  if (document.documentElement.scrollHeight > h) { out.push("page taller than the screen"); }
  for (const el of document.querySelectorAll("#proj-results *")) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > w + 0.5 || r.bottom > h + 0.5)) { out.push(el.tagName + "." + el.className + " " + el.textContent.slice(0, 40)); }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def rehearsed_followup(live_server):
    from ..serverproc import facilitator_session

    session = facilitator_session(live_server)
    code = create_run(live_server, session, template=WORKSHOP)
    done = subprocess.run([sys.executable, "-m", "workshop.cli", "rehearse", code, "--participants", "20",
                           "--groups", "5", "--seed", "5"],
                          cwd=ROOT, env=live_server.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    return session, code


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name))


def big_screen(open_context, live_server, session, width=1920, height=1080):
    """The facilitator's laptop on the projector, signed in."""
    context = open_context(viewport={"width": width, "height": height})
    context.add_cookies([{"name": c.name, "value": c.value, "url": live_server.url} for c in session.cookies])
    return context.new_page()


def project(live_server, session, code, question):
    for action in ("project", "reveal"):
        facilitator_action(live_server, session, code, f"questions/{question}/{action}")


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1920x1080", "1280x720"])
def test_the_risk_matrix_is_a_heat_map_that_fits_the_projector(live_server, rehearsed_followup, open_context, size):
    session, code = rehearsed_followup
    project(live_server, session, code, "risk")
    page = big_screen(open_context, live_server, session, *size)
    page.goto(f"{live_server.url}/projector/{code}")
    wait_for_ack(page, "screen:watch")
    expect(page.locator("#risk-heat td.risk-cell")).to_have_count(25)
    rated = page.locator("#risk-list > li")
    expect(rated.first).to_be_visible()
    # every rated item sits in exactly one cell, numbered as in the list beside it
    assert page.locator("#risk-heat .risk-badge").count() == rated.count() >= 1
    for level in ("low", "medium", "high", "critical"):
        assert page.locator(f"#risk-heat td.risk-{level}").count() >= 1
    assert page.locator("#risk-heat td[data-l='5'][data-c='5']").get_attribute("class").endswith("risk-critical")
    text = page.evaluate(PAGE_TEXT)
    assert not BAD_WORDS.search(text), BAD_WORDS.findall(text)
    assert page.evaluate(BEYOND) == []
    shot(page, f"projector-risk-{size[0]}.png")


def test_the_benefits_map_fits_the_projector_by_kind(live_server, rehearsed_followup, open_context):
    session, code = rehearsed_followup
    project(live_server, session, code, "benefits")
    page = big_screen(open_context, live_server, session)
    page.goto(f"{live_server.url}/projector/{code}")
    wait_for_ack(page, "screen:watch")
    expect(page.locator("#benefit-kinds .benefit-kind")).to_have_count(3)
    expect(page.locator("#benefit-kinds h2").first).to_contain_text("Effektivisering i kroner")
    assert page.locator("#benefit-kinds li").count() >= 1
    text = page.evaluate(PAGE_TEXT)
    assert not BAD_WORDS.search(text), BAD_WORDS.findall(text)
    assert page.evaluate(BEYOND) == []
    shot(page, "projector-benefits-1920.png")


@pytest.mark.parametrize("width,height", [(390, 844), (320, 640)])
def test_the_phone_forms_fit_a_narrow_phone(live_server, rehearsed_followup, open_context, width, height):
    from ..serverproc import join_participant

    session, code = rehearsed_followup
    for question in ("risk", "benefits"):
        facilitator_action(live_server, session, code, f"questions/{question}/open")
    phone = join_participant(live_server, code, "Bord 1", "Ny")
    context = open_context(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": c.name, "value": c.value, "url": live_server.url} for c in phone.cookies])
    page = context.new_page()
    page.goto(f"{live_server.url}/r/{code}")
    wait_for_ack(page, "participant:join")  # answers go over the socket, the page stays
    expect(page.locator("form.answer-form[data-question='risk'] select")).not_to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#risk-likelihood-1").select_option("4")
    page.locator("#risk-consequence-1").select_option("2")
    form = page.locator("form.answer-form[data-question='risk']")
    form.locator("button[type=submit]").click()
    expect(form.locator(".form-message")).to_have_class("form-message ok")
    page.locator("#q-benefits").scroll_into_view_if_needed()
    shot(page, f"phone-{width}-benefits.png")
    benefits = page.locator("form.answer-form[data-question='benefits']")
    page.locator("#benefits-goal-1").select_option(index=1)
    page.locator("#benefits-benefit-1").fill("Færre transporter")
    page.locator("#benefits-kind-1").select_option("kroner")
    benefits.locator("button[type=submit]").click()  # no owner chosen
    expect(benefits.locator(".form-message")).to_have_text("Velg hvem som eier gevinst 1.")
    page.locator("#benefits-owner-1").select_option("contract_manager")
    benefits.locator("button[type=submit]").click()
    expect(benefits.locator(".form-message")).to_have_class("form-message ok")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#q-risk").scroll_into_view_if_needed()
    shot(page, f"phone-{width}-risk.png")


def test_the_board_shows_the_heat_map_and_the_benefits_by_kind(live_server, rehearsed_followup, open_context):
    session, code = rehearsed_followup
    page = big_screen(open_context, live_server, session)
    page.goto(f"{live_server.url}/projector/{code}/board")
    wait_for_ack(page, "board:watch")  # the board as pushed to the page is the one checked
    expect(page.locator("#board-risk .risk-heat td.risk-cell")).to_have_count(25)
    assert page.locator("#board-risk .risk-heat .risk-badge").count() == \
        page.locator("#board-risk .risk-table tbody tr").count() >= 1
    expect(page.locator("#board-benefits .benefit-kind")).to_have_count(3)
    text = page.evaluate(PAGE_TEXT)
    assert not BAD_WORDS.search(text), BAD_WORDS.findall(text)
    if SHOTS:
        for section in ("risk", "benefits"):
            page.locator(f"#board-{section}").screenshot(path=os.path.join(SHOTS, f"board-{section}-1920.png"))
