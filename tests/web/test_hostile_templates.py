"""Hostile workshop files: each is a problem with its file and line, never a 500.

Uploaded on the console ("Check and add") or lying in questions/, a file nested thousands of
levels deep, an alias bomb, an oversized file, a text holding characters that are not text,
or a value YAML reads as a broken date is listed with its problem while the console, the
previews and the runs keep working. The plan file beside a workshop is held to the same.
"""

import html
import io
import logging
import os
import re
import shutil

import pytest

from workshop import services
from workshop.domain.questions import TemplateError
from workshop.domain.templates import parse_template, template_to_dict
from workshop.templates_io import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    list_template_files,
    load_plan_suggestions,
    load_template_text,
)

from ..conftest import QUESTIONS

GOOD = """id: {id}
title: {{nb: {title}, en: Title}}
description: {{nb: {description}, en: Description}}
questions:
  - id: q1
    type: choice
    text: {{nb: Hva, en: What}}
    options:
      - {{id: {option}, label: {{nb: {label}, en: A}}}}
"""


def workshop(id="hostile", title="Tittel", description="Beskrivelse", option="a", label="A"):
    return GOOD.format(id=id, title=title, description=description, option=option, label=label)


def nested(levels: int) -> str:
    """A file whose mappings nest `levels` deep, one key a line (the file itself is level 1)."""
    return "id: deep\n" + "".join("  " * i + f"k{i}:\n" for i in range(levels - 1)) + \
        "  " * (levels - 1) + "x: 1\n"


def billion_laughs() -> str:
    lines = ["id: bomb", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    return "\n".join(lines) + "\n"


# name -> (file text, the problem's line, its field, its message)
HOSTILE = {
    "deep-lists.yaml": ("id: deep\ntitle: " + "[" * 5000 + "]" * 5000 + "\n", 2, "(file)",
                        f"is nested more than {MAX_DEPTH} levels deep"),
    "deep-mappings.yaml": ("id: deep\ntitle: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", 2,
                           "(file)", f"is nested more than {MAX_DEPTH} levels deep"),
    "deep-block.yaml": (nested(40), MAX_DEPTH + 2, "(file)",
                        f"is nested more than {MAX_DEPTH} levels deep"),
    "alias-bomb.yaml": (billion_laughs(), 3, "(file)", "uses a YAML alias (*name)"),
    "oversized.yaml": (workshop() + "# padding\n" * (MAX_FILE_BYTES // 10), None, "(file)",
                       "is larger than 512 KiB"),
    "many-values.yaml": (workshop() + "extra: [" + "1," * MAX_NODES + "1]\n", 10, "(file)",
                         f"has more than {MAX_NODES} values"),
    "nul-in-title.yaml": (workshop(title='"Bord\\0 3"'), 2, "title.nb",
                          "holds characters that are not text"),
    "surrogate-in-title.yaml": (workshop(title='"\\ud800"'), 2, "title.nb",
                                "holds characters that are not text"),
    "bell-in-label.yaml": (workshop(label='"A\\a"'), 9, "options[1].label.nb",
                           "holds characters that are not text"),
    "noncharacter-in-description.yaml": (workshop(description='"\\uFFFE"'), 3, "description.nb",
                                         "holds characters that are not text"),
    "raw-control-character.yaml": (workshop(title="Bord\x01 3"), 2, "(file)",
                                   "holds characters that are not text"),
    "impossible-date.yaml": (workshop(description="2024-02-30"), 3, "(file)",
                             "cannot be read as a number, date or true/false"),
    "huge-number.yaml": (workshop() + "extra: 1" + "0" * 5000 + "\n", 10, "(file)",
                         "cannot be read as a number, date or true/false"),
}


def problems_of(text: str, source: str) -> list:
    with pytest.raises(TemplateError) as raised:
        load_template_text(text, source)
    return raised.value.problems


# --- the domain: load_template_text ---------------------------------------------------------

@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_a_problem_with_its_file_line_and_field(name):
    text, line, field, message = HOSTILE[name]
    found = [p for p in problems_of(text, name) if message in str(p)]
    assert found, [str(p) for p in problems_of(text, name)]
    assert found[0].source == name and found[0].line == line and found[0].field == field
    if line is not None:
        assert str(found[0]).startswith(f"{name}, line {line}, ")


def test_depth_is_refused_one_level_past_the_budget_and_not_at_it():
    assert not any("nested" in str(p) for p in problems_of(nested(MAX_DEPTH), "ok.yaml"))
    assert any("nested" in str(p) for p in problems_of(nested(MAX_DEPTH + 1), "deep.yaml"))


def test_the_node_budget_leaves_room_for_far_too_many_options_to_be_named():
    # 10,000 options are about 90,000 values: the author is told about the options, not the budget.
    many = "".join(f"      - {{id: o{i}, label: {{nb: O, en: O}}}}\n" for i in range(10_000))
    found = problems_of(workshop().replace("      - {id: a, label: {nb: A, en: A}}\n", many), "f.yaml")
    assert [p.field for p in found] == ["options"] and "10000 entries" in str(found[0])


def test_a_problem_in_norwegian_names_the_line():
    from babel.support import Translations

    translations = Translations.load(os.path.join(os.path.dirname(os.path.dirname(services.__file__)), "translations"), ["nb"])
    problem = problems_of(billion_laughs(), "bomb.yaml")[0]
    assert problem.render(translations.gettext).startswith("bomb.yaml, linje 3, ")


def test_titles_and_labels_lose_format_characters_and_long_texts_keep_their_lines():
    template = load_template_text(workshop(
        title='"Bord\\u200b 3\\u202e"', label='"Ide\\u0301  A"',
        description='"Første linje\\nandre linje \\u200b"'), "clean.yaml")
    assert template.title["nb"] == "Bord 3"
    assert template.questions[0].options[0].label["nb"] == "Idé A"  # NFC, one space
    assert template.description["nb"] == "Første linje\nandre linje \u200b"
    assert parse_template(template_to_dict(template)) == template


def test_a_title_of_only_format_characters_is_empty():
    found = problems_of(workshop(title='"\\u200b\\u200d"'), "f.yaml")
    assert [(p.field, p.message) for p in found] == [("title.nb", "is missing or empty")]


def test_lengths_are_counted_after_normalisation():
    decomposed = "e\\u0301"  # two code points, one letter (é) in NFC
    fits = load_template_text(workshop(description=f'"{decomposed * 2000}"'), "fits.yaml")
    assert fits.description["nb"] == "é" * 2000
    found = problems_of(workshop(description=f'"{decomposed * 2001}"'), "long.yaml")
    assert [p.field for p in found] == ["description.nb"] and "longer than 2000" in str(found[0])


def test_ids_are_normalised_so_two_spellings_of_one_id_are_one_id():
    text = workshop(option='"ide\\u0301"') + "      - {id: idé, label: {nb: B, en: B}}\n"
    found = problems_of(text, "f.yaml")
    assert [p.field for p in found] == ["options[2].id"] and "used twice" in str(found[0])
    assert load_template_text(workshop(option='"ide\\u0301"'), "f.yaml").questions[0].options[0].id == "idé"


# --- the web: upload, and files lying in questions/ ------------------------------------------

@pytest.fixture
def folder(app, tmp_path):
    """A copy of questions/ the app reads, so files can be placed in it."""
    copy = tmp_path / "questions"
    shutil.copytree(QUESTIONS, copy)
    app.config["QUESTIONS_DIR"] = str(copy)
    return copy


@pytest.fixture
def console(facilitator):
    facilitator.post("/lang/en", data={"next": "/facilitator/"})
    return facilitator


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def upload(console, name: str, text: str):
    return console.post("/facilitator/templates", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(text.encode("utf-8")), name)})


