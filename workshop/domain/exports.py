"""Export tables (pandas) and their CSV and Excel forms.

The tables have stable machine names for columns (ANSWER_COLUMNS, ...); headed() gives them
the headers a person reads, in the run's language (COLUMN_LABELS are message ids). CSV
defaults to what Norwegian Excel opens correctly: UTF-8 with a byte-order mark and ';' as
the separator. Any text that a spreadsheet would run as a formula (starting with =, +, -, @,
a tab or a carriage return) is prefixed with an apostrophe.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import pandas as pd
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from .aggregate import APPROVED, HIDDEN, SHOWN, WAITING, is_hidden, text_status
from .plan import FIELD_LABELS, SHOWN_FIELDS
from .question_types import type_of
from .questions import N_, Question, localize
from .text import displayable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ANSWER_COLUMNS = ["run_code", "group", "participant_id", "display_name", "question_id",
                  "question_text", "option_id", "answer_text", "rank", "place", "report_text", "points",
                  "hidden", "status", "submitted_at"]
GROUP_COLUMNS = ["run_code", "group", "question_id", "question_text", "respondents", "answer",
                 "ties"]
PLAN_COLUMNS = ["run_code", "number", "goal", *SHOWN_FIELDS]
# One row per question, option and compared run; a pooled row has no run code.
COMPARISON_COLUMNS = ["question_id", "question_text", "option_id", "option", "run_code", "runs_pooled",
                      "respondents", "share", "place"]
COLUMN_LABELS = {
    "run_code": N_("Run code"),
    "group": N_("Group"),
    "participant_id": N_("Participant (pseudonym)"),
    "display_name": N_("Name"),
    "question_id": N_("Question id"),
    "question_text": N_("Question"),
    "option_id": N_("Option id"),
    "answer_text": N_("Answer"),
    "rank": N_("Rank"),
    "place": N_("Placed as"),
    "report_text": N_("How/what to report"),
    "points": N_("Points"),
    "hidden": N_("Hidden on the board"),
    "status": N_("Text status"),
    "submitted_at": N_("Submitted (UTC)"),
    "respondents": N_("Respondents"),
    "answer": N_("The group's answer"),
    "ties": N_("Tied (half the group)"),
    "option": N_("Option"),
    "runs_pooled": N_("Runs pooled"),
    "share": N_("Share"),
    **FIELD_LABELS,
}
# A person reads values too: a text's status and yes/no in the run's language. The machine
# values stay with ?headers=keys.
VALUE_LABELS = {
    "status": {SHOWN: N_("Shown"), HIDDEN: N_("Hidden by the facilitator"), WAITING: N_("Waiting for approval"),
               APPROVED: N_("Approved")},
    "hidden": {True: N_("Yes"), False: N_("No")},
}
SHEET_LABELS = {"answers": N_("Answers"), "groups": N_("Group answers"), "plan": N_("Plan")}


def neutralize(value):
    """A cell as a spreadsheet may hold it: never a formula, and only text UTF-8 and the
    XLSX format can carry (openpyxl refuses control characters, CSV lone surrogates)."""
    if not isinstance(value, str):
        return value
    value = displayable(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _iso_utc(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else ""


def answers_table(run_code: str, questions: list[Question], rows: Iterable[dict],
                  hidden: set[str], lang: str, approved: set[str] = frozenset()) -> pd.DataFrame:
    """One row per answer item, in question order, then by submission time. A written text's
    status says whether it was shown, hidden, approved or still waiting for approval."""
    by_id = {q.id: q for q in questions}
    order = {q.id: n for n, q in enumerate(questions)}
    records = []
    for row in rows:
        question = by_id.get(row["question"])
        if question is None:
            continue
        records.append({
            "run_code": run_code, "group": row["group"], "participant_id": row["participant"],
            "display_name": row.get("display_name") or "", "question_id": question.id,
            "question_text": localize(question.text, lang), "option_id": row.get("option") or "",
            "answer_text": type_of(question).export_text(question, row, lang),
            "rank": row.get("rank"),
            "place": type_of(question).export_place(question, row, lang),
            "report_text": type_of(question).export_report(question, row, lang),
            "points": row.get("points"),
            "hidden": is_hidden(row, hidden),
            "status": text_status(question, row, hidden, approved),
            "submitted_at": _iso_utc(row["submitted_at"]),
            "_order": (order[question.id], row["submitted_at"], row.get("rank") or 0),
        })
    frame = pd.DataFrame(records, columns=ANSWER_COLUMNS + ["_order"])
    for column in ("rank", "points"):
        frame[column] = frame[column].astype("Int64")  # empty where the answer has none
    if not frame.empty:
        frame = frame.sort_values("_order", kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def groups_table(run_code: str, questions: list[Question], results: dict[str, dict],
                 lang: str) -> pd.DataFrame:
    """One row per group and question: the group's answer as the results page shows it."""
    records = []
    for question in questions:
        result = results[question.id]
        for group in result["groups"]:
            if not group["respondents"]:
                continue
            answer = group.get("answer", [])
            records.append({
                "run_code": run_code, "group": group["name"], "question_id": question.id,
                "question_text": localize(question.text, lang),
                "respondents": group["respondents"],
                "answer": " | ".join(a["label"] for a in answer),
                "ties": " | ".join(a["label"] for a in answer if a.get("tie")),
            })
    return pd.DataFrame(records, columns=GROUP_COLUMNS)


