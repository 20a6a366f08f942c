"""What the screens and phones are sent: plain data built from the services, one place."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import services
from .domain.codes import format_code
from .domain.question_types import fields_from_items, type_of
from .domain.questions import localize
from .models import Run, utcnow


def sequence() -> int:
    """Stamps every payload, so a screen drops a push older than one it has: microseconds,
    still exact as a JavaScript number (below 2**53), and increasing."""
    return time.time_ns() // 1000


def epoch_ms(value: datetime | None) -> int | None:
    if value is None:
        return None
    return int(value.replace(tzinfo=UTC).timestamp() * 1000)


def run_state(run: Run) -> dict:
    """The state every phone may see: which questions are open and until when."""
    template = services.runs.template_of(run)
    states = services.runs.question_states(run)
    step = services.steps.current(run)
    at = services.steps.position(run, step)
    return {
        "seq": sequence(),
        "run": run.code,
        "projected": run.projected_question_id,
        # What the projector shows (services.steps): its kind, the slide's or question's id,
        # and where it is in the session ("3 / 14"; None for a step out of the order).
        "step": {"key": step.key, "kind": step.kind, "ref": step.ref,
                 "number": None if at is None else at + 1, "total": len(template.steps)},
        # The slide the phones show with the projector (`on_phones`), by id only: each phone
        # draws it in its own language from its fragment, and fetches that fragment again
        # only when this changes, not on every step a hall of phones is told of.
        "phone_slide": _id_of(services.steps.on_phones(run, step)),
        "server_time": epoch_ms(datetime.now(UTC).replace(tzinfo=None)),
        "questions": [
            {
                "id": q.id,
                "status": services.runs.status_of(states[q.id]),
                "closes_at": epoch_ms(states[q.id].closes_at),
                "revealed": states[q.id].revealed,
            }
            for q in template.questions
        ],
        # The phones' links to the board and the plan appear when these turn true.
        "shared": shared_with_phones(run),
    }


def _id_of(slide) -> str | None:
    return slide.id if slide is not None else None


def shared_with_phones(run: Run) -> dict:
    """What the facilitator has shared with the phones: the board, and with it the plan when
    the run's workshop has one (the plan's page needs both)."""
    board = bool(run.board_shared)
    return {"board": board, "plan": board and services.plan.plan_suggestions(run) is not None}


# A push carries what a screen shows, not every text of a hall of 2,000: the newest entries
# and the most upvoted ideas (the board and the exports have them all).
SCREEN_ENTRIES = 500
SCREEN_IDEAS = 200
PHONE_ENTRIES = 30
PHONE_IDEAS = 30


def _trimmed(aggregate: dict, entries: int, ideas: int) -> dict:
    trimmed = dict(aggregate, entries=aggregate["entries"][:entries],
                   entries_total=len(aggregate["entries"]))
    if "ideas" in aggregate:
        trimmed["ideas"] = aggregate["ideas"][:ideas]
        trimmed["ideas_total"] = len(aggregate["ideas"])
    return trimmed


def results_payloads(run: Run, question_ids: list[str]) -> list[dict]:
    """results_payload of several questions of one run, which share who has joined where:
    read once for all of them."""
    joined = services.joining.table_counts(run)
    return [results_payload(run, question_id, joined=joined) for question_id in question_ids]


def results_payload(run: Run, question_id: str, lang: str | None = None,
                    joined: list[dict] | None = None) -> dict:
    """For the projector and console; phones get phone_results_payload of it once revealed.
    `joined` is services.joining.table_counts(run), when the caller has it already."""
    lang = lang or run.language
    joined = services.joining.table_counts(run) if joined is None else joined
    state = services.runs.question_states(run)[question_id]
    question = services.runs.question_of(run, question_id, state)
    visible = services.runs.results_visible(state)
    # How many texts wait for the facilitator's approval (a count: their texts never leave
    # the facilitator's page). Counted once, by the aggregate when it is built.
    waiting = None
    if visible:
        aggregate = _trimmed(services.results.results(run, question_id, lang), SCREEN_ENTRIES, SCREEN_IDEAS)
        waiting = aggregate.get("waiting")
    else:
        # Hidden: the room sees how many answered, so that is all that is computed.
        aggregate = {"respondents": services.votes.answer_count(run, question_id)}
        if question.moderated:
            waiting = len(services.moderation.waiting(run, question_id))
        if question.upvotes:
            # texts that wait for approval are no ideas yet
            aggregate["ideas_total"] = services.votes.entry_count(run, question_id) - (waiting or 0)
    return {
        "seq": sequence(),
        "run": run.code,
        "code": format_code(run.code),
        "question": question_id,
        "type": question.type,
        "text": localize(question.text, lang),
        "status": services.runs.status_of(state),
        "closes_at": epoch_ms(state.closes_at),
        "revealed": state.revealed,
        "visible": visible,
        "respondents": aggregate["respondents"],
        "participants": sum(table["participants"] for table in joined),  # each is at a table
        # The exercise's overview: how many tables have answered, of how many; the lobby:
        # who has joined at which table (screens only: phone_results_payload drops it).
        "tables_answered": services.votes.answering_tables(run, question_id),
        "joined": joined,
        "results": aggregate if visible else None,
        # Phones are told how many ideas there are (a few bytes), not the list: they fetch it
        # when the participant asks, so 2,000 phones are not sent every new idea.
        "ideas_total": aggregate.get("ideas_total") if question.upvotes else None,
        "waiting": waiting,
    }


def slide_view(slide, lang: str) -> dict:
    """A slide as a screen or a phone draws it: never the presenter's notes."""
    return {"id": slide.id, "title": localize(slide.title, lang), "text": localize(slide.text, lang),
            "bullets": [localize(b, lang) for b in slide.bullets], "image": slide.image}


