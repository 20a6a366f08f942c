"""Schema changes come with migrations, and a database of the previous release keeps its data."""

import json
import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from workshop import ROOT, create_app, services
from workshop.domain.aggregate import entry_ref
from workshop.domain.templates import template_to_dict
from workshop.extensions import db
from workshop.templates_io import find_template

from ..conftest import QUESTIONS

MIGRATIONS = f"{ROOT}/migrations"


def migrated_app(tmp_path, monkeypatch, path):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                       "RESULTS_INTERVAL": 0, "QUESTIONS_DIR": QUESTIONS, "WTF_CSRF_ENABLED": False})


def test_migrations_build_exactly_the_models_schema(tmp_path, monkeypatch):
    app = migrated_app(tmp_path, monkeypatch, tmp_path / "fresh.sqlite")
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_database_of_release_0001_keeps_its_runs_and_answers(tmp_path, monkeypatch):
    path = tmp_path / "release1.sqlite"
    # Write a database exactly as release 0001 left it: its schema, then its rows.
    old = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "SCHEMA_MANAGED_ELSEWHERE": True, "QUESTIONS_DIR": QUESTIONS})
    with old.app_context():
        upgrade(directory=MIGRATIONS, revision="0001")
        snapshot = template_to_dict(find_template(QUESTIONS, "kontraktsoppfolging").template)
        snapshot["questions"] = snapshot["questions"][:4]  # release 0001 had the four questions
        for later in ("slides", "steps"):  # and no slides
            snapshot.pop(later, None)
        for question in snapshot["questions"]:
            question.pop("moderated", None)
        template = json.dumps(snapshot)
    connection = sqlite3.connect(path)
    connection.executescript(f"""
        INSERT INTO setting VALUES ('facilitator_secret_hash', 'scrypt:32768:8:1$x$y');
        INSERT INTO run (id, code, template_id, template, language, projected_question_id, created_at)
            VALUES (1, 'K7M4QX', 'kontraktsoppfolging', '{template.replace("'", "''")}', 'nb', 'goals',
                    '2026-11-20 09:00:00');
        INSERT INTO question_state (id, run_id, question_id, status, opened_at, closes_at, revealed)
            VALUES (1, 1, 'categories', 'closed', '2026-11-20 09:01:00', '2026-11-20 09:11:00', 0),
                   (2, 1, 'goals', 'closed', '2026-11-20 09:01:00', '2026-11-20 09:11:00', 1),
                   (3, 1, 'topics', 'draft', NULL, NULL, 0), (4, 1, 'needs', 'draft', NULL, NULL, 0);
        INSERT INTO "group" (id, run_id, name) VALUES (1, 1, 'Bord 1'), (2, 1, 'Bord 2');
        INSERT INTO participant (id, run_id, group_id, token, public_id, display_name, language, created_at)
            VALUES (1, 1, 1, 'tok-1', 'p-aaaa', 'Åse', 'nb', '2026-11-20 09:00:30'),
                   (2, 1, 2, 'tok-2', 'p-bbbb', NULL, 'nb', '2026-11-20 09:00:40');
        INSERT INTO answer (id, run_id, participant_id, question_id, items, vote_id, submitted_at)
            VALUES (1, 1, 1, 'goals', '[{{"option": "trust", "text": null, "rank": null}}]', 'v1', '2026-11-20 09:05:00'),
                   (2, 1, 2, 'goals', '[{{"option": "trust", "text": null, "rank": null}}, {{"option": null, "text": "Lokale jobber", "rank": null}}]', NULL, '2026-11-20 09:06:00'),
                   (3, 1, 1, 'categories', '[{{"option": "C", "text": null, "rank": null}}]', NULL, '2026-11-20 09:05:30');
    """)
    connection.commit()
    connection.close()

    app = migrated_app(tmp_path, monkeypatch, path)  # the new release migrates at start
    with app.test_request_context():
        run = services.runs.run_by_code("K7M4QX")
        assert run is not None and run.board_shared is False
        goals = {o["key"]: o["count"] for o in services.results.results(run, "goals")["options"]}
        assert goals["trust"] == 2 and goals["~lokale jobber"] == 1
        assert services.results.results(run, "categories")["respondents"] == 1
        tables = services.exports.export_tables(run)
        assert len(tables["answers"]) == 4 and "Åse" in set(tables["answers"]["display_name"])
    version = sqlite3.connect(path).execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert version != "0001"


