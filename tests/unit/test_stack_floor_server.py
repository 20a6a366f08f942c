"""The benchmark's stack floor does the baseline's join, so its time is comparable: the page
lists the tables with a CSRF token, the post refuses a missing token and finds "bord 3 " as
"Bord 3", and the questions page names the phone's table."""

from __future__ import annotations

import importlib
import re

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def test_a_phone_joins_the_stack_floor_as_it_joins_the_baseline(tmp_path, monkeypatch):
    monkeypatch.setenv("BASELINE_DATABASE", str(tmp_path / "floor.sqlite"))
    floor = importlib.reload(importlib.import_module("benchmarks.stack_floor_server"))
    code = floor.CODE

    def join(typed: str):
        phone = floor.app.test_client()
        page = phone.get(f"/j/{code}")
        token = CSRF.search(page.get_data(as_text=True)).group(1)
        assert phone.post(f"/j/{code}", data={"new_group": typed}).status_code == 400  # no token
        posted = phone.post(f"/j/{code}", data={"new_group": typed, "csrf_token": token})
        assert posted.status_code == 302 and posted.location.endswith(f"/r/{code}")
        return page.get_data(as_text=True), phone.get(posted.location).get_data(as_text=True)

    join("Bord 3")
    page, questions = join("bord 3 ")
    assert 'value="Bord 3"' in page
    assert "Bord: <strong>Bord 3</strong>" in questions
    assert floor.app.test_client().get("/_bench/dump").get_json()["tables"] == 1