def projector_slides(run: Run, lang: str) -> dict[str, dict]:
    """Every slide of the run as the projector draws it, by id."""
    return {slide.id: slide_view(slide, lang) for slide in services.runs.template_of(run).slides}


# The steps that are a page of the phones' own, shared by the facilitator (run_state's
# `shared`): while one is on the projector, its link on the phones says so.
SHARED_STEPS = ("board", "plan")


def on_screen_links(step, shared: dict) -> dict[str, bool]:
    """Which of the phones' links to the board and the plan is what the projector shows now:
    only a shared one (an unshared board is no link on the phones)."""
    return {kind: step.kind == kind and shared[kind] for kind in SHARED_STEPS}


def named_steps() -> dict[str, str]:
    """The names of the steps that are no slide or question (domain.slides.NAMED_STEPS)."""
    from flask_babel import gettext as _

    return {"lobby": _("Lobby"), "exercise": _("Exercise overview"), "board": _("Discussion board"),
            "plan": _("Follow-up plan"), "comparison": _("Compared with earlier runs")}


def step_buttons(run: Run) -> list[dict]:
    """The run page's buttons, one per step in the session's order, the current one marked."""
    template = services.runs.template_of(run)
    current = services.steps.current(run).key
    names = named_steps()
    numbers = {q.id: n for n, q in enumerate(template.questions, start=1)}
    buttons = []
    for step in template.steps:
        if step.kind == "slide":
            label = localized(template.slide(step.ref).title)
        elif step.kind == "question":
            question = template.question(step.ref)
            label = f"{numbers[step.ref]}. " + (localized(question.short) or localized(question.text))
        else:
            label = names[step.kind]
        buttons.append({"key": step.key, "kind": step.kind, "label": label, "current": step.key == current})
    return buttons


def localized(text: dict[str, str] | None) -> str:
    return localize(text, current_language())


def current_language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale else "nb"


@dataclass(frozen=True)
class Refusal:
    """An answer the server refused on the form post without JavaScript: the page shows the
    refusal beside its question, with the choices as they were sent."""

    question_id: str
    fields: dict
    message: str


