"""Casework: the counselor's clients and their cases (docs/casework.md).

- `router`: /clients, the client card, stage, notes, follow-up, a counselor's pick, reassignment, /audit.
- `service`: `Casework`, the rules with storage, one per update.
- `views`, `buttons`, `audit_log`: what is shown.
- `jobs`: the daily follow-up digest.
"""
