"""Matching in the chat: /matches cards, answers, introductions with contact sharing, reports.

- `router.create_router()`: the area's router, made of `suggestions`, `reports` and `introductions`.
- `handlers.services.matching`: `Matchmaker` (the rules applied to storage, `services.matchmaker`) and the
  jobs (the daily offer, the demo clients' answers).
- `handlers.views.matching`: what is shown (`messages`, `reasons`, `buttons`).
"""
