"""Routes through the Flask test client: join, answer by plain form POST, facilitator access."""

import re

from workshop import services
from workshop.extensions import db
from workshop.models import Answer, Participant

from ..conftest import SECRET, join


def test_join_code_is_easy_to_read_aloud(run_code):
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", run_code)
    assert not set(run_code) & set("01OIL")


def test_typed_code_with_spaces_and_lower_case_finds_the_run(client, run_code):
    typed = f"{run_code[:3].lower()} {run_code[3:]}"
    response = client.post("/", data={"code": typed})
    assert response.status_code == 302 and response.location.endswith(f"/j/{run_code}")


def test_unknown_code_gets_a_clear_message(client, run_code):
    response = client.post("/", data={"code": "ZZZZZZ"})
    assert response.status_code == 200
    assert "Ingen workshop har denne koden" in response.get_data(as_text=True)


def test_participant_joins_a_group_and_keeps_identity_on_reload(app, client, run_code):
    join(client, run_code, "Bord 3", "Kari")
    page = client.get(f"/r/{run_code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Bord 3" in text and "Kari" in text
    # Coming back to the join link on the same phone goes straight to the run.
    again = client.get(f"/j/{run_code}")
    assert again.status_code == 302 and again.location.endswith(f"/r/{run_code}")
    with app.app_context():
        assert db.session.query(Participant).count() == 1


def test_second_phone_can_pick_an_existing_group(app, client, run_code):
    join(client, run_code, "Bord 1")
    other = app.test_client()
    page = other.get(f"/j/{run_code}").get_data(as_text=True)
    assert 'value="Bord 1"' in page
    response = other.post(f"/j/{run_code}", data={"group": "Bord 1"})
    assert response.status_code == 302
    with app.app_context():
        assert {p.group.name for p in db.session.query(Participant)} == {"Bord 1"}


def test_joining_without_a_group_is_refused(app, client, run_code):
    response = client.post(f"/j/{run_code}", data={"new_group": "  "})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.query(Participant).count() == 0


def test_answer_by_form_post_is_stored_and_changed(app, client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/categories/open")
    client.post(f"/r/{run_code}/answer/categories", data={"option": ["A", "B"]})
    client.post(f"/r/{run_code}/answer/categories", data={"option": ["C"]})
    with app.app_context():
        answers = db.session.query(Answer).all()
        assert len(answers) == 1 and answers[0].items == [{"option": "C", "text": None, "rank": None}]


def test_answer_to_a_question_not_yet_open_is_refused(app, client, run_code):
    join(client, run_code)
    response = client.post(f"/r/{run_code}/answer/categories", data={"option": ["A"]}, follow_redirects=True)
    assert "Dette spørsmålet er stengt" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Answer).count() == 0


def test_refused_answer_keeps_the_earlier_one(app, client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/categories/open")
    client.post(f"/r/{run_code}/answer/categories", data={"option": ["A"]})
    response = client.post(f"/r/{run_code}/answer/categories", data={"option": ["A", "F"]}, follow_redirects=True)
    assert "står alene" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Answer).one().items[0]["option"] == "A"


def test_after_close_nothing_changes(app, client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/categories/open")
    client.post(f"/r/{run_code}/answer/categories", data={"option": ["A"]})
    facilitator.post(f"/facilitator/runs/{run_code}/questions/categories/close")
    client.post(f"/r/{run_code}/answer/categories", data={"option": ["B"]})
    with app.app_context():
        assert db.session.query(Answer).one().items[0]["option"] == "A"
    facilitator.post(f"/facilitator/runs/{run_code}/questions/categories/open")  # reopen
    client.post(f"/r/{run_code}/answer/categories", data={"option": ["B"]})
    with app.app_context():
        assert db.session.query(Answer).one().items[0]["option"] == "B"


def test_answer_after_the_countdown_ran_out_is_refused(app, client, facilitator, run_code):
    from datetime import timedelta

    from workshop.models import QuestionState, utcnow

    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    with app.app_context():
        state = db.session.query(QuestionState).filter_by(question_id="needs").one()
        state.closes_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    client.post(f"/r/{run_code}/answer/needs", data={"entry": ["for sent"]})
    with app.app_context():
        assert db.session.query(Answer).count() == 0


def test_free_text_is_shown_escaped(app, client, facilitator, run_code):
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    client.post(f"/r/{run_code}/answer/needs", data={"entry": ["<script>alert(1)</script>"]})
    page = client.get(f"/r/{run_code}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_participant_cannot_reach_facilitator_pages(client, run_code):
    join(client, run_code)
    for url in ["/facilitator/", f"/facilitator/runs/{run_code}", f"/projector/{run_code}",
                f"/facilitator/runs/{run_code}/qr.svg"]:
        response = client.get(url)
        assert response.status_code == 302 and "/facilitator/login" in response.location
    response = client.post(f"/facilitator/runs/{run_code}/questions/categories/open")
    assert response.status_code == 302 and "/facilitator/login" in response.location


def test_participant_of_one_run_is_not_a_participant_of_another(app, client, run_code):
    from workshop.templates_io import find_template

    from ..conftest import QUESTIONS

    join(client, run_code)
    with app.app_context():
        other = services.runs.create_run(find_template(QUESTIONS, "kontraktsoppfolging").template).code
    response = client.get(f"/r/{other}")
    assert response.status_code == 302 and response.location.endswith(f"/j/{other}")
    assert client.get(f"/r/{other}/questions").status_code == 403


def test_wrong_facilitator_secret_is_refused(client):
    response = client.post("/facilitator/login", data={"secret": "guess"})
    assert response.status_code == 200
    assert client.get("/facilitator/").status_code == 302


def test_facilitator_secret_is_stored_only_as_a_hash(app):
    from workshop.models import Setting

    with app.app_context():
        stored = db.session.get(Setting, services.secret.SECRET_KEY_SETTING).value
    assert SECRET not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_facilitator_creates_a_run_and_gets_code_link_and_qr(facilitator):
    response = facilitator.post("/facilitator/runs", data={"template": "kontraktsoppfolging", "language": "nb"})
    assert response.status_code == 302
    page = facilitator.get(response.location).get_data(as_text=True)
    code = response.location.rsplit("/", 1)[1]
    assert f"/j/{code}" in page
    svg = facilitator.get(f"/facilitator/runs/{code}/qr.svg")
    assert svg.status_code == 200 and svg.content_type == "image/svg+xml" and b"<svg" in svg.data


def test_projector_page_has_no_controls(facilitator, run_code):
    page = facilitator.get(f"/projector/{run_code}").get_data(as_text=True)
    assert "<button" not in page and "<form" not in page


def test_pages_carry_a_content_security_policy_without_inline_script(client, run_code):
    response = client.get(f"/j/{run_code}")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in response.get_data(as_text=True)


def test_vendor_scripts_are_served_locally(client):
    response = client.get("/vendor/socket.io.min.js")
    assert response.status_code == 200 and len(response.data) > 10000
    assert client.get("/vendor/../package.json").status_code == 404


def test_the_console_preselects_the_contract_follow_up_workshop(facilitator):
    import re

    page = facilitator.get("/facilitator/").get_data(as_text=True)
    selected = re.findall(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', page)
    assert [a or b for a, b in selected][:1] == ["kontraktsoppfolging"]
