"""The starter follow-up plan: a few goals drafted from the room's answers ("Start
realistisk"), each laid out like DFØ's follow-up plan, with wording from a data file."""

from __future__ import annotations

from typing import Any

from .questions import localize
from .text import TextError, clean_text

PLAN_FIELDS = ("goal", "goal_key", "fruit", "category", "measure", "report_to", "frequency",
               "responsible", "supplier_questions", "sanctions", "incentives", "risk")
LIST_FIELDS = ("report_to", "supplier_questions", "sanctions", "incentives")


class PlanDataError(ValueError):
    pass


_LISTS = ("stakeholders", "categories", "frequencies", "roles", "sanctions", "incentives")
_QUESTION_ID_FIELDS = ("goals_question", "categories_question", "fruit_question")
_COUNTS = ("goals_default", "questions_per_goal")


def _is_text(value: Any) -> bool:
    """A text in languages, as localize() reads it: {nb: ..., en: ...}."""
    return isinstance(value, dict) and bool(value) and all(
        isinstance(lang, str) and isinstance(text, str) for lang, text in value.items())


def _is_names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _cleaned(value: Any, where: str, problems: list[str]) -> Any:
    """The data with every string through the text hygiene; a string that is not text (a
    lone surrogate makes every page showing it fail) is a problem."""
    if isinstance(value, str):
        try:
            return clean_text(value)
        except TextError:
            problems.append(f"{where}: holds characters that are not text (control characters or similar)")
            return value
    if isinstance(value, list):
        return [_cleaned(item, f"{where}[{n}]", problems) for n, item in enumerate(value, start=1)]
    if isinstance(value, dict):
        return {_cleaned(key, where, problems): _cleaned(item, f"{where}.{key}", problems)
                for key, item in value.items()}
    return value


