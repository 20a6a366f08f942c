"""A hall of phones fetching their page at once shares one build of the results, and never
sees a stale one: every change that goes into them builds them again."""

from workshop import services

from ..conftest import approve_texts, join


def page(client, code):
    return client.get(f"/r/{code}/questions").get_data(as_text=True)


def counting_builds(monkeypatch):
    builds = []
    original = services.results.results

    def counted(*args, **kwargs):
        builds.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(services.results, "results", counted)
    return builds


def test_phones_share_one_build_until_something_changes(app, facilitator, run_code, monkeypatch):
    facilitator.post(f"/facilitator/runs/{run_code}/questions/needs/open")
    writers = [join(app.test_client(), run_code, f"Bord {n}") for n in (1, 2, 3)]
    for writer, text in zip(writers, ("Mal for statusmøte", "Eksempler på sanksjoner", "Ring oss")):
        writer.post(f"/r/{run_code}/answer/needs", data={"entry": [text]})
    approve_texts(facilitator, run_code)
    readers = [join(app.test_client(), run_code, "Bord 4") for _ in range(5)]
    builds = counting_builds(monkeypatch)

    pages = [page(reader, run_code) for reader in readers]
    assert all("Ring oss" in p and "Mal for statusmøte" in p for p in pages)
    assert builds == ["needs"], "five phones, one build"

    # Hidden by mistake, shown again, another one hidden: each phone sees exactly that.
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        refs = {i["text"]: i["ref"] for i in services.results.results(run, "needs")["ideas"]}
        services.board.set_mark(run, "needs", "hide", refs["Ring oss"], True)
    assert "Ring oss" not in page(readers[0], run_code)
    with app.app_context():
        run = services.runs.run_by_code(run_code)
        services.board.set_mark(run, "needs", "hide", refs["Ring oss"], False)
        services.board.set_mark(run, "needs", "hide", refs["Eksempler på sanksjoner"], True)
    shown = page(readers[1], run_code)
    assert "Ring oss" in shown and "Eksempler på sanksjoner" not in shown

    # A changed answer is a change too.
    writers[0].post(f"/r/{run_code}/answer/needs", data={"entry": ["Mal for oppfølgingsmøte"]})
    approve_texts(facilitator, run_code)
    shown = page(readers[2], run_code)
    assert "Mal for oppfølgingsmøte" in shown and "Mal for statusmøte" not in shown
