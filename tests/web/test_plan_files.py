"""The plan in DFØ's terms, drafted from rooms that answered differently; the plan as a Word
document; exports people can open and read (headers in the run's language, key headers on
request, the fruit board's placement and report text in their own columns)."""

import io
import os
import re
import shutil
import subprocess

import openpyxl
import pytest
from docx import Document

from workshop import services
from workshop.domain.exports import ANSWER_COLUMNS, GROUP_COLUMNS, PLAN_COLUMNS
from workshop.domain.plan import GOALS_MAX, GOALS_MIN, SHOWN_FIELDS, rank_goals
from workshop.templates_io import find_template, load_plan_suggestions

from ..conftest import QUESTIONS, join
from .plan_files import csv_records, docx_blocks, docx_text
from .test_board_plan_exports import room

SUGGESTIONS = load_plan_suggestions(QUESTIONS, "kontraktsoppfolging")
IDS = {key: {i["id"] for i in SUGGESTIONS[key]} for key in ("roles", "follow_up_areas", "categories")}
ANSWERS_NB = ["Kode", "Gruppe", "Deltaker (pseudonym)", "Navn", "Spørsmåls-id", "Spørsmål", "Svaralternativ-id",
              "Svar", "Plass i rangeringen", "Plassert som", "Hvordan/hva skal vi rapportere", "Poeng",
              "Skjult på tavlen", "Tekststatus", "Sendt inn (UTC)"]
ANSWERS_EN = ["Run code", "Group", "Participant (pseudonym)", "Name", "Question id", "Question", "Option id",
              "Answer", "Rank", "Placed as", "How/what to report", "Points", "Hidden on the board", "Text status", "Submitted (UTC)"]
PLAN_NB = ["Kode", "Nr.", "Mål", "Frukt", "Anskaffelseskategori", "Oppfølgingsområde (DFØ)",
           "Indikator: hva som måles", "Hva som skal rapporteres", "Rapporteres til", "Hvor ofte",
           "Ansvarlig (rolle)", "Navn eller enhet", "Første spørsmål til leverandøren",
           "Agendapunkter til oppstartsmøtet", "Sanksjoner", "Insentiver", "Risiko målet svarer på"]
PLAN_EN = ["Run code", "No.", "Goal", "Fruit", "Procurement category", "Follow-up area (DFØ)",
           "Indicator: what is measured", "What to report", "Report to", "How often", "Responsible (role)",
           "Name or unit", "First questions for the supplier", "Agenda points for the start-up meeting",
           "Sanctions", "Incentives", "Risk it answers"]


def new_run(app, lang="nb") -> str:
    with app.app_context():
        return services.runs.create_run(find_template(QUESTIONS, "kontraktsoppfolging").template, lang).code


def rehearsed_run(app, seed: int, lang="nb") -> str:
    code = new_run(app, lang)
    with app.app_context():
        services.rehearsal.rehearse(services.runs.run_by_code(code), 24, 4, seed)
    return code


def answer_categories(app, facilitator, code, by_group: dict[str, list[str]]):
    """Three tables answer question 2 alike (trust by all, env by two, digital by one) and
    question 1 as given."""
    facilitator.post(f"/facilitator/runs/{code}/open-all")
    for (group, options), goals in zip(by_group.items(), [["trust", "env"], ["trust", "env", "digital"], ["trust"]]):
        phone = join(app.test_client(), code, group)
        phone.post(f"/r/{code}/answer/categories", data={"option": options})
        phone.post(f"/r/{code}/answer/goals", data={"option": goals})


def stored_goals(app, code) -> list[dict]:
    with app.app_context():
        return services.plan.plan_of(services.runs.run_by_code(code)).goals


def form_data(goals: list[dict]) -> dict:
    """The plan form as the page posts it, filled with the goals."""
    data = {}
    for n, goal in enumerate(goals):
        for field, value in goal.items():
            if field == "goal_key":
                continue
            if field in ("supplier_questions", "startup_agenda"):
                value = "\n".join(value)
            data[f"goals-{n}-{field}"] = value
    return data


# --- the plan in DFØ's terms, drafted from the room's answers ----------------------------------

