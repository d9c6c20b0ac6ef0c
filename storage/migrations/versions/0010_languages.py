"""Languages: Traditional Chinese and Russian accounts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOUR = "locale IN ('en', 'zh', 'zh_Hant', 'ru')"
TWO = "locale IN ('en', 'zh')"


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_accounts_locale'), type_='check')
        batch_op.create_check_constraint(op.f('ck_accounts_locale'), FOUR)


def downgrade() -> None:
    # Accounts in the two new languages go back to English: the old constraint allows nothing else.
    op.execute("UPDATE accounts SET locale = 'en' WHERE locale NOT IN ('en', 'zh')")
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_accounts_locale'), type_='check')
        batch_op.create_check_constraint(op.f('ck_accounts_locale'), TWO)
