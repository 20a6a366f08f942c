"""Accessibility: axe-core on every page type, in Norwegian and (phones) English, and reflow.

axe-core comes from npm (package.json) and the app serves it at /vendor/axe.min.js, so the
page's Content-Security-Policy (script-src 'self') lets it in. Every page must have zero
violations of the WCAG 2.0/2.1 A and AA rules axe checks. The pages are filled first: one
run of the bundled workshop with every question type answered, the fruit board, the board
shared and results revealed; one run of the 100-points template.

A phone's run page must also reflow at 320 CSS pixels (WCAG 1.4.10, the same as a 1280-px
screen at 400 % or a 640-px one at 200 % zoom): no sideways scrolling.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..serverproc import create_run, facilitator_action, facilitator_session, join_participant
from .test_board_and_plan import FRUIT_ITEMS, PEOPLE, answer, facilitator_post, participant_cookies
from .test_phone_and_projector import wait_for_ack

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 720}}


@pytest.fixture(scope="module")
def scene(live_server):
    """Two runs with answers in every question type; returns what the pages need."""
    server = live_server
    facilitator = facilitator_session(server)
    code = create_run(server, facilitator)
    facilitator_action(server, facilitator, code, "open-all")
    sessions = {}
    for person in PEOPLE:
        session = join_participant(server, code, person["group"], person["name"])
        sessions[person["name"]] = session
        answer(server, session, code, "categories", {"option": person["categories"]})
        answer(server, session, code, "goals",
               {"option": person["goals"], "write_in": person.get("write_in", "")})
        answer(server, session, code, "topics",
               {f"rank_{n}": option for n, option in enumerate(person["topics"], start=1)})
        answer(server, session, code, "needs", {"entry": person["needs"]})
    facilitator_action(server, facilitator, code, "moderation/needs/approve-all")  # moderated texts
    facilitator_post(server, facilitator, code, "questions/fruits/open", {"top": FRUIT_ITEMS})
    for person in PEOPLE:
        if "places" in person:
            fields = {f"place_{n}": place for n, place in enumerate(person["places"], start=1)}
            fields.update({f"report_{n}": text for n, text in person["reports"].items()})
            answer(server, sessions[person["name"]], code, "fruits", fields)
    for question in ("categories", "goals", "topics", "needs"):
        facilitator_action(server, facilitator, code, f"questions/{question}/reveal")
    facilitator_post(server, facilitator, code, "board/share", {"on": "1"})

    points = create_run(server, facilitator, "kategorier-100-poeng")
    facilitator_action(server, facilitator, points, "open-all")
    voter = join_participant(server, points, "Bord 1", "Kari")
    answer(server, voter, points, "attention", {"points_1": "60", "points_4": "40"})
    answer(server, voter, points, "why", {"entry": ["Mat til skolene er mest synlig"]})
    facilitator_action(server, facilitator, points, "questions/attention/reveal")
    return {"code": code, "points": points, "facilitator": facilitator,
            "kari": sessions["Kari"], "voter": voter}


def axe_violations(page, server) -> list[dict]:
    page.add_script_tag(url=f"{server.url}/vendor/axe.min.js")
    return page.evaluate(
        """async (tags) => {
          const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
            targets: v.nodes.slice(0, 4).map((n) => n.target.join(" ")),
            summary: ((v.nodes[0] && v.nodes[0].failureSummary) || "")
              .split("\\n").slice(0, 3).join(" "),
          }));
        }""",
        WCAG_TAGS,
    )


# What axe does not see: a label whose `for` finds no form control (its id is taken by an
# earlier element, or missing), and an id used twice on a visible element.
OWN_CHECKS = """() => {
  const labels = [...document.querySelectorAll("label[for]")]
    .filter((l) => !l.control).map((l) => l.htmlFor);
  const seen = new Set(), twice = new Set();
  for (const el of document.querySelectorAll("[id]")) {
    if (el.matches("input[type=hidden]")) { continue; }
    if (seen.has(el.id)) { twice.add(el.id); }
    seen.add(el.id);
  }
  return {labels: labels, ids: [...twice]};
}"""


def assert_no_violations(page, server, what):
    own = page.evaluate(OWN_CHECKS)
    assert not own["labels"], f"{what}: labels without their control: {own['labels']}"
    assert not own["ids"], f"{what}: ids used twice: {own['ids']}"
    violations = axe_violations(page, server)
    report = "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} — "
        f"{v['nodes']} node(s): {'; '.join(v['targets'])}\n"
        f"      {v['summary']}"
        for v in violations
    )
    assert not violations, f"axe on {what} ({page.url}):\n{report}"


def switch_to_english(page):
    """The language button in the header, as a participant would press it."""
    page.locator("header.bar form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


# --- participants' pages (a phone), in Norwegian and English ---------------------------------

PARTICIPANT_PAGES = {
    "start": (None, "/"),
    "join": (None, "/j/{code}"),
    "run": ("kari", "/r/{code}"),
    "run-points": ("voter", "/r/{points}"),
    "board": ("kari", "/r/{code}/board"),
    "plan": ("kari", "/r/{code}/plan"),
}


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("name", list(PARTICIPANT_PAGES))
def test_participant_pages_have_no_axe_violations(live_server, scene, open_context, name, lang):
    who, path = PARTICIPANT_PAGES[name]
    page = open_context(**PHONE).new_page()
    if who:
        page.context.add_cookies(participant_cookies(live_server, scene[who]))
    page.goto(live_server.url + path.format(**scene))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    if lang == "en":
        switch_to_english(page)
    if name.startswith("run"):
        wait_for_ack(page, "participant:join")
        expect(page.locator("section.question").first).to_be_visible()
    if name == "run":
        for question in ("categories", "goals", "topics", "needs", "fruits"):
            form = page.locator(f"section.question[data-question={question}] form.answer-form")
            expect(form).to_be_visible()
        expect(page.locator(".ideas .upvote-form button").first).to_be_visible()
        expect(page.locator(".live-results .bars").first).to_be_visible()
    if name == "run-points":
        expect(page.locator(".points-input")).to_have_count(8)
    if name == "board":
        expect(page.locator("#board-fruits .fruit-box")).to_have_count(4)
    assert_no_violations(page, live_server, f"{name} ({lang})")


def test_start_page_with_a_wrong_code_has_no_axe_violations(live_server, open_context):
    page = open_context(**PHONE).new_page()
    page.goto(live_server.url + "/")
    page.locator("input[name=code]").fill("ZZZZZZ")
    page.locator("main button[type=submit]").click()
    expect(page.locator("main .error")).to_be_visible()
    assert_no_violations(page, live_server, "start page with an error")


# --- the facilitator's laptop and the projector, in Norwegian --------------------------------

FACILITATOR_PAGES = {
    "login": "/facilitator/login",
    "console": "/facilitator/",
    "run-console": "/facilitator/runs/{code}",
    "template-preview": "/facilitator/templates/kontraktsoppfolging",
    "board": "/facilitator/runs/{code}/board",
    "plan-editor": "/facilitator/runs/{code}/plan",
    "projector-board": "/projector/{code}/board",
}


@pytest.mark.parametrize("name", list(FACILITATOR_PAGES))
def test_facilitator_pages_have_no_axe_violations(live_server, scene, open_context, name):
    page = open_context(**LAPTOP).new_page()
    if name != "login":
        page.context.add_cookies(participant_cookies(live_server, scene["facilitator"]))
    page.goto(live_server.url + FACILITATOR_PAGES[name].format(**scene))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    if name == "run-console":
        wait_for_ack(page, "screen:watch")
    if name in ("board", "projector-board"):
        wait_for_ack(page, "board:watch")  # and the board its answer drew is what is checked
    if name in ("board", "projector-board"):
        expect(page.locator("#board-fruits .fruit-box")).to_have_count(4)
    assert_no_violations(page, live_server, name)


@pytest.mark.parametrize("run, question", [("code", "goals"), ("code", "topics"), ("code", "needs"),
                                           ("code", "fruits"), ("points", "attention")])
def test_projector_has_no_axe_violations(live_server, scene, open_context, run, question):
    code = scene[run]
    facilitator_action(live_server, scene["facilitator"], code, f"questions/{question}/project")
    page = open_context(**LAPTOP).new_page()
    page.context.add_cookies(participant_cookies(live_server, scene["facilitator"]))
    page.goto(f"{live_server.url}/projector/{code}")
    wait_for_ack(page, "screen:watch")
    if question == "needs":
        expect(page.locator("#proj-cloud svg text").first).to_be_visible()
        expect(page.locator("#proj-entries li.idea").first).to_be_visible()
    elif question == "fruits":
        expect(page.locator("#proj-results")).to_be_visible()
    else:
        expect(page.locator("#proj-table tr").first).to_be_visible()
    assert_no_violations(page, live_server, f"projector ({question})")


# --- reflow: 320 CSS pixels wide --------------------------------------------------------------

@pytest.mark.parametrize("who, path", [(None, "/"), (None, "/j/{code}"), ("kari", "/r/{code}"),
                                       ("voter", "/r/{points}"), ("kari", "/r/{code}/board"),
                                       ("kari", "/r/{code}/plan")])
def test_phone_pages_reflow_at_320_css_pixels(live_server, scene, open_context, who, path):
    page = open_context(viewport={"width": 320, "height": 640}, device_scale_factor=2,
                        is_mobile=True, has_touch=True).new_page()
    if who:
        page.context.add_cookies(participant_cookies(live_server, scene[who]))
    page.goto(live_server.url + path.format(**scene))
    if path.startswith("/r/") and path.count("/") == 2:
        wait_for_ack(page, "participant:join")
    widths = page.evaluate("[document.documentElement.scrollWidth,"
                           " document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"sideways scrolling at 320 px on {path}: {widths}"