@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_rehearsed_rooms_plan_has_its_top_goals_its_categories_and_dfo_roles_and_areas(app, seed):
    code = rehearsed_run(app, seed)
    with app.app_context():
        run = services.runs.run_by_code(code)
        room_categories = [c["id"] for c in services.plan.room_categories(run, SUGGESTIONS)]
        ranked = rank_goals(services.results.results(run, "goals"), services.results.results(run, "fruits"),
                            SUGGESTIONS["skip_fruits"])
        goals = services.plan.plan_of(run).goals
    assert GOALS_MIN <= len(goals) <= GOALS_MAX
    assert [g["goal_key"] for g in goals] == [g["key"] for g in ranked][:len(goals)]
    assert room_categories, "a rehearsal's groups name categories"
    assert {g["category"] for g in goals} <= set(room_categories)
    for goal in goals:
        assert goal["responsible"] in IDS["roles"] and goal["area"] in IDS["follow_up_areas"]
        assert goal["supplier_questions"] and goal["startup_agenda"] and goal["report"] and goal["report_to"]


def test_rooms_answering_question_1_differently_get_plans_in_their_own_categories(app, facilitator):
    transport = new_run(app)
    answer_categories(app, facilitator, transport, {"Bord 1": ["A"], "Bord 2": ["A"], "Bord 3": ["A", "E"]})
    food_and_ict = new_run(app)
    answer_categories(app, facilitator, food_and_ict, {"Bord 1": ["C", "D"], "Bord 2": ["C"], "Bord 3": ["D"]})
    none = new_run(app)
    answer_categories(app, facilitator, none, {"Bord 1": ["F"], "Bord 2": ["F"], "Bord 3": ["F"]})

    def categories(code):
        return [g["category"] for g in stored_goals(app, code)]

    # trust, env, digital. Transport room: trust fits none of its categories (the room's
    # first), env fits both (the one less used), digital fits neither (the less used, room order).
    assert categories(transport) == ["transport", "furniture", "transport"]
    assert categories(food_and_ict) == ["food", "ict", "ict"]
    # A room that has no category goals: the deck's category each goal fits best
    assert categories(none) == [SUGGESTIONS["goals"][k]["categories"][0] for k in ("trust", "env", "digital")]


def test_the_plan_page_offers_the_rooms_categories_first(app, facilitator):
    code = new_run(app)
    answer_categories(app, facilitator, code, {"Bord 1": ["C", "D"], "Bord 2": ["C"], "Bord 3": ["D"]})
    page = facilitator.get(f"/facilitator/runs/{code}/plan").get_data(as_text=True)
    select = page[page.index('id="goals-0-category"'):]
    select = select[:select.index("</select>")]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _options in groups] == ["Fra rommets svar", "Andre kategorier"]
    assert re.findall(r">([^<]+)</option>", groups[0][1]) == ["Mat og drikke", "IKT"]
    assert "Drivstoff / transport" in groups[1][1] and "Vikartjenester" in groups[1][1]
    assert 'value="food" selected' in groups[0][1] or 'selected value="food"' in groups[0][1]


def test_start_realistic_a_sixth_goal_is_refused_and_too_few_are_pointed_out(app, facilitator):
    code = rehearsed_run(app, 1)
    facilitator.post(f"/facilitator/runs/{code}/plan/redraft", data={"count": "5"})
    goals = stored_goals(app, code)
    assert len(goals) == GOALS_MAX
    page = facilitator.post(f"/facilitator/runs/{code}/plan", data=dict(form_data(goals), add_goal="1"),
                            follow_redirects=True).get_data(as_text=True)
    assert "Start realistisk: en plan har høyst 5 mål." in page
    assert len(stored_goals(app, code)) == GOALS_MAX and 'name="add_goal"' not in page
    assert facilitator.post(f"/facilitator/runs/{code}/plan/redraft", data={"count": "6"}).status_code == 400

    data = form_data(goals)
    data.update({"goals-2-remove": "y", "goals-3-remove": "y", "goals-4-remove": "y"})
    page = facilitator.post(f"/facilitator/runs/{code}/plan", data=data, follow_redirects=True).get_data(as_text=True)
    assert len(stored_goals(app, code)) == 2
    assert "plan-too-few" in page and "Planen har 2." in page and 'name="add_goal"' in page


