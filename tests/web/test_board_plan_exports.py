"""The discussion board, the plan and the exports through the Flask and Socket.IO test clients."""

import csv
import io
import subprocess
import sys

import pandas as pd

from workshop import services
from workshop.extensions import socketio

from ..conftest import ROOT, approve_texts, join
from .plan_files import docx_text


def room(app, facilitator, run_code):
    """Three tables answer the exercise; returns the participants' clients."""
    facilitator.post(f"/facilitator/runs/{run_code}/open-all")
    phones = []
    for n, (group, goals, need) in enumerate([
        ("Bord 1", ["trust", "env"], "Mer om maler"),
        ("Bord 2", ["trust", "digital"], "Upassende tekst"),
        ("Bord 3", ["trust", "env"], 'Eksempler; "gode" og æøå'),
    ]):
        phone = join(app.test_client(), run_code, group, f"Deltaker {n}")
        phone.post(f"/r/{run_code}/answer/categories", data={"option": ["C"]})
        phone.post(f"/r/{run_code}/answer/goals", data={"option": goals})
        phone.post(f"/r/{run_code}/answer/topics", data={"rank_1": ["dialogue"], "rank_2": ["sanctions"], "rank_3": ["templates"]})
        phone.post(f"/r/{run_code}/answer/needs", data={"entry": [need]})
        phones.append(phone)
    approve_texts(facilitator, run_code)  # the bundled workshop moderates its free texts
    return phones


def entry_ref_on_board(facilitator, run_code, text):
    """The ref the board's Hide button posts for this text (and check the board offers it)."""
    import re

    page = facilitator.get(f"/facilitator/runs/{run_code}/board").get_data(as_text=True)
    refs = re.findall(r'name="kind" value="hide">\s*<input type="hidden" name="ref" value="([^"]+)"', page)
    with facilitator.application.app_context():
        run = services.runs.run_by_code(run_code)
        entry = next(e for e in services.results.results(run, "needs")["entries"] if e["text"] == text)
    assert entry["ref"] in refs
    return entry["ref"]


def test_board_shows_groups_side_by_side_with_agreement(app, facilitator, run_code):
    room(app, facilitator, run_code)
    page = facilitator.get(f"/facilitator/runs/{run_code}/board").get_data(as_text=True)
    for group in ("Bord 1", "Bord 2", "Bord 3"):
        assert group in page
    assert "3/3" in page  # trust: chosen by all three groups
    assert "level-agreed" in page and "level-split" in page


