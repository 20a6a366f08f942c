"""The starter follow-up plan: a few goals drafted from the room's answers ("Start
realistisk"), each laid out in the terms of DFØ's follow-up plan (a follow-up area and an
indicator, what to report to whom and how often, a responsible role, the start-up meeting,
the contract's sanctions and incentives), with wording from the workshop's plan file."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .questions import N_, localize
from .text import TextError, clean_text

# "Start realistisk – skap gode eksempler": a plan of a few goals, never a long list.
GOALS_MIN, GOALS_MAX = 3, 5

PLAN_FIELDS = ("goal", "goal_key", "fruit", "category", "area", "measure", "report", "report_to",
               "frequency", "responsible", "responsible_name", "supplier_questions", "startup_agenda",
               "sanctions", "incentives", "risk")
LIST_FIELDS = ("report_to", "supplier_questions", "startup_agenda", "sanctions", "incentives")
# A goal's fields in the order the print, the Word document and the export show them.
SHOWN_FIELDS = ("fruit", "category", "area", "measure", "report", "report_to", "frequency",
                "responsible", "responsible_name", "supplier_questions", "startup_agenda",
                "sanctions", "incentives", "risk")
# Message ids (translated where the plan is shown); the form's labels are the same ids.
FIELD_LABELS = {
    "number": N_("No."),
    "goal": N_("Goal"),
    "fruit": N_("Fruit"),
    "category": N_("Procurement category"),
    "area": N_("Follow-up area (DFØ)"),
    "measure": N_("Indicator: what is measured"),
    "report": N_("What to report"),
    "report_to": N_("Report to"),
    "frequency": N_("How often"),
    "responsible": N_("Responsible (role)"),
    "responsible_name": N_("Name or unit"),
    "supplier_questions": N_("First questions for the supplier"),
    "startup_agenda": N_("Agenda points for the start-up meeting"),
    "sanctions": N_("Sanctions"),
    "incentives": N_("Incentives"),
    "risk": N_("Risk it answers"),
}
REPORT_MAX = 600  # the form's limit for "what to report": a draft the form would refuse is no draft
ROOM_REPORTS = 3  # the room's own lines on a goal taken into its "what to report", most written first


class PlanDataError(ValueError):
    pass


_LISTS = ("stakeholders", "categories", "follow_up_areas", "frequencies", "roles", "sanctions", "incentives")
_QUESTION_ID_FIELDS = ("goals_question", "categories_question", "fruit_question")
# A goal's fields naming ids of a list: (field, list, one id or a list of ids)
_GOAL_IDS = (("report_to", "stakeholders", True), ("sanctions", "sanctions", True),
             ("incentives", "incentives", True), ("categories", "categories", True),
             ("frequency", "frequencies", False), ("responsible", "roles", False),
             ("area", "follow_up_areas", False))


def _is_text(value: Any) -> bool:
    """A text in languages, as localize() reads it: {nb: ..., en: ...}."""
    return isinstance(value, dict) and bool(value) and all(
        isinstance(lang, str) and isinstance(text, str) for lang, text in value.items())


def _is_texts(value: Any) -> bool:
    return isinstance(value, list) and all(_is_text(item) for item in value)


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


def _check_guidance(data: dict, source: str, problems: list[str]) -> None:
    """The deck's "Start realistisk" slide and the contract note, shown above the plan."""
    guidance = data.get("start_realistic", {})
    if not isinstance(guidance, dict) or not all(
            _is_text(guidance[key]) for key in ("title", "closing") if key in guidance) \
            or not _is_texts(guidance.get("points", [])):
        problems.append(f"{source}, field 'start_realistic': must hold a title, points and a closing, "
                        "each as {nb: ..., en: ...}")
    if "contract_note" in data and not _is_text(data["contract_note"]):
        problems.append(f"{source}, field 'contract_note': must be {{nb: ..., en: ...}}")


