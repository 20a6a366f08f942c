"""Reading a workshop file: `parse_template` turns its plain data (from YAML) into a
WorkshopTemplate (domain.questions) or raises TemplateError listing every problem with the
question and field it concerns. The keys every question has are read here; each question
type reads its own (workshop.domain.question_types)."""

from __future__ import annotations

from typing import Any

from .question_types import TYPES
from .questions import (
    MAX_QUESTIONS,
    MAX_TEXT_LENGTH,
    N_,
    Checker,
    Question,
    TemplateError,
    WorkshopTemplate,
    identifier,
)
from .slides import parse_slides, parse_steps, slide_to_dict
from .text import clean_text

QUESTION_TYPES = tuple(TYPES)
_COMMON_KEYS = {"id", "type", "text", "short", "max_length", "duration", "live_results"}
_QUESTION_KEYS = _COMMON_KEYS.union(*(t.file_keys for t in TYPES.values()))
_FILE_KEYS = {"id", "title", "description", "questions", "slides", "steps"}


def parse_template(data: Any, source: str = "<template>") -> WorkshopTemplate:
    check = Checker(source)
    if not isinstance(data, dict):
        check.problem("(file)", N_("must be a mapping with id, title and questions"))
        raise TemplateError(check.problems)
    template_id = identifier(data.get("id"))
    if template_id is None:
        check.problem("id", N_("must be a short identifier (letters, digits, _ or -)"))
    title = check.text(data, "title")
    description = check.text(data, "description", required=False, clean=clean_text)
    raw_questions = data.get("questions")
    questions: list[Question] = []
    if not isinstance(raw_questions, list) or not raw_questions:
        check.problem("questions", N_("must be a non-empty list"))
        raw_questions = []
    elif len(raw_questions) > MAX_QUESTIONS:
        check.problem("questions", N_("has more than %(max)s questions"), max=MAX_QUESTIONS)
        raw_questions = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(raw_questions, start=1):
        check.question = f"#{index}"
        check.index = index
        if not isinstance(raw, dict):
            check.problem("(question)", N_("must be a mapping"))
            continue
        qid = identifier(raw.get("id"))
        if qid is not None:
            check.question = qid
            if qid in seen_ids:
                check.problem("id", N_("is used by another question"))
            seen_ids.add(qid)
        else:
            check.problem("id", N_("must be a short identifier (letters, digits, _ or -)"))
        question = _parse_question(check, raw, qid)
        if question is not None:
            questions.append(question)
    _check_sources(check, questions)
    check.question = check.index = None
    slides = parse_slides(check, data.get("slides"))
    steps = parse_steps(check, data.get("steps"), [q.id for q in questions], slides,
                        [q.id for q in questions if q.items_from is None])
    for key in data:
        if key not in _FILE_KEYS:
            check.problem(str(key), N_("unknown field"))
    if check.problems:
        raise TemplateError(check.problems)
    return WorkshopTemplate(
        id=template_id, title=title, description=description, questions=tuple(questions),
        slides=slides, steps=steps,
    )


def _check_sources(check: Checker, questions: list[Question]) -> None:
    earlier: dict[str, Question] = {}
    for index, question in enumerate(questions, start=1):
        if question.items_from is not None:
            check.question = question.id
            check.index = index
            source = earlier.get(question.items_from)
            if source is None:
                check.problem("items_from", N_("%(source)s is not an earlier question"),
                              source=repr(question.items_from))
            elif not TYPES[source.type].gives_items:
                check.problem("items_from", N_("must name a choice or ranked question"))
        earlier[question.id] = question


def _parse_question(check: Checker, raw: dict, question_id: str | None) -> Question | None:
    for key in raw:
        if key not in _QUESTION_KEYS:
            check.problem(str(key), N_("unknown field"))
    qtype = raw.get("type")
    if qtype not in TYPES:
        check.problem("type", N_("unknown question type %(type)s; use one of %(types)s"),
                      type=repr(qtype), types=", ".join(QUESTION_TYPES))
        return None
    common = dict(
        id=question_id, type=qtype, text=check.text(raw, "text", clean=clean_text),
        short=check.text(raw, "short", required=False),
        duration=check.integer(raw, "duration", 600, 10, 4 * 3600),
        live_results=check.boolean(raw, "live_results", False),
        max_length=check.integer(raw, "max_length", 300, 1, MAX_TEXT_LENGTH),
    )
    return TYPES[qtype].parse(check, raw, common)


def template_to_dict(template: WorkshopTemplate) -> dict:
    """The plain-data form stored with a run; parse_template(template_to_dict(t)) == t."""

    def question(q: Question) -> dict:
        data: dict[str, Any] = {
            "id": q.id, "type": q.type, "text": q.text, "duration": q.duration,
            "live_results": q.live_results, "max_length": q.max_length,
        }
        if q.short:
            data["short"] = q.short
        return TYPES[q.type].to_dict(q, data)

    data: dict[str, Any] = {
        "id": template.id, "title": template.title,
        "questions": [question(q) for q in template.questions],
    }
    if template.description:
        data["description"] = template.description
    if template.slides:
        data["slides"] = [slide_to_dict(s) for s in template.slides]
    data["steps"] = [step.key for step in template.steps]
    return data


