"""The storage layer: every feature reads and writes through it, and it encrypts on the way.

- `storage.database.Database`: open (check keys, migrate), `unit_of_work()`, `fsm_storage()`, `close()`.
- `storage.unit_of_work.UnitOfWork`: the repositories of one transaction (`accounts`, `profiles`, ...).
- `storage.keys`: master keys and the blind-index key (`load_key_material`).
- `storage.privacy_ops`: `export_account`, `shred_account`; `storage.rotation.rotate_keys`;
  `storage.migrate.upgrade`; `storage.errors`: the exceptions.

See docs/privacy.md for what is encrypted and why.
"""
