"""Finance in the chat: an expense step by step (bad amounts and dates explained, advertising asks for the
channel, the receipt photo sealed), channels and their links, a yearly plan, /budget with variance and cost per
client, month-end close, and the ledger exported as XLSX and CSV that read back the same."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime

from aiogram.methods import SendDocument, SendPhoto
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from domain.clock import FakeClock
from domain.finance.accounts import Category
from domain.membership.states import LedgerKind
from storage.database import Database
from storage.models.finance import ExpenseDetailRow
from storage.repositories.channels import ChannelsRepository
from storage.repositories.finance import FinanceRepository
from tests.botclient import BotClient
from tests.staff.conftest import add_member

FANG = 610_000_001


async def _entries(database: Database) -> list[tuple[str, int, str | None, date]]:
    async with database.unit_of_work(read_only=True) as uow:
        return [(e.kind, e.amount_minor, e.category, e.booked_on) for e in await uow.ledger.entries()]


async def test_finance_enters_expenses_step_by_step(
    make_person: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    member = await add_member(app_database, clock, FANG, "finance", name="Fang")
    fang = make_person(user_id=FANG)

    await fang.send("/expense")
    assert fang.last_text() == "How much was the expense? Write the amount in CNY, e.g. 1,234.50."
    for wrong, answer in (
        ("-5", "The amount must be more than zero. How much was it?"),
        ("0", "The amount must be more than zero. How much was it?"),
        ("abc", "That is not an amount I can use: write it like 1,234.50 or ¥1234.5. How much was it?"),
        ("9.999", "CNY amounts have at most 2 decimal places. How much was it?"),
    ):
        await fang.send(wrong)
        assert fang.last_text() == answer, wrong
    await fang.send("1,234.50")
    assert fang.last_text() == "What was it for?"
    assert fang.last_buttons() == ["Salaries", "Rent", "Advertising", "Offline events", "Commissions", "Other"]
    await fang.click("Advertising")
    assert fang.last_text().startswith("There is no acquisition channel yet.")
    assert await _entries(app_database) == []  # nothing half saved

    await fang.send("/newchannel wechat WeChat ads")
    assert fang.last_text() == (
        "Channel WeChat ads created. Its links:\n"
        "Telegram: https://t.me/yuelao_test_bot?start=wechat\n"
        "Web chat: http://127.0.0.1:8080/?start=wechat"
    )
    await fang.send("/newchannel WeChat again")
    assert fang.last_text() == "There is a channel <code>wechat</code> already."
    await fang.send("/newchannel x")
    assert fang.last_text().startswith("Write it like this: /newchannel wechat WeChat ads")

    await fang.send("/expense")
    await fang.send("¥1234.5")
    await fang.click("Advertising")
    assert fang.last_text() == "Which acquisition channel was the advertising for?"
    await fang.click("WeChat ads")
    assert fang.last_text() == "On which day? Press Today or write the date, e.g. 2026-03-01."
    await fang.send("2026-02-30")
    assert fang.last_text() == "That is not a day I can use: write it like 2026-03-01 (not in the future)."
    await fang.click("Today")
    assert fang.last_text() == "Any note (what it was, the invoice number)? Write it, or press Skip."
    await fang.send("Moments ads, invoice 2026-0105")
    assert fang.last_text() == (
        "✅ Expense #1 recorded: CN¥1,234.50, Advertising (WeChat ads), 2026-01-05.\n"
        "Send a photo of the receipt now if you have one, or press Done."
    )
    await fang.send("here it is")
    assert fang.last_text() == "Send the receipt as a photo, or press Done."
    await fang.send_photo("receipt-photo-1")
    assert fang.last_text() == "🧾 The receipt is kept with expense #1."

    await fang.send("/expense")
    await fang.send("1234元")
    await fang.click("Rent")
    await fang.send("1/2")
    await fang.click("Skip")
    assert fang.last_text().startswith("✅ Expense #2 recorded: CN¥1,234.00, Rent, 2026-01-02.")
    await fang.click("Done")

    # A mistake is corrected by a reversal: the original entry stays.
    await fang.send("/reverse 2")
    assert fang.last_text() == "↩️ Expense #2 is reversed by entry #3: CN¥1,234.00 back in Rent."
    await fang.send("/reverse 2")
    assert fang.last_text() == "Expense #2 was already reversed."
    await fang.send("/reverse 3")
    assert fang.last_text() == "There is no expense #3."
    await fang.send("/reverse two")
    assert fang.last_text() == "Write it like this: /reverse 12 (the number of the expense to correct)"

    assert await _entries(app_database) == [
        ("expense", -123450, "advertising", date(2026, 1, 5)),
        ("expense", -123400, "rent", date(2026, 1, 2)),
        ("reversal", 123400, "rent", date(2026, 1, 5)),
    ]
    async with app_database.unit_of_work(read_only=True) as uow:
        details = await FinanceRepository.of(uow).details(1)
        assert details is not None
        assert (details.note, details.receipt_file_id) == ("Moments ads, invoice 2026-0105", "receipt-photo-1")
        assert details.sealed_by == member.account_id
        assert await FinanceRepository.of(uow).details(2) is None
        (row,) = (await uow.session.scalars(select(ExpenseDetailRow))).all()
        assert (
            row.note is not None and b"Moments" not in row.note and b"receipt-photo" not in (row.receipt_file_id or b"")
        )


async def test_plan_budget_close_and_export(
    make_person: Callable[..., BotClient], app_database: Database, clock: FakeClock
) -> None:
    member = await add_member(app_database, clock, FANG, "finance", name="Fang")
    fang = make_person(user_id=FANG)
    await fang.send("/plan 2026 advertising 12,000 10%")
    assert fang.last_text() == (
        "Budget of Advertising for 2026: CN¥1,000.00 a month (yearly plan: CN¥12,000.00); overspends above 10% "
        "are flagged."
    )
    await fang.send("/plan 2026 rent 60000")
    await fang.send("/plan 2026 travel 100")
    assert fang.last_text().startswith("There is no budget category travel. The categories: salaries, rent,")
    await fang.send("/plan 2026 rent -5")
    assert fang.last_text() == "The amount must be more than zero. How much was it?"
    await fang.send("/plan next year")
    assert fang.last_text().startswith("Write it like this: /plan 2027 advertising 120000 10%")

    async with app_database.unit_of_work() as uow:
        channels = ChannelsRepository.of(uow)
        wechat = await channels.create("wechat", "WeChat", created_by=None, now=clock.now())
        for number in range(3):
            account = await uow.accounts.create("telegram", str(620_000 + number), locale="en", now=clock.now())
            await uow.profiles.create(account.id, now=clock.now(), status="active" if number else "draft")
            await channels.record_client(account.id, wechat.id, day=date(2026, 1, 3))
        finance = FinanceRepository.of(uow)
        for amount, category, channel in ((120000, "advertising", wechat.id), (500000, "rent", None)):
            await finance.add_expense(
                currency="CNY",
                amount_minor=amount,
                category=Category(category),
                booked_on=date(2026, 1, 4),
                made_by=member.account_id,
                now=clock.now(),
                channel_id=channel,
            )

        await uow.ledger.append(LedgerKind.PAYMENT, currency="CNY", amount_minor=19900, now=clock.now())

    await fang.send("/budget")
    report = fang.last_text()
    assert report.startswith("📊 <b>Budget against actual, January 2026</b>")
    assert "Income: CN¥199.00 (not linked to a payment: CN¥199.00)" in report
    assert "• Rent: CN¥5,000.00 of CN¥5,000.00, variance CN¥0.00 (0.0%), share 80.6%" in report
    assert "⚠️ Advertising: CN¥1,200.00 of CN¥1,000.00, variance +CN¥200.00 (20.0%), share 19.4%" in report
    assert "⚠️ Over budget beyond the threshold: Advertising" in report
    assert (
        "• <code>wechat</code>: CN¥1,200.00 (3 new clients, 2 registered, 0 introductions); per new client "
        "CN¥400.00, per registered client CN¥600.00, per introduction —"
    ) in report
    await fang.send("/budget 2026-13")
    assert fang.last_text() == "Write the month like this: /budget 2026-11"

    await fang.send("/close 2026-01")
    assert fang.last_text() == "January 2026 has not ended yet."
    clock.set(datetime(2026, 2, 3, 9, 0, tzinfo=UTC))
    await fang.send("/close 2026-01")
    assert fang.last_text() == (
        "🔒 January 2026 is closed: nothing more can be booked in it. Carried: -CN¥6,001.00 (the net total of the "
        "books through it)."
    )
    await fang.send("/close 2026-01")
    assert fang.last_text() == "January 2026 is already closed."
    await fang.send("/budget 2026-01")
    assert "(closed: the totals it carried)" in fang.last_text()
    await fang.send("/expense")
    await fang.send("10")
    await fang.click("Other")
    await fang.send("2026-01-31")
    assert fang.last_text() == (
        "The books are closed through January 2026: nothing more can be booked there. Which later day?"
    )
    await fang.send("2026-02-01")
    assert fang.last_text().startswith("Any note")

    calls = await fang.send("/ledger 2026-01")
    documents = [call for call in calls if isinstance(call, SendDocument)]
    photos = [call for call in calls if isinstance(call, SendPhoto)]
    assert [d.document.filename for d in documents] == ["ledger-2026-01.xlsx", "ledger-2026-01.csv"]  # type: ignore[union-attr]
    assert len(photos) == 1
    xlsx, csv_file = (d.document for d in documents)
    assert isinstance(xlsx, BufferedInputFile) and isinstance(csv_file, BufferedInputFile)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    from_xlsx = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    from_csv = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig"))))
    assert from_csv[0][:7] == ["entry", "booked_on", "kind", "category", "channel", "source", "amount"]
    assert [row[:8] for row in from_csv[1:]] == [
        ["1", "2026-01-04", "expense", "advertising", "wechat", "manual", "-1200.00", "CNY"],
        ["2", "2026-01-04", "expense", "rent", "", "manual", "-5000.00", "CNY"],
        ["3", "2026-01-05", "payment", "income", "", "payment", "199.00", "CNY"],
    ]
    assert [row[:6] for row in from_xlsx] == [row[:6] for row in from_csv]
    assert [float(row[6]) for row in from_xlsx[1:]] == [float(row[6]) for row in from_csv[1:]]
