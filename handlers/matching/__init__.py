"""Matching in the chat: /matches cards, answers, introductions with contact consent, reports, daily offers.

- `service.Matchmaker`: the rules applied to storage (one per update or job).
- `router`: the handlers; `messages`, `reasons`, `buttons`: what is shown.
- `notify`: messages to the other side and to counselors, through the outbox.
- `jobs`: the daily offer and the demo clients' answers, run by the scheduler.
"""
