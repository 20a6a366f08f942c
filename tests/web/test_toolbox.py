"""The facilitator's toolbox: rehearse, validate, templates, delete, language."""

import io
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest
from sqlalchemy import inspect, text

from workshop import create_app, services
from workshop.domain.question_types import aggregate, validate_answer
from workshop.extensions import db
from workshop.templates_io import find_template

from ..conftest import QUESTIONS, ROOT, SECRET, join


def test_rehearsal_results_equal_what_the_simulated_participants_sent(app, run_code):
    with app.test_request_context():
        run = services.runs.run_by_code(run_code)
        sent = services.rehearsal.rehearse(run, participants=20, groups=4, seed=7)
        groups = {p.public_id: p.group.name for p in run.participants}
        for question in services.runs.questions_of(run):
            rows = []
            for (participant, question_id), fields in sent.items():
                if question_id != question.id:
                    continue
                for item in validate_answer(question, fields):
                    rows.append({"participant": participant, "group": groups[participant],
                                 "option": item.option, "text": item.text, "rank": item.rank,
                                 "place": item.place, "submitted_at": None})
            # The rehearsal approves every text of a moderated question: all are shown.
            expected = aggregate(replace(question, moderated=False), rows, run.language,
                                 [g.name for g in services.joining.groups_of(run)])
            actual = services.results.results(run, question.id)
            assert actual.get("waiting", 0) == 0
            assert actual["respondents"] == 20
            assert actual["options"] == expected["options"], question.id
            def answers(result):  # text entries are listed newest first: compare them as sets
                return [sorted(map(str, g["answer"])) for g in result["groups"]]
            assert answers(actual) == answers(expected), question.id


def test_rehearsal_is_seeded_and_clearing_starts_fresh(app, run_code):
    with app.test_request_context():
        run = services.runs.run_by_code(run_code)
        first = services.rehearsal.rehearse(run, participants=6, groups=2, seed=3)
        services.runs.clear_run(run)
        assert services.joining.participant_count(run) == 0 and services.votes.answer_rows(run) == []
        assert all(s.status == "draft" for s in services.runs.question_states(run).values())
        second = services.rehearsal.rehearse(run, participants=6, groups=2, seed=3)
        assert sorted(map(str, first.values())) == sorted(map(str, second.values()))


@pytest.mark.parametrize("template", ["kontraktsoppfolging", "kategorier-100-poeng"])
def test_rehearse_command_fills_a_new_run_of_every_bundled_workshop(tmp_path, template):
    env = {"WORKSHOP_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/r.sqlite",
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "workshop.cli", "rehearse", "--participants", "8",
                           "--groups", "2", "--template", template],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "8" in done.stdout and "Run " in done.stdout