def test_every_field_is_edited_and_a_value_from_an_older_plan_is_kept(app, facilitator, run_code):
    room(app, facilitator, run_code)
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        services.plan.save_plan(run, [dict(services.plan.plan_of(run).goals[0],
                                           responsible="Kontraktsforvalter, skolemat", fruit="Lavthengende frukter")])
    page = facilitator.get(f"/facilitator/runs/{run_code}/plan").get_data(as_text=True)
    assert re.search(r'<option (selected )?value="Kontraktsforvalter, skolemat"( selected)?>', page)
    for field in SHOWN_FIELDS:
        assert f'name="goals-0-{field}"' in page, field
    facilitator.post(f"/facilitator/runs/{run_code}/plan", data=form_data(stored_goals(app, run_code)))
    goal = stored_goals(app, run_code)[0]
    assert goal["responsible"] == "Kontraktsforvalter, skolemat" and goal["fruit"] == "Lavthengende frukter"


# --- the plan as a Word document ---------------------------------------------------------------

def expected_goal_rows(row: dict, labels: dict) -> list[str]:
    """A goal's table rows as docx_blocks reads them."""
    lines = []
    for field in SHOWN_FIELDS:
        value = row[field]
        if field in ("supplier_questions", "startup_agenda"):
            text = " / ".join(f"{n}. {item}" for n, item in enumerate(value, start=1))
        else:
            text = ", ".join(value) if isinstance(value, list) else value
        lines.append(f"{labels[field]} | {text or '—'}")
    return lines


NB_LABELS = dict(zip(["number", "goal", *SHOWN_FIELDS], PLAN_NB[1:]))
EN_LABELS = dict(zip(["number", "goal", *SHOWN_FIELDS], PLAN_EN[1:]))


def test_the_word_plan_has_every_goal_and_field_in_norwegian(app, facilitator, run_code):
    room(app, facilitator, run_code)
    edited = dict(stored_goals(app, run_code)[0], goal="Økt tillit – særlig på måltidene (ÆØÅ æøå)",
                  responsible_name="Åse Ødegård, Ærlig avdeling")
    facilitator.post(f"/facilitator/runs/{run_code}/plan", data=form_data([edited, *stored_goals(app, run_code)[1:]]))
    response = facilitator.get(f"/facilitator/runs/{run_code}/plan.docx")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert f'filename="{run_code}-plan.docx"' in response.headers["Content-Disposition"]
    blocks = docx_blocks(response.data)
    texts = [text for _style, text in blocks]
    assert blocks[0] == ("Title", "Startplan for kontraktsoppfølging")
    assert "Kontraktsoppfølging – gruppeoppgave (10 minutter)" in texts
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        rows = services.plan.plan_rows(run)
        created = run.created_at
    months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
              "november", "desember"]
    assert f"Kode {run_code[:3]} {run_code[3:]} · {created.day}. {months[created.month - 1]} {created.year}" in texts
    assert len(rows) == 3
    for row in rows:
        assert ("Heading 1", f"{row['number']}. {row['goal']}") in blocks
        for line in expected_goal_rows(row, NB_LABELS):
            assert ("table", line) in blocks, line
    assert ("Heading 1", "1. Økt tillit – særlig på måltidene (ÆØÅ æøå)") in blocks
    assert ("table", "Navn eller enhet | Åse Ødegård, Ærlig avdeling") in blocks
    assert ("table", "Nr. | Mål | Frukt | Anskaffelseskategori | Ansvarlig (rolle)") in blocks
    assert ("Heading 2", "Start realistisk – skap gode eksempler") in blocks
    assert ("Heading 1", "Agenda for oppstartsmøtet") in blocks
    assert any(style == "Normal" and re.match(r"1\. .+ \(mål 1\)$", text) for style, text in blocks)
    assert ("Heading 1", "Grunnlaget: rommets svar") in blocks
    assert ("table", "Mat og drikke | 3 | 3") in blocks  # question 1: all three tables named food
    document = Document(io.BytesIO(response.data))
    assert document.core_properties.language == "nb-NO"
    assert round(document.sections[0].page_width.mm) == 210 and round(document.sections[0].page_height.mm) == 297
    assert document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang")[0].get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == "nb-NO"


def test_the_word_plan_of_an_english_run_is_in_english(app, facilitator):
    code = new_run(app, "en")
    room(app, facilitator, code)
    data = facilitator.get(f"/facilitator/runs/{code}/plan.docx").data
    blocks = docx_blocks(data)
    assert blocks[0] == ("Title", "Starter plan for contract follow-up")
    assert ("Heading 1", "1. Trust among users, the public and the market") in blocks
    with app.app_context():
        rows = services.plan.plan_rows(services.runs.run_by_code(code))
    for row in rows:
        for line in expected_goal_rows(row, EN_LABELS):
            assert ("table", line) in blocks, line
    assert ("table", "Procurement category | Food and drink") in blocks
    assert ("Heading 1", "Agenda for the start-up meeting") in blocks
    text = docx_text(data)
    for norwegian in ("Mål", "Kontraktsforvalter", "Kode ", "Anskaffelseskategori"):
        assert norwegian not in text
    assert Document(io.BytesIO(data)).core_properties.language == "en-GB"


