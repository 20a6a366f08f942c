"""a run can be left out of the comparisons between runs

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_comparisons', sa.Boolean(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('run', schema=None) as batch_op:
        batch_op.drop_column('in_comparisons')
