"""Decoding raw bytes: declared charsets, mislabelled pages, detection."""

from __future__ import annotations

import codecs

import pytest

from newscrawl.extraction import extract_article
from newscrawl.extraction.decode import decode_html, meta_charset, normalise_charset

SAMPLES = {
    "windows-1256": "مرحبا بكم في الأخبار المحلية اليوم في المدينة والقرى المجاورة لها ",
    "gbk": "今天的地方新闻报道了城市的发展和经济的增长，市民们对此表示欢迎。",
    "shift_jis": "今日の地域ニュースでは、市の発展について詳しく報道しました。",
    "cp1252": "Les élèves ont été reçus à la préfecture où ça s'est très bien passé. ",
    "windows-1251": "Сегодня в городе прошли выборы в местный совет, явка была высокой. ",
}


def page(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{text * 4}</p></body></html>"


@pytest.mark.parametrize("encoding", sorted(SAMPLES))
def test_header_says_utf8_but_bytes_are_legacy(encoding: str) -> None:
    html = page(SAMPLES[encoding])
    decoded = decode_html(html.encode(encoding), http_charset="utf-8")
    assert decoded.text == html
    assert "\ufffd" not in decoded.text


@pytest.mark.parametrize("encoding", sorted(SAMPLES))
def test_meta_charset_is_used_when_it_fits(encoding: str) -> None:
    html = page(SAMPLES[encoding], f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">')
    assert decode_html(html.encode(encoding)).text == html


def test_valid_utf8_beats_a_wrong_single_byte_label() -> None:
    html = page("Zürich – café ‘naïve’ 東京", '<meta charset="iso-8859-15">')
    decoded = decode_html(html.encode("utf-8"), http_charset="iso-8859-1")
    assert decoded.text == html and decoded.encoding == "utf-8"


def test_http_charset_wins_over_meta_when_both_fit() -> None:
    html = page(SAMPLES["windows-1251"], '<meta charset="koi8-r">')
    assert decode_html(html.encode("cp1251"), http_charset="windows-1251").encoding == "cp1251"


@pytest.mark.parametrize("bom,encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")])
def test_byte_order_mark_decides(bom: bytes, encoding: str) -> None:
    html = page("Grüße aus Köln")
    decoded = decode_html(bom + html.encode(encoding), http_charset="iso-8859-1")
    assert decoded.text == html and decoded.encoding == encoding


def test_narrow_labels_map_to_browser_supersets() -> None:
    assert normalise_charset("ISO-8859-1") == "cp1252"
    assert normalise_charset("gb2312") == "gb18030"
    assert normalise_charset("Shift_JIS") == "cp932"
    assert normalise_charset("x-no-such-charset") is None
    assert meta_charset(b'<meta charset="EUC-KR">') == "cp949"


def test_undecodable_bytes_never_raise() -> None:
    decoded = decode_html(b"<p>" + bytes(range(256)) * 3 + b"</p>", http_charset="utf-8")
    assert isinstance(decoded.text, str)


def test_str_input_is_passed_through() -> None:
    assert decode_html("<p>déjà</p>").text == "<p>déjà</p>"


def test_extract_article_reports_the_encoding_and_clean_text() -> None:
    text = "Сегодня в городе прошли выборы в местный совет, явка была высокой и все довольны."
    html = f"<html><body><article><h1>Выборы</h1><p>{text}</p><p>{text} Ещё.</p></article></body></html>"
    fields = extract_article(html.encode("cp1251"), "https://example.ru/a", http_charset="utf-8")
    assert fields.encoding == "cp1251"
    assert fields.body is not None and "выборы" in fields.body and "\ufffd" not in fields.body