def test_texts_stored_before_the_text_hygiene_are_cleaned_and_the_run_works(tmp_path, monkeypatch):
    path = tmp_path / "release3.sqlite"
    old = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "SCHEMA_MANAGED_ELSEWHERE": True, "QUESTIONS_DIR": QUESTIONS})
    with old.app_context():
        upgrade(directory=MIGRATIONS, revision="0003")
        # As release 0003 stored a run's workshop: there was no moderation then.
        stored_template = template_to_dict(find_template(QUESTIONS, "kontraktsoppfolging").template)
        for question in stored_template["questions"]:
            question.pop("moderated", None)
        template = json.dumps(stored_template)
    # As release 0003 stored them: a lone surrogate in JSON (an escape), controls in plain text.
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO run (id, code, template_id, template, language, "
                       "projected_question_id, created_at, board_shared) VALUES "
                       "(1, 'K7M4QW', 'kontraktsoppfolging', ?, 'nb', 'needs', '2026-11-20 09:00:00', 1)",
                       (template,))
    connection.executescript(r"""
        INSERT INTO question_state (run_id, question_id, status, revealed)
            SELECT 1, value, 'closed', 1 FROM json_each('["categories","goals","topics","needs","fruits"]');
        INSERT INTO "group" (id, run_id, name) VALUES (1, 1, 'Bord' || char(7)), (2, 1, 'Bord' || char(8));
        INSERT INTO participant (id, run_id, group_id, token, public_id, display_name, language, created_at)
            VALUES (1, 1, 1, 'tok-1', 'p-aaaa', 'Kari' || char(27), 'nb', '2026-11-20 09:00:30');
        INSERT INTO participant (id, run_id, group_id, token, public_id, display_name, language, created_at)
            VALUES (2, 1, 2, 'tok-2', 'p-bbbb', NULL, 'nb', '2026-11-20 09:00:40');
        INSERT INTO answer (run_id, participant_id, question_id, items, submitted_at)
            VALUES (1, 1, 'needs', '[{"option": null, "text": "Mer \ud800 dialog", "rank": null}]',
                    '2026-11-20 09:05:00'),
                   (1, 2, 'needs', '[{"option": null, "text": "Frekt\u0002", "rank": null}]',
                    '2026-11-20 09:05:30');
        INSERT INTO note (run_id, text, created_at) VALUES (1, 'Notat' || char(0) || 'x', '2026-11-20 09:06:00');
        INSERT INTO plan (run_id, goals, updated_at)
            VALUES (1, '[{"goal": "M\udfffl", "supplier_questions": [], "report_to": []}]', '2026-11-20 09:07:00');
    """)
    # The facilitator hid the second text and someone upvoted it, by its ref as it was then.
    connection.execute("INSERT INTO board_mark (run_id, question_id, kind, ref, created_at) "
                       "VALUES (1, 'needs', 'hide', ?, '2026-11-20 09:06:00')",
                       (entry_ref("p-bbbb", "Frekt\x02"),))
    connection.commit()
    connection.close()

    app = migrated_app(tmp_path, monkeypatch, path)
    with app.app_context():
        run = services.runs.run_by_code("K7M4QW")
        texts = [e["text"] for e in services.results.results(run, "needs")["entries"]]
    assert texts == ["Mer \ufffd dialog"]  # the hidden text stays hidden
    stored = sqlite3.connect(path)
    assert stored.execute("SELECT items FROM answer WHERE participant_id = 1").fetchone()[0] == \
        json.dumps([{"option": None, "text": "Mer \ufffd dialog", "rank": None}])
    assert sorted(r[0] for r in stored.execute('SELECT name FROM "group"')) == ["Bord\ufffd", "Bord\ufffd (2)"]
    assert stored.execute("SELECT text FROM note").fetchone()[0] == "Notat\ufffdx"
    assert stored.execute("SELECT display_name FROM participant WHERE id = 1").fetchone()[0] == "Kari\ufffd"
    assert "\\ud" not in stored.execute("SELECT goals FROM plan").fetchone()[0]
    facilitator = app.test_client()
    with app.app_context():
        services.secret.ensure_facilitator_secret("secret")
    facilitator.post("/facilitator/login", data={"secret": "secret"})
    for page in ("/facilitator/runs/K7M4QW/board", "/facilitator/runs/K7M4QW/plan",
                 "/facilitator/runs/K7M4QW/export/answers.csv", "/facilitator/runs/K7M4QW/export/plan.csv"):
        response = facilitator.get(page)
        assert response.status_code == 200, page
    assert "Mer \ufffd dialog" in facilitator.get("/facilitator/runs/K7M4QW/export/answers.csv").data.decode("utf-8-sig")
