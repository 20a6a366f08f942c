"""Every workshop file in questions/, rehearsed, on every screen, against the domain's figures.

For each workshop (not its .plan.yaml companion): `workshop rehearse` fills a run through the
same path as phones (a refused simulated answer stops it with a traceback), then headless
Chromium opens every screen: the projector with each question hidden and revealed, a
rehearsed participant's phone (as the page draws it, and again after a live push), the
board on the projector, the facilitator's laptop and a phone (the fruit board is its fruit
question's part, and the projector shows it when projected), and the plan with its print
view. Each screen must show no "NaN", "undefined", "null" or "[object Object]", and the
figures the domain computes (services.results.results, services.results.boards, the plan drafted from
them), read in this test process straight from the server's database.

The rows carry the option's key (data-key), so an option is found even when a written-in
text reads like one of the options. The test knows how each question type lays out each
screen (SCREENS below): a type added to the registry without its entry fails here.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from babel.numbers import format_decimal
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from workshop.domain.question_types import TYPES
from workshop.domain.questions import localize
from workshop.templates_io import list_template_files

from ..serverproc import ROOT, create_run, csrf_token, facilitator_action, facilitator_session, join_participant
from .test_phone_and_projector import mark_loaded, received, screenshot, wait_for_ack

pytestmark = pytest.mark.browser

QUESTIONS = os.path.join(ROOT, "questions")
WORKSHOPS = list_template_files(QUESTIONS)  # the workshops, not their .plan.yaml companions
PARTICIPANTS, GROUPS, SEED = 14, 4, 3
GROUP_PREFIX = "Bord"
LANG = "nb"  # the run's language, and the pages' (no language chosen in these browsers)
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
WAIT_S = 8.0  # for a screen to show what the domain computes (a push, a redraw)
PHOTOGRAPHED = "kontraktsoppfolging"  # its screens are photographed whole
BAD_WORDS = re.compile(r"(?<![\w])(NaN|undefined|null|\[object Object\])(?![\w])")


# --- the domain's side: an app of this process on the server's database --------------------

class Domain:
    """What the domain computes for a run, read from the live server's database; also the
    pages' words in the run's language (so the test holds no translations of its own)."""

    def __init__(self, app):
        self.app = app

    @contextmanager
    def run(self, code):
        from workshop import services
        from workshop.extensions import db

        with self.app.test_request_context("/"):
            try:
                yield services.runs.run_by_code(code)
            finally:
                db.session.remove()  # the next read sees the server's newest commits

    def results(self, code, question_id):
        from workshop import services

        with self.run(code) as run:
            return services.results.results(run, question_id, LANG)

    def questions(self, code):
        from workshop import services

        with self.run(code) as run:
            return services.runs.questions_of(run)

    def participants(self, code):
        from workshop import services

        with self.run(code) as run:
            return services.joining.participant_count(run)

    def answer_count(self, code, question_id):
        from workshop import services

        with self.run(code) as run:
            return services.votes.answer_count(run, question_id)

    def board(self, code):
        from workshop import presenter

        with self.run(code) as run:
            return presenter.board_page(run, controls=False)

    def fresh_plan_rows(self, code):
        """The plan as drafted from the current results (without storing it)."""
        from workshop import services
        from workshop.domain import plan as plan_domain

        with self.run(code) as run:
            suggestions = services.plan.plan_suggestions(run)
            if suggestions is None:
                return None
            return plan_domain.plan_rows(services.plan.draft_plan_goals(run), suggestions, run.language,
                                         services.plan.fruit_labels(run, suggestions, run.language))

    def plan_document(self, code):
        """What the plan page, its print and the Word file show of the stored plan."""
        from workshop import services

        with self.run(code) as run:
            return services.plan.plan_document(run)

    def participant(self, code, display_name):
        from sqlalchemy import select

        from workshop.extensions import db
        from workshop.models import Participant

        with self.run(code) as run:
            row = db.session.execute(select(Participant).filter_by(run_id=run.id, display_name=display_name)
                                     ).scalar_one()
            return row.token, row.group.name

    def phone_cookie(self, code, token, url):
        """The session cookie of a rehearsed participant's phone (signed with the server's key)."""
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        value = serializer.dumps({"participants": {code: token}, "_permanent": True})
        return {"name": self.app.config.get("SESSION_COOKIE_NAME", "session"), "value": value, "url": url}

    def word(self, message, **params):
        from flask_babel import force_locale, gettext

        with self.app.test_request_context("/"), force_locale(LANG):
            return gettext(message, **params)


@contextmanager
def domain_of(live_server, questions):
    """The Domain of a live server whose workshops are in the folder `questions`."""
    from workshop import create_app

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKSHOP_INSTANCE_PATH", live_server.env["WORKSHOP_INSTANCE_PATH"])
        app = create_app({
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": live_server.env["DATABASE_URL"],
            "SCHEMA_MANAGED_ELSEWHERE": True,  # the server's database, migrated by the server
            "SECRET_KEY": live_server.env["WORKSHOP_SECRET_KEY"],
            "QUESTIONS_DIR": questions,
        })
    yield Domain(app)
    from workshop.extensions import db

    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def domain(live_server):
    with domain_of(live_server, QUESTIONS) as found:
        yield found


# --- one rehearsed run per workshop file -------------------------------------------------

class Rehearsal:
    def __init__(self, server, facilitator, code, template):
        self.server, self.facilitator, self.code, self.template = server, facilitator, code, template
        self.url = server.url

    def act(self, question_id, action):
        facilitator_action(self.server, self.facilitator, self.code, f"questions/{question_id}/{action}")

    def post(self, path, data):
        page = self.facilitator.get(f"{self.url}/facilitator/runs/{self.code}", timeout=10)
        response = self.facilitator.post(f"{self.url}/facilitator/runs/{self.code}/{path}",
                                         data={**data, "csrf_token": csrf_token(page.text)}, timeout=10)
        assert response.ok, response.text[:500]

    def reveal_all(self):
        for question in self.template.questions:
            self.act(question.id, "reveal")


@pytest.fixture(scope="module", params=WORKSHOPS, ids=[w.name for w in WORKSHOPS])
def rehearsed(request, live_server, domain):
    workshop = request.param
    assert workshop.ok, f"{workshop.name} does not load: {workshop.problems}"
    facilitator = facilitator_session(live_server)
    code = create_run(live_server, facilitator, template=workshop.template.id)
    done = subprocess.run(
        [sys.executable, "-m", "workshop.cli", "rehearse", code, "--participants", str(PARTICIPANTS),
         "--groups", str(GROUPS), "--seed", str(SEED), "--group-prefix", GROUP_PREFIX],
        cwd=ROOT, env=live_server.env, capture_output=True, text=True, timeout=120)
    # A refused simulated answer stops the rehearsal with its AnswerError.
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert f"{PARTICIPANTS} simulated participants" in done.stdout, done.stdout
    for question in domain.questions(code):
        assert question.options or not question.items_from, f"{question.id} took no items"
        assert domain.answer_count(code, question.id) == PARTICIPANTS, \
            f"question {question.id}: not every simulated participant's answer was kept"
    return Rehearsal(live_server, facilitator, code, workshop.template)


@pytest.fixture
def big_screen(open_context, live_server):
    """The facilitator's laptop on a 1920x1080 projector, signed in."""
    def make():
        context = open_context(viewport=PROJECTOR)
        context.add_cookies([{"name": c.name, "value": c.value, "url": live_server.url}
                             for c in facilitator_session(live_server).cookies])
        return context.new_page()
    return make