def _check_goal(goal_id: str, goal: Any, known: dict[str, set[str]], source: str, problems: list[str]) -> None:
    where = f"{source}, goal {goal_id!r}"
    if not isinstance(goal, dict):
        problems.append(f"{where}: must be a mapping")
        return
    for field, pool, many in _GOAL_IDS:
        value = goal.get(field, [] if many else "")
        if many and not _is_names(value):
            problems.append(f"{where}, field {field!r}: must be a list of ids")
        elif many and set(value) - known[pool]:
            problems.append(f"{where}, field {field!r}: unknown {sorted(set(value) - known[pool])}")
        elif not many and value and (not isinstance(value, str) or value not in known[pool]):
            problems.append(f"{where}, field {field!r}: unknown")
    for field in ("measure", "report", "risk"):
        if goal.get(field) is not None and not _is_text(goal[field]):
            problems.append(f"{where}, field {field!r}: must be {{nb: ..., en: ...}}")
    for field in ("supplier_questions", "startup_agenda"):
        if not _is_texts(goal.get(field, [])):
            problems.append(f"{where}, field {field!r}: must be a list of {{nb: ..., en: ...}}")


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
    for key, low, high in (("goals_default", GOALS_MIN, GOALS_MAX), ("questions_per_goal", 1, 50)):
        count = data.get(key, low)
        if isinstance(count, bool) or not isinstance(count, int) or not low <= count <= high:
            problems.append(f"{source}, field {key!r}: must be a whole number from {low} to {high}")
    if not _is_names(data.get("skip_fruits", [])):
        problems.append(f"{source}, field 'skip_fruits': must be a list of box ids")
    _check_guidance(data, source, problems)
    goals = data.get("goals")
    if not isinstance(goals, dict) or "default" not in goals:
        problems.append(f"{source}, field 'goals': must map goal ids to suggestions, with a default")
    if problems:
        raise PlanDataError("\n".join(problems))
    known = {pool: {i["id"] for i in data[pool]} for _field, pool, _many in _GOAL_IDS}
    for goal_id, goal in goals.items():
        _check_goal(goal_id, goal, known, source, problems)
    if problems:
        raise PlanDataError("\n".join(problems))
    return data


def choices(suggestions: dict, key: str, lang: str) -> list[tuple[str, str]]:
    return [(i["id"], localize(i["label"], lang)) for i in suggestions.get(key, [])]


def label_of(suggestions: dict, key: str, item_id: str, lang: str) -> str:
    """An id's label; a value that is no id (a plan saved before the list had it) as it is."""
    return dict(choices(suggestions, key, lang)).get(item_id, item_id)


def guidance(suggestions: dict, lang: str) -> dict:
    """The deck's "Start realistisk" points and its note on the contract, in one language."""
    start = suggestions.get("start_realistic", {})
    return {"title": localize(start.get("title"), lang),
            "points": [localize(p, lang) for p in start.get("points", [])],
            "closing": localize(start.get("closing"), lang),
            "contract_note": localize(suggestions.get("contract_note"), lang)}


def rank_options(results: dict | None) -> list[dict]:
    """The options the room chose, in the order it wants them: most groups first (a group
    chose an option when most of its members did), then most votes."""
    if not results:
        return []
    groups = [g for g in results["groups"] if g["respondents"]]
    ranked = []
    for option in results["options"]:
        if not option["count"]:
            continue
        chosen_by = sum(1 for g in groups if any(a["key"] == option["key"] and not a["tie"]
                                                   for a in g.get("answer", [])))
        ranked.append({"key": option["key"], "label": option["label"], "count": option["count"],
                       "groups": chosen_by})
    ranked.sort(key=lambda o: (-o["groups"], -o["count"]))
    return ranked


def rank_goals(goal_results: dict | None, fruit_results: dict | None, skip_fruits: list[str]) -> list[dict]:
    """Goals in the order the room wants them, with the fruit the room placed each in and what
    it wrote on how/what to report. A goal put among the goals to stop is left out."""
    fruit_of = {o["key"]: o for o in (fruit_results or {}).get("options", [])}
    ranked = []
    for goal in rank_options(goal_results):
        placed = fruit_of.get(goal["key"])
        if placed and placed["place"] in skip_fruits:
            continue
        ranked.append(dict(goal, fruit=placed["place"] if placed else None,
                           reports=[r["text"] for r in placed["reports"]] if placed else []))
    return ranked


def proposed_first(ranked_goals: list[dict], proposals: list[dict]) -> list[dict]:
    """The goals with those a question type proposes (the risk matrix's highest risks) first,
    in the proposals' order; a proposed item the goals question does not rank joins them."""
    by_key = {g["key"]: g for g in ranked_goals}
    first: list[dict] = []
    for proposal in proposals:
        if proposal["key"] in {g["key"] for g in first}:
            continue
        first.append(by_key.get(proposal["key"]) or {
            "key": proposal["key"], "label": proposal["label"], "count": 0, "groups": 0,
            "fruit": None, "reports": []})
    keys = {g["key"] for g in first}
    return first + [g for g in ranked_goals if g["key"] not in keys]


def room_categories(category_results: dict | None, suggestions: dict) -> list[dict]:
    """The plan's categories the room already has goals for (question 1), in the room's
    order: {id, label, groups, count}. Answers with no plan category ("none") are left out."""
    by_option = {c["from_option"]: c["id"] for c in suggestions["categories"] if c.get("from_option")}
    return [dict(option, id=by_option[option["key"]]) for option in rank_options(category_results)
            if option["key"] in by_option]


