"""index tuning: a coder's codes per answer from the index alone

``ix_coding_coder_code`` (coder_id, code_id) becomes (coder_id, code_id, answer_id). Every
table of theme frequencies reads which codes each answer of one coder has; with the answer
in the index that is one range of the index, where it was a look-up of the table row for
every coding (a third of a second at 100,000 codings, and the planner's choice between the
two depended on statistics). Queries by coder, or by coder and code, are served as before.

Revision ID: 0006_coding_counts_index
Revises: 0005_unique_codings
Create Date: 2026-12-05
"""
from alembic import op


revision = '0006_coding_counts_index'
down_revision = '0005_unique_codings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_coding_coder_code', table_name='coding')
    op.create_index('ix_coding_coder_code_answer', 'coding', ['coder_id', 'code_id', 'answer_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_coding_coder_code_answer', table_name='coding')
    op.create_index('ix_coding_coder_code', 'coding', ['coder_id', 'code_id'], unique=False)