@dataclass(frozen=True)
class PageOwner:
    """Whose phone page it is: all the page shows of the participant. Participants who have
    neither answered nor upvoted (a hall that has just joined) differ in the first three only."""

    group: str
    name: str | None
    public_id: str
    answers: dict = field(default_factory=dict)  # question id -> the answer's items
    upvoted: Callable[[str], set[str]] = lambda _question_id: set()  # question id -> its refs


def page_owner(participant) -> PageOwner:
    return PageOwner(participant.group.name, participant.display_name, participant.public_id,
                     services.votes.own_answers(participant),
                     lambda question_id: services.ideas.my_upvotes(participant, question_id))


def phone_page(run: Run, owner: PageOwner, refused: Refusal | None = None,
               states: dict | None = None, now: datetime | None = None) -> dict:
    """Everything the participant's page shows, prepared so the template only renders.
    `states` (services.runs.question_states) and `now` when the caller has them: the page is
    then what newcomer_page_version describes."""
    lang = current_language()
    template = services.runs.template_of(run)
    states = services.runs.question_states(run) if states is None else states
    now = now or utcnow()
    step = services.steps.current(run)
    on_screen = services.steps.on_screen_question(step)
    slide = services.steps.on_phones(run, step)
    questions = []
    versions = None
    for number, question in enumerate(services.runs.questions_of(run, states), start=1):
        state = states[question.id]
        status = services.runs.status_of(state, now)
        if status == "draft":
            continue
        kept = refused.fields if refused and refused.question_id == question.id and status == "open" else None
        phone = phone_question(question, lang, owner.answers.get(question.id, []), number, kept)
        if refused and refused.question_id == question.id:
            phone["error"] = refused.message
        result = None
        if state.revealed or question.upvotes:
            versions = versions or services.results.results_versions(run, states)  # once a page
            result = services.results.shared_results(run, question.id, lang, versions[question.id])
        phone.update(
            status=status, open=status == "open", closes_at=epoch_ms(state.closes_at),
            on_screen=question.id == on_screen,  # static/js/phone_help.js follows the pushes
            # The newest texts, as the live pushes carry: not a hall's 2,000 to a phone.
            revealed=state.revealed,
            results=_trimmed(result, PHONE_ENTRIES, PHONE_IDEAS) if state.revealed else None,
            ideas=_phone_ideas(result, owner, question, state.revealed)
            if question.upvotes else [],
            ideas_total=len(result["ideas"]) if question.upvotes else 0,
        )
        questions.append(phone)
    open_ones = [q for q in questions if q["open"]]
    shared = shared_with_phones(run)
    return {
        "code": format_code(run.code),
        "run": run.code,
        "title": localize(template.title, lang),
        "group": owner.group,
        "name": owner.name,
        "me": owner.public_id,  # the phone's script tells its own ideas and answers by it
        "questions": questions,
        # "2 of 4 answered" when several questions are open at once (the 10-minute exercise).
        "progress": {"answered": sum(1 for q in open_ones if q["answered"]), "open": len(open_ones)}
        if len(open_ones) > 1 else None,
        "shared": shared,
        # What the projector shows, as the phone shows it too: an `on_phones` slide above the
        # questions (its id is what participant.js compares with the state push's
        # `phone_slide`), or the mark on the board's or the plan's link.
        "slide": slide_view(slide, lang) if slide is not None else None,
        "on_screen": on_screen_links(step, shared),
    }


def newcomer_page_version(run: Run, states: dict, now: datetime) -> tuple:
    """Everything phone_page shows of the run itself (not of its owner), as a value that
    changes whenever the page of a participant who has not answered or upvoted would: each
    question's state (a countdown that has run out counts as closed), what is shared with the
    phones, and what the results and ideas the page shows are built from. Read from the
    database, so every process of a scale-out agrees on it."""
    template = services.runs.template_of(run)
    shown, with_results = [], []
    for question in template.questions:
        state = states[question.id]
        status = services.runs.status_of(state, now)
        # The items a question takes from another's answers are fixed when it opens.
        items = json.dumps(state.items, sort_keys=True) if state.items else None
        shown.append((question.id, status, state.opened_at, state.closes_at, state.revealed, items))
        if status != "draft" and (state.revealed or question.upvotes):
            with_results.append(question.id)
    versions = services.results.results_versions(run, states) if with_results else {}
    # Until revealed the page shows a question's ideas, which no new table changes: the
    # first phone at each of a hall's 50 tables would otherwise build the page anew.
    shared = shared_with_phones(run)  # the plan's link needs its file too
    # The step on the projector: its slide for the phones, the question or link marked on them.
    step = services.steps.current(run).key
    return (tuple(shown), (shared["board"], shared["plan"]), step,
            tuple(versions[q] if states[q].revealed else versions[q]._replace(tables=None) for q in with_results))