def validate(*args, lang="en"):
    """`workshop validate` as a terminal runs it (its own process)."""
    return subprocess.run([sys.executable, "-m", "workshop.cli", "validate", *args, "--lang", lang],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def validate_here(*args, lang="en"):
    """The same command in this process (no app: validate needs none), for the many files."""
    from click.testing import CliRunner

    from workshop.cli import validate_command

    done = CliRunner().invoke(validate_command, [*args, "--lang", lang])
    return subprocess.CompletedProcess(args, done.exit_code, done.output, "")


def test_validate_accepts_the_bundled_workshop():
    done = validate(f"{QUESTIONS}/kontraktsoppfolging.yaml")
    assert done.returncode == 0 and "no problems" in done.stdout


@pytest.mark.parametrize("change,expected", [
    (("type: ranked", "type: slider"), ["line 63", "question 'topics'", "field 'type'", "unknown question type 'slider'"]),
    (("max: 8", "max: 0"), ["line 37", "question 'goals'", "field 'max'", "must be between 1 and 61"]),
    (("      - {id: C, label: {nb: mat, en: food}}", "      - {id: C, label: {nb: mat}}"),
     ["line 24", "question 'categories'", "field 'options[3].label.en'", "is missing or empty"]),
    (("    ranks: 3", "    ranks: 3\n    colour: red"), ["question 'topics'", "field 'colour'", "unknown field"]),
    (("items_from: goals", "items_from: needs"), ["question 'fruits'", "field 'items_from'", "must name a choice or ranked question"]),
    (("  - id: needs", "  - id: goals"), ["field 'id'", "is used by another question"]),
])
def test_validate_names_file_line_question_and_field(tmp_path, change, expected):
    source = open(f"{QUESTIONS}/kontraktsoppfolging.yaml", encoding="utf-8").read()
    assert change[0] in source
    path = tmp_path / "broken.yaml"
    path.write_text(source.replace(change[0], change[1], 1), encoding="utf-8")
    done = validate_here(str(path))
    assert done.returncode == 1
    line = next(line for line in done.stdout.splitlines() if expected[-1] in line)
    assert line.startswith("broken.yaml") or str(path) in line
    for part in expected:
        assert part in line, (part, line)


def test_validate_speaks_norwegian_by_default(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nquestions: [\n", encoding="utf-8")
    done = validate(str(path), lang="nb")
    assert done.returncode == 1 and "linje" in done.stdout and "gyldig YAML" in done.stdout


def test_delete_leaves_nothing_of_the_run(app, facilitator, run_code):
    with app.test_request_context():
        run = services.runs.run_by_code(run_code)
        services.rehearsal.rehearse(run, participants=5, groups=2, seed=1)
        services.board.add_note(run, "goals", "Et notat")
        services.board.set_mark(run, "goals", "pin", "trust", True)
        services.plan.plan_of(run)
        run_id = run.id
    refused = facilitator.post(f"/facilitator/runs/{run_code}/delete", data={"code": "NOPE"})
    assert refused.status_code == 302
    with app.app_context():
        assert services.runs.run_by_code(run_code) is not None
    facilitator.post(f"/facilitator/runs/{run_code}/delete", data={"code": run_code})
    with app.app_context():
        for table in inspect(db.engine).get_table_names():
            columns = {c["name"] for c in inspect(db.engine).get_columns(table)}
            if "run_id" in columns:
                left = db.session.execute(text(f'SELECT COUNT(*) FROM "{table}" WHERE run_id = :r'), {"r": run_id}).scalar()
                assert left == 0, table
        assert db.session.execute(text("SELECT COUNT(*) FROM run")).scalar() == 0


def test_console_lists_templates_with_a_phone_preview_and_duplicates(tmp_path, monkeypatch):
    folder = tmp_path / "questions"
    shutil.copytree(QUESTIONS, folder)
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SCHEMA_FROM_MODELS": True, "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "t.sqlite"),
                      "QUESTIONS_DIR": str(folder), "RATELIMIT_ENABLED": False})
    with app.app_context():
        services.secret.ensure_facilitator_secret(SECRET)
    client = app.test_client()
    client.post("/facilitator/login", data={"secret": SECRET})
    console = client.get("/facilitator/").get_data(as_text=True)
    assert "/facilitator/templates/kontraktsoppfolging" in console
    preview = client.get("/facilitator/templates/kontraktsoppfolging").get_data(as_text=True)
    assert preview.count('class="answer-form"') == 5 and "møbler" in preview and 'name="rank_3"' in preview
    client.post("/facilitator/templates/kontraktsoppfolging/duplicate", data={"new_id": "min-workshop"})
    assert find_template(str(folder), "min-workshop").ok
    upload = client.post("/facilitator/templates", data={"file": (io.BytesIO(b"id: x\nquestions: [\n"), "bad.yaml")},
                         content_type="multipart/form-data", follow_redirects=True)
    assert "gyldig YAML" in upload.get_data(as_text=True) and not (folder / "bad.yaml").exists()


def test_participant_switches_language_on_the_phone(app, client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/categories/open")
    norwegian = client.get(f"/r/{run_code}").get_data(as_text=True)
    assert 'lang="nb"' in norwegian and "Gruppe" in norwegian and "møbler" in norwegian
    client.post("/lang/en", data={"next": f"/r/{run_code}"})
    english = client.get(f"/r/{run_code}").get_data(as_text=True)
    assert 'lang="en"' in english and "Group" in english and "furniture" in english
    assert "Do you know whether your municipality" in english


def test_projector_follows_the_facilitators_language_choice(app, facilitator):
    created = facilitator.post("/facilitator/runs", data={"template": "kontraktsoppfolging", "language": "en"})
    code = created.location.rsplit("/", 1)[1]
    with app.test_request_context():
        from workshop import presenter
        run = services.runs.run_by_code(code)
        assert presenter.results_payload(run, "categories")["text"].startswith("Do you know whether")


def test_the_commands_run_in_an_app_context_through_flasks_cli(app, run_code):
    runner = app.test_cli_runner()
    rehearsed = runner.invoke(args=["rehearse", run_code, "--participants", "4", "--groups", "2"])
    assert rehearsed.exit_code == 0 and f"Run {run_code}: 4 simulated participants" in rehearsed.output
    missing = runner.invoke(args=["export", "ZZZZZZ"])
    assert missing.exit_code == 1 and "No run has the code 'ZZZZZZ'" in missing.output
    secret = runner.invoke(args=["reset-secret"])
    assert secret.exit_code == 0 and secret.output.startswith("New facilitator secret: ")
    with app.app_context():
        assert services.secret.check_facilitator_secret(secret.output.split(": ", 1)[1].strip())


def test_flasks_own_commands_come_with_the_workshop_command(tmp_path):
    env = {"WORKSHOP_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/r.sqlite",
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "workshop.cli", "routes"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "/j/<code>" in done.stdout and "participant.join" in done.stdout