def test_the_word_plan_is_offered_on_the_plan_page_the_board_and_the_console(app, facilitator, run_code):
    room(app, facilitator, run_code)
    address = f"/facilitator/runs/{run_code}/plan.docx"
    for page in ("plan", "board", ""):
        html = facilitator.get(f"/facilitator/runs/{run_code}/{page}".rstrip("/")).get_data(as_text=True)
        assert f'href="{address}"' in html, page
    assert app.test_client().get(address).status_code == 302  # facilitators only


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed; scripts/setup --test installs it on Debian")
def test_libreoffice_converts_the_word_plan_to_pdf(app, facilitator, run_code, tmp_path):
    room(app, facilitator, run_code)
    source = tmp_path / "plan.docx"
    source.write_bytes(facilitator.get(f"/facilitator/runs/{run_code}/plan.docx").data)
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "plan.pdf"
    assert pdf.exists(), done.stdout + done.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        words = " ".join(text.split())  # a label wraps in its cell
        for wanted in ("Startplan for kontraktsoppfølging", "Første spørsmål til leverandøren",
                       "Tillit hos brukere, allmennheten og markedet", "Agenda for oppstartsmøtet"):
            assert wanted in words, wanted


# --- exports people can open and read ----------------------------------------------------------

@pytest.mark.parametrize("lang, answers, plan, sheets", [
    ("nb", ANSWERS_NB, PLAN_NB, ["Svar", "Gruppesvar", "Plan"]),
    ("en", ANSWERS_EN, PLAN_EN, ["Answers", "Group answers", "Plan"]),
])
def test_export_headers_are_in_the_runs_language(app, facilitator, lang, answers, plan, sheets):
    code = new_run(app, lang)
    room(app, facilitator, code)  # the facilitator's own pages are in Norwegian either way
    base = f"/facilitator/runs/{code}/export"
    headers, records = csv_records(facilitator.get(f"{base}/answers.csv").data)
    assert headers == answers and records
    assert csv_records(facilitator.get(f"{base}/plan.csv").data)[0] == plan
    groups = csv_records(facilitator.get(f"{base}/groups.csv").data)[0]
    assert groups[:2] == answers[:2] and len(groups) == len(GROUP_COLUMNS)
    workbook = openpyxl.load_workbook(io.BytesIO(facilitator.get(f"{base}/workbook.xlsx").data))
    assert workbook.sheetnames == sheets
    sheet = workbook[sheets[0]]
    assert [c.value for c in sheet[1]] == answers
    assert sheet.freeze_panes == "A2"  # the headers stay in sight while scrolling
    question = sheet.column_dimensions["F"].width  # the question's text: wide, not Excel's 8.43
    assert 40 < question <= 62
    assert [c.value for c in workbook[sheets[2]][1]] == plan


def test_key_headers_on_request_for_scripts(app, facilitator, run_code):
    room(app, facilitator, run_code)
    base = f"/facilitator/runs/{run_code}/export"
    assert csv_records(facilitator.get(f"{base}/answers.csv?headers=keys").data)[0] == ANSWER_COLUMNS
    assert csv_records(facilitator.get(f"{base}/groups.csv?headers=keys").data)[0] == GROUP_COLUMNS
    assert csv_records(facilitator.get(f"{base}/plan.csv?headers=keys").data)[0] == PLAN_COLUMNS
    workbook = openpyxl.load_workbook(io.BytesIO(facilitator.get(f"{base}/workbook.xlsx?headers=keys").data))
    assert workbook.sheetnames == ["answers", "groups", "plan"]
    assert [c.value for c in workbook["plan"][1]] == PLAN_COLUMNS
    runner = app.test_cli_runner()
    out = os.path.join(app.instance_path, "keys")
    done = runner.invoke(args=["export", run_code, "--out", out, "--headers", "keys"])
    assert done.exit_code == 0, done.output
    with open(os.path.join(out, f"{run_code}-plan.csv"), "rb") as handle:
        assert csv_records(handle.read())[0] == PLAN_COLUMNS
    assert runner.invoke(args=["export", run_code, "--out", out, "--headers", "other"]).exit_code == 2


