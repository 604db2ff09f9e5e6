"""one coding per answer, coder, code and span: repair duplicates, then a unique index

The same coder in two windows (or the GUI and a merge) could apply the same code to the
same span twice at the same moment: nothing in the schema forbade it. Duplicates already
there are merged into the oldest row (a quote star on a duplicate moves to it, unless it is
starred already), then the unique index makes the database refuse a second one. A
whole-answer coding has no span (start and end are NULL); the index compares
``coalesce(start, -1)`` so that two whole-answer codings of one code collide, too (a plain
unique index treats NULLs as distinct). Works in SQLite and PostgreSQL.

Revision ID: 0005_unique_codings
Revises: 0004_survey_definitions
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_unique_codings'
down_revision = '0004_survey_definitions'
branch_labels = None
depends_on = None

SPAN = [sa.text('coalesce(start, -1)'), sa.text('coalesce("end", -1)')]


def repair_duplicates(conn) -> int:
    """Delete every coding that repeats an older one (same answer, coder, code, span); returns
    how many. Quote stars of a deleted row move to the kept one when it has none."""
    rows = conn.execute(sa.text(
        'SELECT id, answer_id, coder_id, code_id, coalesce(start, -1), coalesce("end", -1) FROM coding '
        'WHERE (answer_id, coder_id, code_id) IN (SELECT answer_id, coder_id, code_id FROM coding '
        'GROUP BY answer_id, coder_id, code_id HAVING count(*) > 1) ORDER BY id')).all()
    keep: dict[tuple, int] = {}
    drop: list[tuple[int, int]] = []  # (duplicate, kept)
    for cid, *key in rows:
        k = tuple(key)
        if k in keep:
            drop.append((cid, keep[k]))
        else:
            keep[k] = cid
    if not drop:
        return 0
    starred = {r[0] for r in conn.execute(sa.text('SELECT coding_id FROM quotestar'))}
    for dup, kept in drop:
        if dup in starred and kept not in starred:
            conn.execute(sa.text('UPDATE quotestar SET coding_id = :k WHERE coding_id = :d'), {"k": kept, "d": dup})
            starred.add(kept)
        elif dup in starred:
            conn.execute(sa.text('DELETE FROM quotestar WHERE coding_id = :d'), {"d": dup})
        conn.execute(sa.text('DELETE FROM coding WHERE id = :d'), {"d": dup})
    return len(drop)


def upgrade() -> None:
    repair_duplicates(op.get_bind())
    op.create_index('uq_coding_span', 'coding', ['answer_id', 'coder_id', 'code_id', *SPAN], unique=True)


def downgrade() -> None:
    op.drop_index('uq_coding_span', table_name='coding')
