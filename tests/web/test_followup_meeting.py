"""The bundled follow-up meeting (questions/oppfolgingsmote-3-mnd.yaml) rehearsed end to end
through Flask's CLI, in both languages, and the risk matrix leading a plan's draft."""

import shutil
import subprocess
import sys

import pytest

from workshop import create_app, services
from workshop.extensions import db
from workshop.templates_io import find_template

from ..conftest import QUESTIONS, ROOT

WORKSHOP = "oppfolgingsmote-3-mnd"


def test_the_followup_file_is_valid():
    done = subprocess.run([sys.executable, "-m", "workshop.cli", "validate", f"questions/{WORKSHOP}.yaml"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "ingen problemer" in done.stdout, done.stdout + done.stderr
    assert [q.type for q in find_template(QUESTIONS, WORKSHOP).template.questions] == [
        "choice", "risk", "benefits", "text"]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_followup_meeting_rehearses_end_to_end_with_no_refusal(app, lang):
    runner = app.test_cli_runner()
    done = runner.invoke(args=["rehearse", "--template", WORKSHOP, "--lang", lang,
                               "--participants", "15", "--groups", "4"])
    assert done.exit_code == 0 and done.exception is None, done.output
    code = done.output.split()[1].rstrip(":")
    assert f"Run {code}: 15 simulated participants in 4 groups gave 60 answers." in done.output
    with app.app_context():
        run = services.runs.run_by_code(code)
        risk = services.results.results(run, "risk")
        benefits = services.results.results(run, "benefits")
        assert len(services.runs.question_of(run, "risk").options) == 6  # the top six goals followed up
        assert risk["respondents"] == 15 and risk["ranked"]
        assert all(1 <= o["cell"][0] <= 5 and 1 <= o["cell"][1] <= 5 for o in risk["options"] if o["tables"])
        assert benefits["respondents"] == 15 and benefits["benefits"]
        assert {b["kind"] for b in benefits["benefits"]} <= {"kroner", "quality", "others"}


@pytest.fixture
def app_with_plan(tmp_path, monkeypatch):
    """The follow-up meeting with the workshop's plan wording beside it."""
    folder = tmp_path / "questions"
    folder.mkdir()
    shutil.copy(f"{QUESTIONS}/{WORKSHOP}.yaml", folder)
    shutil.copy(f"{QUESTIONS}/kontraktsoppfolging.plan.yaml", folder / f"{WORKSHOP}.plan.yaml")
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SCHEMA_FROM_MODELS": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "test.sqlite"),
                      "WTF_CSRF_ENABLED": False, "RESULTS_INTERVAL": 0, "RATELIMIT_ENABLED": False,
                      "QUESTIONS_DIR": str(folder)})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_highest_risks_lead_the_plans_draft(app_with_plan):
    app = app_with_plan
    with app.test_request_context():
        run = services.runs.create_run(find_template(app.config["QUESTIONS_DIR"], WORKSHOP).template)
        services.rehearsal.rehearse(run, participants=12, groups=3, seed=2)
        ranked = services.results.results(run, "risk")["ranked"]
        goals = services.plan.draft_plan_goals(run)
    assert ranked and [g["goal_key"] for g in goals][:3] == ranked[:3]
    assert all(g["responsible"] and g["measure"] for g in goals)