def test_the_fruit_placement_and_its_report_text_are_columns_of_their_own(app, facilitator, run_code):
    phones = room(app, facilitator, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/fruits/open", data={"top": "2"})
    phones[0].post(f"/r/{run_code}/answer/fruits", data={"place_1": ["low"], "report_1": ["Årlig til formannskapet"],
                                                          "place_2": ["high"]})
    headers, records = csv_records(facilitator.get(f"/facilitator/runs/{run_code}/export/answers.csv").data)
    fruit = [r for r in records if r["Spørsmåls-id"] == "fruits"]
    assert [(r["Svar"], r["Plassert som"], r["Hvordan/hva skal vi rapportere"]) for r in fruit] == [
        ("Tillit hos brukere, allmennheten og markedet", "Lavthengende frukter", "Årlig til formannskapet"),
        ("Miljømessig bærekraft (sorteringsgrad, ombruksgrad, nullutslipp)", "Høythengende frukter", ""),
    ]
    assert not any("formannskapet" in r["Svar"] for r in records)
    workbook = openpyxl.load_workbook(io.BytesIO(facilitator.get(
        f"/facilitator/runs/{run_code}/export/workbook.xlsx?headers=keys").data))
    sheet = workbook["answers"]
    columns = [c.value for c in sheet[1]]
    rows = [dict(zip(columns, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    placed = next(r for r in rows if r["question_id"] == "fruits" and r["report_text"])
    assert (placed["answer_text"], placed["place"], placed["report_text"]) == (
        "Tillit hos brukere, allmennheten og markedet", "Lavthengende frukter", "Årlig til formannskapet")
    # and the room's own words are the draft's "what to report" for that goal
    facilitator.post(f"/facilitator/runs/{run_code}/plan/redraft", data={"count": "3"})
    trust = next(g for g in stored_goals(app, run_code) if g["goal_key"] == "trust")
    assert trust["report"] == "Årlig til formannskapet" and trust["fruit"] == "low"


@pytest.mark.parametrize("lang, shown, no, waiting", [("nb", "Vist", "Nei", "Venter på godkjenning"),
                                                     ("en", "Shown", "No", "Waiting for approval")])
def test_a_texts_status_and_yes_no_are_words_of_the_runs_language(app, facilitator, lang, shown, no, waiting):
    code = new_run(app, lang)
    phones = room(app, facilitator, code)
    phones[0].post(f"/r/{code}/answer/needs", data={"entry": ["Flere maler"]})
    phones[0].post(f"/r/{code}/answer/goals", data={"write_in": ["Eget mål"]})
    records = csv_records(facilitator.get(f"/facilitator/runs/{code}/export/answers.csv").data)[1]
    status, hidden = list(records[0])[-2], list(records[0])[-3]
    by_text = {r[list(r)[7]]: r for r in records}
    assert (by_text["Flere maler"][status], by_text["Flere maler"][hidden]) == (waiting, no)
    assert by_text["Eget mål"][status] == shown
    assert by_text["Upassende tekst"][status] == {"nb": "Godkjent", "en": "Approved"}[lang]
    assert {r[hidden] for r in records} == {no}
    keyed = csv_records(facilitator.get(f"/facilitator/runs/{code}/export/answers.csv?headers=keys").data)[1]
    assert {r["status"] for r in keyed} == {"", "waiting", "approved", "shown"} and {r["hidden"] for r in keyed} == {"False"}


def test_the_readmes_example_rows_have_the_headers_the_exports_have():
    with open(os.path.join(os.path.dirname(QUESTIONS), "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    groups_nb = ["Kode", "Gruppe", "Spørsmåls-id", "Spørsmål", "Antall som svarte", "Gruppens svar",
                 "Uavgjort (halve gruppen)"]
    for labels, keys in ((ANSWERS_NB, ANSWER_COLUMNS), (groups_nb, GROUP_COLUMNS), (PLAN_NB, PLAN_COLUMNS)):
        block = f"   {';'.join(labels)}\n   {';'.join(keys)}\n   K7M4QX;"
        assert block in readme
        example = readme[readme.index(block):].splitlines()[2]
        assert len(example.split(";")) == len(keys)