@pytest.fixture
def small_phone(open_context):
    def make():
        context = open_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        return context.new_page()
    return make


# --- reading a page ----------------------------------------------------------------------

PAGE_TEXT = """() => {
  const parts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement.closest("script, style, noscript")) { parts.push(node.nodeValue); }
  }
  for (const el of document.body.querySelectorAll("*")) {
    for (const name of ["aria-label", "title", "alt", "placeholder", "value", "data-figure"]) {
      if (el.hasAttribute(name)) { parts.push(el.getAttribute(name)); }
    }
  }
  return parts.join("\\n");
}"""


def assert_no_broken_values(page, where):
    """No 'NaN', 'undefined', 'null' or '[object Object]' in what the page shows or names."""
    text = page.evaluate(PAGE_TEXT)
    found = sorted({m.group(1) for m in BAD_WORDS.finditer(text)})
    assert not found, f"{where}: the page shows {found}: " + " | ".join(
        line for line in text.splitlines() if BAD_WORDS.search(line))[:1500]


TEXT_OF = "const text = (n) => n ? n.textContent.replace(/\\s+/g, ' ').trim() : null;"
# A table cell's own text, without what only screen readers get.
SHOWN_OF = """const shown = (n) => { const c = n.cloneNode(true);
  c.querySelectorAll('.sr-only').forEach((s) => s.remove()); return text(c); };"""

READ_PROJECTOR = "() => {" + TEXT_OF + """
  const res = document.getElementById("proj-results");
  const chart = document.getElementById("proj-chart");
  return {
    question: text(document.getElementById("proj-question")),
    respondents: text(document.getElementById("proj-respondents")),
    count_label: text(document.getElementById("proj-count-label")),
    hidden: res.classList.contains("hidden-results"),
    results_text: text(res),
    table: [...res.querySelectorAll("#proj-table tr")].map((tr) => ({
      key: tr.dataset.key, label: text(tr.querySelector("th")),
      cells: [...tr.querySelectorAll("td")].map(text)})),
    chart: chart ? chart.getAttribute("aria-label") : null,
    cards: [...document.querySelectorAll("#proj-groups .group-card")].map((card) => ({
      title: text(card.querySelector("h3")), items: [...card.querySelectorAll("li")].map(text)})),
    groups: [...document.querySelectorAll("#proj-groups .group-option")].map((item) => ({
      key: item.dataset.key || "", label: text(item.querySelector("h3 > :last-child")), figure: text(item.querySelector(".num")),
      runs: [...item.querySelectorAll(".group-option-names")].map((run) => {
        const mark = run.previousElementSibling;
        return [mark && mark.classList.contains("group-option-mark") ? text(mark) : "",
                [...run.querySelectorAll(".group-table")].map((t) => t.dataset.name)];
      })})),
    boxes: [...res.querySelectorAll(".fruit-box")].map((box) => ({
      box: box.dataset.box, label: text(box.querySelector("h3")),
      items: [...box.querySelectorAll(":scope > ul > li:not(.fruit-goal-more)")].map((li) => ({
        key: li.dataset.key, text: text(li.querySelector(".fruit-goal-line"))})),
      reports: [...box.querySelectorAll(".fruit-report")].map(text)})),
    notes: [...res.querySelectorAll(":scope > p")].map(text),
    cloud: [...res.querySelectorAll("#proj-cloud svg text")].map((t) => [t.firstChild.nodeValue, text(t.querySelector("title"))]),
    entries: [...res.querySelectorAll("#proj-entries > li")].map(text),
    heat: [...res.querySelectorAll("#risk-heat td.risk-cell")].filter((td) => td.querySelector(".risk-badge"))
      .map((td) => ({l: +td.dataset.l, c: +td.dataset.c, items: [...td.querySelectorAll(".risk-badge")].map(text)})),
    risks: [...res.querySelectorAll("#risk-list > li")].map((li) => ({key: li.dataset.key, text: text(li)})),
    kinds: [...res.querySelectorAll(".benefit-kind")].map((sec) => ({kind: sec.dataset.kind,
      title: text(sec.querySelector("h2")), items: [...sec.querySelectorAll("li")].map((li) => ({
        text: text(li.querySelector("bdi")), meta: text(li.querySelector("bdi + span"))}))})),
  };
}"""

