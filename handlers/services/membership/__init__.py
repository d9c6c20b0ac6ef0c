"""Membership: what a client has and may buy, invoices, crediting payments once, refunds, renewal jobs."""
