"""Training: quiz attempts per module and version; the acknowledgement of the service standard becomes a pass
of the standard module's first version, and its column goes

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STANDARD_MODULE = "standard"  # domain/data/training/standard.json, version 1: the text members acknowledged

staff = sa.table(
    "staff_members",
    sa.column("account_id", sa.Uuid()),
    sa.column("standard_acknowledged_at", sa.DateTime(timezone=True)),
)
attempts = sa.table(
    "training_attempts",
    sa.column("id", sa.Uuid()),
    sa.column("account_id", sa.Uuid()),
    sa.column("module", sa.String(40)),
    sa.column("version", sa.Integer()),
    sa.column("answers", sa.String(16)),
    sa.column("started_at", sa.DateTime(timezone=True)),
    sa.column("finished_at", sa.DateTime(timezone=True)),
    sa.column("correct", sa.Integer()),
    sa.column("passed", sa.Boolean()),
)


def upgrade() -> None:
    op.create_table('training_attempts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('module', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('answers', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('correct', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_training_attempts_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attempts'))
    )
    with op.batch_alter_table('training_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_attempts_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_training_attempts_module_passed', ['module', 'passed'], unique=False)

    bind = op.get_bind()
    acknowledged = bind.execute(
        sa.select(staff.c.account_id, staff.c.standard_acknowledged_at).where(
            staff.c.standard_acknowledged_at.is_not(None)
        )
    ).all()
    if acknowledged:
        bind.execute(
            attempts.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "account_id": account_id,
                    "module": STANDARD_MODULE,
                    "version": 1,
                    "answers": "",
                    "started_at": at,
                    "finished_at": at,
                    "correct": None,
                    "passed": True,
                }
                for account_id, at in acknowledged
            ],
        )
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_column('standard_acknowledged_at')


def downgrade() -> None:
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standard_acknowledged_at', sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    first = (
        sa.select(attempts.c.account_id, sa.func.min(attempts.c.finished_at))
        .where(attempts.c.module == STANDARD_MODULE, attempts.c.passed.is_(True))
        .group_by(attempts.c.account_id)
    )
    for account_id, at in bind.execute(first).all():
        bind.execute(staff.update().where(staff.c.account_id == account_id).values(standard_acknowledged_at=at))
    with op.batch_alter_table('training_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_training_attempts_module_passed')
        batch_op.drop_index(batch_op.f('ix_training_attempts_account_id'))

    op.drop_table('training_attempts')
