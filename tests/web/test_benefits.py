"""The benefits map through the test client: the phone's form, a benefit refused without its
owner in the phone's language, the form refilled after an answer, the board by kind, the export."""

import csv
import io

from workshop import services
from workshop.domain.templates import parse_template

from ..conftest import join
from ..domain.test_benefits import BENEFITS
from ..domain.test_risk import GOALS, workshop


def benefits_run(app, facilitator):
    with app.app_context():
        code = services.runs.create_run(parse_template(workshop(GOALS, BENEFITS))).code
    facilitator.post(f"/facilitator/runs/{code}/questions/goals/open")
    phones = []
    for group in ("Bord 1", "Bord 2"):
        phone = join(app.test_client(), code, group)
        phone.post(f"/r/{code}/answer/goals", data={"option": ["trust", "env"]})
        phones.append(phone)
    facilitator.post(f"/facilitator/runs/{code}/questions/benefits/open")
    return code, phones


def test_the_phone_names_a_benefit_and_sees_it_again_in_its_form(app, facilitator):
    code, phones = benefits_run(app, facilitator)
    page = phones[0].get(f"/r/{code}").get_data(as_text=True)
    assert "Gevinst 1" in page and "Gevinst 2" in page and "Gevinst 3" not in page
    assert "Effektivisering i kroner" in page and "Kontraktsforvalter" in page and "Gevinsteier (rolle)" in page
    response = phones[0].post(f"/r/{code}/answer/benefits", data={
        "goal_1": "env", "benefit_1": "Færre transporter", "kind_1": "kroner", "owner_1": "contract_manager"})
    assert response.status_code == 302
    page = phones[0].get(f"/r/{code}").get_data(as_text=True)
    assert 'value="Færre transporter"' in page
    assert '<option value="env" selected>' in page and '<option value="kroner" selected>' in page
    assert '<option value="contract_manager" selected>' in page


def test_a_benefit_without_its_owner_is_refused_in_the_phones_language_and_changes_nothing(app, facilitator):
    code, phones = benefits_run(app, facilitator)
    phone = phones[0]
    missing = {"goal_1": "env", "benefit_1": "Færre transporter", "kind_1": "kroner", "owner_1": ""}
    refused = phone.post(f"/r/{code}/answer/benefits", data=missing, follow_redirects=True)
    assert "Velg hvem som eier gevinst 1." in refused.get_data(as_text=True)
    refused = phone.post(f"/r/{code}/answer/benefits", data=dict(missing, owner_1="owner", kind_1=""),
                         follow_redirects=True)
    assert "Velg gevinsttype for gevinst 1." in refused.get_data(as_text=True)
    phone.post("/lang/en")
    refused = phone.post(f"/r/{code}/answer/benefits", data=missing, follow_redirects=True)
    assert "Choose who owns benefit 1." in refused.get_data(as_text=True)
    with app.app_context():
        assert services.results.results(services.runs.run_by_code(code), "benefits")["respondents"] == 0


def test_the_board_groups_the_benefits_by_kind_and_the_export_has_them(app, facilitator):
    code, phones = benefits_run(app, facilitator)
    phones[0].post(f"/r/{code}/answer/benefits", data={
        "goal_1": "env", "benefit_1": "Færre transporter", "kind_1": "kroner", "owner_1": "owner",
        "goal_2": "trust", "benefit_2": "Færre klager", "kind_2": "quality", "owner_2": "contract_manager"})
    phones[1].post(f"/r/{code}/answer/benefits", data={
        "goal_1": "env", "benefit_1": "Lavere fraktkostnad", "kind_1": "kroner", "owner_1": "contract_manager"})
    board = facilitator.get(f"/facilitator/runs/{code}/board").get_data(as_text=True)
    section = board[board.index('id="board-benefits"'):]
    kroner = section[section.index('data-kind="kroner"'):section.index('data-kind="quality"')]
    others = section[section.index('data-kind="others"'):]
    assert "Effektivisering i kroner (2)" in kroner and "Færre transporter" in kroner and "Lavere fraktkostnad" in kroner
    assert "Færre klager" not in kroner and "Ingen gevinster av denne typen ennå." in others
    export = facilitator.get(f"/facilitator/runs/{code}/export/answers.csv").get_data(as_text=True)
    rows = [r for r in csv.DictReader(io.StringIO(export.lstrip("\ufeff")), delimiter=";")
            if r["Spørsmåls-id"] == "benefits"]
    assert sorted((r["Gruppe"], r["Svar"], r["Plassert som"]) for r in rows) == [
        ("Bord 1", "Færre klager", "Kvalitet / Kontraktsforvalter"),
        ("Bord 1", "Færre transporter", "Effektivisering i kroner / Budsjett-/avtaleeier"),
        ("Bord 2", "Lavere fraktkostnad", "Effektivisering i kroner / Kontraktsforvalter")]
