"""Every question type with 5 and with 20 long options fits the projector, hidden and revealed.

The test writes two workshops into a questions folder of its own (every type: choice, ranked,
points, free text with a word cloud and with upvoted ideas, the fruit board, the risk matrix
from items_from, the benefits map; options of 60 to 90 characters in Norwegian, a long
compound word among them), rehearses each with a hall (100 participants at 50 tables), and
puts every question on a 1920x1080 and a 1280x720 projector at once, hidden, then revealed:
each is measured with test_projector_fit's FIT (no scrollbar, nothing outside the screen, no
item cut by its page, type at the back row's minimums). The bundled follow-up meeting, whose
heat map did not fit 720p, is rehearsed with 2 and with 50 tables and measured the same way.

WORKSHOP_PROJECTOR_SHOTS=folder keeps a screenshot of every revealed question at both sizes.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
import yaml
from playwright.sync_api import expect

from workshop.domain.questions import localize
from workshop.templates_io import find_template, load_template_file

from ..serverproc import ROOT, create_run, facilitator_session, running_server
from .test_every_workshop_every_screen import SCREENS as TYPE_SCREENS
from .test_every_workshop_every_screen import assert_no_broken_values, domain_of, only, read_projector
from .test_phone_and_projector import screenshot
from .test_projector_fit import FIT, SCREENS, SHOTS, Facilitator, rehearse

pytestmark = pytest.mark.browser

# Goals as a municipality writes them: long, with æ, ø and å, one long compound word.
LABELS = [
    ("Sikre at leverandøren følger opp lønns- og arbeidsvilkår hos alle underleverandører",
     "Make sure the supplier follows up pay and working conditions at every subcontractor"),
    ("Redusere matsvinn i kantiner, barnehager og på sykehjem gjennom bedre bestillingsrutiner",
     "Reduce food waste in canteens, kindergartens and care homes through better ordering"),
    ("Øke andelen fossilfrie kjøretøy i alle transportoppdrag innen utgangen av året",
     "Raise the share of fossil-free vehicles in all transport assignments by year end"),
    ("Faste statusmøter med leverandøren hvert kvartal, med referat og oppfølgingspunkter",
     "Regular status meetings with the supplier every quarter, with minutes and actions"),
    ("Måle tilfredsheten hos ansatte og innbyggere som faktisk bruker tjenesten",
     "Measure the satisfaction of the staff and residents who actually use the service"),
    ("Leverandørutviklingsprogrammet for småbedrifter i regionen",
     "The supplier development programme for small businesses in the region"),
    ("Bedre kontroll på fakturaer, rabatter og prisjusteringer gjennom hele avtaleperioden",
     "Better control of invoices, discounts and price adjustments over the whole contract"),
    ("Vurdere opsjoner og forlengelser i god tid før avtalen løper ut",
     "Consider options and extensions well before the contract runs out"),
    ("Styrke kompetansen til kontraktsforvalterne på kontraktsrett og oppfølging",
     "Strengthen the contract managers' knowledge of contract law and follow-up"),
    ("Ombruk av møbler og IT-utstyr før noe nytt kjøpes inn",
     "Reuse furniture and IT equipment before anything new is bought"),
    ("Lærlinger i kontrakter over terskelverdien, fulgt opp hvert halvår",
     "Apprentices in contracts above the threshold, followed up every six months"),
    ("Trygg håndtering av personopplysninger hos leverandør og underleverandører",
     "Safe handling of personal data at the supplier and its subcontractors"),
    ("Universell utforming av de digitale løsningene som innbyggerne skal bruke",
     "Universal design of the digital services that residents are to use"),
    ("Færre nødinnkjøp utenfor avtale gjennom bedre planlegging av behovene",
     "Fewer emergency purchases outside the contract through better planning of needs"),
    ("Små og lokale leverandører får en reell mulighet til å levere på våre avtaler",
     "Small and local suppliers get a real chance to deliver on our contracts"),
    ("Klare sanksjoner ved mislighold, som faktisk blir brukt når det trengs",
     "Clear sanctions for breach, actually used when they are needed"),
    ("Rapportering av klimagassutslipp fra leveransene, i tonn CO₂-ekvivalenter per år",
     "Reporting of greenhouse gas emissions from the deliveries, in tonnes CO₂e a year"),
    ("Sikre leveransene ved kriser, streik eller svikt i forsyningskjeden",
     "Secure deliveries in crises, strikes or a failing supply chain"),
    ("Prøve ut nye løsninger sammen med leverandøren i løpet av avtaleperioden",
     "Try out new solutions together with the supplier during the contract"),
    ("Økt andel økologisk og sesongbasert mat i skoler, barnehager og på sykehjem",
     "More organic and seasonal food in schools, kindergartens and care homes"),
]
QUESTIONS = ["valg", "rangering", "poeng", "tekst", "ideer", "frukt", "risiko", "gevinster"]
HALL = (100, 50)  # participants, tables


def both(nb: str, en: str) -> dict:
    return {"nb": nb, "en": en}


FRUIT_BOXES = [
    {"id": "low", "label": both("Lavthengende frukt", "Low-hanging fruit"),
     "prompt": both("Enkle å nå, gir raske gevinster", "Easy to reach, quick gains")},
    {"id": "high", "label": both("Høythengende frukt", "High-hanging fruit"),
     "prompt": both("Ambisiøse mål som krever innsats over tid", "Ambitious goals that take effort over time")},
    {"id": "windfall", "label": both("Nedfallsfrukt", "Windfall"),
     "prompt": both("Mål som ikke lenger gir mening i kontrakten, og som vi slutter med",
                    "Goals that no longer make sense in the contract, which we stop pursuing")},
    {"id": "exotic", "label": both("Eksotisk frukt", "Exotic fruit"),
     "prompt": both("Ny målkunnskap gjennom dialog med leverandøren", "New knowledge of goals through dialogue with the supplier")},
]


def long_workshop(n: int) -> dict:
    """A workshop whose every question type has `n` long options (or items, or entries)."""
    def options():  # a list of its own for each question: a shared one is dumped as a YAML alias
        return [{"id": f"mal{i + 1}", "label": both(*LABELS[i])} for i in range(n)]

    return {
        "id": f"lange-lister-{n}",
        "title": both(f"Lange lister med {n} valg", f"Long lists with {n} options"),
        "questions": [
            {"id": "valg", "type": "choice", "max": 3, "write_in": True, "options": options(),
             "text": both("Hvilke av de strategiske målene er viktigst for kontraktene deres det neste året? "
                          "Velg inntil tre, og skriv gjerne inn et eget mål.",
                          "Which of the strategic goals matter most for your contracts next year? "
                          "Choose up to three, and write in a goal of your own if you like.")},
            {"id": "rangering", "type": "ranked", "ranks": 3, "options": options(),
             "text": both("Hvilke tre mål skal dere følge opp først i kontraktene? Ranger dem, det viktigste først.",
                          "Which three goals will you follow up first in the contracts? Rank them, most important first.")},
            {"id": "poeng", "type": "points", "budget": 100, "options": options(),
             "text": both("Fordel 100 poeng på målene etter hvor mye oppmerksomhet de trenger i oppfølgingen.",
                          "Spread 100 points over the goals by how much attention they need in the follow-up.")},
            {"id": "tekst", "type": "text", "cloud": True, "max_entries": min(n, 3),
             "text": both("Hva er den største hindringen for god kontraktsoppfølging hos dere i dag?",
                          "What is the greatest obstacle to good contract follow-up where you work today?")},
            {"id": "ideer", "type": "text", "upvotes": True, "max_entries": min(n, 2),
             "text": both("Hvilke tiltak bør kommunen prøve ut først? Stem fram de beste forslagene.",
                          "Which measures should the municipality try first? Vote up the best ideas.")},
            {"id": "frukt", "type": "fruit", "items_from": "valg", "top": n,
             "report_prompt": both("Hvordan og hva skal leverandøren rapportere?", "How and what will the supplier report?"),
             "text": both("Hvilken frukt er hvert mål? Legg målene i kurvene, og skriv hvordan leverandøren skal rapportere.",
                          "Which fruit is each goal? Put the goals in the baskets, and write how the supplier will report."),
             "quadrants": FRUIT_BOXES[:3 if n <= 5 else 4]},  # three boxes in a row, and 2x2
            {"id": "risiko", "type": "risk", "items_from": "valg", "top": n,
             "text": both("Hvor sannsynlig er det at kontrakten ikke gir det vi ville (1–5), og hvor alvorlig blir det da (1–5)?",
                          "How likely is it that the contract does not deliver what we wanted (1–5), and how serious would it be (1–5)?")},
            {"id": "gevinster", "type": "benefits", "max_entries": 3, "options": options(),
             "text": both("Gevinstkart: hvilken gevinst skal målet gi, hva slags gevinst er det, og hvilken rolle eier den?",
                          "Benefits map: what benefit is the goal to give, what kind is it, and which role owns it?"),
             "kinds": [{"id": "kroner", "label": both("Effektivisering i kroner", "Efficiency in kroner")},
                       {"id": "quality", "label": both("Kvalitet", "Quality")},
                       {"id": "others", "label": both("Gevinst for andre", "Gains for other parties")}],
             "roles": [{"id": "owner", "label": both("Budsjett-/avtaleeier", "Budget/contract owner")},
                       {"id": "buyer", "label": both("Innkjøper", "Purchaser")},
                       {"id": "contract_manager", "label": both("Kontraktsforvalter", "Contract manager")},
                       {"id": "subject_lead", "label": both("Fagansvarlig", "Subject-matter lead")}]},
        ],
    }


# Each rehearsed run: (workshop id, participants, tables).
ROOMS = {"5-options": ("lange-lister-5", *HALL), "20-options": ("lange-lister-20", *HALL),
         "followup-2-tables": ("oppfolgingsmote-3-mnd", 4, 2), "followup-50-tables": ("oppfolgingsmote-3-mnd", *HALL)}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The server with a questions folder of its own: the two long workshops (each checked as
    the console would) and the bundled follow-up meeting."""
    folder = tmp_path_factory.mktemp("questions")
    for n in (5, 20):
        path = folder / f"lange-lister-{n}.yaml"
        path.write_text(yaml.safe_dump(long_workshop(n), allow_unicode=True, sort_keys=False), encoding="utf-8")
        checked = load_template_file(str(path))
        assert checked.ok, [problem.render(str) for problem in checked.problems]
    shutil.copy(os.path.join(ROOT, "questions", "oppfolgingsmote-3-mnd.yaml"), folder)
    with running_server(tmp_path_factory.mktemp("long-lists-server"),
                        extra_env={"WORKSHOP_JOIN_ADDRESSES": "192.0.2.10", "WORKSHOP_QUESTIONS_DIR": str(folder)}) as server:
        server.questions = str(folder)
        yield server


