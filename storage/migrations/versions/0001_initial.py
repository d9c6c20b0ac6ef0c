"""Initial schema: accounts, data keys, consents, client profiles, preferences, photos, staff, audit log,
FSM states; triggers that make the audit log append-only.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001_initial'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_LIST = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

AUDIT_REFUSAL = "audit_log is append-only"

POSTGRES_AUDIT_GUARD = [
    f"""
    CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{AUDIT_REFUSAL}' USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()
    """,
    """
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()
    """,
]

SQLITE_AUDIT_GUARD = [
    f"""
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{AUDIT_REFUSAL}'); END
    """,
    f"""
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{AUDIT_REFUSAL}'); END
    """,
]


def _create_audit_guard() -> None:
    statements = POSTGRES_AUDIT_GUARD if op.get_bind().dialect.name == "postgresql" else SQLITE_AUDIT_GUARD
    for statement in statements:
        op.execute(statement)


def _drop_audit_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update_or_delete ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_change()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id_index', sa.LargeBinary(length=32), nullable=True),
    sa.Column('external_id', sa.LargeBinary(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unreachable', sa.Boolean(), nullable=False),
    sa.Column('unreachable_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('telegram', 'web')", name=op.f('ck_accounts_channel')),
    sa.CheckConstraint("locale IN ('en', 'zh')", name=op.f('ck_accounts_locale')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('channel', 'external_id_index', name=op.f('uq_accounts_channel_external_id_index'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_account_id', sa.Uuid(), nullable=True),
    sa.Column('subject_account_id', sa.Uuid(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_actor_account_id'), ['actor_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_subject_account_id'), ['subject_account_id'], unique=False)

    op.create_table('client_profiles',
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('intake_step', sa.String(length=32), nullable=True),
    sa.Column('display_name', sa.LargeBinary(), nullable=True),
    sa.Column('gender', sa.String(length=8), nullable=True),
    sa.Column('birth_date', sa.LargeBinary(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('height_cm', sa.Integer(), nullable=True),
    sa.Column('education', sa.String(length=24), nullable=True),
    sa.Column('occupation', sa.LargeBinary(), nullable=True),
    sa.Column('income_band', sa.LargeBinary(), nullable=True),
    sa.Column('region_code', sa.String(length=16), nullable=True),
    sa.Column('city_text', sa.LargeBinary(), nullable=True),
    sa.Column('marital_history', sa.String(length=16), nullable=True),
    sa.Column('has_children', sa.Boolean(), nullable=True),
    sa.Column('wants_children', sa.String(length=8), nullable=True),
    sa.Column('personality', JSON_LIST, nullable=False),
    sa.Column('hobbies', JSON_LIST, nullable=False),
    sa.Column('hobbies_text', sa.LargeBinary(), nullable=True),
    sa.Column('about_me', sa.LargeBinary(), nullable=True),
    sa.Column('relationship_history', sa.LargeBinary(), nullable=True),
    sa.Column('phone', sa.LargeBinary(), nullable=True),
    sa.Column('phone_index', sa.LargeBinary(length=32), nullable=True),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_active_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("education IN ('high_school', 'associate', 'bachelor', 'master', 'doctorate')", name=op.f('ck_client_profiles_education')),
    sa.CheckConstraint("gender IN ('male', 'female')", name=op.f('ck_client_profiles_gender')),
    sa.CheckConstraint("marital_history IN ('never', 'divorced', 'widowed')", name=op.f('ck_client_profiles_marital_history')),
    sa.CheckConstraint("status IN ('draft', 'active', 'paused', 'deleted')", name=op.f('ck_client_profiles_status')),
    sa.CheckConstraint("tier IN ('basic', 'premium', 'private')", name=op.f('ck_client_profiles_tier')),
    sa.CheckConstraint("wants_children IN ('yes', 'no', 'maybe')", name=op.f('ck_client_profiles_wants_children')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_client_profiles_account_id_accounts')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_client_profiles'))
    )
    with op.batch_alter_table('client_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_profiles_phone_index'), ['phone_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_profiles_status'), ['status'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('notice_version', sa.String(length=32), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_consents_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_account_id'), ['account_id'], unique=False)

    op.create_table('data_keys',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=True),
    sa.Column('system_name', sa.String(length=32), nullable=True),
    sa.Column('master_key_id', sa.String(length=40), nullable=False),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('destroyed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(account_id IS NULL) <> (system_name IS NULL)', name=op.f('ck_data_keys_one_owner')),
    sa.CheckConstraint('(wrapped_key IS NULL) = (destroyed_at IS NOT NULL)', name=op.f('ck_data_keys_destroyed_has_no_key')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_data_keys_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_keys')),
    sa.UniqueConstraint('account_id', name=op.f('uq_data_keys_account_id')),
    sa.UniqueConstraint('system_name', name=op.f('uq_data_keys_system_name'))
    )
    with op.batch_alter_table('data_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_keys_master_key_id'), ['master_key_id'], unique=False)

    op.create_table('fsm_states',
    sa.Column('key_index', sa.LargeBinary(length=32), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=True),
    sa.Column('state', sa.LargeBinary(), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_fsm_states_account_id_accounts')),
    sa.PrimaryKeyConstraint('key_index', name=op.f('pk_fsm_states'))
    )
    with op.batch_alter_table('fsm_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fsm_states_account_id'), ['account_id'], unique=False)

    op.create_table('photos',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_photos_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_account_id'), ['account_id'], unique=False)

    op.create_table('staff_members',
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('display_name', sa.LargeBinary(), nullable=True),
    sa.Column('standard_acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('owner', 'manager', 'counselor', 'customer_service', 'finance')", name=op.f('ck_staff_members_role')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_staff_members_account_id_accounts')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_staff_members'))
    )
    op.create_table('partner_preferences',
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('gender_sought', sa.String(length=8), nullable=True),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('height_min', sa.Integer(), nullable=True),
    sa.Column('height_max', sa.Integer(), nullable=True),
    sa.Column('min_education', sa.String(length=24), nullable=True),
    sa.Column('regions', JSON_LIST, nullable=False),
    sa.Column('marital', JSON_LIST, nullable=False),
    sa.Column('children', sa.String(length=8), nullable=True),
    sa.Column('must_have', JSON_LIST, nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("children IN ('yes', 'no', 'maybe')", name=op.f('ck_partner_preferences_children')),
    sa.CheckConstraint("gender_sought IN ('male', 'female')", name=op.f('ck_partner_preferences_gender_sought')),
    sa.CheckConstraint("min_education IN ('high_school', 'associate', 'bachelor', 'master', 'doctorate')", name=op.f('ck_partner_preferences_min_education')),
    sa.ForeignKeyConstraint(['account_id'], ['client_profiles.account_id'], name=op.f('fk_partner_preferences_account_id_client_profiles')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_partner_preferences'))
    )
    _create_audit_guard()


def downgrade() -> None:
    _drop_audit_guard()
    op.drop_table('partner_preferences')
    op.drop_table('staff_members')
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_account_id'))

    op.drop_table('photos')
    with op.batch_alter_table('fsm_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fsm_states_account_id'))

    op.drop_table('fsm_states')
    with op.batch_alter_table('data_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_keys_master_key_id'))

    op.drop_table('data_keys')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_account_id'))

    op.drop_table('consents')
    with op.batch_alter_table('client_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_profiles_status'))
        batch_op.drop_index(batch_op.f('ix_client_profiles_phone_index'))

    op.drop_table('client_profiles')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_subject_account_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_actor_account_id'))

    op.drop_table('audit_log')
    op.drop_table('accounts')