@pytest.mark.parametrize("name", [n for n in HOSTILE if n != "oversized.yaml"])
def test_uploading_a_hostile_file_answers_with_its_problem(app, console, folder, name):
    text, line, _, message = HOSTILE[name]
    assert len(text.encode("utf-8")) < app.config["MAX_CONTENT_LENGTH"]  # checked, not refused as a body
    response = upload(console, name, text)
    assert response.status_code == 302 and response.location.endswith("/facilitator/")
    page = page_text(console.get(response.location))
    where = f"{name}, line {line}, " if line else f"{name}, "
    assert re.search(re.escape(where) + r"[^<]*" + re.escape(message), page), page[-3000:]
    assert not (folder / name).exists() and not (folder / "hostile.yaml").exists()


def test_uploading_an_oversized_file_is_refused_before_it_is_read(app, console, folder):
    # The request limit (MAX_CONTENT_LENGTH) is below the file budget: the body is refused
    # whole, with the app's 413 page; the 512 KiB check is for files placed in questions/.
    text = HOSTILE["oversized.yaml"][0]
    assert len(text.encode("utf-8")) > app.config["MAX_CONTENT_LENGTH"]
    assert upload(console, "oversized.yaml", text).status_code == 413
    assert not (folder / "oversized.yaml").exists() and not (folder / "hostile.yaml").exists()
    assert console.get("/facilitator/").status_code == 200


def test_hostile_files_in_questions_are_listed_and_the_console_and_previews_keep_working(
        console, folder, run_code):
    for name, (text, *_) in HOSTILE.items():
        (folder / name).write_text(text, encoding="utf-8")
    response = console.get("/facilitator/")
    assert response.status_code == 200
    page = page_text(response)
    for name, (_, line, _field, message) in HOSTILE.items():
        where = f"{name}, line {line}, " if line else f"{name}, "
        assert re.search(re.escape(where) + r"[^<]*" + re.escape(message), page), name
    # The good workshops can still be previewed and run; a broken one is not found.
    assert console.get("/facilitator/templates/kontraktsoppfolging").status_code == 200
    assert console.get("/facilitator/templates/deep-lists").status_code == 404
    created = console.post("/facilitator/runs", data={"template": "kontraktsoppfolging", "language": "nb"})
    assert created.status_code == 302 and "/facilitator/runs/" in created.location
    assert console.get(f"/facilitator/runs/{run_code}").status_code == 200