def _phone_ideas(result: dict, owner: PageOwner, question, revealed: bool) -> list[dict]:
    """Others' ideas to upvote; the counts only once results are revealed."""
    mine = owner.upvoted(question.id)
    own = owner.public_id + ":"
    return [
        {"ref": idea["ref"], "text": idea["text"], "group": idea["group"],
         "votes": idea["votes"] if revealed else None, "answered": idea["answered"],
         "own": idea["ref"].startswith(own), "upvoted": idea["ref"] in mine}
        for idea in (result["ideas"] if revealed else
                     sorted(result["ideas"], key=lambda i: i["at"] or "", reverse=True))[:PHONE_IDEAS]
    ]


def template_preview(template) -> dict:
    """Every question of a template as a phone will show it (a fruit board shows sample items)."""
    from dataclasses import replace

    lang = current_language()
    questions = []
    for number, question in enumerate(template.questions, start=1):
        if question.items_from and not question.options:
            source = template.question(question.items_from)
            question = replace(question, options=source.options[: min(3, question.top)])
        phone = phone_question(question, lang, [], number)
        phone.update(status="open", open=True, closes_at=None, revealed=False, results=None,
                     duration_minutes=question.duration // 60, on_screen=False)
        questions.append(phone)
    return {"id": template.id, "title": localize(template.title, lang),
            "description": localize(template.description, lang), "questions": questions,
            "preview": True, "slide": None}


def phone_question(question, lang: str, items: list, number: int, fields: dict | None = None) -> dict:
    """One question's form on a phone, filled with the participant's current answer (or with
    `fields`, an answer sent and refused); the form's own part comes from its type
    (question_types), drawn by its type's partial."""
    question_type = type_of(question)
    return {
        "id": question.id,
        "number": number,
        "type": question.type,
        "text": localize(question.text, lang),
        "answered": bool(items),
        "max_length": question.max_length,
        "form": question_type.phone_view(
            question, fields if fields is not None else fields_from_items(question, items), lang),
        "my_answer": [question_type.answer_text(question, i, lang)
                      for i in sorted(items, key=lambda i: i.rank or 0)],
        "upvotes": question.upvotes,
        "error": None,  # a refused answer's message, shown beside the question
    }


# The run page's question cards: what each one says and which of its buttons it shows follow
# the state push and the results pushes (static/js/console.js draws a card again from them),
# from this one table, as the page was served: the two never disagree.
CARD_ACTIONS = ("open", "close", "reveal", "hide", "project")


def card_words() -> dict:
    """What a card says in each state. A button shows only in the states it has a label for:
    the first of the card's facts (card_facts) that its labels name."""
    from flask_babel import gettext as _

    return {
        "status": {"draft": _("Not opened"), "open": _("Open now"), "closed": _("Closed")},
        "results": {"shown": _("Results shown"), "hidden": _("Results hidden")},
        "actions": {
            "open": {"draft": _("Open"), "closed": _("Reopen")},
            "close": {"open": _("Close")},
            "reveal": {"hidden": _("Reveal results")},
            "hide": {"shown": _("Hide results")},
            "project": {"off_screen": _("Show on projector")},
        },
    }


def card_facts(status: str, revealed: bool, on_screen: bool) -> list[str]:
    """The words a card's state is looked up by in card_words."""
    return [status, "shown" if revealed else "hidden", "on_screen" if on_screen else "off_screen"]


def card_label(words: dict, action: str, facts: list[str]) -> str | None:
    """The button's label in this state, None where the card does not show it."""
    labels = words["actions"][action]
    return next((labels[fact] for fact in facts if fact in labels), None)


def run_cards(run: Run, words: dict) -> list[dict]:
    """The run page's cards, one per question, from the state push itself (run_state) and each
    question's answer count: what the page's script keeps them at from the pushes."""
    template = services.runs.template_of(run)
    state = run_state(run)
    on_screen = services.steps.on_screen_question(services.steps.current(run))
    cards = []
    for number, (question, entry) in enumerate(zip(template.questions, state["questions"], strict=True), start=1):
        status, revealed = entry["status"], entry["revealed"]
        facts = card_facts(status, revealed, question.id == on_screen)
        labels = {action: card_label(words, action, facts) for action in CARD_ACTIONS}
        cards.append({
            "id": question.id, "number": number, "text": localized(question.text),
            "status": status, "status_label": words["status"][status],
            "closes_at": entry["closes_at"] if status == "open" else None,
            "revealed": revealed, "results_label": words["results"][facts[1]],
            "on_screen": question.id == on_screen,
            "answers": services.votes.answer_count(run, question.id),
            # Every button is on the page, those the state has no use for hidden: a push
            # shows them again, and without JavaScript each still posts.
            "actions": [{"action": action, "label": labels[action] or "", "shown": labels[action] is not None,
                         # a fruit board takes how many goals to place when it opens
                         "top": question.top if action == "open" and question.items_from else None}
                        for action in CARD_ACTIONS],
        })
    return cards


def moderation_page(run: Run) -> list[dict]:
    """Per moderated question, the texts waiting for the facilitator's approval."""
    return [{"id": q.id, "text": localized(q.text), "waiting": services.moderation.waiting(run, q.id)}
            for q in services.moderation.moderated_questions(run)]


BOARD_AUDIENCES = ("phones", "screen", "controls")  # a shared board's phones, the projector, the facilitator's


def board_push(run: Run, audience: str, lang: str) -> dict:
    """The board as one audience sees it, rendered by the template every board page loads with,
    for a push or a watch's answer: no request of the person is at hand, so it is drawn in a
    request of its own, in `lang` (url_for and gettext need one), and its forms carry no CSRF
    token: board.js puts its page's own into them (a token is the person's, not the board's)."""
    from flask import current_app, render_template
    from flask_babel import force_locale

    seq = sequence()  # before the board is read: a board read later is newer, whenever it is sent
    with current_app.test_request_context(), force_locale(lang):
        board = None if audience == "phones" and not run.board_shared else board_page(
            run, controls=audience == "controls")
        html = render_template("_board.html", board=board, csrf_token=lambda: "")
    return {"seq": seq, "html": html}


def board_page(run: Run, controls: bool = False) -> dict:
    """The discussion board as the templates show it: every question, its groups side by side."""
    lang = run.language if controls else current_language()
    questions = {q.id: q for q in services.runs.questions_of(run)}
    notes = services.board.notes_of(run)
    boards = []
    for number, board in enumerate(services.results.boards(run, lang), start=1):
        question = questions[board["question"]]
        board.update(
            number=number,
            text=localize(question.text, lang),
            short=localize(question.short, lang) or localize(question.text, lang),
            notes=[{"id": n.id, "text": n.text} for n in notes if n.question_id == board["question"]],
            group_count=len(board["groups"]),
        )
        boards.append(board)
    return {
        "run": run.code,
        "code": format_code(run.code),
        "title": localize(services.runs.template_of(run).title, lang),
        "shared": run.board_shared,
        "controls": controls,
        "questions": boards,
        "general_notes": [{"id": n.id, "text": n.text} for n in notes if n.question_id is None],
    }


def phone_results_payload(payload: dict) -> dict:
    """What phones may see of revealed results: no participant ids, no entry refs."""
    results = payload["results"]
    safe_entries = [{"text": e["text"], "group": e["group"]}
                    for e in results.get("entries", [])[:PHONE_ENTRIES]]
    if "ideas" in results:  # refs stay: phones upvote by them
        results = dict(results, ideas=[{k: i[k] for k in ("ref", "text", "group", "votes", "answered")}
                                       for i in results["ideas"][:PHONE_IDEAS]])
    safe_options = [
        {k: v for k, v in o.items() if k != "reports"} for o in results.get("options", [])
    ]
    phone = {k: v for k, v in payload.items() if k != "joined"}
    return dict(phone, results=dict(results, entries=safe_entries, options=safe_options))


def comparison_page(run: Run, picked: list[str]) -> dict:
    """This run beside earlier ones, as the facilitator's page and the projector show it: each
    cell a figure ready to read ("42 %", or the fruit box and its share)."""
    from flask_babel import format_date, format_datetime, gettext

    data = services.comparison.comparison(run, picked)
    headings = []
    for column in data["columns"]:
        if column["kind"] == "this":
            headings.append(gettext("This run"))
        elif column["kind"] == "pooled":
            headings.append(gettext("All earlier runs (%(count)s)", count=column["runs"]))
        else:
            headings.append(f"{format_code(column['code'])} · {format_date(column['created_at'], 'short')}")

    def shown(cell: dict | None) -> str:
        if cell is None:
            return "–"
        if cell["value"] is None:
            return gettext("no answers")
        figure = f"{cell['percent']} %"
        if cell["tie"]:
            return f"{gettext('tie')} · {figure}"
        return f"{cell['place']} · {figure}" if cell["place"] else figure

    return {
        "headings": headings,
        "earlier": [dict(r, label=f"{format_code(r['code'])} · {format_datetime(r['created_at'], 'short')}")
                    for r in data["earlier"]],
        "questions": [_compared_question(q, headings, shown) for q in data["questions"]],
        "in_comparisons": run.in_comparisons,
    }


def _compared_question(q: dict, headings: list[str], shown: Callable[[dict | None], str]) -> dict:
    from flask_babel import gettext

    respondents = ["–" if n is None else str(n) for n in q["respondents"]]
    rows = [{"label": row["label"], "cells": [shown(c) for c in row["cells"]]} for row in q["rows"]]
    return {
        "id": q["question"], "text": q["text"], "measure": gettext(q["measure"]),
        "respondents": respondents, "rows": rows,
        # The facilitator's page on a phone stacks each row: every figure says its column.
        "labelled_respondents": _labelled(headings, respondents),
        "labelled_rows": [{"label": row["label"], "cells": _labelled(headings, row["cells"])} for row in rows],
    }


def _labelled(headings: list[str], cells: list[str]) -> list[dict]:
    return [{"heading": heading, "shown": cell} for heading, cell in zip(headings, cells, strict=True)]


def presenter_view(run: Run) -> dict:
    """What the presenter's view and the remote know beyond the state push (which every phone
    gets): each step's name in the session's order, a slide's notes (the facilitator's only),
    every question's name (one can be put on the projector out of order), and which step each
    key shows: B the board, F the fruit board (the question that draws its items from
    another's answers), L the lobby, O the exercise's overview."""
    template = services.runs.template_of(run)
    order = step_buttons(run)
    numbers = {q.id: n for n, q in enumerate(template.questions, start=1)}
    names = {**named_steps(), **{b["key"]: b["label"] for b in order}}  # any step can be shown
    for question in template.questions:
        names.setdefault(question.id, f"{numbers[question.id]}. "
                         + (localized(question.short) or localized(question.text)))
    keys = {s.key for s in template.steps}
    fruit = next((q.id for q in template.questions if q.items_from and q.id in keys), None)
    return {
        "order": [b["key"] for b in order],
        "names": names,
        "notes": {s.id: localized(s.notes) for s in template.slides if localized(s.notes)},
        "jumps": {k: v for k, v in {"b": "board", "f": fruit, "l": "lobby", "o": "exercise"}.items()
                  if v is not None and v in keys},
        "questions": {q.id: names[q.id] for q in template.questions},
    }
