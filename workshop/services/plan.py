"""The starter follow-up plan: drafted from the results, edited by the facilitator, shown on
the page, printed and written as a Word document, always in the run's language."""

from __future__ import annotations

from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..domain import plan as plan_domain
from ..domain.codes import format_code
from ..domain.plan_docx import to_docx
from ..domain.question_types import type_of
from ..domain.questions import localize
from ..extensions import db
from ..models import Plan, Run
from ..templates_io import load_plan_suggestions
from .results import results
from .runs import questions_of, template_of

# The locale a run's language is written in (dates, the Word document's spelling language).
LOCALES = {"nb": "nb_NO", "en": "en_GB"}


def plan_suggestions(run: Run) -> dict | None:
    return load_plan_suggestions(current_app.config["QUESTIONS_DIR"], run.template_id)


def _result(run: Run, suggestions: dict, key: str, lang: str) -> dict | None:
    question_id = suggestions.get(key)
    return results(run, question_id, lang) if template_of(run).question(question_id or "") else None


def fruit_labels(run: Run, suggestions: dict, lang: str) -> dict[str, str]:
    """The fruit board's boxes (id -> label) in the language given."""
    question = template_of(run).question(suggestions.get("fruit_question") or "")
    return {box.id: localize(box.label, lang) for box in question.quadrants} if question else {}


def room_categories(run: Run, suggestions: dict, lang: str | None = None) -> list[dict]:
    """The plan categories the room has goals for (question 1), the room's order first."""
    return plan_domain.room_categories(_result(run, suggestions, "categories_question", lang or run.language),
                                       suggestions)


def draft_plan_goals(run: Run, count: int | None = None) -> list[dict]:
    """A draft from the results: the goals most groups chose, not put among the goals to stop,
    each in the category of the room's answers it fits."""
    suggestions = plan_suggestions(run)
    if suggestions is None:
        return []
    lang = run.language
    ranked = plan_domain.rank_goals(_result(run, suggestions, "goals_question", lang),
                                    _result(run, suggestions, "fruit_question", lang),
                                    suggestions.get("skip_fruits", []))
    proposals = [proposal for question in questions_of(run) if type_of(question).proposes_plan_items
                 for proposal in type_of(question).plan_proposals(question, results(run, question.id, lang))]
    ranked = plan_domain.proposed_first(ranked, proposals)
    categories = [c["id"] for c in room_categories(run, suggestions, lang)]
    return plan_domain.draft_plan(ranked, categories, suggestions, lang, count)


def plan_of(run: Run) -> Plan:
    plan = db.session.execute(select(Plan).filter_by(run_id=run.id)).scalar_one_or_none()
    if plan is None:
        plan = Plan(run_id=run.id, goals=draft_plan_goals(run))
        db.session.add(plan)
        try:
            db.session.commit()
        except IntegrityError:  # drafted by another request at the same moment
            db.session.rollback()
            plan = db.session.execute(select(Plan).filter_by(run_id=run.id)).scalar_one()
    return plan


def save_plan(run: Run, goals: list[dict]) -> None:
    plan = plan_of(run)
    plan.goals = goals
    db.session.commit()
    changes.board_changed.send(run.id)


def redraft_plan(run: Run, count: int | None = None) -> None:
    save_plan(run, draft_plan_goals(run, count))


def plan_rows(run: Run, lang: str | None = None) -> list[dict]:
    suggestions = plan_suggestions(run) or {}
    lang = lang or run.language
    return plan_domain.plan_rows(plan_of(run).goals, suggestions, lang, fruit_labels(run, suggestions, lang))


def _basis(run: Run, suggestions: dict, lang: str) -> list[dict]:
    """What the draft was made from: the room's categories and goals, as small tables."""
    fruits = fruit_labels(run, suggestions, lang)
    goals = plan_domain.rank_goals(_result(run, suggestions, "goals_question", lang),
                                   _result(run, suggestions, "fruit_question", lang), [])
    tables = []
    categories = room_categories(run, suggestions, lang)
    if categories:
        tables.append({"caption": gettext("Categories the groups have strategic goals for"),
                       "columns": [gettext("Category"), gettext("Groups (majority)"), gettext("Votes")],
                       "rows": [[plan_domain.label_of(suggestions, "categories", c["id"], lang),
                                 str(c["groups"]), str(c["count"])] for c in categories]})
    if goals:
        tables.append({"caption": gettext("The strategic goals the groups chose"),
                       "columns": [gettext("Goal"), gettext("Groups (majority)"), gettext("Votes"), gettext("Fruit")],
                       "rows": [[g["label"], str(g["groups"]), str(g["count"]), fruits.get(g["fruit"] or "", "")]
                                for g in goals]})
    return tables


NUMBERED_FIELDS = ("supplier_questions", "startup_agenda")
OVERVIEW_FIELDS = ("goal", "fruit", "category", "responsible")


def _shown_goal(row: dict, labels: dict[str, str]) -> dict:
    """A goal as the print and the Word document lay it out: a label and a value per field,
    the questions and agenda points as numbered items, other lists on one line."""
    fields = []
    for key in plan_domain.SHOWN_FIELDS:
        value = row[key]
        numbered = key in NUMBERED_FIELDS
        fields.append({"key": key, "label": labels[key], "items": value if numbered else [],
                       "text": "" if numbered else ", ".join(value) if isinstance(value, list) else value})
    return {"number": row["number"], "heading": f"{row['number']}. {row['goal']}", "fields": fields}


def plan_document(run: Run) -> dict:
    """Everything the printed plan and the Word document show, in the run's language: one
    payload, so the two cannot disagree."""
    suggestions = plan_suggestions(run) or {}
    lang = run.language if run.language in LOCALES else "nb"
    with force_locale(lang):
        rows = plan_rows(run, lang)
        labels = {key: gettext(label) for key, label in plan_domain.FIELD_LABELS.items()}
        date = format_date(run.created_at.date(), format="long", locale=LOCALES[lang])
        agenda = [{"point": point["point"],
                   "goals": ngettext("goal %(numbers)s", "goals %(numbers)s", len(point["goals"]),
                                     numbers=", ".join(str(n) for n in point["goals"]))}
                  for point in plan_domain.startup_agenda(rows)]
        return {
            "lang": lang,
            "locale": LOCALES[lang].replace("_", "-"),
            "code": run.code,
            "heading": gettext("Starter plan for contract follow-up"),
            "title": localize(template_of(run).title, lang),
            "meta": gettext("Code %(code)s · %(date)s", code=format_code(run.code), date=date),
            "guidance": plan_domain.guidance(suggestions, lang),
            "overview": {"caption": gettext("Overview"),
                         "columns": [labels["number"], *(labels[f] for f in OVERVIEW_FIELDS)],
                         "rows": [[str(row["number"]), *(row[f] for f in OVERVIEW_FIELDS)] for row in rows]},
            "goals": [_shown_goal(row, labels) for row in rows],
            "empty": gettext("No goals yet: the plan is drafted from the answers to the strategic goals question."),
            "agenda_heading": gettext("Agenda for the start-up meeting"),
            "agenda": agenda,
            "basis_heading": gettext("What the room answered"),
            "basis": _basis(run, suggestions, lang),
        }


def plan_docx(run: Run) -> bytes:
    """The plan as a Word document (.docx), as buyers keep and circulate follow-up plans."""
    return to_docx(plan_document(run))
