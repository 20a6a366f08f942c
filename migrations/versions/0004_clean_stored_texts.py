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


def upgrade():
    connection = op.get_bind()
    _clean_column(connection, "run", "template", sa.JSON, displayable_data)
    _clean_column(connection, "answer", "items", sa.JSON, displayable_data)
    _clean_column(connection, "plan", "goals", sa.JSON, displayable_data)
    _clean_column(connection, "note", "text", sa.Text, displayable)
    _clean_column(connection, "participant", "display_name", sa.String, displayable)
    _clean_group_names(connection)


def downgrade():
    pass  # the replaced code points were not text: nothing to restore
