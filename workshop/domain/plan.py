"""The starter follow-up plan: a few goals drafted from the room's answers ("Start
realistisk"), each laid out like DFØ's follow-up plan, with wording from a data file."""

from __future__ import annotations

from typing import Any

from .templates import localize

PLAN_FIELDS = ("goal", "goal_key", "fruit", "category", "measure", "report_to", "frequency",
               "responsible", "supplier_questions", "sanctions", "incentives", "risk")
LIST_FIELDS = ("report_to", "supplier_questions", "sanctions", "incentives")


class PlanDataError(ValueError):
    pass


def check_suggestions(data: Any, source: str) -> dict:
    """Light validation of a plan data file: the lists exist and goals name known ids."""
    if not isinstance(data, dict):
        raise PlanDataError(f"{source}: must be a mapping")
    problems = []
    for key in ("stakeholders", "categories", "frequencies", "roles", "sanctions", "incentives"):
        if not isinstance(data.get(key), list) or not all(
            isinstance(i, dict) and "id" in i and isinstance(i.get("label"), dict) for i in data[key]
        ):
            problems.append(f"{source}, field {key!r}: must be a list of {{id, label}}")
    goals = data.get("goals")
    if not isinstance(goals, dict) or "default" not in goals:
        problems.append(f"{source}, field 'goals': must map goal ids to suggestions, with a default")
    if problems:
        raise PlanDataError("\n".join(problems))
    known = {key: {i["id"] for i in data[key]} for key in
             ("stakeholders", "frequencies", "roles", "sanctions", "incentives")}
    for goal_id, goal in goals.items():
        for field, pool in (("report_to", "stakeholders"), ("sanctions", "sanctions"),
                            ("incentives", "incentives")):
            unknown = set(goal.get(field, [])) - known[pool]
            if unknown:
                problems.append(f"{source}, goal {goal_id!r}, field {field!r}: unknown {sorted(unknown)}")
        if goal.get("frequency") and goal["frequency"] not in known["frequencies"]:
            problems.append(f"{source}, goal {goal_id!r}, field 'frequency': unknown")
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