@pytest.fixture(scope="module")
def rooms(live_server):
    """Each workshop rehearsed once, as the facilitator would (`workshop rehearse`)."""
    facilitator = facilitator_session(live_server)
    codes, runs = {}, []
    for room, (workshop, participants, tables) in ROOMS.items():
        codes[room] = create_run(live_server, facilitator, template=workshop)
        runs.append([codes[room], "--participants", str(participants), "--groups", str(tables),
                     "--seed", "5", "--group-prefix", "Bord"])
    rehearse(live_server, runs)
    return facilitator, codes


@pytest.fixture(scope="module")
def domain(live_server):
    """What the domain computes for the rehearsed runs, read from the server's database."""
    with domain_of(live_server, live_server.questions) as found:
        yield found


# How many pages each list of a question takes ("1/N" beside it), by the list.
PAGES = """() => Object.fromEntries([...document.querySelectorAll("#projector .page-number")]
  .filter((marker) => marker.getBoundingClientRect().height)
  .map((marker) => [marker.previousElementSibling.id || marker.parentElement.dataset.box
                    || marker.parentElement.dataset.kind || marker.previousElementSibling.className,
                    +marker.textContent.split("/")[1]]))"""


# A list shown a page at a time says which page it is ("2/4" beside it): otherwise the room
# cannot tell the rest is coming.
UNNUMBERED = """() => [...document.querySelectorAll("#projector .pager")].filter((box) => {
  if (!box.getBoundingClientRect().height) return false;
  const items = [...box.querySelectorAll(".page-item")].filter((i) => i.parentElement.closest(".pager") === box);
  if (!items.some((i) => i.hidden)) return false;
  const marker = box.nextElementSibling;
  return !(marker && marker.classList.contains("page-number") && marker.getBoundingClientRect().height
           && /^\\d+\\/\\d+$/.test(marker.textContent));
}).map((box) => (box.id || box.className) + " hides items and shows no page number")"""


