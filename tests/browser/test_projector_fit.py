"""The projector fits the screen at every step, read from the back of the room.

At 1920x1080 and 1280x720, for a rehearsed run with 2 tables and one with 50: the lobby,
every content slide, the exercise's overview, every question hidden and revealed (the fruit
board among them), the board and the plan steps. On each: no scrollbar, no element outside
the screen, type at or above the sizes the back row needs (at 1080p: 28 px for every label
and figure, 40 px for the question, 32 px for a slide's text, 64 px for the join code, a QR
code of 300 px; in proportion at 720p) and no "NaN", "undefined" or "null". The steps are
put on the projector through the run page's route (services.steps) and drawn live.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from workshop.domain.questions import localize
from workshop.templates_io import find_template

from ..serverproc import ROOT, create_run, csrf_token, facilitator_session
from .test_every_workshop_every_screen import assert_no_broken_values
from .test_phone_and_projector import DOCS_SCREENSHOTS, mark_loaded, screenshot, wait_for_ack

pytestmark = pytest.mark.browser

TEMPLATE = find_template(os.path.join(ROOT, "questions"), "kontraktsoppfolging").template
SCREENS = {"1080p": {"width": 1920, "height": 1080}, "720p": {"width": 1280, "height": 720}}
# (participants, tables): a small room and a hall
ROOMS = {"2-tables": (4, 2), "50-tables": (100, 50)}
SHOTS = os.environ.get("WORKSHOP_PROJECTOR_SHOTS")  # also copy the screenshots here when set

# Everything that is wrong with the page as the room sees it, or [].
FIT = """() => {
  const W = window.innerWidth, H = window.innerHeight, page = document.scrollingElement;
  const scale = H / 1080;  // the minimums are 1080p's, in proportion on a smaller screen
  const problems = [];
  if (page.scrollHeight > H || page.scrollWidth > W) {
    problems.push(`the page is ${page.scrollWidth}x${page.scrollHeight} in a ${W}x${H} screen`);
  }
  const minimum = (el) => {
    if (el.closest("#proj-question")) return 40;
    if (el.closest(".lobby-code")) return 64;
    if (el.closest("#screen-slide")) return 32;
    return 28;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  for (const el of document.querySelectorAll("#projector *")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;  // not shown (another page, another step)
    const style = getComputedStyle(el);
    if (style.visibility === "hidden") continue;
    if (box.left < -1 || box.top < -1 || box.right > W + 1 || box.bottom > H + 1) {
      problems.push(`${name(el)} is outside the screen: ${Math.round(box.left)},${Math.round(box.top)} to ${Math.round(box.right)},${Math.round(box.bottom)}`);
    }
    // Inside a box that pages or clamps its items, an item must end inside it too.
    const clip = el.parentElement && el.parentElement.closest(".pager");
    if (clip && el.classList.contains("page-item")) {
      const outer = clip.getBoundingClientRect();
      if (box.bottom > outer.bottom + 1 || box.right > outer.right + 1) {
        problems.push(`${name(el)} is cut off by its page (${Math.round(box.bottom)} > ${Math.round(outer.bottom)})`);
      }
    }
    // A question of the comparison is a page: its rows end inside it.
    const question = el.closest(".comparison-question");
    if (question && question !== el) {
      const outer = question.getBoundingClientRect();
      if (box.bottom > outer.bottom + 1) problems.push(`${name(el)} runs past its comparison page`);
    }
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.nodeValue.trim());
    // The word cloud's words are sized by its viewBox (checked below), not by CSS.
    if (ownText && !el.closest("svg")) {
      const size = parseFloat(style.fontSize), wanted = minimum(el) * scale;
      if (size < wanted - 0.5) problems.push(`${name(el)} is ${size.toFixed(1)} px, under ${wanted.toFixed(1)}: ${el.textContent.trim().slice(0, 40)}`);
      // Text wider than its own box (a figure wider than its column) runs into what is beside
      // it, and makes each row a page of its own; a box that cuts it shows an ellipsis.
      if (style.display !== "inline" && style.textOverflow !== "ellipsis" && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`${name(el)}'s text is ${el.scrollWidth} px wide in a box of ${el.clientWidth}: ${el.textContent.trim().slice(0, 40)}`);
      }
    }
  }
  for (const word of document.querySelectorAll("#projector svg text")) {
    const box = word.getBoundingClientRect();
    if (box.height && box.height < 28 * scale) problems.push(`the word cloud's "${word.firstChild.nodeValue}" is ${box.height.toFixed(1)} px high`);
  }
  const qr = document.querySelector("#screen-lobby:not([hidden]) .lobby-qr");
  if (qr && qr.getBoundingClientRect().width < 300 * scale - 0.5) problems.push(`the QR code is ${qr.getBoundingClientRect().width} px`);
  return problems;
}"""


# The `workshop rehearse` command for each run, all in one process: importing the app takes
# seconds, more than a rehearsal of a hall.
REHEARSE = """
import json, sys
from workshop import create_app
runner = create_app().test_cli_runner()
for args in json.loads(sys.argv[1]):
    done = runner.invoke(args=["rehearse", *args])
    if done.exit_code != 0:
        sys.exit(f"rehearse {args}: {done.output} {done.exception!r}")
