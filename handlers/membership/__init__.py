"""Membership in the chat: /membership, promo codes, invoices and payments, /refund, and finance's refunds."""
