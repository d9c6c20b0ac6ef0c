"""Membership: the fee schedule and what each tier includes, prices and promo codes, upgrades, refunds.

Plain rules (docs/membership.md): `schedule` reads the tiers and their entitlements from
`domain/data/tiers.json`; `money` does exact decimal arithmetic in a currency's minor units; `pricing` quotes a
purchase (list price, promo discount, credit for unused days, what is left to pay), checks promo codes and
decides refunds; `invoices` shapes what Telegram's sendInvoice accepts.
"""