def fits(page, where, output_path):
    """FIT's problems on this screen, none expected; a screenshot when there are some."""
    problems = page.evaluate(FIT) + page.evaluate(UNNUMBERED)
    if problems:
        screenshot(page, output_path, "failed-" + re.sub(r"\W+", "-", where) + ".png")
    assert not problems, f"{where}:\n" + "\n".join(problems[:25])
    assert_no_broken_values(page, where)


TEXT_PAGES = 8  # a turn of the texts' pages: about a minute at a page every 8 s


def texts_on_the_pages(page, texts, pages, domain, where):
    """The texts (ideas) a free-text question's projector must show: every one on some page;
    or, when they take more than TEXT_PAGES pages, as many of the first (the newest, the most
    upvoted) as those pages hold, and a line under them saying how many more the board has."""
    more = page.locator("#proj-results .page-more")
    assert pages.get("proj-entries", 1) <= TEXT_PAGES, (where, pages)
    if not more.count():
        return texts  # every one
    shown = page.locator("#proj-entries > li").count()
    assert pages.get("proj-entries") == TEXT_PAGES and 0 < shown < len(texts), (where, pages, shown, len(texts))
    expect(more).to_be_visible()
    expect(more).to_have_text(domain.word("+ %(n)s more on the board", n=len(texts) - shown))
    return texts[:shown]


