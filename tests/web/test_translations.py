"""Norwegian is the default language: every text the code and the templates show has its
Norwegian wording in the catalogue (a missing one is shown to a Norwegian room in English)."""

import os
import re
import subprocess
import sys

from babel.messages.pofile import read_po

from ..conftest import ROOT, join


def test_every_message_of_the_code_and_the_templates_has_its_norwegian_wording(tmp_path):
    template = tmp_path / "messages.pot"
    done = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                           "-o", str(template), "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with open(template, "rb") as handle:
        wanted = read_po(handle)
    with open(f"{ROOT}/workshop/translations/nb/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle)
    assert len(wanted) > 200  # the extraction found the app's messages
    missing = [m.id for m in wanted if m.id and not (catalogue.get(m.id) and catalogue.get(m.id).string)]
    assert missing == []


# What the pages' scripts show comes from the page: a renderer's t("key") reads the page's
# data-key attribute, and the phone's help reads data-* texts beside its question. These are
# the scripts' texts; they must be worded by the server through the catalogue, never typed
# into a template or a script in English.
JS = os.path.join(ROOT, "static", "js")
TEMPLATES = os.path.join(ROOT, "templates")
MACHINE_VALUES = {"data-audience", "data-command"}  # "phones" / "screen" / "controls": which board is watched; the remote's button names a control; never shown


def _scripts() -> dict[str, str]:
    found = {}
    for folder, _dirs, files in os.walk(JS):
        for name in files:
            if name.endswith(".js"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    found[os.path.relpath(os.path.join(folder, name), JS)] = handle.read()
    return found


def _templates() -> str:
    texts = []
    for folder, _dirs, files in os.walk(TEMPLATES):
        for name in files:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                texts.append(handle.read())
    return "\n".join(texts)


def test_every_text_a_script_asks_the_page_for_is_worded_through_the_catalogue():
    scripts = _scripts()
    asked = {key for text in scripts.values() for key in re.findall(r'(?<![\w.])t\("([a-z-]+)"\)', text)}
    assert {"written-in", "points", "fruit-level"} <= asked  # the scan finds the renderers' keys
    templates = _templates()
    for key in sorted(asked):
        values = re.findall(rf'\bdata-{key}="([^"]*)"', templates)
        assert values, f"t({key!r}) is read from a page, but no template has data-{key}"
        assert any("_(" in v for v in values), f"data-{key} is not worded through the catalogue: {values}"
    read = {name for text in scripts.values() for name in re.findall(r'"(data-[a-z-]+)"', text)}
    assert {"data-counter", "data-too-many", "data-cleared-others", "data-template"} <= read
    for name in sorted(read - MACHINE_VALUES):
        for value in re.findall(rf'\b{name}="([^"]*)"', templates):
            # a value is the catalogue's text or the page's data ({{ q.id }}, "1"), never English typed in
            assert "{{" in value or not re.search(r"[A-Za-z]{2}", value), f'{name}="{value}" is typed in'


def test_the_phone_s_help_texts_reach_a_norwegian_phone_in_norwegian(app, client, facilitator, run_code):
    """The texts the phone's scripts fill in and show, rendered: every data-* text of the
    page differs between the Norwegian and the English page (an untranslated one is the same)."""
    join(client, run_code)
    facilitator.post(f"/facilitator/runs/{run_code}/open-all")
    client.post(f"/r/{run_code}/answer/goals", data={"option": ["trust"]})

    def texts(lang):
        client.post(f"/lang/{lang}", data={"next": "/"})
        html = client.get(f"/r/{run_code}").get_data(as_text=True)
        return html, re.findall(r'\b(data-(?:counter|too-many|cleared-others|cleared-self|template|label|full|'
                                r'saved|sending|change|points-left|upvoted|offline))="([^"]*)"', html)

    html_en, english = texts("en")
    html_nb, norwegian = texts("nb")
    assert len(norwegian) == len(english) >= 12
    same = [(name, nb) for (name, nb), (_n, en) in zip(norwegian, english, strict=True) if nb == en]
    assert same == []
    assert "{n} av 8 valgt" in html_nb and "{answered} av {open} besvart" in html_nb
    assert "{n} of 8 chosen" in html_en