READ_PHONE = "() => {" + TEXT_OF + """
  return [...document.querySelectorAll("section.question")].map((s) => {
    const live = s.querySelector(".live-results");
    return {
      id: s.dataset.question,
      heading: text(live.querySelector("h3")),
      bars: [...live.querySelectorAll(".bar-row")].map((row) => ({
        key: row.dataset.key, label: text(row.querySelector(".bar-label")), value: text(row.querySelector(".bar-value")),
        bar: row.querySelector("progress").value})),
      fruit: [...live.querySelectorAll(".fruit-results li")].map((li) => ({key: li.dataset.key, text: text(li)})),
      entries: [...live.querySelectorAll(".entries li")].map(text),
      risks: [...live.querySelectorAll(".risk-results li")].map((li) => ({key: li.dataset.key, text: text(li)})),
      kinds: [...live.querySelectorAll(".benefit-kind")].map((sec) => ({kind: sec.dataset.kind,
        title: text(sec.querySelector("h4")), items: [...sec.querySelectorAll("li")].map((li) => ({
          text: text(li.querySelector("bdi")), meta: text(li.querySelector("bdi + span"))}))})),
      ideas: [...s.querySelectorAll(".ideas .idea-list > li")].map((li) => ({
        text: text(li.querySelector(".idea-text")), votes: text(li.querySelector(".idea-votes"))})),
      answered: !!s.querySelector(".answered"),
    };
  });
}"""

READ_BOARD = "() => {" + TEXT_OF + SHOWN_OF + """
  return [...document.querySelectorAll("section.board-question")].map((sec) => ({
    id: sec.id.replace(/^board-/, ""),
    title: text(sec.querySelector("h2")),
    sub: text(sec.querySelector(".board-sub")),
    head: [...sec.querySelectorAll(".board-table thead th")].map(shown).filter((h) => h),
    rows: [...sec.querySelectorAll(".board-table tbody tr")].map((tr) => ({
      key: tr.dataset.key, level: (tr.className.match(/level-(\\w+)/) || [])[1] || null,
      label: shown(tr.querySelector("th")),
      groups: text(tr.querySelector("td.num")),
      cells: [...tr.querySelectorAll("td[class^='cell-']")].map((td) => [td.className.replace(/^cell-/, ""), shown(td)])})),
    boxes: [...sec.querySelectorAll(".fruit-box")].map((box) => ({
      box: box.dataset.box,
      items: [...box.querySelectorAll(":scope > ul > li")].map((li) => ({
        key: li.dataset.key, label: text(li.querySelector("strong")), places: text(li.querySelector(".num")),
        divided: !!li.querySelector(":scope > .level-tag"),
        reports: [...li.querySelectorAll(".reports li")].map(text)}))})),
    split: text(sec.querySelector(".fruit-split")),
    ideas: [...sec.querySelectorAll(".board-ideas > li")].map((li) => ({
      votes: text(li.querySelector(".idea-votes")), text: text(li.querySelector(".idea-text"))})),
    heat: [...sec.querySelectorAll(".risk-heat td.risk-cell")].filter((td) => td.querySelector(".risk-badge"))
      .map((td) => ({l: +td.dataset.l, c: +td.dataset.c, items: [...td.querySelectorAll(".risk-badge")].map(text)})),
    risks: [...sec.querySelectorAll(".risk-table tbody tr")].map((tr) => ({
      key: tr.dataset.key, label: text(tr.querySelector("th")), cells: [...tr.querySelectorAll("td")].map(text)})),
    kinds: [...sec.querySelectorAll(".benefit-kind")].map((k) => ({kind: k.dataset.kind,
      title: text(k.querySelector("h3")), items: [...k.querySelectorAll("li")].map((li) => ({
        text: text(li.querySelector("bdi")), meta: text(li.querySelector(".benefit-meta"))}))})),
    cards: [...sec.querySelectorAll(".group-card")].map((card) => ({
      title: text(card.querySelector("h3")), entries: [...card.querySelectorAll(".entries > li bdi")].map(text)})),
  }));
}"""

READ_PLAN = "() => {" + TEXT_OF + """
  return [...document.querySelectorAll(".plan-doc .plan-goal")].map((goal) => ({
    title: text(goal.querySelector("h2")),
    fields: [...goal.querySelectorAll("dd")].map((dd) => dd.querySelector("li")
      ? [...dd.querySelectorAll("li")].map(text).join(" | ") : text(dd))}));
}"""


def photograph(rehearsed, page, output_path, name, whole=False):
    """A screenshot into the test's output directory; the whole page only for the bundled
    workshop (a long page takes a second or two)."""
    if not whole:
        screenshot(page, output_path, name)
    elif rehearsed.template.id == PHOTOGRAPHED:  # a phone's whole page is 50,000 pixels high
        screenshot(page, output_path, name, full_page=True, timeout=30_000)


