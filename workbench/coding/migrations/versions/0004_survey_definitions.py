"""survey definitions: the questionnaire's shape becomes data

Until now the jobcentre survey was built into the schema: respondents had a column per
jobcentre background variable (subgroup, main group, gender, …), questions a negative and a
positive prompt, and a ``subgroup`` table held the target groups. Any questionnaire is now
described by a survey definition (``workbench/coding/definition.py``), kept whole on each
wave (``survey.definition``), and respondents keep their variables by key
(``respondent.variables``).

Existing projects are carried over unchanged: each wave gets the jobcentre definition with
the wording, prompts and target-group labels it stored, and each respondent's background
moves into ``variables`` under the same keys.

Revision ID: 0004_survey_definitions
Revises: 0003_drop_prefix_indexes
Create Date: 2026-12-05
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0004_survey_definitions'
down_revision = '0003_drop_prefix_indexes'
branch_labels = None
depends_on = None

# the respondent columns of 0001, in the order they become variables
OLD_VARIABLES = ['subgroup', 'gender', 'age', 'unemployment_months', 'ethnicity', 'unit']
INT_VARIABLES = {'age', 'unemployment_months'}


def _json(v):
    return v if isinstance(v, (dict, list)) else json.loads(v or '{}')


def _definition_for(conn, survey_id: int, name: str, year: int) -> dict:
    """The jobcentre definition with what this wave stored: wording, prompts, group labels."""
    from workbench.coding.definition import builtin

    d = builtin('jobcenter').to_dict()
    d['survey'] = name
    d['year'] = year
    qrows = conn.execute(sa.text('SELECT "key", topic, text, scale_labels, prompt_negative, prompt_positive '
                                 'FROM question WHERE survey_id = :s ORDER BY position'), {'s': survey_id}).all()
    known = {q['key']: q for q in d['questions']}
    questions = []
    for key, topic, text, labels, neg, pos in qrows:
        q = dict(known.get(key) or {'key': key, 'score': f'{key}_score', 'text': f'{key}_text', 'scale': '1-5',
                                    'bands': {'negativ': '1-2', 'neutral': '3', 'positiv': '4-5'},
                                    'dont_know': [9]})
        q['topic'], q['question'] = topic or q.get('topic', ''), text or q.get('question', '')
        labels = _json(labels) if labels else []
        if len(labels) >= 5:
            q['scale_labels'] = {i + 1: str(lbl) for i, lbl in enumerate(labels[:5])}
            if len(labels) > 5:
                q['dont_know_label'] = str(labels[5])
        if neg or pos:
            q['prompts'] = {'negativ': neg or '', 'neutral': pos or '', 'positiv': pos or '', 'ved_ikke': pos or ''}
        questions.append(q)
    if questions:
        d['questions'] = questions
    subs = conn.execute(sa.text('SELECT "key", label, main_group FROM subgroup WHERE survey_id = :s ORDER BY id'),
                        {'s': survey_id}).all()
    for v in d['variables']:
        if v['key'] == 'subgroup' and subs:
            v['values'] = {k: k for k, _l, _m in subs} | {k: k for k in v.get('values', {})}
            v['descriptions'] = {**v.get('descriptions', {}), **{k: lbl for k, lbl, _m in subs if lbl}}
        if v.get('from') == 'subgroup' and subs:
            v['map'] = {**v.get('map', {}), **{k: m for k, _l, m in subs if m}}
    return d


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table('survey') as b:
        b.add_column(sa.Column('definition', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('respondent') as b:
        b.add_column(sa.Column('variables', sa.JSON(), nullable=False, server_default='{}'))

    for sid, name, year in conn.execute(sa.text('SELECT id, name, year FROM survey')).all():
        conn.execute(sa.text('UPDATE survey SET definition = :d WHERE id = :i'),
                     {'d': json.dumps(_definition_for(conn, sid, name, year), ensure_ascii=False), 'i': sid})

    rows = conn.execute(sa.text('SELECT id, ' + ', '.join(OLD_VARIABLES) + ' FROM respondent')).all()
    updates = []
    for rid, *vals in rows:
        variables = {}
        for k, v in zip(OLD_VARIABLES, vals):
            if v is None or v == '':
                continue
            variables[k] = int(v) if k in INT_VARIABLES else str(v)
        if variables:
            updates.append({'v': json.dumps(variables, ensure_ascii=False), 'i': rid})
    for start in range(0, len(updates), 5000):
        conn.execute(sa.text('UPDATE respondent SET variables = :v WHERE id = :i'), updates[start:start + 5000])

    # Dropping columns: SQLite ≥ 3.35 and PostgreSQL both take ALTER TABLE … DROP COLUMN once the
    # column's index is gone, without rebuilding the table (which foreign keys would refuse).
    op.drop_index('ix_respondent_main_group', table_name='respondent')
    op.drop_index('ix_respondent_subgroup', table_name='respondent')
    for col in ['subgroup', 'main_group', 'gender', 'age', 'unemployment_months', 'ethnicity', 'unit']:
        op.execute(f'ALTER TABLE respondent DROP COLUMN {col}')
    for col in ['prompt_negative', 'prompt_positive']:
        op.execute(f'ALTER TABLE question DROP COLUMN {col}')
    op.drop_index('ix_subgroup_survey_id', table_name='subgroup')
    op.drop_table('subgroup')


def downgrade() -> None:
    conn = op.get_bind()
    op.create_table('subgroup',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('survey_id', sa.Integer(), nullable=False),
                    sa.Column('key', sa.String(), nullable=False),
                    sa.Column('label', sa.String(), nullable=False),
                    sa.Column('main_group', sa.String(), nullable=False),
                    sa.Column('unit', sa.String(), nullable=False),
                    sa.ForeignKeyConstraint(['survey_id'], ['survey.id']),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('survey_id', 'key', name='uq_subgroup_key'))
    op.create_index('ix_subgroup_survey_id', 'subgroup', ['survey_id'], unique=False)
    for col in ['prompt_negative', 'prompt_positive']:
        op.execute(f"ALTER TABLE question ADD COLUMN {col} VARCHAR NOT NULL DEFAULT ''")
    for col, typ in [('subgroup', "VARCHAR NOT NULL DEFAULT ''"), ('main_group', "VARCHAR NOT NULL DEFAULT ''"),
                     ('gender', 'VARCHAR'), ('age', 'INTEGER'), ('unemployment_months', 'INTEGER'),
                     ('ethnicity', 'VARCHAR'), ('unit', 'VARCHAR')]:
        op.execute(f'ALTER TABLE respondent ADD COLUMN {col} {typ}')
    mains = {}
    for sid, d in conn.execute(sa.text('SELECT id, definition FROM survey')).all():
        d = _json(d)
        derived = next((v for v in d.get('variables', []) if v.get('from') == 'subgroup'), {})
        mains[sid] = derived.get('map', {})
        sub = next((v for v in d.get('variables', []) if v.get('key') == 'subgroup'), {})
        for k in sub.get('values', {}):
            conn.execute(sa.text("INSERT INTO subgroup (survey_id, \"key\", label, main_group, unit) "
                                 "VALUES (:s, :k, :l, :m, '')"),
                         {'s': sid, 'k': k, 'l': sub.get('descriptions', {}).get(k, k), 'm': mains[sid].get(k, '')})
        for q in d.get('questions', []):
            p = q.get('prompts') or {}
            conn.execute(sa.text('UPDATE question SET prompt_negative = :n, prompt_positive = :p '
                                 'WHERE survey_id = :s AND "key" = :k'),
                         {'n': p.get('negativ', ''), 'p': p.get('positiv', ''), 's': sid, 'k': q['key']})
    for rid, sid, v in conn.execute(sa.text('SELECT id, survey_id, variables FROM respondent')).all():
        v = _json(v)
        conn.execute(sa.text('UPDATE respondent SET subgroup = :sg, main_group = :mg, gender = :g, age = :a, '
                             'unemployment_months = :u, ethnicity = :e, unit = :un WHERE id = :i'),
                     {'sg': str(v.get('subgroup', '')), 'mg': mains.get(sid, {}).get(str(v.get('subgroup', '')), ''),
                      'g': v.get('gender'), 'a': v.get('age'), 'u': v.get('unemployment_months'),
                      'e': v.get('ethnicity'), 'un': v.get('unit'), 'i': rid})
    op.create_index('ix_respondent_subgroup', 'respondent', ['subgroup'], unique=False)
    op.create_index('ix_respondent_main_group', 'respondent', ['main_group'], unique=False)
    op.execute('ALTER TABLE respondent DROP COLUMN variables')
    op.execute('ALTER TABLE survey DROP COLUMN definition')
