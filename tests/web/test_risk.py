"""The risk matrix through the test client: the phone's form, a refused rating in the phone's
language, the form refilled after an answer, the board, the export and the plan hook."""

import csv
import io

from workshop import services
from workshop.domain.templates import parse_template

from ..conftest import join
from ..domain.test_risk import GOALS, RISK, workshop


def risk_run(app, facilitator):
    """Three tables choose goals; the risk question takes the top two when opened."""
    with app.app_context():
        code = services.runs.create_run(parse_template(workshop(GOALS, RISK))).code
    facilitator.post(f"/facilitator/runs/{code}/questions/goals/open")
    phones = []
    for group, goals in (("Bord 1", ["trust", "env"]), ("Bord 2", ["trust", "env"]), ("Bord 3", ["trust"])):
        phone = join(app.test_client(), code, group)
        phone.post(f"/r/{code}/answer/goals", data={"option": goals})
        phones.append(phone)
    facilitator.post(f"/facilitator/runs/{code}/questions/risk/open", data={"top": "2"})
    return code, phones


def test_the_phone_rates_each_chosen_goal_and_sees_its_ratings_again(app, facilitator):
    code, phones = risk_run(app, facilitator)
    page = phones[0].get(f"/r/{code}").get_data(as_text=True)
    assert "1. Tillit" in page and "2. Miljø" in page and "Digitalisering</legend>" not in page
    assert 'name="likelihood_1"' in page and 'name="consequence_2"' in page and "Sannsynlighet" in page
    response = phones[0].post(f"/r/{code}/answer/risk", data={"likelihood_1": "4", "consequence_1": "5"})
    assert response.status_code == 302
    page = phones[0].get(f"/r/{code}").get_data(as_text=True)
    assert '<option value="4" selected>' in page and '<option value="5" selected>' in page
    assert "Endre svar" in page


def test_a_refused_rating_is_explained_in_the_phones_language_and_changes_nothing(app, facilitator):
    code, phones = risk_run(app, facilitator)
    phone = phones[0]
    refused = phone.post(f"/r/{code}/answer/risk", data={"likelihood_1": "7", "consequence_1": "2"}, follow_redirects=True)
    assert "Sannsynlighet og konsekvens er hele tall fra 1 til 5." in refused.get_data(as_text=True)
    refused = phone.post(f"/r/{code}/answer/risk", data={"likelihood_2": "3"}, follow_redirects=True)
    assert "Vurder både sannsynlighet og konsekvens for punkt 2, eller ingen av dem." in refused.get_data(as_text=True)
    refused = phone.post(f"/r/{code}/answer/risk", data={"likelihood_9": "3", "consequence_9": "3"}, follow_redirects=True)
    assert "Det punktet er ikke blant punktene som skal vurderes." in refused.get_data(as_text=True)
    phone.post("/lang/en")
    refused = phone.post(f"/r/{code}/answer/risk", data={"likelihood_1": "0", "consequence_1": "2"}, follow_redirects=True)
    assert "Likelihood and consequence are whole numbers from 1 to 5." in refused.get_data(as_text=True)
    with app.app_context():
        run = services.runs.run_by_code(code)
        assert services.results.results(run, "risk")["respondents"] == 0


def test_the_board_and_the_export_show_the_medians(app, facilitator):
    code, phones = risk_run(app, facilitator)
    for phone, (lk, c) in zip(phones, [(2, 4), (3, 5), (5, 1)], strict=True):
        phone.post(f"/r/{code}/answer/risk", data={"likelihood_1": str(lk), "consequence_1": str(c),
                                                   "likelihood_2": "4", "consequence_2": "4"})
    board = facilitator.get(f"/facilitator/runs/{code}/board").get_data(as_text=True)
    section = board[board.index('id="board-risk"'):]
    assert 'data-l="3" data-c="4"><span class="risk-badge risk-divided" data-key="trust"' in section
    assert 'data-l="4" data-c="4"><span class="risk-badge" data-key="env"' in section
    assert "3 × 4 = 12" in section and "4 × 4 = 16" in section and "Bord i ruten" in section
    export = facilitator.get(f"/facilitator/runs/{code}/export/answers.csv").get_data(as_text=True)
    rows = [r for r in csv.DictReader(io.StringIO(export.lstrip("\ufeff")), delimiter=";")
            if r["Spørsmåls-id"] == "risk"]
    assert sorted((r["Svar"], r["Plassert som"]) for r in rows if r["Gruppe"] == "Bord 1") == [
        ("Miljø", "4 × 4"), ("Tillit", "2 × 4")]


def test_the_pages_bring_the_types_own_style_sheet_and_words(app, facilitator):
    code, phones = risk_run(app, facilitator)
    page = phones[0].get(f"/r/{code}").get_data(as_text=True)
    projector = facilitator.get(f"/projector/{code}").get_data(as_text=True)
    for html in (page, projector):
        assert "/static/css/question_types/risk.css" in html and "/static/css/question_types/benefits.css" in html
        assert 'id="type-strings-risk"' in html and 'data-likelihood="Sannsynlighet"' in html
        assert "/static/js/question_types/risk.js" in html
    assert app.test_client().get("/static/css/question_types/risk.css").status_code == 200