def until_equal(read, expected, where, timeout=WAIT_S):
    """Until what the page shows (read()) equals what the domain computes (expected(), asked
    again each round: a push may follow a change); else fail with both."""
    deadline = time.monotonic() + timeout
    while True:
        shown, wanted = read(), expected()
        if shown == wanted:
            return shown
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    import pprint

    pytest.fail(f"{where}: the screen does not show what the domain computes.\n"
                f"shown:\n{pprint.pformat(shown, width=140)}\nexpected:\n{pprint.pformat(wanted, width=140)}",
                pytrace=False)


def assert_bars_as_long_as_their_figures(page, where):
    """Each bar on a phone is as long as the figure beside it: one scale for a question's bars."""
    for section in page.evaluate(READ_PHONE):
        bars = [(int(b["value"].split()[0]), b["bar"], b["label"]) for b in section["bars"]]
        if not bars:
            continue
        top_figure, top_bar, _ = max(bars)
        scale = top_bar / top_figure if top_figure else 0.0
        wrong = [(label, figure, bar) for figure, bar, label in bars if abs(bar - figure * scale) > 1e-4]
        assert not wrong, f"{where}, {section['id']}: bars not as long as their figures: {wrong}"


def percent(share):
    """As the renderers round a share (JavaScript's Math.round: halves up)."""
    return f"{math.floor(share * 100 + 0.5)} %"


# --- what each type shows on each screen ---------------------------------------------------

def _bars_phone(result, domain):
    written_in = domain.word("written in")
    unit = " " + domain.word("points") if result["unit"] else ""
    return {"bars": [{"key": o["key"], "label": o["label"] + (f" ({written_in})" if o.get("write_in") else ""),
                      "value": f"{o['figure']}{unit}", "bar": o["share"]} for o in result["options"]]}


def _bars_projector(cells, ordered=False, tie="tie"):
    def expected(result, domain):
        written_in = domain.word("written in")
        options = result["options"]
        labels = [o["label"] + (f" ({written_in})" if o.get("write_in") else "") for o in options]
        return {
            # one drawing per result: a row per option with its bar, no chart beside it
            "table": [{"key": o["key"], "label": label, "cells": cells(o, domain)}
                      for o, label in zip(options, labels)],
            "chart": None,
            **_projector_groups(result, domain, ordered, tie),
        }
    return expected


def _natural(name):
    """"Bord 2" before "Bord 10", as the projector sorts names."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)]


def _projector_groups(result, domain, ordered=False, tie="tie"):
    """The tables' answers: a card per table when the tables are fewer than the options they
    chose (and the tables with no answer most of them shared), else an item per option (the
    most tables first): how many tables of those that answered, and which, by the place they
    gave it (a ranking) and level ones last; then the tables with no shared answer. An item too
    long for a page goes on in the next one under the same option: merged here."""
    answering = [g for g in result["groups"] if g["respondents"]]
    tables, labels = {}, {}
    for g in answering:
        for place, a in enumerate(g["answer"], start=1):
            labels[a["key"]] = a["label"]
            tables.setdefault(a["key"], []).append((a["tie"], place if ordered else 0, g["name"]))
    none = sorted((g["name"] for g in answering if not g["answer"]), key=_natural)
    tie = domain.word(tie)  # the type's word for a table level on an option
    if len(answering) <= len(tables) + (1 if none else 0):
        return {"groups": [], "cards": [
            {"title": f"{g['name']} ({g['respondents']})",
             "items": [a["label"] + (f" ({tie})" if a["tie"] else "") for a in g["answer"]]} for g in answering]}
    order = [o["key"] for o in result["options"]]
    items = []
    for key in sorted(tables, key=lambda k: (-len(tables[k]), order.index(k))):
        runs = []
        for is_tie, place, name in sorted(tables[key], key=lambda x: (x[0], x[1], _natural(x[2]))):
            mark = tie if is_tie else f"{place}." if place else ""
            if not runs or runs[-1][0] != mark:
                runs.append([mark, []])
            runs[-1][1].append(name)
        items.append({"key": key, "label": labels[key], "figure": f"{len(tables[key])}/{len(answering)} "
                      + domain.word("tables"), "runs": runs})
    if none:
        items.append({"key": "", "label": domain.word("No answer shared by most of the table"),
                      "figure": f"{len(none)}/{len(answering)} " + domain.word("tables"), "runs": [["", none]]})
    return {"groups": items, "cards": []}


def _merged_groups(items):
    """The projector's option items, those that go on in the next one merged into one."""
    merged = []
    for item in items:
        if merged and merged[-1]["key"] == item["key"] and merged[-1]["label"] == item["label"]:
            for mark, names in item["runs"]:
                if merged[-1]["runs"] and merged[-1]["runs"][-1][0] == mark:
                    merged[-1]["runs"][-1][1].extend(names)
                else:
                    merged[-1]["runs"].append([mark, names])
        else:
            merged.append({**item, "runs": [[mark, list(names)] for mark, names in item["runs"]]})
    return merged


