"""The primitives: field AEAD bound to its location, key wrapping, blind indexes."""

from __future__ import annotations

from uuid import uuid4

import pytest

from storage.crypto.aead import AesGcmFieldCipher, DataKey, InvalidCiphertextError
from storage.crypto.blind_index import ACCOUNT_EXTERNAL_ID, CLIENT_PHONE, BlindIndexer
from storage.crypto.codecs import DATE, TEXT
from storage.crypto.master import MasterKeyRing, UnwrapError
from storage.errors import CiphertextIntegrityError
from storage.keys import MasterKey, generate_master_key
from storage.sealing import CipherLocation, FieldCrypto

CIPHER = AesGcmFieldCipher()


def test_field_ciphertext_roundtrips_and_hides_length_coarsely() -> None:
    key = DataKey.generate(uuid4())
    sealed = CIPHER.seal(key, "李".encode(), b"t:c:1")
    assert CIPHER.open(key, sealed, b"t:c:1") == "李".encode()
    assert len(CIPHER.seal(key, b"a", b"x")) == len(CIPHER.seal(key, b"a" * 15, b"x"))
    assert CIPHER.open(key, CIPHER.seal(key, b"", b"x"), b"x") == b""


@pytest.mark.parametrize("position", [0, 5, 20, -1])
def test_any_changed_byte_is_detected(position: int) -> None:
    key = DataKey.generate(uuid4())
    sealed = bytearray(CIPHER.seal(key, b"secret", b"t:c:1"))
    sealed[position] ^= 0x01
    with pytest.raises(InvalidCiphertextError):
        CIPHER.open(key, bytes(sealed), b"t:c:1")


def test_ciphertext_is_bound_to_its_location_and_key() -> None:
    key = DataKey.generate(uuid4())
    sealed = CIPHER.seal(key, b"secret", b"t:c:1")
    with pytest.raises(InvalidCiphertextError):
        CIPHER.open(key, sealed, b"t:c:2")
    with pytest.raises(InvalidCiphertextError):
        CIPHER.open(DataKey.generate(uuid4()), sealed, b"t:c:1")


def test_integrity_error_names_table_column_and_row_only() -> None:
    crypto = FieldCrypto(CIPHER, BlindIndexer(bytes(32)))
    key = DataKey.generate(uuid4())
    here, there = (
        CipherLocation("client_profiles", "phone", "row-1"),
        CipherLocation("client_profiles", "phone", "row-2"),
    )
    sealed = crypto.seal(key, TEXT, here, "+8613900000000")
    assert crypto.open(key, TEXT, here, sealed) == "+8613900000000"
    with pytest.raises(CiphertextIntegrityError) as caught:
        crypto.open(key, TEXT, there, sealed)
    assert str(caught.value) == "ciphertext failed its integrity check: table client_profiles, column phone, row row-2"


def test_dates_roundtrip() -> None:
    from datetime import date

    assert DATE.decode(DATE.encode(date(1990, 1, 2))) == date(1990, 1, 2)


def test_data_keys_unwrap_only_with_their_master_key_and_id() -> None:
    old, new = MasterKey("old", bytes(range(32))), generate_master_key("new")
    ring = MasterKeyRing([old])
    key_id = uuid4()
    master_id, wrapped = ring.wrap(key_id, b"k" * 32)
    assert master_id == "old"
    assert MasterKeyRing([new, old]).unwrap("old", key_id, wrapped) == b"k" * 32
    with pytest.raises(UnwrapError):
        MasterKeyRing([new]).unwrap("old", key_id, wrapped)
    with pytest.raises(UnwrapError):
        ring.unwrap("old", uuid4(), wrapped)
    with pytest.raises(UnwrapError):
        MasterKeyRing([MasterKey("old", bytes(32))]).unwrap("old", key_id, wrapped)


def test_blind_indexes_are_deterministic_keyed_and_per_column() -> None:
    indexer = BlindIndexer(bytes(range(32)))
    phone = indexer.column(CLIENT_PHONE).digest("+8613900000000")
    assert phone == BlindIndexer(bytes(range(32))).column(CLIENT_PHONE).digest("+8613900000000")
    assert phone != indexer.column(ACCOUNT_EXTERNAL_ID).digest("+8613900000000")
    assert phone != BlindIndexer(bytes(32)).column(CLIENT_PHONE).digest("+8613900000000")
    assert len(phone) == 32
