"""Casework: the counselor's clients and their cases (docs/casework.md).

- `router.create_router()`: /clients, the client card, stage, notes, follow-up, a counselor's pick,
  reassignment, /audit (sub-routers `clients`, `pipeline`, `curation`, `auditing`, `refusals`; shared `flow`).
- `handlers.services.casework`: `Casework` and `AuditLog`, the rules with storage, one per update; `jobs`, the
  daily follow-up digest.
- `handlers.views.casework`: what is shown (`screens`, `choices`, `audit`, `buttons`).
"""