@pytest.mark.parametrize("room", ROOMS)
def test_every_question_fits_both_screens_hidden_and_revealed(live_server, rooms, domain, open_context, room, output_path):
    facilitator, codes = rooms
    code = codes[room]
    workshop = ROOMS[room][0]
    template = find_template(live_server.questions, workshop).template
    buttons = Facilitator(live_server, facilitator, code)
    buttons.press(f"projector/{template.questions[0].id}")
    screens = {}
    for name, size in SCREENS.items():  # both projectors watch the run at once
        context = open_context(viewport=size)
        context.add_cookies([{"name": c.name, "value": c.value, "url": live_server.url} for c in facilitator.cookies])
        screens[name] = context.new_page()
        screens[name].goto(f"{live_server.url}/projector/{code}")
    for page in screens.values():  # a hall's every result comes with the ack: seconds on a busy machine
        page.wait_for_function("() => window.__probe && window.__probe.acks.includes('screen:watch')", timeout=30_000)

    for question in template.questions:
        text = localize(question.text, "nb")
        kind = "proj-results proj-type-" + question.type
        buttons.press(f"projector/{question.id}")  # hidden: no question here shows its results live
        for name, page in screens.items():
            expect(page.locator("#proj-question")).to_have_text(text)
            expect(page.locator("#proj-results")).to_have_class(kind + " hidden-results")
            fits(page, f"{room} {name} {question.id} hidden", output_path)
        buttons.press(f"questions/{question.id}/reveal")
        for name, page in screens.items():
            expect(page.locator("#proj-results")).to_have_class(kind)
            expect(page.locator("#proj-results .page-item:visible, #proj-results li:visible").first).to_be_visible()
            fits(page, f"{room} {name} {question.id} revealed", output_path)
            # Every item is on some page: each table's answer, each "how/what to report" line,
            # each benefit, as the domain computed them.
            result = domain.results(code, question.id)
            wanted = TYPE_SCREENS[question.type]["projector"](result, domain)
            pages = page.evaluate(PAGES)
            if question.type == "text":
                wanted["entries"] = texts_on_the_pages(page, wanted["entries"], pages, domain, f"{room} {name} {question.id}")
            assert only(read_projector(page), wanted) == wanted, f"{room} {name} {question.id}: not every item is on a page"
            longest = max(pages.values(), default=1)
            if question.type == "choice" and ROOMS[room][2] == HALL[1]:
                # a table level on an option is half the table, not a ranking's "shared place"
                assert any(a["tie"] for g in result["groups"] for a in g["answer"]), "no table was split in half"
                marks = set(page.locator("#proj-groups .group-option-mark.level-tag").all_text_contents())
                assert marks == {"½ bordet"}, marks
            if ROOMS[room][2] == HALL[1] and question.type in ("choice", "ranked", "points"):
                # 50 tables' answers by option, not 50 cards (37 pages, 5 minutes at a page
                # every 8 s): every table seen within 24 s with 5 options, 48 s with 20
                assert page.locator("#proj-groups .group-card").count() == 0
                assert pages.get("proj-group-options", 1) <= (3 if room == "5-options" else 6), (room, name, question.id, pages)
            if question.type == "fruit":
                # each goal with its report lines, a goal a page at most, the boxes paged side
                # by side: the whole board in 24 s with 5 goals, 48 s with 20 (below the board,
                # its 60 lines took 8 minutes)
                assert longest <= (3 if room == "5-options" else 6), (room, name, pages)
            if room == "20-options" and question.type == "benefits":
                # a hall's 42, 54 and 64 benefits of a kind, three lines each at most and the
                # columns as wide as their share: 13 pages a turn at most (16 in four lines each)
                assert longest <= 13, (room, name, pages)
            if room == "20-options" and question.type in ("choice", "ranked", "points"):
                # every option is there, a page of them shown
                assert page.locator("#proj-table tr").count() >= 20
                expect(page.locator("#proj-results .page-number")).to_have_text(re.compile(r"^[1-9]/[2-9]$"))
            shot = f"projector-long-{room}-{question.id}-{name}.png"
            if SHOTS:
                os.makedirs(SHOTS, exist_ok=True)
                page.screenshot(path=os.path.join(SHOTS, shot))
            elif room == "20-options" and question.id in ("valg", "risiko") and name == "720p":
                screenshot(page, output_path, shot)  # for the record: the longest list, the smallest screen
