"""Reading workshop templates from the questions/ folder.

A broken file is reported, never fatal: the app lists it with its problems and refuses to
start a run from it, and keeps serving the others.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

import yaml

from .domain.templates import N_, Problem, TemplateError, WorkshopTemplate, parse_template

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


def _too_large(source: str) -> TemplateError:
    return TemplateError([Problem(source, None, "(file)", N_("is larger than %(size)s"),
                                  {"size": "512 KiB"})])


def load_template_text(text: str, source: str) -> WorkshopTemplate:
    """Parse and validate a workshop file; every problem names its file, line and field."""
    if len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
        raise _too_large(source)
    try:
        # One parse: the node tree gives the lines of problems, the data is built from it.
        loader = _NoAliasLoader(text)  # a SafeLoader: plain data only
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise TemplateError([Problem(source, None, "(file)", N_("is not valid YAML: %(reason)s"),
                                     {"reason": reason}, line=mark.line + 1 if mark else None)]
                            ) from None
    try:
        return parse_template(data, source)
    except TemplateError as error:
        raise TemplateError([replace(p, line=_line_of(root, p)) for p in error.problems]) from None


def _line_of(root, problem: Problem) -> int | None:
    """The line in the file that a problem points at: the deepest node of its path found."""
    node = root
    path: list[str | int] = []
    if problem.index is not None:
        path += ["questions", problem.index - 1]
    for token in problem.field.split("."):
        match = re.fullmatch(r"([^\[]+)\[(\d+)\]", token)
        path += [match.group(1), int(match.group(2)) - 1] if match else [token]
    for step in path:
        child = None
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            child = next((v for k, v in node.value if getattr(k, "value", None) == step), None)
            if child is None:
                key = next((k for k, _ in node.value if getattr(k, "value", None) == step), None)
                child = key
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            child = node.value[step]
        if child is None:
            break
        node = child
    return node.start_mark.line + 1 if node is not None else None


def load_template_file(path: str) -> TemplateFile:
    name = path if os.path.dirname(path) and not os.path.isabs(path) else os.path.basename(path)
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise _too_large(name)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        return TemplateFile(name, load_template_text(text, name))
    except TemplateError as exc:
        return TemplateFile(name, None, tuple(exc.problems))
    except (OSError, UnicodeDecodeError) as exc:
        return TemplateFile(name, None, (Problem(name, None, "(file)", N_("cannot be read: %(reason)s"),
                                                 {"reason": str(exc)}),))


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
        data = yaml.load(handle.read(), Loader=_NoAliasLoader)
    return check_suggestions(data, os.path.basename(path))
