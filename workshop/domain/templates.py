"""Workshop templates: the structure of a workshop and the validation of its data file.

A template is plain data (from YAML); `parse_template` turns it into immutable objects or
raises TemplateError listing every problem with the question and field it concerns.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .text import TextError, clean_name, clean_text

LANGUAGES = ("nb", "en")
QUESTION_TYPES = ("choice", "ranked", "text", "fruit", "points")
MAX_OPTIONS = 60
MAX_QUESTIONS = 50
MAX_TEXT_LENGTH = 2000
WRITE_IN_PREFIX = "~"  # option keys of written-in answers; template ids cannot start with it


def N_(message: str) -> str:
    """Marks a message for translation; the web layer and the CLI translate it when shown."""
    return message


NOT_TEXT = N_("holds characters that are not text (control characters or similar)")


@dataclass(frozen=True)
class Problem:
    source: str
    question: str | None
    field: str
    message: str  # an English message with %(name)s placeholders filled from params
    params: dict = field(default_factory=dict, compare=False)
    index: int | None = None  # the question's position in the file (1-based)
    line: int | None = None

    def render(self, translate=lambda text: text) -> str:
        """The problem in words, translated by `translate` (a gettext function)."""
        parts = [self.source]
        if self.line:
            parts.append(translate(N_("line %(line)s")) % {"line": self.line})
        if self.question:
            parts.append(translate(N_("question %(question)s")) % {"question": repr(self.question)})
        parts.append(translate(N_("field %(field)s")) % {"field": repr(self.field)})
        return ", ".join(parts) + ": " + translate(self.message) % self.params

    def __str__(self) -> str:
        return self.render()


class TemplateError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Option:
    id: str
    label: dict[str, str]
    exclusive: bool = False
    prompt: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: dict[str, str]
    options: tuple[Option, ...] = ()
    min_choices: int = 1
    max_choices: int = 1
    ranks: int = 3
    write_in: bool = False
    max_entries: int = 1
    max_length: int = 300
    duration: int = 600
    live_results: bool = False
    short: dict[str, str] = field(default_factory=dict)
    # fruit: the boxes items are sorted into, and where the items come from
    quadrants: tuple[Option, ...] = ()
    items_from: str | None = None
    top: int = 8
    report_prompt: dict[str, str] = field(default_factory=dict)
    # text: shown as a word cloud, and/or as ideas the room upvotes
    cloud: bool = False
    upvotes: bool = False
    # points: the budget each participant spreads over the options
    budget: int = 100

    def option(self, option_id: str) -> Option | None:
        for opt in self.options:
            if opt.id == option_id:
                return opt
        return None

    def text_in(self, lang: str) -> str:
        return localize(self.text, lang)


@dataclass(frozen=True)
class WorkshopTemplate:
    id: str
    title: dict[str, str]
    questions: tuple[Question, ...]
    description: dict[str, str] = field(default_factory=dict)

    def question(self, question_id: str) -> Question | None:
        for q in self.questions:
            if q.id == question_id:
                return q
        return None


def localize(text: dict[str, str] | None, lang: str) -> str:
    if not text:
        return ""
    return text.get(lang) or text.get("nb") or next(iter(text.values()))


class _Checker:
    """Collects problems instead of stopping at the first, so an author sees them all."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []
        self.question: str | None = None
        self.index: int | None = None

    def problem(self, field_name: str, message: str, **params: Any) -> None:
        self.problems.append(
            Problem(self.source, self.question, field_name, message, params, self.index)
        )

    def text(
        self, data: dict, key: str, required: bool = True, at: str = "",
        clean: Callable[[str], str] = clean_name,
    ) -> dict[str, str]:
        """A text in every language. `clean` is the text hygiene: clean_name for titles,
        labels and short names (one line, no format characters), clean_text for the longer
        texts; the length is counted on the cleaned text, as it is stored and shown."""
        value = data.get(key)
        key = at + key
        if value is None:
            if required:
                self.problem(key, N_("is missing; give the text in nb and en"))
            return {}
        if isinstance(value, str):
            self.problem(key, N_("must give both languages, e.g. {nb: ..., en: ...}"))
            return {}
        if not isinstance(value, dict):
            self.problem(key, N_("must be a mapping of language to text"))
            return {}
        result = {}
        for lang in LANGUAGES:
            v = value.get(lang)
            try:
                v = clean(v) if isinstance(v, str) else ""
            except TextError:
                self.problem(f"{key}.{lang}", NOT_TEXT)
                continue
            if not v:
                self.problem(f"{key}.{lang}", N_("is missing or empty"))
            elif len(v) > MAX_TEXT_LENGTH:
                self.problem(f"{key}.{lang}", N_("is longer than %(max)s characters"), max=MAX_TEXT_LENGTH)
            else:
                result[lang] = v
        for lang in value:
            if lang not in LANGUAGES:
                self.problem(f"{key}.{lang}", N_("unknown language; use %(languages)s"),
                             languages=", ".join(LANGUAGES))
        return result

    def integer(self, data: dict, key: str, default: int, low: int, high: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, N_("must be a whole number"))
            return default
        if not low <= value <= high:
            self.problem(key, N_("must be between %(low)s and %(high)s"), low=low, high=high)
            return default
        return value

    def boolean(self, data: dict, key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(key, N_("must be true or false"))
            return default
        return value


_QUESTION_KEYS = {
    "id", "type", "text", "short", "options", "min", "max", "ranks", "write_in",
    "max_entries", "max_length", "duration", "live_results", "quadrants", "items_from", "top",
    "report_prompt", "cloud", "upvotes", "budget",
}


def _identifier(value: Any) -> str | None:
    """The id in NFC, or None when it is not a short identifier. Letters and digits only, so
    no control or format character gets in; NFC, so "é" typed as e + U+0301 by one editor and
    as one letter by another is one id."""
    if not isinstance(value, str):
        return None
    value = unicodedata.normalize("NFC", value)
    if (
        0 < len(value) <= 64
        and not value.startswith(WRITE_IN_PREFIX)
        and all(c.isalnum() or c in "_-" for c in value)
    ):
        return value
    return None


def parse_template(data: Any, source: str = "<template>") -> WorkshopTemplate:
    check = _Checker(source)
    if not isinstance(data, dict):
        check.problem("(file)", N_("must be a mapping with id, title and questions"))
        raise TemplateError(check.problems)
    template_id = _identifier(data.get("id"))
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
        qid = _identifier(raw.get("id"))
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
    if check.problems:
        raise TemplateError(check.problems)
    return WorkshopTemplate(
        id=template_id, title=title, description=description, questions=tuple(questions)
    )


def _check_sources(check: _Checker, questions: list[Question]) -> None:
    earlier: dict[str, Question] = {}
    for index, question in enumerate(questions, start=1):
        if question.items_from is not None:
            check.question = question.id
            check.index = index
            source = earlier.get(question.items_from)
            if source is None:
                check.problem("items_from", N_("%(source)s is not an earlier question"),
                              source=repr(question.items_from))
            elif source.type not in ("choice", "ranked"):
                check.problem("items_from", N_("must name a choice or ranked question"))
        earlier[question.id] = question


def _parse_question(check: _Checker, raw: dict, question_id: str | None) -> Question | None:
    for key in raw:
        if key not in _QUESTION_KEYS:
            check.problem(str(key), N_("unknown field"))
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        check.problem("type", N_("unknown question type %(type)s; use one of %(types)s"),
                      type=repr(qtype), types=", ".join(QUESTION_TYPES))
        return None
    text = check.text(raw, "text", clean=clean_text)
    short = check.text(raw, "short", required=False)
    duration = check.integer(raw, "duration", 600, 10, 4 * 3600)
    live_results = check.boolean(raw, "live_results", False)
    max_length = check.integer(raw, "max_length", 300, 1, MAX_TEXT_LENGTH)
    common = dict(
        id=question_id, type=qtype, text=text, short=short, duration=duration,
        live_results=live_results, max_length=max_length,
    )
    if qtype == "text":
        max_entries = check.integer(raw, "max_entries", 1, 1, 20)
        return Question(**common, max_entries=max_entries, min_choices=1, max_choices=max_entries,
                        cloud=check.boolean(raw, "cloud", False),
                        upvotes=check.boolean(raw, "upvotes", False))
    if qtype == "points":
        options = _parse_options(check, raw.get("options"))
        if any(o.exclusive for o in options):
            check.problem("options", N_("a points question cannot have exclusive options"))
        budget = check.integer(raw, "budget", 100, 1, 1000)
        return Question(**common, options=options, budget=budget, min_choices=1,
                        max_choices=len(options))

    if qtype == "fruit":
        return _parse_fruit(check, raw, common)
    options = _parse_options(check, raw.get("options"))
    write_in = check.boolean(raw, "write_in", False)
    if qtype == "choice":
        low = check.integer(raw, "min", 1, 0, MAX_OPTIONS)
        high = check.integer(raw, "max", 1, 1, MAX_OPTIONS + 1)
        if low > high:
            check.problem("min", N_("is larger than max"))
        if options and high > len(options) + (1 if write_in else 0):
            check.problem("max", N_("is larger than the number of options"))
        return Question(
            **common, options=options, min_choices=low, max_choices=high, write_in=write_in
        )
    ranks = check.integer(raw, "ranks", 3, 1, 10)
    if any(o.exclusive for o in options):
        check.problem("options", N_("a ranked question cannot have exclusive options"))
    if options and ranks > len(options) + (ranks if write_in else 0):
        check.problem("ranks", N_("is larger than the number of options"))
    return Question(**common, options=options, ranks=ranks, write_in=write_in)


def _parse_fruit(check: _Checker, raw: dict, common: dict) -> Question:
    """Sort items into boxes (the fruit board): items fixed in the file, or the top answers
    of an earlier question, taken when the question is opened."""
    quadrants = _parse_options(check, raw.get("quadrants"), "quadrants", allow_prompt=True)
    if quadrants and not 2 <= len(quadrants) <= 6:
        check.problem("quadrants", N_("must have between 2 and 6 boxes"))
    options: tuple[Option, ...] = ()
    items_from = _identifier(raw.get("items_from"))
    if raw.get("items_from") is None:
        options = _parse_options(check, raw.get("options"))
    elif items_from is None:
        check.problem("items_from", N_("must be the id of an earlier question"))
    elif "options" in raw:
        check.problem("options", N_("give either options or items_from, not both"))
    top = check.integer(raw, "top", 8, 1, 20)
    report_prompt = check.text(raw, "report_prompt", required=False, clean=clean_text)
    return Question(
        **common, options=options, quadrants=quadrants, items_from=items_from, top=top,
        report_prompt=report_prompt, min_choices=1, max_choices=max(len(options), top),
    )


def _parse_options(
    check: _Checker, raw: Any, name: str = "options", allow_prompt: bool = False
) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        check.problem(name, N_("must be a non-empty list"))
        return ()
    if len(raw) > MAX_OPTIONS:
        check.problem(name, N_("has %(count)s entries; at most %(max)s fit on a phone"),
                      count=len(raw), max=MAX_OPTIONS)
        return ()
    options: list[Option] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        where = f"{name}[{index}]"
        if not isinstance(item, dict):
            check.problem(where, N_("must be a mapping with id and label"))
            continue
        oid = _identifier(item.get("id"))
        if oid is None:
            check.problem(f"{where}.id", N_("must be a short identifier"))
            continue
        if oid in seen:
            check.problem(f"{where}.id", N_("%(id)s is used twice"), id=repr(oid))
        seen.add(oid)
        allowed = {"id", "label", "exclusive"} | ({"prompt"} if allow_prompt else set())
        for key in item:
            if key not in allowed:
                check.problem(f"{where}.{key}", N_("unknown field"))
        label = check.text(item, "label", at=f"{where}.")
        prompt = check.text(item, "prompt", required=False, at=f"{where}.", clean=clean_text)
        exclusive = check.boolean(item, "exclusive", False)
        options.append(Option(id=oid, label=label, exclusive=exclusive, prompt=prompt))
    return tuple(options)


def template_to_dict(template: WorkshopTemplate) -> dict:
    """The plain-data form stored with a run; parse_template(template_to_dict(t)) == t."""

    def option(o: Option) -> dict:
        data: dict[str, Any] = {"id": o.id, "label": o.label}
        if o.exclusive:
            data["exclusive"] = True
        if o.prompt:
            data["prompt"] = o.prompt
        return data

    def question(q: Question) -> dict:
        data: dict[str, Any] = {
            "id": q.id, "type": q.type, "text": q.text, "duration": q.duration,
            "live_results": q.live_results, "max_length": q.max_length,
        }
        if q.short:
            data["short"] = q.short
        if q.type == "text":
            data["max_entries"] = q.max_entries
            data["cloud"], data["upvotes"] = q.cloud, q.upvotes
            return data
        if q.type == "points":
            data["options"] = [option(o) for o in q.options]
            data["budget"] = q.budget
            return data
        if q.type == "fruit":
            data["quadrants"] = [option(o) for o in q.quadrants]
            data["top"] = q.top
            if q.report_prompt:
                data["report_prompt"] = q.report_prompt
            if q.items_from:
                data["items_from"] = q.items_from
            else:
                data["options"] = [option(o) for o in q.options]
            return data
        data["options"] = [option(o) for o in q.options]
        data["write_in"] = q.write_in
        if q.type == "choice":
            data["min"], data["max"] = q.min_choices, q.max_choices
        else:
            data["ranks"] = q.ranks
        return data

    data: dict[str, Any] = {
        "id": template.id, "title": template.title,
        "questions": [question(q) for q in template.questions],
    }
    if template.description:
        data["description"] = template.description
    return data
