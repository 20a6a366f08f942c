"""A workshop as the domain knows it: its questions and options, in two languages, and the
checker that reads them from a workshop file, collecting every problem with its field.

Parsing a whole file is `templates.parse_template`; each question type reads its own part
(workshop.domain.question_types)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .text import TextError, clean_name, clean_text

LANGUAGES = ("nb", "en")
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
    # texts reach the screens only once the facilitator approved them
    moderated: bool = False
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
    slides: tuple = ()  # domain.slides.Slide: the deck's content between the questions
    steps: tuple = ()  # domain.slides.Step: the session in order

    def slide(self, slide_id: str):
        return next((s for s in self.slides if s.id == slide_id), None)

    def question(self, question_id: str) -> Question | None:
        for q in self.questions:
            if q.id == question_id:
                return q
        return None


def localize(text: dict[str, str] | None, lang: str) -> str:
    if not text:
        return ""
    return text.get(lang) or text.get("nb") or next(iter(text.values()))


class Checker:
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

    def boolean(self, data: dict, key: str, default: bool, at: str = "") -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(at + key, N_("must be true or false"))
            return default
        return value


def identifier(value: Any) -> str | None:
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


def parse_options(
    check: Checker, raw: Any, name: str = "options", allow_prompt: bool = False
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
        oid = identifier(item.get("id"))
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



def option_to_dict(o: Option) -> dict:
    """An option as a workshop file (and a run's stored snapshot) gives it."""
    data: dict[str, Any] = {"id": o.id, "label": o.label}
    if o.exclusive:
        data["exclusive"] = True
    if o.prompt:
        data["prompt"] = o.prompt
    return data
