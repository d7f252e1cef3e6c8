"""extract_article on hostile and odd input, metadata, tables, selectors: a result, never a crash or a hang."""

from __future__ import annotations

import random
import time

import pytest

from extract.article import extract_article
from extract.encoding import declared_charset, decode_html

PROSE = ("Authorities deported 212 people to Afghanistan on Monday, the ministry said, after holding them "
         "for weeks in a detention centre near the capital without access to lawyers.")


def page(body: str, head: str = "", lang: str = "en") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{head}</head><body><article>'
            f"<h1>Deportations resume at the border</h1>{body}</article></body></html>")


@pytest.mark.parametrize("data", ["", b"", "   ", b"\x00\x00\x00", "<<<>>>", "<!-- nothing -->",
                                  "<html></html>",
                                  "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
                                  "just some words without any tag at all"])
def test_empty_and_degenerate_pages_give_an_article(data):
    art = extract_article(data, "https://example.org/x", fallback_published="2024-05-01")
    assert isinstance(art.text, str)
    assert art.published in ("2024-05-01", None) or len(art.published) == 10


def test_binary_garbage_gives_an_article():
    rnd = random.Random(4)
    for size in (10, 1000, 200_000):
        data = bytes(rnd.getrandbits(8) for _ in range(size))
        art = extract_article(data)
        assert isinstance(art.text, str)


def test_ten_megabytes_of_nested_divs_returns_quickly():
    depth = 10_000_000 // 11
    html = "<html><body>" + "<div>" * depth + "<p>deep</p>" + "</div>" * depth + "</body></html>"
    t0 = time.monotonic()
    art = extract_article(html.encode())
    assert time.monotonic() - t0 < 60
    assert isinstance(art.text, str)


def test_a_huge_flat_page_is_capped_and_returns():
    html = "<html><body>" + "<script>var x = 1;</script>" * 200_000 + \
        "<div><p>" + PROSE + "</p></div>" * 1 + "</body></html>"
    t0 = time.monotonic()
    art = extract_article(html)
    assert time.monotonic() - t0 < 60
    assert PROSE in art.text


# ----------------------------------------------------------------------------- encodings

CYRILLIC = "Власти депортировали 212 человек в Афганистан в понедельник, заявили в министерстве."


def test_declared_charset_is_used():
    html = page(f"<p>{CYRILLIC} {CYRILLIC}</p>", '<meta charset="windows-1251">', lang="ru")
    art = extract_article(html.encode("cp1251"))
    assert CYRILLIC in art.text


def test_http_equiv_charset_is_used():
    head = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
    art = extract_article(page(f"<p>{CYRILLIC} {CYRILLIC}</p>", head, lang="ru").encode("koi8-r"))
    assert CYRILLIC in art.text


def test_undeclared_legacy_encoding_does_not_crash_and_keeps_ascii():
    text = "Le café « Zoé » a fermé après l'expulsion de 40 personnes vers l'Algérie, selon la préfecture."
    art = extract_article(page(f"<p>{text}</p><p>{text}</p>", lang="fr").encode("cp1252"))
    assert "expulsion de 40 personnes" in art.text
    assert "\ufffd" not in art.text or "caf" in art.text


def test_wrong_declared_charset_falls_back_to_utf8():
    text = "Zoé fled from Tigray — 40 people were deported, officials said in a statement on Friday."
    html = page(f"<p>{text}</p><p>{text}</p>", '<meta charset="ascii-unknown-label">')
    assert text in extract_article(html.encode("utf-8")).text


def test_utf16_with_bom():
    html = page(f"<p>{PROSE}</p>", '<meta charset="utf-16">')
    assert PROSE in extract_article(html.encode("utf-16")).text


def test_utf8_bom_and_str_input():
    html = page(f"<p>{PROSE}</p>")
    assert PROSE in extract_article(b"\xef\xbb\xbf" + html.encode()).text
    assert PROSE in extract_article(html).text


