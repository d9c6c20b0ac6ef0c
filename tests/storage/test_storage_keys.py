"""Key material: ENCRYPTION_KEYS parsing, the generated key file, derived keys."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from storage.errors import KeyConfigError
from storage.keys import (
    KEY_FILE_NAME,
    KeyMaterial,
    MasterKey,
    add_master_key_to_file,
    b64encode,
    generate_master_key,
    load_key_material,
    parse_encryption_keys,
)

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))
BLIND = bytes(range(40, 80))


def test_encryption_keys_are_parsed_newest_first(tmp_path: Path) -> None:
    setting = f"new:{b64encode(KEY_A)}, old:{b64encode(KEY_B)}"
    keys = load_key_material(setting, b64encode(BLIND), tmp_path)
    assert [key.key_id for key in keys.master_keys] == ["new", "old"]
    assert keys.newest.secret == KEY_A
    assert keys.blind_index_key == BLIND
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_padded_base64_is_accepted() -> None:
    padded = MasterKey("k1", KEY_A).encoded() + "="
    assert parse_encryption_keys(padded)[0].secret == KEY_A


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("nocolon", "entry 1 is not of the form"),
        (f"k1:{b64encode(KEY_A)},k2:not*base64", "entry 2 is not valid base64url"),
        (f"k1:{b64encode(KEY_A[:16])}", "decodes to 16 bytes, expected 32"),
        (f"bad id:{b64encode(KEY_A)}", "entry 1: a master key id"),
        (" , ", "expected id:base64url"),
    ],
)
def test_bad_encryption_keys_are_refused_without_echoing_them(setting: str, message: str) -> None:
    with pytest.raises(KeyConfigError, match=message) as caught:
        parse_encryption_keys(setting)
    assert b64encode(KEY_A) not in str(caught.value)


def test_duplicate_key_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyConfigError, match="distinct"):
        load_key_material(f"k:{b64encode(KEY_A)},k:{b64encode(KEY_B)}", b64encode(BLIND), tmp_path)


def test_short_blind_index_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyConfigError, match="BLIND_INDEX_KEY"):
        load_key_material(f"k:{b64encode(KEY_A)}", b64encode(b"short"), tmp_path)


def test_key_file_is_generated_private_and_announced(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data_dir = tmp_path / "data"
    with caplog.at_level(logging.WARNING, logger="storage.keys"):
        keys = load_key_material(None, None, data_dir)
    key_file = data_dir / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    warning = " ".join(record.getMessage() for record in caplog.records if record.levelno == logging.WARNING)
    assert str(key_file.resolve()) in warning
    assert "BACK UP" in warning
    assert keys.newest.encoded().split(":")[1] not in caplog.text
    assert len(keys.master_keys) == 1 and len(keys.blind_index_key) == 32

    again = load_key_material("", "", data_dir)
    assert again.master_keys == keys.master_keys
    assert again.blind_index_key == keys.blind_index_key


def test_key_file_holds_only_what_the_settings_lack(tmp_path: Path) -> None:
    keys = load_key_material(f"prod:{b64encode(KEY_A)}", None, tmp_path)
    content = json.loads((tmp_path / KEY_FILE_NAME).read_text())
    assert content["master_keys"] == []
    assert keys.master_keys == [MasterKey("prod", KEY_A)]
    assert keys.blind_index_key == load_key_material(None, None, tmp_path).blind_index_key


def test_a_damaged_key_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE_NAME).write_text("{not json")
    with pytest.raises(KeyConfigError, match="not a Yuelao key file"):
        load_key_material(None, None, tmp_path)


def test_adding_a_master_key_to_the_file_puts_it_first(tmp_path: Path) -> None:
    first = load_key_material(None, None, tmp_path)
    added = add_master_key_to_file(tmp_path, "k-next")
    keys = load_key_material(None, None, tmp_path)
    assert [key.key_id for key in keys.master_keys] == ["k-next", first.newest.key_id]
    assert keys.newest == added
    assert keys.blind_index_key == first.blind_index_key


def test_derived_keys_are_stable_independent_and_survive_master_rotation() -> None:
    keys = KeyMaterial([MasterKey("a", KEY_A)], BLIND)
    rotated = KeyMaterial([generate_master_key(), MasterKey("a", KEY_A)], BLIND)
    assert keys.derive("webchat-files") == rotated.derive("webchat-files")
    assert keys.derive("webchat-files") != keys.derive("other")
    assert len(keys.derive("webchat-files")) == 32


def test_secrets_stay_out_of_repr() -> None:
    keys = KeyMaterial([MasterKey("a", KEY_A)], BLIND)
    assert repr(KEY_A) not in repr(keys) and repr(BLIND) not in repr(keys)