def test_a_file_name_that_is_not_utf8_is_listed_with_a_name_that_can_be_shown(console, folder):
    with open(os.path.join(os.fsencode(folder), b"\xff-broken.yaml"), "wb") as handle:
        handle.write(b"id: x\n")
    # os.listdir gives the byte 0xff as a lone surrogate, which the CLI cannot print.
    broken = [f for f in list_template_files(str(folder)) if f.name.endswith("-broken.yaml")]
    assert [f.name for f in broken] == ["\ufffd-broken.yaml"]
    assert all(p.source == "\ufffd-broken.yaml" for p in broken[0].problems)
    response = console.get("/facilitator/")
    assert response.status_code == 200 and "\ufffd-broken.yaml" in response.get_data().decode("utf-8")


# --- the plan file beside a workshop ---------------------------------------------------------

with open(f"{QUESTIONS}/kontraktsoppfolging.plan.yaml", encoding="utf-8") as plan_file:
    GOOD_PLAN = plan_file.read()
HOSTILE_PLANS = {
    "deep": "template: x\ngoals: " + "[" * 5000 + "]" * 5000 + "\n",
    "alias bomb": billion_laughs(),
    "oversized": GOOD_PLAN + "# padding\n" * (MAX_FILE_BYTES // 10),
    "not a mapping": "- 1\n",
    "a goal that is not a mapping": GOOD_PLAN.replace("\n  default:\n", "\n  default: 5\n  unused:\n"),
    "a measure that is a plain string": GOOD_PLAN.replace(
        '    measure:\n      nb: "Velg én målbar', '    measure: "x"\n    unused:\n      nb: "Velg én målbar'),
    "an unhashable frequency": GOOD_PLAN.replace("frequency: quarterly", "frequency: [quarterly]", 1),
    "a count that is not a number": GOOD_PLAN.replace("goals_default: 4", "goals_default: four"),
    "a lone surrogate in a label": GOOD_PLAN.replace('label: {nb: "IKT"', 'label: {nb: "\\ud800"'),
    "an impossible date": GOOD_PLAN.replace("goals_default: 4", "goals_default: 2024-02-30"),
}


def test_the_bundled_plan_file_loads_and_every_hostile_change_applies_to_it():
    assert GOOD_PLAN.count("measure:") > 5
    for change in HOSTILE_PLANS.values():
        assert change != GOOD_PLAN  # every replacement above found its text
    suggestions = load_plan_suggestions(QUESTIONS, "kontraktsoppfolging")
    assert suggestions is not None and suggestions["goals_default"] == 4


@pytest.mark.parametrize("case", HOSTILE_PLANS)
def test_a_hostile_plan_file_is_not_used_and_logged_in_one_line(tmp_path, caplog, case):
    (tmp_path / "kontraktsoppfolging.plan.yaml").write_text(HOSTILE_PLANS[case], encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="workshop.templates_io"):
        assert load_plan_suggestions(str(tmp_path), "kontraktsoppfolging") is None
        assert load_plan_suggestions(str(tmp_path), "kontraktsoppfolging") is None
    records = [r for r in caplog.records if r.name == "workshop.templates_io"]
    assert len(records) == 1, "logged once per version of the file, not on every page"
    assert records[0].exc_info is None and "\n" not in records[0].getMessage()
    assert "kontraktsoppfolging.plan.yaml not used" in records[0].getMessage()


@pytest.mark.parametrize("case", HOSTILE_PLANS)
def test_a_run_with_a_hostile_plan_file_keeps_every_page_working(app, console, folder, case):
    with app.app_context():
        from workshop.templates_io import find_template

        code = services.runs.create_run(find_template(str(folder), "kontraktsoppfolging").template).code
    (folder / "kontraktsoppfolging.plan.yaml").write_text(HOSTILE_PLANS[case], encoding="utf-8")
    assert console.get(f"/facilitator/runs/{code}/plan").status_code == 404  # no suggestions
    for page in (f"/facilitator/runs/{code}", f"/facilitator/runs/{code}/board",
                 f"/facilitator/runs/{code}/export/plan.csv", f"/facilitator/runs/{code}/export/workbook.xlsx"):
        assert console.get(page).status_code == 200, page
    (folder / "kontraktsoppfolging.plan.yaml").write_text(GOOD_PLAN, encoding="utf-8")
    assert console.get(f"/facilitator/runs/{code}/plan").status_code == 200
