"""Export files read back: Norwegian Excel CSV, comma CSV and the workbook."""

import csv
import io
from datetime import datetime

import pandas as pd

from workshop.domain.aggregate import entry_ref
from workshop.domain.exports import answers_table, neutralize, to_csv, to_xlsx
from workshop.templates_io import load_template_file

from ..conftest import QUESTIONS

TEMPLATE = load_template_file(f"{QUESTIONS}/kontraktsoppfolging.yaml").template
TRICKY = 'Vi trenger «maler»; "sitat" og\nny linje – æøå ÆØÅ'
T0 = datetime(2026, 11, 25, 9, 30, 5)


def sample_rows():
    base = {"group": "Bord Ø", "display_name": "Åse", "rank": None, "place": None, "submitted_at": T0}
    return [
        dict(base, question="categories", participant="p-1", option="E", text=None),
        dict(base, question="topics", participant="p-1", option="dialogue", text=None, rank=1),
        dict(base, question="needs", participant="p-1", option=None, text=TRICKY),
        dict(base, question="needs", participant="p-2", option=None, text="=HYPERLINK(\"http://x\")"),
        dict(base, question="needs", participant="p-3", option=None, text="+47 skjult"),
    ]


def table():
    hidden = {entry_ref("p-3", "+47 skjult")}
    return answers_table("K7M4QX", list(TEMPLATE.questions), sample_rows(), hidden, "nb")


def test_semicolon_csv_with_bom_reads_back_with_csv_module():
    data = to_csv(table())
    assert data.startswith("\ufeff".encode("utf-8"))
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
    records = list(reader)
    assert reader.fieldnames[:4] == ["run_code", "group", "participant_id", "display_name"]
    by_text = {r["answer_text"]: r for r in records}
    assert TRICKY in by_text  # ';', quotes, newline and æøå round-trip unchanged
    assert by_text["møbler"]["group"] == "Bord Ø" and by_text["møbler"]["display_name"] == "Åse"
    assert by_text["møbler"]["submitted_at"] == "2026-11-25T09:30:05Z"
    assert by_text["møbler"]["question_text"].startswith("Vet du om din kommune/fylkeskommune")


def test_formulas_are_neutralised():
    records = list(csv.DictReader(io.StringIO(to_csv(table()).decode("utf-8-sig"), newline=""), delimiter=";"))
    texts = [r["answer_text"] for r in records]
    assert "'=HYPERLINK(\"http://x\")" in texts and "'+47 skjult" in texts
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    assert neutralize("@SUM(A1)") == "'@SUM(A1)" and neutralize("Trygt") == "Trygt"


def test_hidden_entries_are_kept_and_marked():
    frame = table()
    hidden = frame[frame["hidden"]]
    assert list(hidden["participant_id"]) == ["p-3"]
    assert len(frame) == 5


def test_comma_csv_reads_back_with_pandas():
    frame = pd.read_csv(io.BytesIO(to_csv(table(), sep=",")))
    assert list(frame.columns) == list(table().columns)
    assert TRICKY in list(frame["answer_text"])
    assert frame.loc[frame["option_id"] == "dialogue", "rank"].item() == 1


def test_workbook_has_a_sheet_per_table():
    data = to_xlsx({"answers": table(), "groups": pd.DataFrame({"group": ["Bord Ø"]})})
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, keep_default_na=False)
    assert set(sheets) == {"answers", "groups"}
    assert TRICKY in list(sheets["answers"]["answer_text"])
    assert "'=HYPERLINK(\"http://x\")" in list(sheets["answers"]["answer_text"])
