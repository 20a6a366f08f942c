"""when the phone made the stored answer

A phone keeps the answers it made offline and sends them when it is back; the time in
their vote id (by the phone's clock) lets the store refuse an older one that arrives after a
newer one. Existing answers have none, so any later answer replaces them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('made_at_ms', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('made_at_ms')