def _options_board(board, domain):
    """The table of options: each group's cell, and how many groups chose the option."""
    words = {"": "", "agreed": domain.word("Most agree"), "split": domain.word("Divided"), "few": ""}
    written_in = domain.word("written in")
    count = len(board["groups"])
    return {
        "head": [domain.word("Answer"), domain.word("Groups"), *board["groups"]],
        "rows": [{"key": r["key"], "level": r["level"],
                  "label": r["label"] + (f" ({written_in})" if r["write_in"] else "")
                  + (f" {words[r['level']]}" if words[r["level"]] else ""),
                  "groups": f"{r['groups_choosing']}/{count}",
                  "cells": [[c["kind"] or "none", c["shown"]] for c in r["cells"]]}
                 for r in board["rows"]],
    }


def _fruit_projector(result, domain):
    """Each goal in its box (the level ones in a box of their own), its figures first, and
    under it its first three "how/what to report" lines, the table first."""
    divided, level = domain.word("Divided"), domain.word("No single fruit (votes level)")

    def reports(goals):
        return [f"↳ {r['group']}: {r['text']}" for o in goals for r in o["reports"][:3]]

    boxes = []
    for q in result["quadrants"]:
        goals = [o for o in result["options"] if o["place"] == q["id"]]
        boxes.append({"box": q["id"], "label": q["label"], "items": [
            {"key": o["key"], "text": f"{o['places'][q['id']]}/{o['count']} " + (f"{divided} " if o["divided"] else "")
             + o["label"]} for o in goals], "reports": reports(goals)})
    tied = [o for o in result["options"] if o["tie"]]
    if tied:
        boxes.append({"box": "level", "label": level, "items": [{"key": o["key"], "text": o["label"]} for o in tied],
                      "reports": reports(tied)})
    return {
        "boxes": boxes,
        "notes": ["↳ " + domain.word("How / what to report")] if any(o["reports"] for o in result["options"]) else [],
        # the board is the one drawing; each table's placing is on the board page
        "groups": [], "cards": [],
    }


def _fruit_phone(result, domain):
    level = domain.word("No single fruit (votes level)")
    return {"fruit": [{"key": o["key"], "text": f"{o['label']}: {o['place_label'] or level} "
                       f"({o['agreement_percent']} %)"} for o in result["options"] if o["count"]]}


def _fruit_board(board, domain):
    level = domain.word("No single fruit (votes level)")
    return {
        "boxes": [{"box": box["id"], "items": [
            {"key": i["key"], "label": i["label"], "places": f"{i['places'][box['id']]}/{i['count']}",
             "divided": i["divided"], "reports": [f"{r['text']} — {r['group']}" for r in i["reports"]]}
            for i in box["items"]]} for box in board["boxes"]],
        "split": f"{level}: " + ", ".join(i["label"] for i in board["split_items"]) if board["split_items"] else None,
    }


def _text_projector(result, domain):
    answered = domain.word("answered")
    # The cloud's words: checked by assert_cloud_is_the_domains (the projector keeps the most
    # frequent ones that fit at a readable size).
    expected = {}
    if "ideas" in result:
        expected["entries"] = [f"{i['votes']} ▲ {i['text']} — {i['group']}"
                               + (f" · {answered}" if i["answered"] else "") for i in result["ideas"]]
    else:  # every text, the newest first (a hall's beyond the projector's pages: test_projector_long_lists)
        expected["entries"] = [f"{e['text']} — {e['group']}" for e in result["entries"]]
    return expected


def _text_phone(result, domain):
    return {"entries": [f"{e['text']} — {e['group']}" for e in result["entries"][:30]]}


def _text_board(board, domain):
    if "ideas" in board:
        return {"ideas": [{"votes": f"{i['votes']} ▲", "text": i["text"]} for i in board["ideas"]]}
    return {"cards": [{"title": g["group"], "entries": [e["text"] for e in g["entries"]]} for g in board["by_group"]]}


def _risk_line(o, domain):
    return (f"{o['cell'][0]} × {o['cell'][1]} = {o['score']}", f"{o['agreement_percent']} %",
            domain.word("of the tables"), f" {domain.word('Divided')}" if o["divided"] else "")


def _risk_heat(cells):
    return [{"l": lk, "c": c, "items": [str(i["number"]) for i in items]} for lk, c, items in cells if items]


def _risk_projector(result, domain):
    by_key = {o["key"]: o for o in result["options"]}
    rated = [o for o in result["options"] if o["tables"]]
    risks = []
    for key in result["ranked"]:
        o = by_key[key]
        cell, share, tables, divided = _risk_line(o, domain)
        risks.append({"key": key, "text": f"{o['number']} {o['label']} {cell} · {share} {tables}{divided}"})
    return {"heat": _risk_heat([(lk, c, [o for o in rated if o["cell"] == [lk, c]])
                                for lk in (5, 4, 3, 2, 1) for c in (1, 2, 3, 4, 5)]), "risks": risks}


def _risk_phone(result, domain):
    risks = []
    for o in result["options"]:
        if o["tables"]:
            cell, share, tables, divided = _risk_line(o, domain)
            risks.append({"key": o["key"], "text": f"{o['number']}. {o['label']}: {cell} ({share} {tables})"
                          + (f" · {domain.word('Divided')}" if o["divided"] else "")})
    return {"risks": risks}


def _risk_board(board, domain):
    return {
        "heat": _risk_heat([(row["likelihood"], c["consequence"], c["items"]) for row in board["heat"]
                            for c in row["cells"]]),
        "risks": [{"key": r["key"], "label": f"{r['number']} {r['label']}" + _risk_line(r, domain)[3],
                   "cells": [_risk_line(r, domain)[0], _risk_line(r, domain)[1], *r["cells"]]} for r in board["rows"]],
    }