"""


def rehearse(server, runs):
    """`workshop rehearse` with each of `runs` (its arguments), in one process."""
    done = subprocess.run([sys.executable, "-c", REHEARSE, json.dumps(runs)], cwd=ROOT, env=server.env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]


class Facilitator:
    """The run page's buttons, posted with the page's token (read once: it lasts the session;
    reading it again for every press rendered the run page of a hall each time)."""

    def __init__(self, server, session, code):
        self.server, self.session, self.code = server, session, code
        page = session.get(f"{server.url}/facilitator/runs/{code}", timeout=10)
        self.token = csrf_token(page.text)

    def press(self, path):
        response = self.session.post(f"{self.server.url}/facilitator/runs/{self.code}/{path}",
                                     data={"csrf_token": self.token}, timeout=10)
        assert response.ok, f"{path}: {response.status_code}"


@pytest.fixture(scope="module")
def rooms(live_server):
    """Rehearsed runs (the `workshop rehearse` command, as the facilitator would)."""
    facilitator = facilitator_session(live_server)
    codes = {room: create_run(live_server, facilitator) for room in ROOMS}
    rehearse(live_server, [[codes[room], "--participants", str(participants), "--groups", str(tables),
                            "--seed", "5", "--group-prefix", "Bord"]
                           for room, (participants, tables) in ROOMS.items()])
    return facilitator, codes


# The README's projector screenshots: the whole 1080p screen of the hall's rehearsal.
README_SHOTS = {"projector-lobby-50-tables-1080p.png": "projector-lobby.png",
                "projector-overview-50-tables-1080p.png": "projector-overview.png",
                "projector-goals-50-tables-1080p.png": "projector.png",
                "projector-fruits-50-tables-1080p.png": "projector-fruits.png",
                "projector-slide-fruit_picture-50-tables-1080p.png": "projector-slide.png"}


def check(page, where, output_path, shot=None):
    page.wait_for_timeout(250)  # the pushes of one move settle; the pagers lay out
    problems = page.evaluate(FIT)
    if problems:
        screenshot(page, output_path, "failed-" + where.replace(" ", "-") + ".png")
    assert not problems, f"{where}:\n" + "\n".join(problems[:25])
    assert_no_broken_values(page, where)
    if shot:
        path = screenshot(page, output_path, shot)
        if shot in README_SHOTS:
            shutil.copyfile(path, os.path.join(DOCS_SCREENSHOTS, README_SHOTS[shot]))
        if SHOTS:
            os.makedirs(SHOTS, exist_ok=True)
            shutil.copyfile(path, os.path.join(SHOTS, shot))


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("room", ROOMS)
def test_every_step_fits_the_screen(live_server, rooms, open_context, screen, room, output_path):
    facilitator, codes = rooms
    code = codes[room]
    context = open_context(viewport=SCREENS[screen])
    context.add_cookies([{"name": c.name, "value": c.value, "url": live_server.url} for c in facilitator.cookies])
    page = context.new_page()
    buttons = Facilitator(live_server, facilitator, code)
    buttons.press("projector/lobby")
    page.goto(f"{live_server.url}/projector/{code}")
    wait_for_ack(page, "screen:watch")
    mark_loaded(page)
    projector = page.locator("#projector")
    shoot = room == "50-tables" or screen == "1080p"

    expect(projector).to_have_attribute("data-step", "lobby")
    expect(page.locator("#lobby-joined")).to_have_text(str(ROOMS[room][0]))
    expect(page.locator("#lobby-tables li").first).to_contain_text("Bord")
    check(page, f"{room} {screen} lobby", output_path, shoot and f"projector-lobby-{room}-{screen}.png")

    # A slide is the same whoever joined: measured once per screen size, in the hall's run.
    for n, slide in enumerate(TEMPLATE.slides if room == "50-tables" else ()):
        buttons.press(f"projector/{slide.id}")
        expect(page.locator("#slide-title")).to_have_text(localize(slide.title, "nb"))
        if slide.notes:  # the presenter's notes never reach the room
            expect(page.locator("#screen-slide")).not_to_contain_text(localize(slide.notes, "nb"))
        check(page, f"{room} {screen} slide {slide.id}", output_path,
              shoot and n in (0, 1) and f"projector-slide-{slide.id}-{room}-{screen}.png")

    buttons.press("projector/exercise")
    expect(projector).to_have_attribute("data-step", "exercise")
    expect(page.locator("#overview .overview-item")).to_have_count(len(TEMPLATE.questions))
    expect(page.locator("#overview .overview-item").first).to_contain_text(f"/{ROOMS[room][1]}")
    check(page, f"{room} {screen} overview", output_path, shoot and f"projector-overview-{room}-{screen}.png")

    for question in TEMPLATE.questions:
        text = localize(question.text, "nb")
        buttons.press(f"questions/{question.id}/hide")
        buttons.press(f"projector/{question.id}")
        expect(page.locator("#proj-question")).to_have_text(text)
        expect(page.locator("#proj-results")).to_have_class("proj-results proj-type-" + question.type + " hidden-results")
        check(page, f"{room} {screen} {question.id} hidden", output_path)
        buttons.press(f"questions/{question.id}/reveal")
        expect(page.locator("#proj-results")).to_have_class("proj-results proj-type-" + question.type)
        expect(page.locator("#proj-results .page-item:visible").first).to_be_visible()
        if question.type != "ranked":  # a table's choices are a set, not numbered as if ranked
            expect(page.locator("#proj-groups ol")).to_have_count(0)
        check(page, f"{room} {screen} {question.id} revealed", output_path,
              shoot and f"projector-{question.id}-{room}-{screen}.png")

    for step in ("board", "plan"):
        buttons.press(f"projector/{step}")
        expect(projector).to_have_attribute("data-step", step)
        check(page, f"{room} {screen} {step}", output_path)

    # This run beside the earlier one (the hall was rehearsed after the small room), a
    # question a page: the facilitator ticks it on the comparison page and projects it.
    earlier = [other for other in codes.values() if other != code][:1] if room == "50-tables" else []
    form = facilitator.get(f"{live_server.url}/facilitator/runs/{code}/comparison", timeout=10)
    assert facilitator.post(f"{live_server.url}/facilitator/runs/{code}/comparison/project",
                            data={"csrf_token": csrf_token(form.text), "run": earlier}, timeout=10).ok
    expect(projector).to_have_attribute("data-step", "comparison")
    shown = page.locator("#comparison .comparison-question:visible")
    expect(shown).to_have_count(1)
    expect(shown.locator(".comparison-head")).to_have_count(1 + (3 if earlier else 1))
    check(page, f"{room} {screen} comparison", output_path, shoot and f"projector-comparison-{room}-{screen}.png")
    # every page fits, not only the one shown now: each is laid out in turn and measured
    pages = page.locator("#comparison .comparison-question").count()
    assert pages >= len([q for q in TEMPLATE.questions if q.type != "text"])
    for n in range(pages):
        page.evaluate("""(n) => document.querySelectorAll('#comparison .comparison-question')
                             .forEach((item, i) => { item.hidden = i !== n; })""", n)
        problems = page.evaluate(FIT)
        assert not problems, f"{room} {screen} comparison page {n + 1}:\n" + "\n".join(problems[:10])
    assert page.evaluate("window.__sameDocument === true"), "the projector reloaded"


def test_long_lists_are_paged_with_the_page_shown(live_server, rooms, open_context, output_path):
    """50 tables' answers do not fit one screen: they come by option (how many tables chose it
    and which), a page at a time, "1/N" shown; every table is named on some page, and the room
    has seen them all within 24 s (a card a table took 37 pages, 5 minutes)."""
    facilitator, codes = rooms
    code = codes["50-tables"]
    context = open_context(viewport=SCREENS["1080p"])
    context.add_cookies([{"name": c.name, "value": c.value, "url": live_server.url} for c in facilitator.cookies])
    page = context.new_page()
    buttons = Facilitator(live_server, facilitator, code)
    buttons.press("questions/goals/reveal")
    buttons.press("projector/goals")
    page.goto(f"{live_server.url}/projector/{code}")
    wait_for_ack(page, "screen:watch")
    marker = page.locator("#proj-groups .page-number")
    expect(marker).to_have_text(__import__("re").compile(r"^1/\d+$"))
    pages = int(marker.inner_text().split("/")[1])
    assert 1 < pages <= 6
    named = page.locator("#proj-groups .group-table").evaluate_all("(tables) => tables.map((t) => t.dataset.name)")
    assert set(named) == {f"Bord {n}" for n in range(1, 51)}  # every table's answer is there, a page of them shown
    shown = page.locator("#proj-groups .group-option:visible")
    first = shown.first.inner_text()
    page.wait_for_timeout(8500)
    expect(marker).to_have_text(f"2/{pages}")
    assert shown.first.inner_text() != first


def test_the_comparison_page_reads_on_a_phone(live_server, rooms, open_context, output_path):
    """The facilitator's comparison on a 320 px phone: every run's figure in view, named by its
    column, no sideways scroll (the table stacks each option over its figures)."""
    facilitator, codes = rooms
    code, earlier = codes["50-tables"], codes["2-tables"]
    context = open_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": c.name, "value": c.value, "url": live_server.url} for c in facilitator.cookies])
    page = context.new_page()
    page.goto(f"{live_server.url}/facilitator/runs/{code}/comparison?run={earlier}")
    figures = page.locator(".comparison-table td")
    expect(figures.first).to_be_visible()
    outside = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter((el) => !el.closest('thead'))  // the column names are for screen readers there
        .filter((el) => el.getBoundingClientRect().width && el.getBoundingClientRect().right > window.innerWidth + 1)
        .map((el) => el.tagName + ' ' + el.textContent.trim().slice(0, 30))""")
    assert not outside, outside
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    first = page.locator(".comparison-table tbody tr").nth(1)
    labels = first.locator("td").evaluate_all("(cells) => cells.map((c) => getComputedStyle(c, '::before').content)")
    assert labels == ['"Denne økten"', f'"{earlier[:3]} {earlier[3:]} · ' + labels[1].split(" · ", 1)[1],
                      '"Alle tidligere økter (1)"'], labels
    screenshot(page, output_path, "comparison-page-320x640.png")