def _category_for(wording: dict, room: list[str], used: Counter) -> str:
    """The goal's category. Among the categories the room named (question 1) that the goal
    fits, the one the plan uses least so far, so a room naming several sees them spread over
    its goals; a goal fitting none of them gets the room's category used least. A room that
    named none gets the category of the deck the goal fits best."""
    fits = wording.get("categories", [])
    if not room:
        return fits[0] if fits else ""
    fitting = [c for c in fits if c in room]
    if fitting:
        return min(fitting, key=lambda c: (used[c], fits.index(c)))
    return min(room, key=lambda c: (used[c], room.index(c)))


def _room_report(texts: list[str]) -> str:
    """What the room wrote on how/what to report for a goal: the most written first."""
    counts: Counter = Counter()
    first: dict[str, str] = {}
    for text in texts:
        text = " ".join((text or "").split())
        if text:
            counts[text.casefold()] += 1
            first.setdefault(text.casefold(), text)
    report = ""
    for key in sorted(first, key=lambda k: -counts[k])[:ROOM_REPORTS]:  # stable: the first written leads a tie
        text = first[key]
        joined = f"{report}; {text}" if report else text
        if len(joined) > REPORT_MAX:
            break
        report = joined
    return report


def draft_count(count: int | None, suggestions: dict) -> int:
    return max(GOALS_MIN, min(GOALS_MAX, int(count or suggestions.get("goals_default", 4))))


def draft_plan(ranked_goals: list[dict], categories: list[str], suggestions: dict, lang: str,
               count: int | None = None) -> list[dict]:
    """3 to 5 goals from the room's ranking, each with the plan file's suggestions; the
    categories are the room's (plan category ids, the room's order)."""
    per_goal = int(suggestions.get("questions_per_goal", 3))
    used: Counter = Counter()
    goals = []
    for goal in ranked_goals[:draft_count(count, suggestions)]:
        wording = suggestions["goals"].get(goal["key"]) or suggestions["goals"]["default"]
        category = _category_for(wording, categories, used)
        used[category] += 1
        goals.append({
            "goal": goal["label"],
            "goal_key": goal["key"],
            "fruit": goal.get("fruit") or "",
            "category": category,
            "area": wording.get("area", ""),
            "measure": localize(wording.get("measure"), lang),
            # The room's own words on the fruit board come first; the file's are the fallback.
            "report": _room_report(goal.get("reports", [])) or localize(wording.get("report"), lang),
            "report_to": list(wording.get("report_to", [])),
            "frequency": wording.get("frequency", ""),
            # The role is suggested; the person is for the organisation to fill in.
            "responsible": wording.get("responsible", ""),
            "responsible_name": "",
            "supplier_questions": [localize(q, lang) for q in wording.get("supplier_questions", [])][:per_goal],
            "startup_agenda": [localize(q, lang) for q in wording.get("startup_agenda", [])][:per_goal],
            "sanctions": list(wording.get("sanctions", [])),
            "incentives": list(wording.get("incentives", [])),
            "risk": localize(wording.get("risk"), lang),
        })
    return goals


def plan_rows(goals: list[dict], suggestions: dict, lang: str, fruit_labels: dict[str, str]) -> list[dict]:
    """The plan as readable rows (for the page, the print, the Word document and the export):
    ids become labels in the language given."""

    def label(key: str, value: str) -> str:
        return label_of(suggestions, key, value, lang) if value else ""

    rows = []
    for number, goal in enumerate(goals, start=1):
        rows.append({
            "number": number,
            "goal": goal.get("goal", ""),
            "fruit": fruit_labels.get(goal.get("fruit") or "", goal.get("fruit") or ""),
            "category": label("categories", goal.get("category", "")),
            "area": label("follow_up_areas", goal.get("area", "")),
            "measure": goal.get("measure", ""),
            "report": goal.get("report", ""),
            "report_to": [label_of(suggestions, "stakeholders", s, lang) for s in goal.get("report_to", [])],
            "frequency": label("frequencies", goal.get("frequency", "")),
            "responsible": label("roles", goal.get("responsible", "")),
            "responsible_name": goal.get("responsible_name", ""),
            "supplier_questions": list(goal.get("supplier_questions", [])),
            "startup_agenda": list(goal.get("startup_agenda", [])),
            "sanctions": [label_of(suggestions, "sanctions", s, lang) for s in goal.get("sanctions", [])],
            "incentives": [label_of(suggestions, "incentives", s, lang) for s in goal.get("incentives", [])],
            "risk": goal.get("risk", ""),
        })
    return rows


def startup_agenda(rows: list[dict]) -> list[dict]:
    """The start-up meeting's agenda: every goal's points once, with the goals raising them."""
    points: dict[str, dict] = {}
    for row in rows:
        for point in row["startup_agenda"]:
            entry = points.setdefault(point.casefold(), {"point": point, "goals": []})
            if row["number"] not in entry["goals"]:
                entry["goals"].append(row["number"])
    return list(points.values())
