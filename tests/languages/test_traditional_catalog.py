"""The Traditional Chinese catalog is the Simplified one through OpenCC (s2twp) and the reviewed exceptions."""

from __future__ import annotations

from io import BytesIO

import pytest
from babel.messages.pofile import read_po

from domain.languages import to_traditional
from locales.traditional import catalog_path, generate


def test_the_committed_traditional_catalog_is_what_the_generator_makes_of_the_simplified_one() -> None:
    committed = catalog_path("zh_Hant").read_bytes()
    generated = generate()

    if generated != committed:
        fresh = {m.id: m.string for m in read_po(BytesIO(generated), locale="zh_Hant")}
        old = {m.id: m.string for m in read_po(BytesIO(committed), locale="zh_Hant")}
        drifted = sorted(str(k) for k in fresh.keys() ^ old.keys() | {k for k in fresh if old.get(k) != fresh[k]})
        pytest.fail(f"zh changed, run `python -m locales.traditional`; {len(drifted)} messages differ: {drifted[:5]}")


def test_every_simplified_message_is_in_the_traditional_catalog_with_its_plural_forms() -> None:
    with catalog_path("zh").open("rb") as po:
        simplified = {m.id: m for m in read_po(po, locale="zh") if m.id}
    with catalog_path("zh_Hant").open("rb") as po:
        traditional_catalog = read_po(po, locale="zh_Hant")
    traditional = {m.id: m for m in traditional_catalog if m.id}

    assert traditional.keys() == simplified.keys()
    assert traditional_catalog.num_plurals == 1
    for msgid, message in simplified.items():
        assert type(traditional[msgid].string) is type(message.string), msgid


def test_opencc_taiwan_phrasing_with_the_agency_terms_kept() -> None:
    assert to_traditional("会员资料登记") == "會員資料登記"
    assert to_traditional("软件工程师") == "軟體工程師"  # Taiwan's word, not a character swap
    assert to_traditional("红娘会为您推荐合适的对象") == "紅娘會為您推薦合適的對象"  # not 物件
    assert to_traditional("身高 {height} 厘米") == "身高 {height} 公分"
    assert to_traditional("请连同区号或国家代码一起输入") == "請連同區號或國家代碼一起輸入"  # not 程式碼
    assert to_traditional("婚介机构") == "婚介機構"
    assert to_traditional("切勿转账") == "切勿轉帳"
    assert to_traditional("您已屏蔽{name}") == "您已封鎖{name}"
    assert to_traditional("角色和权限") == "角色和權限"
    assert to_traditional("<b>{name}</b>,发送 /start") == "<b>{name}</b>,傳送 /start"


def test_the_catalog_reads_as_traditional() -> None:
    with catalog_path("zh_Hant").open("rb") as po:
        catalog = read_po(po, locale="zh_Hant")
    texts = " ".join(" ".join(m.string) if isinstance(m.string, tuple) else str(m.string) for m in catalog if m.id)
    for simplified_only in ("红娘", "会员", "资料", "为", "这", "时", "发", "厘米", "物件"):
        assert simplified_only not in texts, simplified_only
