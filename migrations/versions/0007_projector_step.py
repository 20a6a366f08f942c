"""the step the projector shows

A run remembers what is on the big screen (the lobby, a slide, the exercise's overview, a
question, the board, the plan) so every projector page, and a reload, shows the same. Runs
from before start on the lobby.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('projector_step', sa.String(length=64), nullable=False,
                                      server_default='lobby'))


def downgrade():
    with op.batch_alter_table('run', schema=None) as batch_op:
        batch_op.drop_column('projector_step')
