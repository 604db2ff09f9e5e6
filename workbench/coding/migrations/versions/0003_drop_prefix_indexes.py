"""index tuning: drop indexes that repeat the first column of a composite one; index
assignments by answer

Each dropped index was maintained on every insert (a 100,000-answer import, every coding
keystroke) but never needed: the composite index serves the same look-ups. The row-level
security of team projects asks for every row a coder reads whether its answer is in a blind
round, which needs assignments by answer.

Revision ID: 0003_drop_prefix_indexes
Revises: 0002_decision_inputs
Create Date: 2026-11-24
"""
from alembic import op


revision = '0003_drop_prefix_indexes'
down_revision = '0002_decision_inputs'
branch_labels = None
depends_on = None

# (table, index, column): the column is the leading column of a composite index of the table
REDUNDANT = [
    ('respondent', 'ix_respondent_survey_id', 'survey_id'),           # uq_respondent_key (survey_id, key)
    ('answer', 'ix_answer_respondent_id', 'respondent_id'),           # uq_answer (respondent_id, question_id)
    ('answer', 'ix_answer_question_id', 'question_id'),               # ix_answer_question_band
    ('answerstate', 'ix_answerstate_answer_id', 'answer_id'),         # uq_answer_state (answer_id, coder_id)
    ('assignment', 'ix_assignment_round_id', 'round_id'),             # uq_assignment (round_id, ...)
    ('suggestionfeedback', 'ix_suggestionfeedback_answer_id', 'answer_id'),  # uq_feedback (answer_id, ...)
]


def upgrade() -> None:
    for table, index, _column in REDUNDANT:
        op.drop_index(index, table_name=table)
    op.create_index('ix_assignment_answer', 'assignment', ['answer_id', 'round_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_assignment_answer', table_name='assignment')
    for table, index, column in REDUNDANT:
        op.create_index(index, table, [column], unique=False)