def check_suggestions(data: Any, source: str) -> dict:
    """Validation of a plan data file, as strict as the code reading it: every field has the
    type it is read as, goals name known ids, every string is text. Returns the data cleaned."""
    if not isinstance(data, dict):
        raise PlanDataError(f"{source}: must be a mapping")
    problems: list[str] = []
    data = _cleaned(data, source, problems)
    if problems:
        raise PlanDataError("\n".join(problems))
    for key in _LISTS:
        if not isinstance(data.get(key), list) or not all(
            isinstance(i, dict) and isinstance(i.get("id"), str) and _is_text(i.get("label"))
            and isinstance(i.get("from_option", ""), str) for i in data[key]
        ):
            problems.append(f"{source}, field {key!r}: must be a list of {{id, label}}")
    for key in _QUESTION_ID_FIELDS:
        if not isinstance(data.get(key, ""), str):
            problems.append(f"{source}, field {key!r}: must be a question id")
    for key in _COUNTS:
        count = data.get(key, 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 50:
            problems.append(f"{source}, field {key!r}: must be a whole number from 1 to 50")
    if not _is_names(data.get("skip_fruits", [])):
        problems.append(f"{source}, field 'skip_fruits': must be a list of box ids")
    goals = data.get("goals")
    if not isinstance(goals, dict) or "default" not in goals:
        problems.append(f"{source}, field 'goals': must map goal ids to suggestions, with a default")
    if problems:
        raise PlanDataError("\n".join(problems))
    known = {key: {i["id"] for i in data[key]} for key in
             ("stakeholders", "frequencies", "roles", "sanctions", "incentives")}
    for goal_id, goal in goals.items():
        if not isinstance(goal, dict):
            problems.append(f"{source}, goal {goal_id!r}: must be a mapping")
            continue
        for field, pool in (("report_to", "stakeholders"), ("sanctions", "sanctions"),
                            ("incentives", "incentives")):
            if not _is_names(goal.get(field, [])):
                problems.append(f"{source}, goal {goal_id!r}, field {field!r}: must be a list of ids")
                continue
            unknown = set(goal.get(field, [])) - known[pool]
            if unknown:
                problems.append(f"{source}, goal {goal_id!r}, field {field!r}: unknown {sorted(unknown)}")
        for field, pool in (("frequency", "frequencies"), ("responsible", "roles")):
            value = goal.get(field)
            if value and (not isinstance(value, str) or value not in known[pool]):
                problems.append(f"{source}, goal {goal_id!r}, field {field!r}: unknown")
        for field in ("measure", "risk"):
            if goal.get(field) is not None and not _is_text(goal[field]):
                problems.append(f"{source}, goal {goal_id!r}, field {field!r}: must be {{nb: ..., en: ...}}")
        questions = goal.get("supplier_questions", [])
        if not isinstance(questions, list) or not all(_is_text(q) for q in questions):
            problems.append(f"{source}, goal {goal_id!r}, field 'supplier_questions': "
                            "must be a list of {nb: ..., en: ...}")
    if problems:
        raise PlanDataError("\n".join(problems))
    return data


def choices(suggestions: dict, key: str, lang: str) -> list[tuple[str, str]]:
    return [(i["id"], localize(i["label"], lang)) for i in suggestions.get(key, [])]


def label_of(suggestions: dict, key: str, item_id: str, lang: str) -> str:
    return dict(choices(suggestions, key, lang)).get(item_id, item_id)


def rank_goals(goal_results: dict, fruit_results: dict | None, skip_fruits: list[str]) -> list[dict]:
    """Goals in the order the room wants them: most groups first, then most votes. A goal the
    fruit board put among the goals to stop is left out."""
    groups = [g for g in goal_results["groups"] if g["respondents"]]
    fruit_of = {}
    if fruit_results:
        fruit_of = {o["key"]: o for o in fruit_results["options"]}
    ranked = []
    for option in goal_results["options"]:
        if not option["count"]:
            continue
        placed = fruit_of.get(option["key"])
        if placed and placed["place"] in skip_fruits:
            continue
        chosen_by = sum(1 for g in groups if any(a["key"] == option["key"] and not a["tie"]
                                                   for a in g["answer"]))
        ranked.append({"key": option["key"], "label": option["label"], "count": option["count"],
                       "groups": chosen_by, "fruit": placed["place"] if placed else None})
    ranked.sort(key=lambda g: (-g["groups"], -g["count"]))
    return ranked


def top_category(category_results: dict | None, suggestions: dict) -> str:
    """The category most groups already have goals for (question 1), as a plan category id."""
    if not category_results:
        return ""
    by_option = {c.get("from_option"): c["id"] for c in suggestions["categories"] if c.get("from_option")}
    counted = [o for o in category_results["options"] if o["count"] and o["key"] in by_option]
    if not counted:
        return ""
    return by_option[max(counted, key=lambda o: o["count"])["key"]]


def draft_plan(
    ranked_goals: list[dict], category: str, suggestions: dict, lang: str,
    fruit_labels: dict[str, str], count: int | None = None,
) -> list[dict]:
    count = count or int(suggestions.get("goals_default", 4))
    per_goal = int(suggestions.get("questions_per_goal", 3))
    goals = []
    for goal in ranked_goals[:count]:
        wording = suggestions["goals"].get(goal["key"]) or suggestions["goals"]["default"]
        goals.append({
            "goal": goal["label"],
            "goal_key": goal["key"],
            "fruit": fruit_labels.get(goal["fruit"] or "", ""),
            "category": category,
            "measure": localize(wording.get("measure"), lang),
            "report_to": list(wording.get("report_to", [])),
            "frequency": wording.get("frequency", ""),
            # The role is suggested; the person is for the organisation to fill in.
            "responsible": label_of(suggestions, "roles", wording.get("responsible", ""), lang)
            if wording.get("responsible") else "",
            "supplier_questions": [localize(q, lang) for q in wording.get("supplier_questions", [])][:per_goal],
            "sanctions": list(wording.get("sanctions", [])),
            "incentives": list(wording.get("incentives", [])),
            "risk": localize(wording.get("risk"), lang),
        })
    return goals


def plan_rows(goals: list[dict], suggestions: dict, lang: str) -> list[dict]:
    """The plan as readable rows (for the page, the print and the CSV): ids become labels."""
    rows = []
    for number, goal in enumerate(goals, start=1):
        rows.append({
            "number": number,
            "goal": goal["goal"],
            "fruit": goal.get("fruit", ""),
            "category": label_of(suggestions, "categories", goal.get("category", ""), lang)
            if goal.get("category") else "",
            "measure": goal.get("measure", ""),
            "report_to": [label_of(suggestions, "stakeholders", s, lang) for s in goal.get("report_to", [])],
            "frequency": label_of(suggestions, "frequencies", goal.get("frequency", ""), lang)
            if goal.get("frequency") else "",
            "responsible": goal.get("responsible", ""),
            "supplier_questions": list(goal.get("supplier_questions", [])),
            "sanctions": [label_of(suggestions, "sanctions", s, lang) for s in goal.get("sanctions", [])],
            "incentives": [label_of(suggestions, "incentives", s, lang) for s in goal.get("incentives", [])],
            "risk": goal.get("risk", ""),
        })
    return rows
