"""Reading the files people download back, as a person opening them would see them."""

import csv
import io

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


def docx_blocks(data: bytes) -> list[tuple[str, str]]:
    """The document's body in order: (style name, text) per paragraph, ("table", ...) per table
    row with its cells joined by " | " and a cell's paragraphs by " / "."""
    document = Document(io.BytesIO(data))
    blocks = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            paragraph = Paragraph(element, document)
            if paragraph.text.strip():
                blocks.append((paragraph.style.name, paragraph.text))
        elif element.tag.endswith("}tbl"):
            for row in Table(element, document).rows:
                blocks.append(("table", " | ".join(c.text.replace("\n", " / ") for c in row.cells)))
    return blocks


def docx_text(data: bytes) -> str:
    return "\n".join(f"[{style}] {text}" for style, text in docx_blocks(data))


def csv_records(data: bytes) -> tuple[list[str], list[dict]]:
    """The headers and rows of a CSV export (Norwegian Excel's: BOM and ';')."""
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
    records = list(reader)
    return list(reader.fieldnames), records
