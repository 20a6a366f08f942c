"""Norwegian is the default language: every text the code and the templates show has its
Norwegian wording in the catalogue (a missing one is shown to a Norwegian room in English)."""

import subprocess
import sys

from babel.messages.pofile import read_po

from ..conftest import ROOT


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
