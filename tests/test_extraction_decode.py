"""Decoding raw bytes: declared charsets, mislabelled pages, detection."""

from __future__ import annotations

import codecs

import pytest

from newscrawl.extraction import extract_article
from newscrawl.extraction.decode import (
    DETECT_SAMPLE_BYTES,
    decode_html,
    detect,
    header_charset,
    meta_charset,
    normalise_charset,
)

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


# -- the cases the reactor's charset middleware was tested on (it is gone: one cascade) --
ARABIC = "خبر عاجل: افتتاح مكتبة جديدة في المدينة"
URDU = "شہر ميں نئي لائبريري کا افتتاح"
CHINESE = "本市新图书馆今日开放"
JAPANESE = "新しい図書館が開館しました"
FRENCH = "Café société: élections à Montréal «enfin»"


def titled(title: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>{title}</title></head><body><p>{title} {title}</p></body></html>"


@pytest.mark.parametrize("title, encoding, header, meta", [
    (ARABIC, "cp1256", "utf-8", ""),  # header lies
    (URDU, "cp1256", "utf-8", ""),
    (ARABIC, "cp1256", None, ""),  # nothing declared
    (CHINESE, "gbk", "utf-8", ""),
    (CHINESE, "gb2312", None, ""),
    (CHINESE, "gb18030", "gb2312", ""),  # declared subset, superset bytes
    (JAPANESE, "shift_jis", "utf-8", ""),
    (JAPANESE, "shift_jis", None, ""),
    (FRENCH, "cp1252", "utf-8", ""),
    (FRENCH, "cp1252", None, ""),
    (FRENCH, "utf-8", "iso-8859-1", ""),  # header says latin-1, bytes are UTF-8
    (ARABIC, "cp1256", "utf-8", '<meta charset="windows-1256">'),  # meta tells the truth
    (FRENCH, "utf-8-sig", "windows-1252", ""),  # BOM wins
])
def test_mislabelled_pages_decode_exactly(title: str, encoding: str, header: str | None,
                                          meta: str) -> None:
    html = titled(title, meta)
    decoded = decode_html(html.encode(encoding), http_charset=header)
    assert decoded.text == html


@pytest.mark.parametrize("html, encoding, header, expected", [
    (titled(FRENCH), "utf-8", "utf-8", "utf-8"),
    (titled(ARABIC), "cp1256", "windows-1256", "cp1256"),
    ("<html>ascii only</html>", "ascii", "utf-8", "utf-8"),
    ("<html>ascii only</html>", "ascii", "iso-8859-1", "cp1252"),  # reads the same: no fix
])
def test_correct_declarations_are_kept(html: str, encoding: str, header: str,
                                       expected: str) -> None:
    assert decode_html(html.encode(encoding), http_charset=header).encoding == expected


@pytest.mark.parametrize("text, last, encoding, header, used", [
    (CHINESE, "图", "utf-8", "utf-8", "utf-8"),
    (CHINESE, "图", "gbk", "gbk", "gb18030"),
    (CHINESE, "图", "gbk", None, "gb18030"),
    (JAPANESE, "図", "shift_jis", "shift_jis", "cp932"),
    (CHINESE, "😀", "utf-16-le", None, "utf-16-le"),  # BOM-led: cut surrogate pair, code unit
])
def test_a_character_cut_at_the_very_end_is_dropped(text: str, last: str, encoding: str,
                                                    header: str | None, used: str) -> None:
    """A truncated download ends mid-character; the charset still fits every other byte.
    (The old cascades tolerated this for UTF-8 only: a cut GBK page went to detection.)"""
    head = titled(text)[:-len("</p></body></html>")]
    bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else b""
    full = bom + (head + last).encode(encoding)
    for cut in range(1, len(last.encode(encoding))):
        decoded = decode_html(full[:-cut], http_charset=header)
        assert decoded.text == head and decoded.encoding == used


def test_detect_prefers_common_web_encodings() -> None:
    assert detect(titled(FRENCH).encode("cp1252")) == "cp1252"
    assert detect(titled(CHINESE).encode("gbk")) == "gb18030"


def test_a_seven_bit_charset_is_read_by_its_label() -> None:
    """ISO-2022-JP bytes are ASCII: valid UTF-8, yet only the label says what they spell."""
    html = titled(JAPANESE, '<meta charset="iso-2022-jp">')
    decoded = decode_html(html.encode("iso2022_jp"))
    assert decoded.text == html and decoded.encoding == "iso2022_jp"


@pytest.mark.parametrize("label", ["unicode-escape", "raw-unicode-escape", "utf-7", "rot13",
                                   "base64", "punycode", "x-no-such-charset"])
def test_codecs_that_are_no_charsets_are_ignored(label: str) -> None:
    """A hostile label must not turn escapes into markup (``\\u003cscript``)."""
    html = f'<html><head><meta charset="{label}"></head><body>\\u003cscript\\u003e +ADw-b</body></html>'
    assert decode_html(html.encode(), http_charset=label).text == html
    assert normalise_charset(label) is None
    assert header_charset(f"text/html; charset={label}") is None


@pytest.mark.parametrize("content_type, expected", [
    (b"text/html; charset=ISO-8859-1", "cp1252"),
    ('text/html; charset="Shift_JIS"', "cp932"),
    ("text/html;charset=gb2312; foo=bar", "gb18030"),
    ("text/html", None),
    (None, None),
])
def test_header_charset_resolves_the_label(content_type: str | bytes | None,
                                           expected: str | None) -> None:
    assert header_charset(content_type) == expected


def test_a_header_charset_resolved_before_is_taken_as_it_is() -> None:
    """The spider resolves the header once (header_charset); decoding takes either form."""
    html = titled(CHINESE)
    body = html.encode("gbk")
    assert decode_html(body, header_charset("text/html; charset=gbk")).text == html
    assert decode_html(body, "gbk").encoding == "gb18030"


def test_a_byte_order_mark_wins_even_over_bad_bytes_after_it() -> None:
    html = titled(FRENCH)
    decoded = decode_html(codecs.BOM_UTF8 + html.encode() + b"\xff<p>x</p>", http_charset="cp1252")
    assert decoded.encoding == "utf-8" and decoded.text.startswith(html)


@pytest.mark.parametrize("text, encoding", [(CHINESE, "gbk"), (JAPANESE, "shift_jis")])
def test_a_page_longer_than_the_detector_sample_is_detected_at_any_alignment(
        text: str, encoding: str) -> None:
    """The sample is cut between characters: cut inside one, the detector rejected the
    right charset (both old cascades lost half of the big undeclared CJK pages so)."""
    paragraphs = f"<p>{text * 3}</p>\n" * (DETECT_SAMPLE_BYTES // 40)
    for pad in range(4):
        html = titled("x" * pad + text, paragraphs)
        data = html.encode(encoding)
        assert len(data) > DETECT_SAMPLE_BYTES
        assert decode_html(data).text == html


def test_utf8_with_a_few_stray_cp1252_bytes_is_utf8() -> None:
    """A UTF-8 template with a widget pasted in Latin-1 (seen on a real page): both old
    cascades read the whole page as a legacy charset, mojibake in every UTF-8 letter."""
    html = titled(FRENCH + " Zürich, Köln, Grüße " * 5)
    data = html.encode() + "<p>Küchenblogs</p>".encode("cp1252")
    decoded = decode_html(data, http_charset="utf-8")
    assert decoded.text == html + "<p>Küchenblogs</p>" and decoded.encoding == "utf-8"



def test_a_big_page_whose_first_non_ascii_byte_is_past_the_sample_is_detected() -> None:
    """The detector is shown the part of the page with non-ASCII bytes: the first 256 KiB
    of a big page may be ASCII markup only, and on them it answered "utf-8"."""
    html = titled("News", "<script>var x = 1;</script>\n" * (DETECT_SAMPLE_BYTES // 20))
    html = html.replace("</body>", f"<p>{FRENCH} – “{SAMPLES['cp1252']}” ©</p></body>")
    assert decode_html(html.encode("cp1252"), http_charset="utf-8").text == html


@pytest.mark.parametrize("data", [
    page("Les élèves ont été reçus").encode("utf-8"),  # UTF-8 read whole
    page("plain ascii").encode("ascii"),
    page("déjà vu").encode("utf-8")[:-len("</p></body></html>")] + "é".encode()[:1],  # cut
    page("Les élèves").encode("cp1252"),  # not UTF-8
])
def test_utf8_bytes_are_handed_on_only_when_they_are_the_text(data: bytes) -> None:
    """The parser is given the page's own bytes instead of the text encoded again only
    when the two are the same bytes."""
    decoded = decode_html(data)
    assert decoded.utf8 is None or decoded.utf8 == decoded.text.encode("utf-8")
    assert (decoded.utf8 is not None) == (data.endswith(b">") and decoded.text.encode("utf-8") == data)