def _benefit_kinds(kinds, meta):
    return [{"kind": k["id"], "title": f"{k['label']} ({len(k['benefits'])})",
             "items": [{"text": b["text"], "meta": meta.format(**b)} for b in k["benefits"]]}
            for k in kinds]


BENEFIT_META = "{goal} · {owner_label} · {group}"


def _benefits_projector(result, domain):
    # every benefit, the newest first (paged); who owns it and the table first, the goal last:
    # a long goal's name is what the big screen cuts
    return {"kinds": [{"kind": k["id"], "title": f"{k['label']} ({len(k['benefits'])})",
                       "items": [{"text": f"{b['owner_label']} · {b['group']}: {b['text']}", "meta": f"— {b['goal']}"}
                                 for b in k["benefits"][::-1]]} for k in result["kinds"]]}


def _benefits_phone(result, domain):
    return {"kinds": _benefit_kinds(result["kinds"], "— " + BENEFIT_META)}


def _benefits_board(board, domain):
    return {"kinds": _benefit_kinds(board["kinds"], BENEFIT_META)}


# Per type: what the projector, the phone and the board show of the domain's result/board.
SCREENS = {
    # a table's answer is what more than half of it chose: exactly half is "½ table"
    "choice": {"projector": _bars_projector(lambda o, d: [str(o["count"]), percent(o["share"])], tie="½ table"),
               "phone": _bars_phone, "board": _options_board},
    "ranked": {"projector": _bars_projector(lambda o, d: [f"{o['score']} {d.word('points')}",
                                                          f"{o['first']} {d.word('first places')}"], ordered=True),
               "phone": _bars_phone, "board": _options_board},
    "points": {"projector": _bars_projector(lambda o, d: [f"{o['points_total']} {d.word('points')}",
                                                          f"Ø {format_decimal(o['points_mean'], locale=LANG)}"]),
               "phone": _bars_phone, "board": _options_board},
    "fruit": {"projector": _fruit_projector, "phone": _fruit_phone, "board": _fruit_board},
    "text": {"projector": _text_projector, "phone": _text_phone, "board": _text_board},
    "risk": {"projector": _risk_projector, "phone": _risk_phone, "board": _risk_board},
    "benefits": {"projector": _benefits_projector, "phone": _benefits_phone, "board": _benefits_board},
}


def test_every_question_type_has_its_screen_checks():
    assert set(SCREENS) == set(TYPES), "a question type without screen checks here, or checks for no type"


def only(shown, wanted):
    """What the page shows of the keys the expectation has."""
    return {key: shown.get(key) for key in wanted}


# --- the screens ----------------------------------------------------------------------------

def test_projector_shows_each_question_hidden_then_revealed(rehearsed, domain, big_screen, output_path):
    page = big_screen()
    page.goto(f"{rehearsed.url}/projector/{rehearsed.code}")
    wait_for_ack(page, "screen:watch")
    mark_loaded(page)
    for number, question in enumerate(domain.questions(rehearsed.code), start=1):
        check_projected(page, rehearsed, domain, question)
        photograph(rehearsed, page, output_path, f"projector-{number}-{question.id}.png")
    assert page.evaluate("window.__sameDocument === true"), "the projector reloaded"


def check_projected(page, rehearsed, domain, question):
    """The question on the projector: hidden (how many answered, of how many, nothing of
    what), then revealed (its type's results as the domain computed them), live."""
    code = rehearsed.code
    rehearsed.act(question.id, "hide")
    rehearsed.act(question.id, "project")
    expect(page.locator("#proj-question")).to_have_text(localize(question.text, LANG))

    expect(page.locator("#proj-results")).to_have_class(re.compile(r"\bhidden-results\b"))
    count_label = " ".join([domain.word("answers"), domain.word("of"), "{}", domain.word("participants")])
    until_equal(lambda: only(page.evaluate(READ_PROJECTOR), ["respondents", "count_label", "results_text"]),
                lambda: {"respondents": str(domain.answer_count(code, question.id)),
                         "count_label": count_label.format(domain.participants(code)),
                         "results_text": domain.word("Results are hidden until the facilitator reveals them.")},
                f"projector, {question.id} hidden")
    assert_no_broken_values(page, f"projector, {question.id} hidden")

    rehearsed.act(question.id, "reveal")
    expect(page.locator("#proj-results")).not_to_have_class(re.compile(r"\bhidden-results\b"))
    expected_of = SCREENS[question.type]["projector"]

    def expected():
        result = domain.results(code, question.id)
        return {"respondents": str(result["respondents"]), **expected_of(result, domain)}

    def shown():
        return only(read_projector(page), wanted)

    wanted = expected()
    until_equal(shown, expected, f"projector, {question.id} revealed")
    assert_no_broken_values(page, f"projector, {question.id} revealed")
    if question.type == "text":
        assert_cloud_is_the_domains(page, domain.results(code, question.id), question.id)


def read_projector(page):
    """What the projector shows of a question's results, on every page of its lists."""
    read = page.evaluate(READ_PROJECTOR)
    read["groups"] = _merged_groups(read["groups"])
    return read


def assert_cloud_is_the_domains(page, result, where):
    """The word cloud on the projector: the domain's most frequent terms, in its order and with
    its counts; fewer words rather than words too small for the back row (at least three)."""
    terms = [[t["term"], f"{t['term']}: {t['count']}"] for t in result.get("cloud", [])]
    shown = page.evaluate(READ_PROJECTOR)["cloud"]
    assert shown == terms[:len(shown)] and len(shown) >= min(3, len(terms)), (where, shown, terms)


