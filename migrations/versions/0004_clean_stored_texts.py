"""clean the texts stored before the text hygiene

Before it, an answer could hold a lone surrogate (stored as a JSON escape) or a control
character, and every page and export of its run failed. Such code points become U+FFFD in
answers, plans, notes, table and display names, and in the workshop a run was started from
(its snapshot is checked again when the run is read); no row is removed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 04:40:00

"""
import sqlalchemy as sa
from alembic import op

from workshop.domain.aggregate import entry_ref
from workshop.domain.answers import write_in_key
from workshop.domain.text import displayable, displayable_data

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _table(name, column, kind):
    return sa.table(name, sa.column("id", sa.Integer), sa.column(column, kind))


def _clean_column(connection, name, column, kind, clean):
    table = _table(name, column, kind)
    for row_id, value in connection.execute(sa.select(table.c.id, table.c[column])).all():
        cleaned = clean(value) if value is not None else None
        if cleaned != value:
            connection.execute(table.update().where(table.c.id == row_id)
                               .values({column: cleaned}))


def _clean_group_names(connection):
    # A run's table names are unique: two names that clean to the same one get a number.
    table = sa.table("group", sa.column("id", sa.Integer), sa.column("run_id", sa.Integer),
                     sa.column("name", sa.String))
    rows = connection.execute(sa.select(table.c.id, table.c.run_id, table.c.name)).all()
    taken = {(run_id, name) for _, run_id, name in rows}
    for row_id, run_id, name in rows:
        cleaned = displayable(name)
        if cleaned == name:
            continue
        candidate, n = cleaned, 2
        while (run_id, candidate) in taken:
            candidate, n = f"{cleaned[:36]} ({n})", n + 1
        taken.add((run_id, candidate))
        connection.execute(table.update().where(table.c.id == row_id).values(name=candidate))


def _clean_answers(connection) -> dict[str, str]:
    """Clean the answers' texts; returns how each reference to a changed text (an entry's
    ref, a written-in option's key) reads now, so marks and upvotes keep pointing at it."""
    answer = sa.table("answer", sa.column("id", sa.Integer), sa.column("participant_id", sa.Integer),
                      sa.column("items", sa.JSON))
    participant = sa.table("participant", sa.column("id", sa.Integer), sa.column("public_id", sa.String))
    rows = connection.execute(sa.select(answer.c.id, answer.c["items"], participant.c.public_id)
                              .join(participant, participant.c.id == answer.c.participant_id)).all()
    renamed: dict[str, str] = {}
    for row_id, items, public_id in rows:
        cleaned = displayable_data(items)
        if cleaned == items:
            continue
        for old, new in zip(items, cleaned, strict=True):
            before, after = old.get("text"), new.get("text")
            # A lone surrogate's ref could never be made (it failed the page): nothing names it.
            if isinstance(before, str) and before != after and _encodable(before):
                renamed[entry_ref(public_id, before)] = entry_ref(public_id, after)
                renamed[write_in_key(before)] = write_in_key(after)
        connection.execute(answer.update().where(answer.c.id == row_id).values(items=cleaned))
    return renamed


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _renamed_ref(ref: str, renamed: dict[str, str]) -> str:
    if ">" in ref:  # a merge: source>target
        source, target = ref.split(">", 1)
        return f"{renamed.get(source, source)}>{renamed.get(target, target)}"
    return renamed.get(ref, ref)


def _follow_renamed_refs(connection, renamed: dict[str, str]) -> None:
    """Pins, hides, merges, 'answered' marks and upvotes name a text by its ref: a hidden
    text must stay hidden once its text is cleaned."""
    for name in ("board_mark", "upvote"):
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("ref", sa.String))
        for row_id, ref in connection.execute(sa.select(table.c.id, table.c.ref)).all():
            new = displayable(_renamed_ref(ref, renamed))
            if new != ref:
                connection.execute(table.update().where(table.c.id == row_id).values(ref=new))
    # A fruit board's items are the room's top goals, written-in ones named by their key.
    state = sa.table("question_state", sa.column("id", sa.Integer), sa.column("items", sa.JSON))
    for row_id, items in connection.execute(sa.select(state.c.id, state.c["items"])).all():
        if not items:
            continue
        cleaned = [dict(displayable_data(item), id=displayable(renamed.get(item["id"], item["id"])))
                   for item in items]
        if cleaned != items:
            connection.execute(state.update().where(state.c.id == row_id).values(items=cleaned))


def upgrade():
    connection = op.get_bind()
    _clean_column(connection, "run", "template", sa.JSON, displayable_data)
    _follow_renamed_refs(connection, _clean_answers(connection))
    _clean_column(connection, "plan", "goals", sa.JSON, displayable_data)
    _clean_column(connection, "note", "text", sa.Text, displayable)
    _clean_column(connection, "participant", "display_name", sa.String, displayable)
    _clean_group_names(connection)


def downgrade():
    pass  # the replaced code points were not text: nothing to restore
