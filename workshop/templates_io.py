"""Reading workshop templates from the questions/ folder.

A broken file is reported, never fatal: the app lists it with its problems and refuses to
start a run from it, and keeps serving the others.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import yaml

from .domain.templates import Problem, TemplateError, WorkshopTemplate, parse_template

MAX_FILE_BYTES = 512 * 1024
SUFFIXES = (".yaml", ".yml")
# Files beside a template with data for it (e.g. kontraktsoppfolging.plan.yaml) are not templates.
COMPANION_MARK = ".plan."


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases, so a 'billion laughs' file cannot expand."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "YAML aliases (*name) are not allowed in workshop files",
                event.start_mark,
            )
        return super().compose_node(parent, index)


@dataclass(frozen=True)
class TemplateFile:
    name: str  # file name within questions/
    template: WorkshopTemplate | None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.template is not None


def load_template_text(text: str, source: str) -> WorkshopTemplate:
    if len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
        raise TemplateError([Problem(source, None, "(file)", "is larger than 512 KiB")])
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        reason = getattr(exc, "problem", None) or str(exc)
        raise TemplateError([Problem(source, None, where, f"is not valid YAML: {reason}")]) from None
    return parse_template(data, source)


def load_template_file(path: str) -> TemplateFile:
    name = os.path.basename(path)
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise TemplateError([Problem(name, None, "(file)", "is larger than 512 KiB")])
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        return TemplateFile(name, load_template_text(text, name))
    except TemplateError as exc:
        return TemplateFile(name, None, tuple(exc.problems))
    except (OSError, UnicodeDecodeError) as exc:
        return TemplateFile(name, None, (Problem(name, None, "(file)", f"cannot be read: {exc}"),))


def list_template_files(folder: str) -> list[TemplateFile]:
    try:
        names = sorted(
            n for n in os.listdir(folder) if n.endswith(SUFFIXES) and COMPANION_MARK not in n
        )
    except OSError:
        return []
    return [load_template_file(os.path.join(folder, n)) for n in names]


def find_template(folder: str, template_id: str) -> TemplateFile | None:
    for item in list_template_files(folder):
        if item.template is not None and item.template.id == template_id:
            return item
        if item.name.rsplit(".", 1)[0] == template_id:
            return item
    return None


def load_plan_suggestions(folder: str, template_id: str) -> dict | None:
    """The plan wording beside a template: <template id>.plan.yaml, or None if there is none."""
    from .domain.plan import check_suggestions

    path = os.path.join(folder, f"{template_id}.plan.yaml")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle.read(), Loader=_NoAliasLoader)  # noqa: S506
    return check_suggestions(data, os.path.basename(path))
