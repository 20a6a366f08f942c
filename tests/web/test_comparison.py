"""This run beside earlier runs of the same workshop: figures against hand-computed ones from
the stored answers, runs left out or deleted, and nothing personal in the CSV."""

import csv
import io

import pytest

from workshop import services
from workshop.extensions import db
from workshop.models import Answer, Run, Setting
from workshop.templates_io import find_template

from ..conftest import QUESTIONS


def new_rehearsed_run(seed: int, participants: int = 12, name: str = "kontraktsoppfolging") -> str:
    template = find_template(QUESTIONS, name).template
    run = services.runs.create_run(template)
    services.rehearsal.rehearse(run, participants=participants, groups=3, seed=seed)
    return run.code


@pytest.fixture
def runs(app):
    with app.app_context():
        return [new_rehearsed_run(seed, participants) for seed, participants in ((1, 12), (2, 9), (3, 15))]


def chosen_share(codes: list[str], question: str, option: str) -> float:
    """By hand from the stored answers: who chose the option, of all who answered."""
    chose = answered = 0
    for code in codes:
        run = services.runs.run_by_code(code)
        for answer in db.session.query(Answer).filter_by(run_id=run.id, question_id=question):
            answered += 1
            chose += any(item.get("option") == option for item in answer.items)
    return chose / answered


def table(comparison, question):
    return next(q for q in comparison["questions"] if q["question"] == question)


def test_a_run_beside_a_picked_earlier_run_and_all_earlier_runs_pooled(app, runs):
    first, second, latest = runs
    with app.app_context():
        run = services.runs.run_by_code(latest)
        comparison = services.comparison.comparison(run, picked=[first])
        assert [c["kind"] for c in comparison["columns"]] == ["this", "run", "pooled"]
        assert comparison["columns"][1]["code"] == first
        assert comparison["columns"][2]["runs"] == 2
        categories = table(comparison, "categories")
        assert categories["respondents"][0] == 15
        assert categories["respondents"][2] == 12 + 9
        for row in categories["rows"]:
            this, picked, pooled = (cell["value"] for cell in row["cells"])
            assert this == pytest.approx(chosen_share([latest], "categories", row["key"]), abs=1e-4)
            assert picked == pytest.approx(chosen_share([first], "categories", row["key"]), abs=1e-4)
            assert pooled == pytest.approx(chosen_share([first, second], "categories", row["key"]), abs=1e-4)
        # the three runs did not answer alike, so the columns really are different runs
        assert any(len({c["value"] for c in row["cells"]}) > 1 for row in categories["rows"])


def test_free_texts_and_written_in_options_never_cross_runs(app, runs):
    with app.app_context():
        comparison = services.comparison.comparison(services.runs.run_by_code(runs[2]), picked=runs[:2])
        assert table(comparison, "needs")["rows"] == []
        keys = {row["key"] for q in comparison["questions"] for row in q["rows"]}
        assert not any(key.startswith("write_in") for key in keys)


def test_a_run_left_out_or_deleted_is_gone_from_every_comparison(app, facilitator, runs):
    first, second, latest = runs
    assert facilitator.post(f"/facilitator/runs/{first}/in-comparisons", data={"on": "0"}).status_code == 302
    with app.app_context():
        comparison = services.comparison.comparison(services.runs.run_by_code(latest), picked=[first])
        assert [c["kind"] for c in comparison["columns"]] == ["this", "pooled"]
        assert comparison["columns"][1]["runs"] == 1
        assert table(comparison, "categories")["respondents"][1] == 9  # the second run alone
        services.runs.delete_run(services.runs.run_by_code(second))
        comparison = services.comparison.comparison(services.runs.run_by_code(latest), picked=[first, second])
        assert [c["kind"] for c in comparison["columns"]] == ["this"]
    page = facilitator.get(f"/facilitator/runs/{latest}/comparison").get_data(as_text=True)
    assert "Ingen tidligere økt av denne workshopen kan sammenlignes ennå." in page


def test_another_workshop_file_is_never_compared(app, runs):
    with app.app_context():
        other = new_rehearsed_run(4, name="kategorier-100-poeng")
        assert services.comparison.earlier_runs(services.runs.run_by_code(other)) == []
        latest = services.runs.run_by_code(runs[2])
        assert other not in {r.code for r in services.comparison.earlier_runs(latest)}


def test_the_page_shows_each_run_in_a_column_in_norwegian(facilitator, runs):
    first, _second, latest = runs
    page = facilitator.get(f"/facilitator/runs/{latest}/comparison?run={first}&run=NOPE").get_data(as_text=True)
    assert "Denne økten" in page and "Alle tidligere økter (2)" in page
    assert "NaN" not in page and "None" not in page
    assert f'value="{first}" checked' in page


