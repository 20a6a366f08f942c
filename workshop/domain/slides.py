"""Content slides and the order of a session's steps, as a workshop file gives them.

A slide is what the facilitator would otherwise show from another program: a title, a short
text or bullets, an optional image from the repository (static/slides/), presenter notes, in
both languages. The steps are the session in order: the lobby, slides, the exercise (every
question open at once, with its overview), single questions, the board and the plan. A file
without `steps` gets the lobby, its slides, its questions one by one, the board and the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .questions import N_, Checker, identifier
from .text import clean_text

MAX_SLIDES = 60
MAX_BULLETS = 12
# Named steps; any other step names a slide or a question by its id.
LOBBY, EXERCISE, BOARD, PLAN, COMPARISON = "lobby", "exercise", "board", "plan", "comparison"
# The comparison with earlier runs is no default step: the facilitator chooses to show it.
NAMED_STEPS = (LOBBY, EXERCISE, BOARD, PLAN, COMPARISON)
SLIDE_KEYS = {"id", "title", "text", "bullets", "image", "notes", "on_phones"}
# An image is a file of the repository's static/slides/ folder: a plain relative name.
IMAGE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*\.(svg|png|jpg|jpeg|webp)")


@dataclass(frozen=True)
class Slide:
    id: str
    title: dict[str, str]
    text: dict[str, str] = field(default_factory=dict)
    bullets: tuple[dict[str, str], ...] = ()
    image: str | None = None  # relative to static/slides/
    notes: dict[str, str] = field(default_factory=dict)  # for the presenter only
    on_phones: bool = False


@dataclass(frozen=True)
class Step:
    kind: str  # lobby, slide, exercise, question, board or plan
    ref: str | None = None  # the slide's or question's id

    @property
    def key(self) -> str:
        """How the step is named in a file and in a URL: the id, or the step's name."""
        return self.ref or self.kind


def parse_slides(check: Checker, raw: Any) -> tuple[Slide, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_SLIDES:
        check.problem("slides", N_("must be a list of at most %(max)s slides"), max=MAX_SLIDES)
        return ()
    slides: list[Slide] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        at = f"slides[{index}]."
        if not isinstance(item, dict):
            check.problem(at + "(slide)", N_("must be a mapping"))
            continue
        for key in item:
            if key not in SLIDE_KEYS:
                check.problem(at + str(key), N_("unknown field"))
        slide_id = identifier(item.get("id"))
        if slide_id is None:
            check.problem(at + "id", N_("must be a short identifier (letters, digits, _ or -)"))
        elif slide_id in seen or slide_id in NAMED_STEPS:
            check.problem(at + "id", N_("is used by another slide or step"))
        seen.add(slide_id or "")
        bullets = item.get("bullets", [])
        if not isinstance(bullets, list) or len(bullets) > MAX_BULLETS:
            check.problem(at + "bullets", N_("must be a list of at most %(max)s texts"), max=MAX_BULLETS)
            bullets = []
        image = item.get("image")
        if image is not None and (not isinstance(image, str) or not IMAGE_NAME.fullmatch(image)):
            check.problem(at + "image", N_("must name an image in static/slides/ (svg, png, jpg or webp)"))
            image = None
        slide = Slide(
            id=slide_id or "",
            title=check.text(item, "title", at=at),
            text=check.text(item, "text", required=False, at=at, clean=clean_text),
            bullets=tuple(check.text({"bullet": b}, "bullet", at=f"{at}bullets[{n}].")
                          for n, b in enumerate(bullets, start=1)),
            image=image,
            notes=check.text(item, "notes", required=False, at=at, clean=clean_text),
            on_phones=check.boolean(item, "on_phones", False, at=at),
        )
        slides.append(slide)
    return tuple(slides)


def parse_steps(check: Checker, raw: Any, question_ids: list[str], slides: tuple[Slide, ...],
                grouped: list[str]) -> tuple[Step, ...]:
    """The session's steps. `grouped` are the questions the exercise opens together."""
    slide_ids = {s.id for s in slides}
    if raw is None:
        return default_steps(question_ids, slides)
    if not isinstance(raw, list) or not raw or len(raw) > MAX_SLIDES + len(question_ids) + 8:
        check.problem("steps", N_("must be a non-empty list of slide ids, question ids or %(named)s"),
                      named=", ".join(NAMED_STEPS))
        return default_steps(question_ids, slides)
    steps: list[Step] = []
    for index, item in enumerate(raw, start=1):
        name = identifier(item) if isinstance(item, str) else None
        if name in NAMED_STEPS:
            steps.append(Step(name))
        elif name in slide_ids:
            steps.append(Step("slide", name))
        elif name in question_ids:
            steps.append(Step("question", name))
        else:
            check.problem(f"steps[{index}]", N_("%(step)s is no slide, question or %(named)s"),
                          step=repr(item), named=", ".join(NAMED_STEPS))
    if EXERCISE in [s.kind for s in steps] and not grouped:
        check.problem("steps", N_("has the exercise but no question it opens"))
    return tuple(steps)


def default_steps(question_ids: list[str], slides: tuple[Slide, ...]) -> tuple[Step, ...]:
    return (Step(LOBBY), *(Step("slide", s.id) for s in slides),
            *(Step("question", q) for q in question_ids), Step(BOARD), Step(PLAN))


def slide_to_dict(slide: Slide) -> dict:
    data: dict[str, Any] = {"id": slide.id, "title": slide.title}
    if slide.text:
        data["text"] = slide.text
    if slide.bullets:
        data["bullets"] = list(slide.bullets)
    if slide.image:
        data["image"] = slide.image
    if slide.notes:
        data["notes"] = slide.notes
    if slide.on_phones:
        data["on_phones"] = True
    return data