@pytest.mark.parametrize("data,expected", [
    (b'<meta charset="ISO-8859-1">', "cp1252"),
    (b'<meta charset=utf-8>', "utf-8"),
    (b"<?xml version='1.0' encoding='windows-1251'?>", "cp1251"),
    (b'<meta charset="no-such-charset">', None),
    (b"<p>nothing declared</p>", None),
])
def test_declared_charset(data, expected):
    assert declared_charset(data) == expected


def test_decode_never_raises():
    rnd = random.Random(7)
    for _ in range(50):
        data = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 500)))
        assert isinstance(decode_html(b'<meta charset="utf-8">' + data), str)


# ----------------------------------------------------------------------------- metadata, tables, selectors

def test_metadata_and_headline_first():
    head = ('<title>Deportations resume at the border | Example News</title>'
            '<meta property="og:site_name" content="Example News">'
            '<meta name="author" content="Jane Doe">'
            '<meta property="article:published_time" content="2025-03-04T10:00:00Z">')
    art = extract_article(page(f"<p>{PROSE}</p><p>{PROSE}</p>", head), "https://example.org/a")
    assert art.title == "Deportations resume at the border"
    assert art.author == "Jane Doe"
    assert art.published == "2025-03-04"
    assert art.sitename == "Example News"
    assert art.language == "en"
    assert art.url == "https://example.org/a"
    assert art.text.startswith("Deportations resume at the border\n\n")
    assert "\n\n" + PROSE in art.text


def test_feed_date_when_the_page_has_none():
    html = page(f"<p>{PROSE}</p><table><tr><td>2020-2023</td><td>660</td></tr></table>")
    art = extract_article(html, "https://example.org/a", fallback_published="2025-12-04")
    assert art.published == "2025-12-04"


def test_page_date_wins_over_feed_date():
    head = '<meta property="article:published_time" content="2023-10-13">'
    art = extract_article(page(f"<p>{PROSE}</p>", head), fallback_published="2025-12-04")
    assert art.published == "2023-10-13"


def test_table_rows_are_kept_as_lines():
    table = ("<table><tr><th>Year</th><th>Total Repatriations (Documented)</th></tr>"
             "<tr><td>2020-2023</td><td>660</td></tr><tr><td>2024-2025 (to date)</td><td>416</td></tr>"
             "<tr><td>Total (2020-2025)</td><td>1,076+</td></tr></table>")
    art = extract_article(page(f"<p>{PROSE}</p>{table}<p>{PROSE}</p>"))
    lines = art.text.split("\n")
    assert "2020-2023 660" in lines
    assert "2024-2025 (to date) 416" in lines
    assert "Total (2020-2025) 1,076+" in lines


def test_paragraphs_and_lists_keep_their_structure():
    body = f"<p>{PROSE}</p><ul><li>First point of the list.</li><li>Second point of the list.</li></ul><p>{PROSE}</p>"
    text = extract_article(page(body)).text
    assert "First point of the list.\nSecond point of the list." in text
    assert text.count("\n\n") >= 3


def test_drop_selectors_remove_what_no_rule_knows():
    body = (f"<p>{PROSE}</p><div class='promo-box'><p>Our partner offers refugees 500 free meals every day in "
            f"the city centre this winter season.</p></div><p>{PROSE}</p>")
    assert "free meals" in extract_article(page(body)).text
    assert "free meals" not in extract_article(page(body), drop_selectors=[".promo-box"]).text


def test_bad_drop_selector_is_ignored():
    art = extract_article(page(f"<p>{PROSE}</p>"), drop_selectors=["::::not a selector[", "div.ok"])
    assert PROSE in art.text


def test_footnote_superscripts_go_but_units_stay():
    body = (f"<p>Defectors vanish within China<sup>1</sup>. The camp covers 40 km<sup>2</sup> and held "
            f"600 people before they were repatriated<sup>[3]</sup>, officials said in a report.</p><p>{PROSE}</p>")
    text = extract_article(page(body)).text
    assert "within China." in text
    assert "40 km2" in text
    assert "repatriated," in text