def test_the_csv_holds_figures_of_whole_rooms_only(app, facilitator, runs):
    first, _second, latest = runs
    with app.app_context():  # someone in an earlier run who wrote things of their own
        person = services.joining.join_run(services.runs.run_by_code(first), "Kari sitt bord", "Kari Nordmann")
        services.votes.submit_answer(person, "goals", {"write_in": ["Kari sitt eget mål"]})
        services.votes.submit_answer(person, "needs", {"entry": ["Kari trenger en egen mal"]})
        services.moderation.approve_all(services.runs.run_by_code(first), "needs")
        public_id = person.public_id
    response = facilitator.get(f"/facilitator/runs/{latest}/comparison.csv?run={first}&headers=keys")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert {r["run_code"] for r in rows} == {latest, first, ""}
    assert {r["question_id"] for r in rows} >= {"categories", "goals", "topics", "fruits"}
    assert "needs" not in {r["question_id"] for r in rows}
    for personal in ("Kari", public_id, "Sim 1", "Table 1"):
        assert personal not in body
    # the written-in goal still counts among the respondents: 13 answered goals in the first run
    assert {r["respondents"] for r in rows if r["question_id"] == "goals" and r["run_code"] == first} == {"13"}
    labelled = facilitator.get(f"/facilitator/runs/{latest}/comparison.csv").get_data(as_text=True)
    assert "Andel" in labelled.splitlines()[0]


def test_bad_requests_change_nothing_and_need_a_facilitator(app, client, facilitator, runs):
    assert client.get(f"/facilitator/runs/{runs[0]}/comparison").status_code in (302, 401, 403)
    assert client.get(f"/facilitator/runs/{runs[0]}/comparison.csv").status_code in (302, 401, 403)
    assert facilitator.get("/facilitator/runs/NOPE/comparison").status_code == 404
    assert facilitator.post(f"/facilitator/runs/{runs[0]}/in-comparisons", data={"on": "x"}).status_code == 400
    with app.app_context():
        assert db.session.query(Run).filter_by(code=runs[0]).one().in_comparisons is True


def test_the_follow_up_meetings_risk_and_benefits_compare_as_cells_and_kinds(app):
    with app.app_context():
        codes = [new_rehearsed_run(seed, 10, name="oppfolgingsmote-3-mnd") for seed in (5, 6)]
        comparison = services.comparison.comparison(services.runs.run_by_code(codes[1]), picked=[codes[0]])
        risk = next(q for q in comparison["questions"] if q["type"] == "risk")
        placed = [c for row in risk["rows"] for c in row["cells"] if c and c["place"]]
        assert placed and all(" × " in c["place"] and 0 <= c["value"] <= 1 for c in placed)
        benefits = next(q for q in comparison["questions"] if q["type"] == "benefits")
        for column in range(len(comparison["columns"])):
            shares = [row["cells"][column]["value"] for row in benefits["rows"]]
            assert sum(shares) == pytest.approx(1.0)  # every benefit named has one kind


def test_the_projector_shows_the_comparison_step_with_the_picked_runs(app, facilitator, runs):
    first, second, latest = runs
    response = facilitator.post(f"/facilitator/runs/{latest}/comparison/project", data={"run": [first, "NOPE"]})
    assert response.status_code == 302 and f"run={first}" in response.headers["Location"]
    with app.app_context():
        run = services.runs.run_by_code(latest)
        assert services.steps.current(run).key == "comparison"
        assert services.comparison.projected_picks(run) == [first]  # an unknown code is dropped
    shown = facilitator.get(f"/projector/{latest}/comparison.json").get_json()
    assert shown["headings"] == ["Denne økten", shown["headings"][1], "Alle tidligere økter (2)"]
    assert shown["headings"][1].startswith(f"{first[:3]} {first[3:]}")
    categories = next(q for q in shown["questions"] if q["id"] == "categories")
    assert categories["respondents"] == ["15", "12", "21"]
    assert all(cell.endswith("%") for row in categories["rows"] for cell in row["cells"])
    # deleting the run takes what it kept along: its picks are gone with it
    with app.app_context():
        services.runs.delete_run(services.runs.run_by_code(latest))
        assert db.session.query(Setting).filter(Setting.key.like(f"%{latest}%")).count() == 0


def test_the_comparison_step_needs_a_facilitator_and_its_token(app, client, runs):
    assert client.get(f"/projector/{runs[2]}/comparison.json").status_code in (302, 401, 403)
    assert client.post(f"/facilitator/runs/{runs[2]}/comparison/project").status_code in (302, 401, 403)
    app.config["WTF_CSRF_ENABLED"] = True
    signed_in = app.test_client()
    signed_in.post("/facilitator/login", data={"secret": "test-facilitator-secret"})
    assert signed_in.post(f"/facilitator/runs/{runs[2]}/comparison/project", data={"run": [runs[0]]}).status_code == 400
    with app.app_context():
        assert services.steps.current(services.runs.run_by_code(runs[2])).key != "comparison"


def test_every_named_step_has_a_name_on_the_run_page_and_the_presenters_view(app):
    from workshop import presenter
    from workshop.domain.slides import NAMED_STEPS

    with app.test_request_context():
        assert set(presenter.named_steps()) == set(NAMED_STEPS)
