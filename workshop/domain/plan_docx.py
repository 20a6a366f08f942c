"""The follow-up plan as a Word document (.docx, python-docx): the form buyers keep, edit and
circulate plans in. It renders the same payload as the printed plan (services.plan.plan_document):
headings, an overview, one table per goal, the start-up meeting's agenda and what the room
answered, in the run's language, on A4."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, Twips

EMPTY = "—"
TEXT_WIDTH = Cm(17)  # A4 less 2 cm margins
GOAL_WIDTHS = (Cm(5.2), Cm(11.8))  # label, value
TABLE_TEXT = Pt(9)  # the overview's and the room's tables: several columns on one line
# What a character of 9 pt text takes, about, and a cell's margins: a column is made as wide
# as its longest word, and the width left over goes to the columns with the most text.
CHAR_WIDTH, CELL_MARGINS = Cm(0.19), Cm(0.4)  # bold headers included


def _page(document) -> None:
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)


def _language(document, locale: str) -> None:
    """Word's spelling and hyphenation follow the run's language, not the template's en-US."""
    defaults = document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr")
    if not defaults:
        return
    lang = defaults[0].find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        defaults[0].append(lang)
    lang.set(qn("w:val"), locale)


def _repeat_header(row) -> None:
    """A table running onto the next page repeats its header row there."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _widths(table, widths) -> None:
    """Column widths as Word (the cells) and LibreOffice (the table's grid) read them."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        width = Twips(int(width) // Twips(1))  # whole twips, as the grid stores them: never wider
        column.width = width
        for cell in column.cells:
            cell.width = width


def _fitted_widths(columns: list[str], rows: list[list[str]]) -> list[Emu]:
    texts = [[columns[n], *(row[n] or "" for row in rows)] for n in range(len(columns))]
    needed = [CELL_MARGINS + CHAR_WIDTH * max(len(word) for text in column for word in [*text.split(), ""])
              for column in texts]
    lengths = [sum(len(text) for text in column) or 1 for column in texts]
    left = TEXT_WIDTH - sum(needed)
    if left <= 0:
        widths = [width * TEXT_WIDTH / sum(needed) for width in needed]
    else:
        widths = [width + left * length / sum(lengths) for width, length in zip(needed, lengths)]
    return [Emu(int(width)) for width in widths]


def _table(document, columns: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns):
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, TABLE_TEXT
    _repeat_header(table.rows[0])
    for values in rows:
        for cell, text in zip(table.add_row().cells, values):
            cell.paragraphs[0].add_run(text or EMPTY).font.size = TABLE_TEXT
    _widths(table, _fitted_widths(columns, rows))
    return table


def _goal_table(document, goal: dict) -> None:
    """A goal's table: a field a row, the label beside its value; questions and agenda points
    numbered a line each; an empty field as a dash the reader can fill in by hand."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for field in goal["fields"]:
        label, value = table.add_row().cells
        label.paragraphs[0].add_run(field["label"]).bold = True
        items = [f"{n}. {item}" for n, item in enumerate(field["items"], start=1)] or [field["text"] or EMPTY]
        value.text = items[0]
        for item in items[1:]:
            value.add_paragraph(item)
    _widths(table, GOAL_WIDTHS)


def _guidance(document, guidance: dict) -> None:
    if guidance["title"]:
        document.add_heading(guidance["title"], level=2)
    for point in guidance["points"]:
        document.add_paragraph(point, style="List Bullet")
    for text in (guidance["closing"], guidance["contract_note"]):
        if text:
            document.add_paragraph().add_run(text).italic = True


def to_docx(doc: dict) -> bytes:
    document = Document()
    _page(document)
    _language(document, doc["locale"])
    document.styles["Normal"].font.size = Pt(10.5)
    document.styles["Normal"].font.name = "Calibri"  # the template's body font is a serif
    properties = document.core_properties
    properties.title = f"{doc['heading']} – {doc['title']}"
    properties.subject = doc["title"]
    properties.language = doc["locale"]
    properties.keywords = doc["code"]
    properties.author = properties.last_modified_by = ""

    document.add_heading(doc["heading"], level=0)
    document.add_paragraph().add_run(doc["title"]).bold = True
    document.add_paragraph(doc["meta"])
    _guidance(document, doc["guidance"])

    if not doc["goals"]:
        document.add_paragraph(doc["empty"])
    else:
        document.add_heading(doc["overview"]["caption"], level=1)
        _table(document, doc["overview"]["columns"], doc["overview"]["rows"])
    for goal in doc["goals"]:
        document.add_heading(goal["heading"], level=1)
        _goal_table(document, goal)

    if doc["agenda"]:
        document.add_heading(doc["agenda_heading"], level=1)
        for number, point in enumerate(doc["agenda"], start=1):
            document.add_paragraph(f"{number}. {point['point']} ({point['goals']})")

    if doc["basis"]:
        document.add_heading(doc["basis_heading"], level=1)
        for table in doc["basis"]:
            document.add_heading(table["caption"], level=2)
            _table(document, table["columns"], table["rows"])

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