def test_hidden_text_leaves_every_screen_and_stays_in_the_export(app, facilitator, run_code):
    phones = room(app, facilitator, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/board/share", data={"on": "1"})
    phone_socket = socketio.test_client(app, flask_test_client=phones[0])
    phone_socket.emit("participant:join", {"code": run_code}, callback=True)
    screen = socketio.test_client(app, flask_test_client=facilitator)
    for sock, audience in ((phone_socket, "phones"), (screen, "screen"), (screen, "controls")):
        assert "Upassende tekst" in sock.emit("board:watch", {"code": run_code, "audience": audience},
                                              callback=True)["html"]
    phone_socket.get_received(), screen.get_received()

    ref = entry_ref_on_board(facilitator, run_code, "Upassende tekst")
    facilitator.post(f"/facilitator/runs/{run_code}/board/mark",
                     data={"question_id": "needs", "kind": "hide", "ref": ref, "on": "1"})
    pushed = [e["args"][0]["html"] for s in (phone_socket, screen) for e in s.get_received() if e["name"] == "board"]
    assert len(pushed) >= 3  # the phones', the projector's and the facilitator's board
    assert all("Upassende tekst" not in html and "Mer om maler" in html for html in pushed)
    for url, client in [(f"/facilitator/runs/{run_code}/board/fragment", facilitator),
                        (f"/projector/{run_code}/board/fragment", facilitator),
                        (f"/r/{run_code}/board/fragment", phones[0])]:
        page = client.get(url).get_data(as_text=True)
        assert "Upassende tekst" not in page and "Mer om maler" in page
    exported = facilitator.get(f"/facilitator/runs/{run_code}/export/answers.csv?headers=keys").data
    records = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"), newline=""), delimiter=";"))
    hidden = [r for r in records if r["answer_text"] == "Upassende tekst"]
    assert len(hidden) == 1 and hidden[0]["hidden"] == "True"


def test_pin_and_notes_appear_on_the_projector_board(app, facilitator, run_code):
    room(app, facilitator, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/board/mark",
                     data={"question_id": "goals", "kind": "pin", "ref": "digital", "on": "1"})
    facilitator.post(f"/facilitator/runs/{run_code}/board/notes",
                     data={"question_id": "goals", "text": "Tillit er felles for alle bord"})
    page = facilitator.get(f"/projector/{run_code}/board/fragment").get_data(as_text=True)
    goals = page[page.index('id="board-goals"'):page.index('id="board-topics"')]
    assert goals.index("Digitalisering") < goals.index("Tillit hos brukere")  # pinned first
    assert "Tillit er felles for alle bord" in goals
    assert "<button" not in page  # no controls on the projector


def test_board_is_on_phones_only_once_shared(app, facilitator, run_code):
    phones = room(app, facilitator, run_code)
    page = phones[0].get(f"/r/{run_code}/board").get_data(as_text=True)
    assert "Mer om maler" not in page
    assert phones[0].get(f"/r/{run_code}/plan").status_code == 404
    facilitator.post(f"/facilitator/runs/{run_code}/board/share", data={"on": "1"})
    assert "Mer om maler" in phones[0].get(f"/r/{run_code}/board").get_data(as_text=True)
    assert phones[0].get(f"/r/{run_code}/plan").status_code == 200


def test_participants_cannot_mark_or_export(app, facilitator, run_code):
    phones = room(app, facilitator, run_code)
    for url in [f"/facilitator/runs/{run_code}/export/answers.csv", f"/facilitator/runs/{run_code}/export/workbook.xlsx",
                f"/facilitator/runs/{run_code}/board", f"/facilitator/runs/{run_code}/plan"]:
        response = phones[0].get(url)
        assert response.status_code == 302 and "/facilitator/login" in response.location
    response = phones[0].post(f"/facilitator/runs/{run_code}/board/mark",
                              data={"question_id": "needs", "kind": "hide", "ref": "x", "on": "1"})
    assert response.status_code == 302 and "/facilitator/login" in response.location
    assert app.test_client().get(f"/r/{run_code}/board/fragment").status_code == 403


def test_fruit_board_takes_the_top_goals_when_opened(app, facilitator, run_code):
    phones = room(app, facilitator, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/fruits/open", data={"top": "2"})
    page = phones[0].get(f"/r/{run_code}").get_data(as_text=True)
    assert 'name="place_1"' in page and 'name="place_2"' in page and 'name="place_3"' not in page
    assert "Tillit hos brukere" in page  # chosen by all three groups
    phones[0].post(f"/r/{run_code}/answer/fruits", data={"place_1": ["low"], "report_1": ["Årlig til formannskapet"]})
    board = facilitator.get(f"/projector/{run_code}/board/fragment").get_data(as_text=True)
    fruit = board[board.index('id="board-fruits"'):]
    low = fruit[fruit.index("fruit-low"):fruit.index("fruit-exotic")]
    assert "Tillit hos brukere" in low and "Årlig til formannskapet" in low


def test_plan_is_drafted_edited_and_downloaded(app, facilitator, run_code):
    room(app, facilitator, run_code)
    page = facilitator.get(f"/facilitator/runs/{run_code}/plan").get_data(as_text=True)
    assert "Tillit hos brukere, allmennheten og markedet" in page
    response = facilitator.post(f"/facilitator/runs/{run_code}/plan", data={
        "goals-0-goal": "Tillit i markedet", "goals-0-category": "food", "goals-0-frequency": "yearly",
        "goals-0-area": "quality", "goals-0-fruit": "low", "goals-0-report": "Klager per kvartal, til formannskapet",
        "goals-0-report_to": ["politicians", "business"], "goals-0-responsible": "contract_manager",
        "goals-0-responsible_name": "Åse Ødegård, skolemat",
        "goals-0-supplier_questions": "Hvordan måler dere kundetilfredshet?\nHvem er kontaktperson?",
        "goals-0-startup_agenda": "Kontaktpersoner\nRapportmal", "goals-0-sanctions": ["retting"],
        "goals-0-incentives": ["innovation"],
    })
    assert response.status_code == 302
    frame = pd.read_csv(io.BytesIO(facilitator.get(f"/facilitator/runs/{run_code}/export/plan.csv?sep=,&headers=keys").data))
    assert list(frame["goal"]) == ["Tillit i markedet"]
    row = frame.iloc[0]
    assert row["category"] == "Mat og drikke" and row["report_to"] == "Politikerne | Næringsliv"
    assert row["supplier_questions"] == "Hvordan måler dere kundetilfredshet? | Hvem er kontaktperson?"
    assert row["responsible"] == "Kontraktsforvalter" and row["responsible_name"] == "Åse Ødegård, skolemat"
    assert row["area"] == "Kvalitet (feil på produkt og leveranse, avvik)" and row["fruit"] == "Lavthengende frukter"
    assert row["report"] == "Klager per kvartal, til formannskapet"
    assert row["startup_agenda"] == "Kontaktpersoner | Rapportmal"


def test_forged_plan_choice_is_refused_and_changes_nothing(app, facilitator, run_code):
    room(app, facilitator, run_code)
    before = facilitator.get(f"/facilitator/runs/{run_code}/export/plan.csv").data
    response = facilitator.post(f"/facilitator/runs/{run_code}/plan", data={
        "goals-0-goal": "Tillit", "goals-0-category": "not-a-category"})
    assert response.status_code == 200 and "Planen ble ikke lagret" in response.get_data(as_text=True)
    assert facilitator.get(f"/facilitator/runs/{run_code}/export/plan.csv").data == before


def test_groups_export_has_one_row_per_group_and_question(app, facilitator, run_code):
    room(app, facilitator, run_code)
    frame = pd.read_csv(io.BytesIO(facilitator.get(f"/facilitator/runs/{run_code}/export/groups.csv?sep=,&headers=keys").data))
    assert len(frame[frame["question_id"] == "goals"]) == 3
    bord2 = frame[(frame["group"] == "Bord 2") & (frame["question_id"] == "goals")].iloc[0]
    assert set(bord2["answer"].split(" | ")) == {"Tillit hos brukere, allmennheten og markedet", "Digitalisering"}


def test_command_line_export_writes_the_same_files(app, facilitator, run_code, tmp_path):
    room(app, facilitator, run_code)
    web = facilitator.get(f"/facilitator/runs/{run_code}/export/answers.csv").data
    env = {"WORKSHOP_INSTANCE_PATH": app.instance_path, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "workshop.cli", "export", run_code, "--out", str(tmp_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"{run_code}-answers.csv").read_bytes() == web
    assert (tmp_path / f"{run_code}.xlsx").exists() and (tmp_path / f"{run_code}-plan.csv").exists()
    written = docx_text((tmp_path / f"{run_code}-plan.docx").read_bytes())
    assert written == docx_text(facilitator.get(f"/facilitator/runs/{run_code}/plan.docx").data)
    # The options, in this process (the same command; starting Python again costs seconds).
    cli = app.test_cli_runner()
    keys = cli.invoke(args=["export", run_code, "--out", str(tmp_path / "keys"), "--headers", "keys"])
    assert keys.exit_code == 0, keys.output
    assert (tmp_path / "keys" / f"{run_code}-answers.csv").read_bytes() == \
        facilitator.get(f"/facilitator/runs/{run_code}/export/answers.csv?headers=keys").data
    missing = cli.invoke(args=["export", "ZZZZZZ", "--out", str(tmp_path)])
    assert missing.exit_code == 1 and "ZZZZZZ" in missing.output


def test_the_board_shows_each_groups_ranking_as_its_places(app, facilitator, run_code):
    import re

    room(app, facilitator, run_code)
    page = facilitator.get(f"/facilitator/runs/{run_code}/board").get_data(as_text=True)
    topics = page[page.index('id="board-topics"'):page.index('id="board-needs"')]
    cells = {label: re.findall(r'<td class="cell-\w+">([^<]*)<', row)
             for label, row in re.findall(r'<th scope="row">(?:<span[^>]*>[^<]*</span> )?([^<]+?)\s*'
                                          r'<span class="level-tag">.*?</th>(.*?)</tr>', topics, re.S)}
    assert cells["Dialog mellom oppdragsgiver og leverandør"] == ["1", "1", "1"]
    assert cells["DFØs maler for kontraktsoppfølging"] == ["3", "3", "3"]
    assert "✓" not in topics
