"""The Word document renders whatever plan payload it is given (services.plan.plan_document)."""

import io

from docx import Document

from workshop.domain.plan_docx import TEXT_WIDTH, to_docx


def payload(goals, agenda=(), basis=()):
    return {
        "lang": "nb", "locale": "nb-NO", "code": "K7M4QX", "heading": "Startplan for kontraktsoppfølging",
        "title": "Kontraktsoppfølging", "meta": "Kode K7M 4QX · 25. november 2026",
        "guidance": {"title": "", "points": [], "closing": "", "contract_note": ""},
        "overview": {"caption": "Oversikt", "columns": ["Nr.", "Mål", "Ansvarlig (rolle)"],
                     "rows": [[str(g["number"]), g["heading"][3:], "Kontraktsforvalter"] for g in goals]},
        "goals": goals, "empty": "Ingen mål ennå.", "agenda_heading": "Agenda for oppstartsmøtet",
        "agenda": list(agenda), "basis_heading": "Grunnlaget", "basis": list(basis),
    }


def goal(number, fields):
    return {"number": number, "heading": f"{number}. Mål {number} – æøå", "fields": fields}


def test_an_empty_plan_says_so_and_has_no_tables():
    document = Document(io.BytesIO(to_docx(payload([]))))
    assert "Ingen mål ennå." in [p.text for p in document.paragraphs]
    assert document.tables == [] and document.core_properties.keywords == "K7M4QX"


def test_lists_are_numbered_a_line_each_and_an_empty_field_is_a_dash():
    fields = [{"key": "supplier_questions", "label": "Første spørsmål", "items": ["Hva?", "Når?"], "text": ""},
              {"key": "risk", "label": "Risiko", "items": [], "text": ""},
              {"key": "report_to", "label": "Rapporteres til", "items": [], "text": "Politikerne, Regnskap"}]
    document = Document(io.BytesIO(to_docx(payload([goal(1, fields)], agenda=[{"point": "Milepæler",
                                                                                "goals": "mål 1"}]))))
    table = document.tables[1]
    assert [p.text for p in table.cell(0, 1).paragraphs] == ["1. Hva?", "2. Når?"]
    assert table.cell(1, 1).text == "—" and table.cell(2, 1).text == "Politikerne, Regnskap"
    assert "1. Milepæler (mål 1)" in [p.text for p in document.paragraphs]


def test_every_table_fits_between_the_margins():
    long_words = [["1", "Produktsammensetningsendringsarbeid " * 3, "Budsjett-/avtaleeier"]]
    data = payload([goal(1, [])], basis=[{"caption": "Kategorier", "columns": ["Kategori", "Grupper (flertall)"],
                                          "rows": [["Medisinsk utstyr og forbruksmateriell", "3"]]}])
    data["overview"]["rows"] = long_words
    document = Document(io.BytesIO(to_docx(data)))
    for table in document.tables:
        assert sum(column.width for column in table.columns) <= TEXT_WIDTH
    overview = document.tables[0]
    assert overview.columns[1].width > overview.columns[0].width  # the goal's text gets the room
