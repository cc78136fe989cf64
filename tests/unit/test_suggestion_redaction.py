"""Masking personal data before a suggestion and its replies are published (services/suggestion/redaction.py)."""
import pytest

from services.suggestion.redaction import redact


def kinds(text):
    return [(s.kind, s.original) for s in redact(text)[1]]


@pytest.mark.parametrize("text, published", [
    ("如有疑问请联系经办人王科长，手机13812345678。", "如有疑问请联系经办人王科长，手机138****5678。"),
    ("电话：+86 139-1234-5678", "电话：139****5678"),
    ("拨打１３８１２３４５６７８", "拨打138****5678"),  # full-width digits
    ("联系电话010-65123456", "联系电话010-********"),
    ("请致电（0571）87654321咨询", "请致电0571-********咨询"),
    ("反映人身份证号110105194912310021", "反映人身份证号11010519491231****"),
    ("身份证11010519491231002X已核实", "身份证11010519491231****已核实"),
    ("旧证号110105491231002", "旧证号11010549123****"),
    ("补贴打入卡号6222 0212 3456 7890", "补贴打入卡号6222********7890"),
    ("来信请寄 zhang.san@example.cn", "来信请寄 z***@example.cn"),
    ("该居民住建设路12号3栋2单元501室，已上门走访。", "该居民住建设路**号*栋*单元***室，已上门走访。"),
    ("住在幸福小区5号楼302室的居民", "住在幸福小区*号楼***室的居民"),
])
def test_personal_data_is_masked(text, published):
    assert redact(text)[0] == published


@pytest.mark.parametrize("text", [
    "关于第0001号建议的答复：已协调开通地铁3号线接驳公交。",
    "市民可拨打12345政务服务便民热线反映问题。",
    "2024年3月12日，投入资金12345678元，新增公交线路15条，覆盖3个街道。",
    "经研究，该建议列为A类，由市交通运输局主办。",
])
def test_ordinary_reply_text_is_left_as_written(text):
    assert redact(text) == (text, [])


def test_spans_name_the_kind_where_it_was_and_what_replaces_it():
    text = "王先生（13812345678，身份证110105194912310021）住解放路8号。"
    published, spans = redact(text)
    assert [s.kind for s in spans] == ["mobile", "id_card", "address"]
    for s in spans:
        assert text[s.start:s.end] == s.original and s.masked in published
    assert "13812345678" not in published and "110105194912310021" not in published
    assert kinds("a 110105194912310021 b") == [("id_card", "110105194912310021")]  # not also a bank card


def test_empty_text():
    assert redact("") == ("", []) and redact(None) == (None, [])
