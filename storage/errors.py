"""Exceptions raised by the storage layer.

Every message names tables, columns, row ids (random UUIDs) or key ids only: never a value a person gave us.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class of every error the storage layer raises on purpose."""


class KeyConfigError(StorageError):
    """ENCRYPTION_KEYS, BLIND_INDEX_KEY or the generated key file is unusable."""


class MasterKeyMismatchError(StorageError):
    """The configured master keys cannot unwrap the data keys already in the database."""

    def __init__(self, newest_key_id: str) -> None:
        super().__init__(
            f"cannot decrypt data keys with the configured ENCRYPTION_KEYS; the newest key is {newest_key_id}"
        )
        self.newest_key_id = newest_key_id


class CiphertextIntegrityError(StorageError):
    """A ciphertext failed authentication: tampered, truncated or moved from another row or column."""

    def __init__(self, table: str, column: str, row_id: str) -> None:
        super().__init__(f"ciphertext failed its integrity check: table {table}, column {column}, row {row_id}")
        self.table = table
        self.column = column
        self.row_id = row_id


class DataKeyDestroyedError(StorageError):
    """The owner's data key was destroyed (the account was deleted); its ciphertexts are unreadable."""

    def __init__(self, owner: str) -> None:
        super().__init__(f"the data key of {owner} was destroyed; its data cannot be decrypted")
        self.owner = owner


class DataKeyMissingError(StorageError):
    """No data key exists for the owner a ciphertext belongs to."""

    def __init__(self, owner: str) -> None:
        super().__init__(f"no data key exists for {owner}")
        self.owner = owner


class SchemaTooNewError(StorageError):
    """The database was migrated by a newer version of the code than this one."""

    def __init__(self, revision: str, head: str) -> None:
        super().__init__(
            f"the database schema is at revision {revision!r}, which this version of Yuelao does not know "
            f"(its newest is {head!r}); it was written by a newer version: run that version or upgrade, "
            "do not downgrade the database"
        )
        self.revision = revision
        self.head = head


class SchemaNotCurrentError(StorageError):
    """The database schema is behind the code and migrations were not requested."""

    def __init__(self, revision: str | None, head: str) -> None:
        shown = revision if revision is not None else "empty"
        super().__init__(
            f"the database schema is at revision {shown!r} but this version needs {head!r}; "
            "run `python run_bot.py migrate` first"
        )
        self.revision = revision
        self.head = head


class UnsupportedDatabaseError(StorageError):
    """The database URL names a backend or driver the storage layer does not support."""


class NotFoundError(StorageError):
    """A row the caller named by id does not exist."""

    def __init__(self, what: str, row_id: object) -> None:
        super().__init__(f"{what} {row_id} not found")
        self.what = what
        self.row_id = row_id


class AccountDeletedError(StorageError):
    """The account was deleted (crypto-shredded); nothing can be written for it any more."""

    def __init__(self, account_id: object) -> None:
        super().__init__(f"account {account_id} was deleted")
        self.account_id = account_id