def test_phone_shows_the_domain_results_on_load_and_after_a_push(rehearsed, domain, small_phone, output_path):
    code, url = rehearsed.code, rehearsed.url
    rehearsed.reveal_all()
    questions = domain.questions(code)
    results_word, answers_word = domain.word("Results"), domain.word("answers")

    def expected():
        sections = []
        for question in questions:
            result = domain.results(code, question.id)
            section = {"id": question.id, "heading": f"{results_word} ({result['respondents']} {answers_word})",
                       "bars": [], "fruit": [], "entries": [], "risks": [], "kinds": []}
            section.update(SCREENS[question.type]["phone"](result, domain))
            if question.upvotes:
                section["ideas"] = [{"text": i["text"], "votes": f"{i['votes']} ▲"} for i in result["ideas"][:30]]
            sections.append(section)
        return sections

    def shown():
        sections = page.evaluate(READ_PHONE)
        for section, question in zip(sections, questions):
            section.pop("answered")
            if not question.upvotes:
                section.pop("ideas")
        return sections

    # A rehearsed participant: their answers in the forms, the room's results under them.
    token, group = domain.participant(code, "Sim 1")
    page = small_phone()
    page.context.add_cookies([domain.phone_cookie(code, token, url)])
    page.goto(f"{url}/r/{code}")
    expect(page.locator(".who")).to_contain_text(group)
    wait_for_ack(page, "participant:join")
    mark_loaded(page)
    assert all(s["answered"] for s in page.evaluate(READ_PHONE)), "a rehearsed answer is not marked answered"
    until_equal(shown, expected, "phone, as the page drew it")
    assert_bars_as_long_as_their_figures(page, "phone, as the page drew it")
    assert_no_broken_values(page, "phone, as the page drew it")
    photograph(rehearsed, page, output_path, "phone-top.png")
    photograph(rehearsed, page, output_path, "phone-full.png", whole=True)

    # The participant sends every answer again as the form shows it: the server accepts it
    # (the form was refilled right) and every phone gets the results pushed, drawn by the
    # type's script this time.
    page.evaluate("document.querySelectorAll('.live-results').forEach((box) => "
                  "box.appendChild(document.createElement('i')).className = 'drawn-by-page')")
    pushes = received(page, "results")
    for question in questions:
        form = page.locator(f"form.answer-form[data-question='{question.id}']")
        form.locator("button[type=submit]").click()
        expect(form.locator(".form-message")).to_have_class(re.compile(r"\bok\b"))
    expect(page.locator(".live-results .drawn-by-page")).to_have_count(0, timeout=WAIT_S * 1000)
    assert received(page, "results") > pushes
    until_equal(shown, expected, "phone, after a live push")
    assert_bars_as_long_as_their_figures(page, "phone, after a live push")
    assert_no_broken_values(page, "phone, after a live push")
    assert page.evaluate("window.__sameDocument === true"), "the phone reloaded"
    photograph(rehearsed, page, output_path, "phone-after-push.png", whole=True)

    # Someone joining now, at a table of the rehearsal: the open forms, the same results.
    newcomer = small_phone()
    session = join_participant(rehearsed.server, code, group, "Ny")
    newcomer.context.add_cookies([{"name": c.name, "value": c.value, "url": url} for c in session.cookies])
    newcomer.goto(f"{url}/r/{code}")
    page = newcomer
    until_equal(shown, expected, "a new joiner's phone")
    assert not any(s["answered"] for s in page.evaluate(READ_PHONE))
    assert_no_broken_values(page, "a new joiner's phone")
    photograph(rehearsed, page, output_path, "phone-new-joiner.png")


def _expected_board(domain, code):
    def expected():
        board = domain.board(code)
        answers_word, groups_word = domain.word("answers"), domain.word("groups")
        sections = []
        for q in board["questions"]:
            section = {"id": q["question"], "title": f"{q['number']}. {q['short']}",
                       "sub": f"{q['text']} · {q['respondents']} {answers_word} · {q['group_count']} {groups_word}"}
            section.update(SCREENS[q["type"]]["board"](q, domain))
            sections.append(section)
        return sections
    return expected


def _shown_board(page, expected):
    def shown():
        wanted = {s["id"]: s for s in expected()}
        return [only(s, wanted.get(s["id"], {"id": None})) for s in page.evaluate(READ_BOARD)]
    return shown


def open_board(page, address):
    """A board page, once its watch is answered with the board as it is now (the server's
    push, drawn by board.js): what is checked is also what a push redraws."""
    page.goto(address)
    page.wait_for_function("() => window.__probe && window.__probe.acks.includes('board:watch')")
    page.wait_for_timeout(200)  # the answer's board replaces the page's