def plan_table(run_code: str, rows: list[dict]) -> pd.DataFrame:
    records = []
    for row in rows:
        record = {"run_code": run_code}
        for column in PLAN_COLUMNS[1:]:
            value = row.get(column, "")
            record[column] = " | ".join(value) if isinstance(value, list) else value
        records.append(record)
    return pd.DataFrame(records, columns=PLAN_COLUMNS)


def comparison_table(comparison: dict) -> pd.DataFrame:
    """The comparison between runs (services.comparison) as a long table. It holds figures of
    whole rooms only: no participant, table name or written text."""
    records = []
    for question in comparison["questions"]:
        for row in question["rows"]:
            for column, respondents, cell in zip(comparison["columns"], question["respondents"], row["cells"],
                                                 strict=True):
                if cell is None:
                    continue
                records.append({
                    "question_id": question["question"], "question_text": question["text"],
                    "option_id": row["key"], "option": row["label"],
                    "run_code": column["code"], "runs_pooled": column["runs"],
                    "respondents": respondents,
                    "share": cell["value"] if cell["value"] is not None else "",
                    "place": cell["place"] or "",
                })
    return pd.DataFrame(records, columns=COMPARISON_COLUMNS)


def headed(frame: pd.DataFrame, translate) -> pd.DataFrame:
    """The table with the headers and values a person reads: each column's label and each
    coded value (VALUE_LABELS), translated."""
    frame = frame.copy()
    for column, labels in VALUE_LABELS.items():
        if column in frame.columns:
            frame[column] = frame[column].map(lambda v, labels=labels: translate(labels[v]) if v in labels else v)
    return frame.rename(columns={c: translate(COLUMN_LABELS[c]) for c in frame.columns if c in COLUMN_LABELS})


def _neutralized(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(
        lambda column: column.map(neutralize)
        if pd.api.types.is_string_dtype(column) or column.dtype == object else column
    )


def to_csv(frame: pd.DataFrame, sep: str = ";") -> bytes:
    encoding = "utf-8-sig" if sep == ";" else "utf-8"
    return _neutralized(frame).to_csv(index=False, sep=sep, lineterminator="\r\n").encode(encoding)


WIDEST_COLUMN = 60  # characters; longer texts wrap in their cell


def _readable(sheet, frame: pd.DataFrame) -> None:
    """Columns as wide as their texts (up to a limit, then wrapped), the header row frozen
    and filterable: a sheet people can read without first widening every column."""
    for number, column in enumerate(frame.columns, start=1):
        values = [str(column), *(str(v) for v in frame[column].head(500) if v is not None)]
        longest = max(max((len(line) for line in v.splitlines()), default=0) for v in values)
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = min(longest, WIDEST_COLUMN) + 2
        if longest > WIDEST_COLUMN:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _neutralized(frame).to_excel(writer, sheet_name=name[:31], index=False)
            _readable(writer.sheets[name[:31]], frame)
    return buffer.getvalue()
