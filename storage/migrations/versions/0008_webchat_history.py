"""Web chat history: each web chat account's message counter, reply keyboard and last messages, sealed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('webchat_chats',
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('last_message_id', sa.Integer(), nullable=False),
    sa.Column('reply_keyboard', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_webchat_chats_account_id_accounts')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_webchat_chats'))
    )
    op.create_table('webchat_messages',
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('message_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('message', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_webchat_messages_account_id_accounts')),
    sa.PrimaryKeyConstraint('account_id', 'message_id', name=op.f('pk_webchat_messages'))
    )


def downgrade() -> None:
    op.drop_table('webchat_messages')
    op.drop_table('webchat_chats')
