"""The join page lists the room's tables; picking one joins it, and a refused form keeps it."""

import re

from workshop.extensions import db
from workshop.models import Group, Participant

from ..conftest import approve_texts, join


def radios(page: str) -> list[tuple[str, bool]]:
    """(table, checked) of every table's radio button, in the page's order."""
    found = re.findall(r'<input( checked)? id="group-\d+" name="group" type="radio" value="([^"]*)">',
                       page)
    return [(value, bool(checked)) for checked, value in found]


def test_the_join_page_lists_every_table_by_name(app, run_code):
    for table in ("Bord 2", "Bord 10", "Bord 1", "bord 2 "):
        join(app.test_client(), run_code, table)
    page = app.test_client().get(f"/j/{run_code}").get_data(as_text=True)
    assert radios(page) == [("Bord 1", False), ("Bord 10", False), ("Bord 2", False)]
    assert '<span>Bord 10</span>' in page


def test_a_refused_join_keeps_the_table_that_was_picked(app, run_code):
    join(app.test_client(), run_code, "Bord 1")
    join(app.test_client(), run_code, "Bord 2")
    phone = app.test_client()
    refused = phone.post(f"/j/{run_code}", data={"group": "Bord 2", "new_group": "x" * 41})
    assert refused.status_code == 200
    assert radios(refused.get_data(as_text=True)) == [("Bord 1", False), ("Bord 2", True)]
    joined = phone.post(f"/j/{run_code}", data={"group": "Bord 2"})
    assert joined.status_code == 302
    with app.app_context():
        assert db.session.query(Group).count() == 2
        assert [p.group.name for p in db.session.query(Participant)][-1] == "Bord 2"


def test_a_table_name_with_markup_is_shown_as_text(app, run_code):
    join(app.test_client(), run_code, 'Bord "<b>7</b>"')
    page = app.test_client().get(f"/j/{run_code}").get_data(as_text=True)
    assert "<b>7</b>" not in page
    assert radios(page) == [("Bord &#34;&lt;b&gt;7&lt;/b&gt;&#34;", False)]


def test_a_phone_joining_a_known_table_does_not_rebuild_the_rooms_results(app, facilitator, run_code,
                                                                          monkeypatch):
    from workshop import services

    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")  # ideas: on every page
    writer = join(app.test_client(), run_code, "Bord 1")
    writer.post(f"/r/{run_code}/answer/needs", data={"entry": ["Mal for statusmøte"]})
    approve_texts(facilitator, run_code)
    assert "Mal for statusmøte" in join(app.test_client(), run_code, "Bord 1").get(
        f"/r/{run_code}").get_data(as_text=True)
    built = []
    original = services.results.results
    monkeypatch.setattr(services.results, "results", lambda *a, **k: built.append(a[1]) or original(*a, **k))

    for _ in range(3):  # a hall arriving at tables that exist
        page = join(app.test_client(), run_code, "bord 1").get(f"/r/{run_code}")
        assert "Mal for statusmøte" in page.get_data(as_text=True)
    assert built == []

    # Until revealed a phone sees the ideas, not the tables: a new table builds nothing.
    join(app.test_client(), run_code, "Bord 2").get(f"/r/{run_code}")
    assert built == []
    # Revealed, the results list every table: a new one builds them again, with it.
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/reveal")
    join(app.test_client(), run_code, "Bord 1").get(f"/r/{run_code}")
    newcomer = join(app.test_client(), run_code, "Bord 3")
    built.clear()  # (the join's push to the projector builds its own)
    newcomer.get(f"/r/{run_code}")
    assert built == ["needs"]
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        versions = services.results.results_versions(run, services.runs.question_states(run))
        groups = services.results.shared_results(run, "needs", "nb", versions["needs"])["groups"]
    assert [g["name"] for g in groups] == ["Bord 1", "Bord 2", "Bord 3"]


def test_the_lobbys_count_per_table_reads_an_index_not_every_participant(app, run_code):
    """Every results push counts who joined at which table, ten times a second while a hall
    joins: scanning every participant once per table took 24 ms a push at 2,000 phones."""
    from sqlalchemy import event

    from workshop import services

    for table in ("Bord 1", "Bord 2", "Bord 1"):
        join(app.test_client(), run_code, table)
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        statements = []
        listener = lambda _c, _cur, statement, parameters, *_: statements.append((statement, parameters))  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            counts = services.joining.table_counts(run)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert counts == [{"name": "Bord 1", "participants": 2}, {"name": "Bord 2", "participants": 1}]
        (statement, parameters), = statements
        plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    steps = [row[-1] for row in plan]
    assert not any(step.startswith("SCAN participant") for step in steps), steps
