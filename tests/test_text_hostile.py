"""Hostile text never crashes or stalls the extractor, and one bad article costs no other its claims.

Control characters and lone surrogates, impossible dates, figures of 27 digits, runs of
punctuation, a 336 KB line that made a regex backtrack, a paragraph of hundreds of KB, a
bad article in a batch, stray bytes given to `newsmon claims -` and `newsmon text`.
(How long each takes is measured in benchmarks/hostile_text.py, not here.)
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from crawler.extraction import PageJob, process_pages
from extract.article import clean_text, extract_article
from extract.claims import ArticleFailed, find_claims, find_claims_many
from extract.claims.chunks import MAX_LINE, for_parser
from extract.claims.dates import resolve_date
from extract.encoding import decode_html
from extract.residual import _ends_with_date, load_lexicon
from extract.sanitize import has_bad_characters, same_length, sanitize_text
from newsmon.cli import cli

CLAIM = "Pakistan deported 1,200 Afghan refugees across the Torkham border on Monday, officials said."
HEADLINE = "Pakistan deports Afghans"
TEXT = f"{HEADLINE}\n\n{CLAIM}"
BAD = ["\x0b", "\x0c", "\x01", "\x1b", "\x00", "\ufffe", "\uffff", "\ud800", "\udfff"]


def page(paragraph: str, extra: str = "") -> str:
    return (f"<html><head><title>{HEADLINE}</title></head><body><article><h1>{HEADLINE}</h1>"
            f"<p>{paragraph}</p>{extra}<p>Officials said more returns were planned for the coming weeks "
            f"at the crossing, where families have waited for days.</p></article></body></html>")


def assert_offsets_hold(text: str, claims) -> None:
    for c in claims:
        assert text[c.start:c.end] == c.evidence
        assert isinstance(c.count, int) and 0 < c.count <= 10**9


# ----------------------------------------------------------------------------- sanitising


@pytest.mark.parametrize("ch", BAD)
def test_sanitize_removes_what_libxml2_stops_at_and_same_length_keeps_offsets(ch):
    text = f"Pakistan deported 1,200{ch} Afghans\ton Monday.\r\n"
    assert has_bad_characters(text)
    clean = sanitize_text(text)
    assert not has_bad_characters(clean) and "\t" in clean and "\r\n" in clean
    assert clean.startswith("Pakistan deported 1,200") and clean.endswith(" Afghans\ton Monday.\r\n")
    kept = same_length(text)
    assert len(kept) == len(text) and not has_bad_characters(kept)
    assert kept[23] in " \ufffd" and kept[:23] + kept[24:] == text.replace(ch, "")


def test_clean_text_is_returned_unchanged():
    text = "Tab\tand line\nbreaks, “quotes” and é stay."
    assert sanitize_text(text) is text and same_length(text) is text


@pytest.mark.parametrize("ch", BAD)
@pytest.mark.parametrize("selectors", [(), ("div.share",)])
def test_a_control_character_or_surrogate_in_a_page_keeps_its_text(ch, selectors):
    share = f'<div class="share">Share{ch} this on social media</div>'
    art = extract_article(page(CLAIM.replace("Monday", f"Mon{ch}day"), share), "https://example.org/a",
                          drop_selectors=selectors)
    assert "Pakistan deported 1,200 Afghan refugees" in art.text
    assert "coming weeks" in art.text
    assert not has_bad_characters(art.text)
    art.text.encode("utf-8")  # storable and printable
    if selectors:
        assert "social media" not in art.text


@pytest.mark.parametrize("ch", BAD)
def test_control_characters_in_page_bytes_and_plain_text(ch):
    data = page(CLAIM.replace("Torkham", f"Tor{ch}kham")).encode("utf-8", "surrogatepass")
    assert "Afghan refugees" in extract_article(data).text
    text = clean_text(f"{HEADLINE}\n\n{CLAIM.replace('border', f'bor{ch}der')}")
    assert "Afghan refugees" in text and not has_bad_characters(text)


def test_a_utf8_page_with_a_stray_byte_keeps_its_other_characters():
    data = page(f"{CLAIM} Kabul’s ministry said “more” would come.").encode()
    data = data.replace(b"Torkham", b"Tork\xffham")
    text = decode_html(data)
    assert "Kabul’s ministry said “more”" in text and "Tork\ufffdham" in text


@pytest.mark.parametrize("ch", BAD)
def test_claims_of_text_with_a_control_character_or_surrogate(ch):
    text = f"{HEADLINE}\n\n{CLAIM.replace('on Monday', f'on{ch} Monday')}"
    claims = find_claims(text, "2024-07-09")
    assert [c.count for c in claims] == [1200]
    assert_offsets_hold(same_length(text), claims)
    claims[0].evidence.encode("utf-8")


KOREAN = "중국, 탈북민 강제북송\n\n중국이 지난 9일 투먼 세관을 통해 탈북민 60명을 북한으로 강제북송했다."


@pytest.mark.parametrize("ch", BAD)
def test_korean_claims_of_text_with_a_control_character_or_surrogate(ch):
    text = KOREAN.replace("탈북민 60명", f"탈북민{ch} 60명")
    claims = find_claims(text, "2023-10-12")
    assert [(c.count, c.language) for c in claims] == [(60, "ko")]
    assert_offsets_hold(same_length(text), claims)
    claims[0].evidence.encode("utf-8")


# ----------------------------------------------------------------------------- impossible dates


@pytest.mark.parametrize("phrase,expected", [
    ("2024-13-01", None), ("2024-00-10", None),
    ("2024-02-30", "2024-02"), ("2023-02-29", "2023-02"), ("2024-06-31", "2024-06"), ("2024-06-00", "2024-06"),
    ("2024-02-29", "2024-02-29"),
    ("June 31", "2024-06"), ("February 30", "2024-02"), ("31 June 2023", "2023-06"),
])
def test_an_impossible_date_is_no_day(phrase, expected):
    v = resolve_date(phrase, "2024-07-09")
    assert (v.date if v else None) == expected


@pytest.mark.parametrize("date", ["2024-02-30", "2024-13-01", "2024-00-10", "June 31", "February 30"])
def test_an_impossible_date_near_a_claim_of_this_week_never_raises(date):
    text = (f"{HEADLINE}\n\nPakistan deported 1,200 Afghan refugees across the border this week, officials said. "
            f"The first group was sent back on {date}, the ministry said.")
    claims = find_claims(text, "2024-07-09")
    assert 1200 in [c.count for c in claims]
    assert_offsets_hold(text, claims)
    for c in claims:
        assert c.date is None or c.date[:4] == "2024" and "-13" not in c.date and "-00" not in c.date


# ----------------------------------------------------------------------------- figures and caps


def test_a_figure_beyond_a_billion_is_no_count_of_people():
    text = f"{HEADLINE}\n\nPakistan deported 100000000000000000000000000 Afghan refugees on Monday, officials said."
    assert find_claims(text, "2024-07-09") == []
    text = f"{HEADLINE}\n\nPakistan deported 1000000000 Afghan refugees on Monday, officials said."
    assert [c.count for c in find_claims(text, "2024-07-09")] == [10**9]


def test_a_korean_figure_beyond_a_billion_is_no_count_of_people():
    text = KOREAN.replace("60명", "100000000000000000000000000명")
    assert find_claims(text, "2023-10-12") == []


def test_the_residual_cleaner_on_a_336_kb_word_before_a_short_tail():
    line = "a" * 336_000 + " b"
    assert _ends_with_date(line, load_lexicon()) is False
    assert _ends_with_date("Pakistan deports 1,200 Afghans December 4, 2025", load_lexicon()) is True
    assert clean_text(line) == line


@pytest.mark.parametrize("run", [":" * 336_000, "." * 336_000, "-" * 336_000, "a" * 336_000 + " b"])
def test_a_336_kb_run_beside_a_claim_leaves_the_claim(run):
    text = f"{HEADLINE}\n\n{CLAIM} {run}"
    claims = find_claims(text, "2024-07-09")
    assert [c.count for c in claims] == [1200]
    assert_offsets_hold(text, claims)
    assert claims[0].evidence == CLAIM


def test_for_parser_breaks_long_runs_and_keeps_offsets():
    text = "said " + ":" * 100 + " and " + "x" * 500 + " then 1,200 people."
    out = for_parser(text)
    assert len(out) == len(text)
    assert max(len(w) for w in out.split()) <= 200
    assert out[5:106] == ":" * 8 + " " * 93
    assert out.endswith(" then 1,200 people.") and out.startswith("said ")
    assert for_parser(CLAIM) is CLAIM


def test_a_long_paragraph_is_read_up_to_its_cap_with_its_claims():
    sentence = CLAIM.replace("1,200", "{}") + " "
    paragraph = "".join(sentence.format(1000 + i) for i in range(2_500))  # about 230 KB on one line
    text = f"{HEADLINE}\n\n{paragraph}"
    claims = find_claims(text, "2024-07-09")
    assert claims and all(c.end <= len(HEADLINE) + 2 + MAX_LINE for c in claims)
    assert_offsets_hold(text, claims)


def test_a_long_paragraph_without_a_full_stop_is_read():
    text = f"{HEADLINE}\n\n" + "Pakistan deported 1,200 Afghans across the border and " * 1_500
    claims = find_claims(text, "2024-07-09")
    assert_offsets_hold(text, claims)
    assert all(len(c.evidence) < 5_000 for c in claims)


# ----------------------------------------------------------------------------- one bad article


def test_one_article_that_raises_costs_the_others_of_its_batch_nothing():
    good = [(TEXT, "2024-07-09"), (TEXT.replace("1,200", "3,400"), "2024-07-09")]
    failed: list[tuple[int, str]] = []
    found = list(find_claims_many([good[0], (b"not text", None), good[1]],
                                  on_error=lambda i, exc: failed.append((i, type(exc).__name__))))
    assert [[c.count for c in claims] for claims in found] == [[1200], [], [3400]]
    assert failed == [(1, "TypeError")]


def test_an_article_whose_claims_raise_after_parsing_is_reported_alone():
    failed: list[int] = []
    found = list(find_claims_many([(TEXT, "2024-07-09"), (TEXT, 20240709), (TEXT, None)],
                                  on_error=lambda i, exc: failed.append(i)))
    assert [[c.count for c in claims] for claims in found] == [[1200], [], [1200]]
    assert failed == [1]


def test_without_on_error_the_failure_is_raised_once_the_others_are_yielded():
    got = []
    with pytest.raises(ArticleFailed, match="article 0: TypeError"):
        for claims in find_claims_many([(b"not text", None), (TEXT, None)]):
            got.append([c.count for c in claims])
    assert got == [[], [1200]]
    with pytest.raises(ArticleFailed):
        find_claims(TEXT, 20240709)  # type: ignore[arg-type]  # a caller's bad published date


def test_the_workers_record_the_page_whose_claims_fail_and_keep_the_others():
    jobs = [PageJob(b"", "https://example.org/1", article_id=1, text=TEXT, published="2024-07-09"),
            PageJob(b"", "https://example.org/2", article_id=2, text=TEXT, published=20240709),  # type: ignore[arg-type]  # hostile
            PageJob(b"", "https://example.org/3", article_id=3, text=TEXT, published="2024-07-09")]
    results = process_pages(jobs)
    assert [r.error is None for r in results] == [True, False, True]
    assert results[1].error.startswith("claims: TypeError")
    assert [c["count"] for c in results[0].claims] == [1200] == [c["count"] for c in results[2].claims]


# ----------------------------------------------------------------------------- command line


def test_claims_from_stdin_with_a_stray_byte():
    data = TEXT.encode().replace(b"Torkham", b"Tork\xff\xfeham")
    r = CliRunner().invoke(cli, ["claims", "-", "--published", "2024-07-09"], input=data)
    assert r.exit_code == 0, r.output
    assert "1200  exact" in r.stdout
    assert r.stderr.strip() == "newsmon claims: -: 2 byte sequence(s) that are not valid text read as U+FFFD"


def test_claims_of_a_file_with_a_stray_byte_and_a_control_character(tmp_path):
    path = tmp_path / "article.txt"
    path.write_bytes(TEXT.encode().replace(b"Torkham", b"Tork\x0b\xffham"))
    r = CliRunner().invoke(cli, ["claims", str(path), "--json"])
    assert r.exit_code == 0, r.output
    assert "1 byte sequence(s) that are not valid text" in r.stderr
    assert '"count": 1200' in r.stdout


def test_text_of_files_with_a_stray_byte(tmp_path):
    plain = tmp_path / "article.txt"
    plain.write_bytes(TEXT.encode().replace(b"Torkham", b"Tork\xffham"))
    html = tmp_path / "article.html"
    html.write_bytes(page(f"{CLAIM} Kabul’s ministry said so.\x0b").encode().replace(b"Torkham", b"Tork\xffham"))
    r = CliRunner().invoke(cli, ["text", str(plain), str(html)])
    assert r.exit_code == 0, r.output
    assert r.stdout.count("Tork\ufffdham") == 2 and "Kabul’s ministry" in r.stdout
    assert r.stderr.count("1 byte sequence(s) that are not valid text read as U+FFFD") == 2
