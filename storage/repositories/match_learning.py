"""The learned figures of matching and each client's ranking choices (see storage/models/match_learning.py).

`record` takes in one answer: the decider's yes-rate and taste, the other's appeal and the population's rate,
each a row updated in place (no rebuild). Rows are locked in one order (the two people by id, then the
population row) so two answers about the same two people cannot deadlock. A client who switched
behaviour-based ranking off has no figures and is not learned from: `record` skips their answers and what others
answered about them, and `forget` deletes what was there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from domain.matching.learning import Answer, AnswerKind, Figures, RankingChoices, Tally
from storage.models.dates import DateFeedbackRow
from storage.models.match_learning import MatchLearningRow, MatchPopulationRow, MatchSettingsRow
from storage.repositories.base import Repository

POPULATION_ROW = 1


def _figures(row: MatchLearningRow) -> Figures:
    return Figures.from_data(
        {
            "said_yes": row.said_yes,
            "answered": row.answered,
            "got_yes": row.got_yes,
            "got_answers": row.got_answers,
            "taste": row.taste,
        }
    )


class MatchLearningRepository(Repository):
    # --- figures -------------------------------------------------------------------------------------------
    async def figures(self, account_ids: Iterable[UUID]) -> dict[UUID, Figures]:
        """The figures of these clients (those with none are left out), in one query."""
        ids = list(set(account_ids))
        if not ids:
            return {}
        rows = await self._session.scalars(
            select(MatchLearningRow)
            .where(MatchLearningRow.account_id.in_(ids))
            .execution_options(populate_existing=True)  # counts are updated in place, past the identity map
        )
        return {row.account_id: _figures(row) for row in rows}

    async def population(self) -> Tally:
        row = await self._session.get(MatchPopulationRow, POPULATION_ROW, populate_existing=True)
        return Tally() if row is None else Tally(row.said_yes, row.answered)

    async def record(self, answer: Answer[UUID], seen: Collection[str], now: datetime) -> None:
        """Take in one answer with the features the decider saw (`learning.features`)."""
        choices = await self.choices_many([answer.decider, answer.other])
        learns = {person: choices.get(person, RankingChoices()).behaviour for person in (answer.decider, answer.other)}
        if not learns[answer.decider]:
            return  # a client who switched behaviour ranking off is not learned from at all
        yes = int(answer.yes)
        for person in sorted({answer.decider, answer.other}, key=str):
            if not learns[person]:
                continue
            await self._ensure(person, now)
            if person == answer.decider:
                row = await self._session.scalar(
                    select(MatchLearningRow)
                    .where(MatchLearningRow.account_id == person)
                    .with_for_update()
                    .execution_options(populate_existing=True)
                )
                assert row is not None
                taste = {feature: list(pair) for feature, pair in (row.taste or {}).items()}
                for feature in seen:
                    pair = taste.setdefault(feature, [0, 0])
                    pair[0] += yes
                    pair[1] += 1
                row.said_yes += yes
                row.answered += 1
                row.taste = taste
                row.updated_at = now
            else:
                await self._session.execute(
                    update(MatchLearningRow)
                    .where(MatchLearningRow.account_id == person)
                    .values(
                        got_yes=MatchLearningRow.got_yes + yes,
                        got_answers=MatchLearningRow.got_answers + 1,
                        updated_at=now,
                    )
                    .execution_options(synchronize_session=False)
                )
        await self._upsert_population()
        await self._session.execute(
            update(MatchPopulationRow)
            .where(MatchPopulationRow.id == POPULATION_ROW)
            .values(said_yes=MatchPopulationRow.said_yes + yes, answered=MatchPopulationRow.answered + 1)
            .execution_options(synchronize_session=False)
        )
        await self._session.flush()

    async def date_answers_to_learn(self, until: datetime) -> list[Answer[UUID]]:
        """The "meet again" answers of date feedback completed after the last one taken in and up to `until`,
        in time order. Only the scheduler's leader runs it (the daily offer), so no other run takes the same
        answers in; the population row is not locked here, keeping the lock order of `record` (people, then
        the population)."""
        await self._upsert_population()
        row = await self._session.get(MatchPopulationRow, POPULATION_ROW, populate_existing=True)
        assert row is not None
        query = select(
            DateFeedbackRow.author_id,
            DateFeedbackRow.about_id,
            DateFeedbackRow.meet_again,
            DateFeedbackRow.completed_at,
        ).where(
            DateFeedbackRow.meet_again.is_not(None),
            DateFeedbackRow.completed_at.is_not(None),
            DateFeedbackRow.completed_at <= until,
        )
        if row.dates_learned_until is not None:
            query = query.where(DateFeedbackRow.completed_at > row.dates_learned_until)
        found = await self._session.execute(query.order_by(DateFeedbackRow.completed_at, DateFeedbackRow.id))
        return [
            Answer(author, about, bool(again), at, AnswerKind.DATE)
            for author, about, again, at in found
            if at is not None
        ]

    async def dates_learned(self, until: datetime) -> None:
        await self._session.execute(
            update(MatchPopulationRow)
            .where(MatchPopulationRow.id == POPULATION_ROW)
            .values(dates_learned_until=until)
            .execution_options(synchronize_session=False)
        )

    async def forget(self, account_id: UUID) -> None:
        """Delete what was learned about a client (they switched behaviour-based ranking off)."""
        await self._session.execute(
            delete(MatchLearningRow)
            .where(MatchLearningRow.account_id == account_id)
            .execution_options(synchronize_session=False)
        )

    async def export(self, account_id: UUID) -> dict[str, object]:
        """What the matcher learned about the client and their choices, for their data export."""
        found = await self.figures([account_id])
        choices = await self.choices(account_id)
        return {
            "behaviour_ranking": choices.behaviour,
            "importance": dict(choices.importance),
            "learned": found[account_id].as_data() if account_id in found else None,
        }

    async def _ensure(self, account_id: UUID, now: datetime) -> None:
        insert = pg_insert if self._dialect_name == "postgresql" else sqlite_insert
        await self._session.execute(
            insert(MatchLearningRow)
            .values(account_id=account_id, said_yes=0, answered=0, got_yes=0, got_answers=0, taste={}, updated_at=now)
            .on_conflict_do_nothing(index_elements=["account_id"])
        )

    async def _upsert_population(self) -> None:
        insert = pg_insert if self._dialect_name == "postgresql" else sqlite_insert
        await self._session.execute(
            insert(MatchPopulationRow)
            .values(id=POPULATION_ROW, said_yes=0, answered=0, dates_learned_until=None)
            .on_conflict_do_nothing(index_elements=["id"])
        )

    # --- choices -------------------------------------------------------------------------------------------
    async def choices(self, account_id: UUID) -> RankingChoices:
        return (await self.choices_many([account_id])).get(account_id, RankingChoices())

    async def choices_many(self, account_ids: Iterable[UUID]) -> dict[UUID, RankingChoices]:
        """The choices of those among `account_ids` who made any (the rest have the defaults)."""
        ids = list(set(account_ids))
        if not ids:
            return {}
        rows = await self._session.scalars(select(MatchSettingsRow).where(MatchSettingsRow.account_id.in_(ids)))
        return {row.account_id: RankingChoices(row.behaviour_ranking, dict(row.importance or {})) for row in rows}

    async def set_choices(
        self,
        account_id: UUID,
        now: datetime,
        *,
        behaviour: bool | None = None,
        importance: Mapping[str, str] | None = None,
    ) -> RankingChoices:
        current = await self.choices(account_id)
        row = await self._session.get(MatchSettingsRow, account_id)
        if row is None:
            row = MatchSettingsRow(account_id=account_id, behaviour_ranking=True, importance={}, updated_at=now)
            self._session.add(row)
        row.behaviour_ranking = current.behaviour if behaviour is None else behaviour
        row.importance = dict(current.importance if importance is None else importance)
        row.updated_at = now
        await self._session.flush()
        return RankingChoices(row.behaviour_ranking, dict(row.importance))