def test_boards_show_the_groups_answers_as_the_domain_lays_them_out(
        rehearsed, domain, big_screen, small_phone, output_path):
    code, url = rehearsed.code, rehearsed.url
    expected = _expected_board(domain, code)

    screen = big_screen()
    open_board(screen, f"{url}/projector/{code}/board")
    until_equal(_shown_board(screen, expected), expected, "the board on the projector")
    assert_no_broken_values(screen, "the board on the projector")
    photograph(rehearsed, screen, output_path, "board-projector.png")
    photograph(rehearsed, screen, output_path, "board-projector-full.png", whole=True)
    fruit = [q for q in rehearsed.template.questions if q.type == "fruit"]
    for question in fruit:  # the fruit board, on its own (redrawn by a push: try again then)
        for attempt in range(3):
            try:
                screen.locator(f"#board-{question.id}").screenshot(
                    path=os.path.join(output_path, f"fruit-board-{question.id}.png"))
                break
            except PlaywrightError:
                if attempt == 2:
                    raise

    laptop = screen.context.new_page()  # the facilitator's board, with its controls
    open_board(laptop, f"{url}/facilitator/runs/{code}/board")
    until_equal(_shown_board(laptop, expected), expected, "the facilitator's board")
    assert_no_broken_values(laptop, "the facilitator's board")
    photograph(rehearsed, laptop, output_path, "board-facilitator-full.png", whole=True)

    # Shared: a phone gets the same board.
    rehearsed.post("board/share", {"on": "1"})
    token, _ = domain.participant(code, "Sim 2")
    phone = small_phone()
    phone.context.add_cookies([domain.phone_cookie(code, token, url)])
    open_board(phone, f"{url}/r/{code}/board")
    until_equal(_shown_board(phone, expected), expected, "the board on a phone")
    assert_no_broken_values(phone, "the board on a phone")
    photograph(rehearsed, phone, output_path, "board-phone-full.png", whole=True)


def test_plan_and_its_print_view_are_drafted_from_the_domain_results(rehearsed, domain, big_screen, small_phone,
                                                                     output_path):
    code, url = rehearsed.code, rehearsed.url
    rows = domain.fresh_plan_rows(code)
    laptop = big_screen()
    response = laptop.goto(f"{url}/facilitator/runs/{code}/plan")
    if rows is None:  # a workshop without plan suggestions has no plan: said so, not a failure
        assert response.status == 404
        expect(laptop.locator("main")).to_contain_text(domain.word("This workshop has no plan suggestions."))
        assert_no_broken_values(laptop, "the plan page of a workshop without a plan")
        rehearsed.post("board/share", {"on": "1"})
        phone = small_phone()
        token, _ = domain.participant(code, "Sim 3")
        phone.context.add_cookies([domain.phone_cookie(code, token, url)])
        assert phone.goto(f"{url}/r/{code}/plan").status == 404
        assert_no_broken_values(phone, "a phone's plan page of a workshop without a plan")
        return

    # The plan page drafts the plan from the results when first opened: the document it shows
    # (the same payload as the print and the Word file) must hold the fresh draft's goals.
    document = domain.plan_document(code)
    assert [g["heading"] for g in document["goals"]] == [f"{r['number']}. {r['goal']}" for r in rows]
    wanted = [{"title": goal["heading"],
               "fields": [" | ".join(f["items"]) if f.get("items") else (f.get("text") or "—")
                          for f in goal["fields"]]} for goal in document["goals"]]
    assert wanted, "the plan has no goals although the room chose some"
    assert laptop.evaluate(READ_PLAN) == wanted
    assert_no_broken_values(laptop, "the plan")
    photograph(rehearsed, laptop, output_path, "plan-facilitator-full.png", whole=True)

    # The print view: only the plan document, the same goals.
    laptop.emulate_media(media="print")
    expect(laptop.locator(".plan-doc")).to_be_visible()
    expect(laptop.locator(".plan-form")).to_be_hidden()
    assert laptop.evaluate(READ_PLAN) == wanted
    assert_no_broken_values(laptop, "the plan's print view")
    photograph(rehearsed, laptop, output_path, "plan-print.png", whole=True)

    # Shared with the board: a phone opens the plan, and prints it.
    rehearsed.post("board/share", {"on": "1"})
    phone = small_phone()
    token, _ = domain.participant(code, "Sim 3")
    phone.context.add_cookies([domain.phone_cookie(code, token, url)])
    phone.goto(f"{url}/r/{code}/plan")
    assert phone.evaluate(READ_PLAN) == wanted
    assert_no_broken_values(phone, "the plan on a phone")
    phone.emulate_media(media="print")
    expect(phone.locator(".print-button")).to_be_hidden()
    assert phone.evaluate(READ_PLAN) == wanted
    photograph(rehearsed, phone, output_path, "plan-phone-print.png", whole=True)


def test_the_consoles_rehearse_button_fills_every_question(rehearsed, domain, big_screen):
    """The facilitator's own way: preview the workshop, start a run, press Rehearse (the server
    rehearses in the background); the console counts every simulated answer as it comes."""
    server, facilitator = rehearsed.server, rehearsed.facilitator
    page = big_screen()
    page.goto(f"{server.url}/facilitator/templates/{rehearsed.template.id}")
    expect(page.locator("section.question")).to_have_count(len(rehearsed.template.questions))
    assert_no_broken_values(page, "the workshop's preview")

    code = create_run(server, facilitator, template=rehearsed.template.id)
    page.goto(f"{server.url}/facilitator/runs/{code}")
    wait_for_ack(page, "screen:watch")
    form = page.locator("form[action$='/rehearse']")
    for field, value in (("participants", "6"), ("groups", "2"), ("delay", "0")):
        form.locator(f"#rehearse-{field}").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash-ok")).to_be_visible()
    counts = page.locator("#console .answer-count")
    expect(counts).to_have_count(len(rehearsed.template.questions))
    # Every question, the fruit board's last (opened once the others are answered).
    expect(counts).to_have_text(["6"] * len(rehearsed.template.questions), timeout=WAIT_S * 2000)
    assert [domain.answer_count(code, q.id) for q in rehearsed.template.questions] == \
        [6] * len(rehearsed.template.questions)
    assert_no_broken_values(page, "the console after a rehearsal")
