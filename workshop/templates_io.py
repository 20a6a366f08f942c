"""Reading workshop templates from the questions/ folder.

A broken file is reported, never fatal: the app lists it with its problems and refuses to
start a run from it, and keeps serving the others.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, replace

import yaml

from .domain.questions import N_, NOT_TEXT, Problem, TemplateError, WorkshopTemplate
from .domain.templates import parse_template
from .domain.text import displayable

# The images a workshop file's slides may show: files of the repository, served as static files.
SLIDE_IMAGES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "static", "slides")

MAX_FILE_BYTES = 512 * 1024
# A workshop file is about 6 levels deep (file, questions, question, options, option, label);
# PyYAML composes nodes recursively, so a file a few thousand levels deep ran out of stack.
MAX_DEPTH = 32
# Composing costs about 18 µs of CPU a node, whatever the node, so a 512 KiB file of tiny
# items took 5 s. The largest file the checks accept (50 questions of 60 options) has about
# 28,000 nodes (0.7 s); the budget leaves room for a file of 10,000 options (90,000 nodes) to
# be told that it has too many options, and caps a hostile file at about 1.8 s.
MAX_NODES = 100_000
# Longer numbers are not workshop data, and converting them is quadratic (1:2:3:... is read
# as a base-60 integer) or refused by Python (over 4,300 digits).
MAX_NUMBER_CHARS = 100
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
_UNREADABLE = N_("cannot be read as a number, date or true/false; put it in quotes if it is a text")
SUFFIXES = (".yaml", ".yml")
# Files beside a template with data for it (e.g. kontraktsoppfolging.plan.yaml) are not templates.
COMPANION_MARK = ".plan."

log = logging.getLogger(__name__)


class _Refused(yaml.MarkedYAMLError):
    """A file the loader will not read, with a message for the author (translated when shown)."""

    def __init__(self, message: str, mark, **params):
        super().__init__(None, None, message % params, mark)
        self.message, self.params = message, params


class _WorkshopLoader(yaml.SafeLoader):
    """Safe YAML (plain data only) within a budget: no anchors and aliases, so a 'billion
    laughs' file cannot expand; at most MAX_DEPTH levels and MAX_NODES nodes; and a value that
    looks like a number or date but is not one is a problem with its line, not a crash."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(N_("uses a YAML alias (*name); aliases are not allowed in workshop files"),
                           event.start_mark)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(N_("has more than %(max)s values (texts, numbers, lists and mappings)"),
                           event.start_mark, max=MAX_NODES)
        if not isinstance(event, yaml.CollectionStartEvent):
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            raise _Refused(N_("is nested more than %(max)s levels deep"), event.start_mark, max=MAX_DEPTH)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            raise _Refused(_UNREADABLE, node.start_mark)
        try:
            return super().construct_object(node, deep)
        except (ValueError, LookupError, AttributeError, ArithmeticError, TypeError):
            # The safe constructors let the errors of int(), float() and date() escape
            # (2024-02-30, !!int abc, !!bool maybe, !!float ''): they all come from the data.
            raise _Refused(_UNREADABLE, node.start_mark) from None


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


def _load_yaml(text: str):
    """The file's node tree and data, within the loader's budget; raises yaml.YAMLError."""
    loader = _WorkshopLoader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.YAMLError, text: str, source: str) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):  # a raw control character in the file
        line = text.count("\n", 0, exc.position) + 1
        return Problem(source, None, "(file)", NOT_TEXT, line=line)
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else None
    if isinstance(exc, _Refused):
        return Problem(source, None, "(file)", exc.message, exc.params, line=line)
    reason = getattr(exc, "problem", None) or str(exc)
    return Problem(source, None, "(file)", N_("is not valid YAML: %(reason)s"), {"reason": reason},
                   line=line)


def load_template_text(text: str, source: str) -> WorkshopTemplate:
    """Parse and validate a workshop file; every problem names its file, line and field."""
    if len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
        raise _too_large(source)
    try:
        # One parse: the node tree gives the lines of problems, the data is built from it.
        root, data = _load_yaml(text)
    except yaml.YAMLError as exc:
        raise TemplateError([_yaml_problem(exc, text, source)]) from None
    try:
        template = parse_template(data, source)
        missing = [Problem(source, None, f"slides[{n}].image", N_("%(image)s is not in static/slides/"),
                           {"image": repr(slide.image)})
                   for n, slide in enumerate(template.slides, start=1)
                   if slide.image and not os.path.isfile(os.path.join(SLIDE_IMAGES, slide.image))]
        if missing:
            raise TemplateError(missing)
        return template
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


def _read_bounded(path: str) -> str:
    """The text of a regular file, read no further than the size budget (a FIFO or a link to
    /dev/zero in questions/ would otherwise block or fill the memory)."""
    if not os.path.isfile(path):
        raise OSError(f"not a regular file: {os.path.basename(path)!r}")
    with open(path, encoding="utf-8") as handle:
        return handle.read(MAX_FILE_BYTES + 1)


# Each file read and checked once while it stays the same on disk: the console lists every
# workshop file on each visit, and a run is started from one. Keyed by what changes when the
# file is written (TemplateFile and its template are frozen: sharing them is safe).
_loaded: dict[tuple, TemplateFile] = {}
_LOADED_MAX = 256


def load_template_file(path: str) -> TemplateFile:
    try:
        stat = os.stat(path)
        key = (os.path.abspath(path), path, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = None
    if key is not None and key in _loaded:
        return _loaded[key]
    loaded = _load_template_file(path)
    if key is not None:
        if len(_loaded) >= _LOADED_MAX:
            _loaded.clear()
        _loaded[key] = loaded
    return loaded


def _load_template_file(path: str) -> TemplateFile:
    name = path if os.path.dirname(path) and not os.path.isabs(path) else os.path.basename(path)
    # A name that is not UTF-8 on disk holds lone surrogates; it is shown, so it must encode.
    name = displayable(name)
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise _too_large(name)
        return TemplateFile(name, load_template_text(_read_bounded(path), name))
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


def _log_unused(path: str, reason) -> None:
    """One line, whatever the file holds: no line breaks, nothing that cannot be encoded."""
    reason = " ".join(str(reason).split())
    log.warning("%s not used: %s", displayable(path), displayable(reason[:500]))


# path -> ((mtime, size), suggestions): read once per version of the file, so a broken one
# is logged once, not on every plan page.
_plan_suggestions: dict[str, tuple[tuple[int, int], dict | None]] = {}


def load_plan_suggestions(folder: str, template_id: str) -> dict | None:
    """The plan wording beside a template: <template id>.plan.yaml, or None if there is none or
    it is broken (a warning in the log says why): the plan then has no suggestions, and no
    page of a run fails because of the file."""
    from .domain.plan import PlanDataError, check_suggestions

    path = os.path.join(folder, f"{template_id}.plan.yaml")
    try:
        stat = os.stat(path)
    except OSError:
        return None
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _plan_suggestions.get(path)
    if cached is not None and cached[0] == version:
        return cached[1]
    suggestions, name, text = None, os.path.basename(path), ""
    try:
        if stat.st_size > MAX_FILE_BYTES:
            raise PlanDataError("is larger than 512 KiB")
        text = _read_bounded(path)
        suggestions = check_suggestions(_load_yaml(text)[1], name)
    except yaml.YAMLError as exc:
        _log_unused(path, _yaml_problem(exc, text, name))
    except (OSError, UnicodeDecodeError, PlanDataError) as exc:
        _log_unused(path, exc)
    _plan_suggestions[path] = (version, suggestions)
    return suggestions
