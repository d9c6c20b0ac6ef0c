"""One transaction: the repositories of one update or one job, sharing a session and a data-key cache."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import Clock
from storage.crypto.aead import DataKey
from storage.crypto.master import MasterKeyRing
from storage.data_keys import DataKeyRing
from storage.repositories.accounts import AccountsRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.base import RepositoryContext
from storage.repositories.casework import AssignmentsRepository, NotesRepository
from storage.repositories.consents import ConsentsRepository
from storage.repositories.dates import DatesRepository
from storage.repositories.handoffs import HandoffsRepository
from storage.repositories.invites import InvitesRepository
from storage.repositories.ledger import LedgerRepository
from storage.repositories.match_learning import MatchLearningRepository
from storage.repositories.matching import (
    CaseStagesRepository,
    IntroductionsRepository,
    ReportsRepository,
    SuggestionsRepository,
)
from storage.repositories.membership import MembershipsRepository, PricesRepository, PromoCodesRepository
from storage.repositories.payments import PaymentsRepository
from storage.repositories.photos import PhotosRepository
from storage.repositories.preferences import PreferencesRepository
from storage.repositories.profiles import ProfilesRepository
from storage.repositories.staff import StaffRepository
from storage.repositories.updates import UpdatesRepository
from storage.repositories.webchat import WebChatRepository
from storage.sealing import FieldCrypto


@dataclass(frozen=True)
class StorageContext:
    """What a database hands every unit of work: the crypto tools, the master keys, the system key."""

    crypto: FieldCrypto
    master: MasterKeyRing
    system_key: DataKey
    clock: Clock


class UnitOfWork:
    """Repositories over one session in one transaction; `Database.unit_of_work()` commits or rolls back.

    `principal_id` is the account the update is for (set it when known): FSM rows written in this unit of
    work are tagged with it, so shredding that account deletes its conversation state.
    """

    def __init__(self, session: AsyncSession, context: StorageContext, *, principal_id: UUID | None = None) -> None:
        self.session = session
        self.context = context
        self.keys = DataKeyRing(session, context.master, context.system_key)
        self.principal_id = principal_id
        self.shredded: set[UUID] = set()
        self._repositories = RepositoryContext(session, self.keys, context.crypto)

    @cached_property
    def accounts(self) -> AccountsRepository:
        return AccountsRepository(self._repositories)

    @cached_property
    def profiles(self) -> ProfilesRepository:
        return ProfilesRepository(self._repositories)

    @cached_property
    def preferences(self) -> PreferencesRepository:
        return PreferencesRepository(self._repositories)

    @cached_property
    def photos(self) -> PhotosRepository:
        return PhotosRepository(self._repositories)

    @cached_property
    def staff(self) -> StaffRepository:
        return StaffRepository(self._repositories)

    @cached_property
    def invites(self) -> InvitesRepository:
        return InvitesRepository(self._repositories)

    @cached_property
    def consents(self) -> ConsentsRepository:
        return ConsentsRepository(self._repositories)

    @cached_property
    def audit(self) -> AuditRepository:
        return AuditRepository(self._repositories)

    @cached_property
    def suggestions(self) -> SuggestionsRepository:
        return SuggestionsRepository(self._repositories)

    @cached_property
    def introductions(self) -> IntroductionsRepository:
        return IntroductionsRepository(self._repositories)

    @cached_property
    def match_learning(self) -> MatchLearningRepository:
        return MatchLearningRepository(self._repositories)

    @cached_property
    def reports(self) -> ReportsRepository:
        return ReportsRepository(self._repositories)

    @cached_property
    def case_stages(self) -> CaseStagesRepository:
        return CaseStagesRepository(self._repositories)

    @cached_property
    def assignments(self) -> AssignmentsRepository:
        return AssignmentsRepository(self._repositories)

    @cached_property
    def notes(self) -> NotesRepository:
        return NotesRepository(self._repositories)

    @cached_property
    def dates(self) -> DatesRepository:
        return DatesRepository(self._repositories)

    @cached_property
    def handoffs(self) -> HandoffsRepository:
        return HandoffsRepository(self._repositories)

    @cached_property
    def webchat(self) -> WebChatRepository:
        return WebChatRepository(self._repositories)

    @cached_property
    def memberships(self) -> MembershipsRepository:
        return MembershipsRepository(self._repositories)

    @cached_property
    def prices(self) -> PricesRepository:
        return PricesRepository(self._repositories)

    @cached_property
    def promo_codes(self) -> PromoCodesRepository:
        return PromoCodesRepository(self._repositories)

    @cached_property
    def payments(self) -> PaymentsRepository:
        return PaymentsRepository(self._repositories)

    @cached_property
    def ledger(self) -> LedgerRepository:
        return LedgerRepository(self._repositories)

    @cached_property
    def updates(self) -> UpdatesRepository:
        return UpdatesRepository(self.session, self.context.crypto)

    async def lock_user(self, bot_id: int, chat_id: int, user_id: int) -> None:
        """Make another instance's transaction for the same user wait until this one ends (PostgreSQL; on SQLite
        writers are serialised already). Call it first in the transaction."""
        await self.updates.lock_user(bot_id, chat_id, user_id)

    async def flush(self) -> None:
        """Send pending writes now (to see database errors early); the transaction stays open."""
        await self.session.flush()
