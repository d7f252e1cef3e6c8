"""Publication dates: structured metadata, then the feed, then guesses; never comments, tracking or quotes."""

from __future__ import annotations

import json
from datetime import date

from lxml import html as lxml_html

from extract.article import extract_article
from extract.published import choose_published, iso_date, url_date

BODY = ("<p>Authorities deported 120 people to their home country on Tuesday, officials said, in the "
        "third such flight this month. The returnees were handed over at the airport in the capital.</p>"
        "<p>Rights groups said several of those returned had pending asylum claims and faced risks on "
        "arrival. The ministry said every case had been examined by a court before the flight left.</p>"
        "<p>A spokesperson said more flights were planned for the coming weeks, without giving figures.</p>")


def page(body: str, head: str = "", title: str = "Deportation flight lands in the capital") -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><header class='site-header'><a href='/'>Example News</a></header>"
            f"<main><article><h1>{title}</h1>{body}</article></main>"
            f"<footer>© Example News</footer></body></html>")


def ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def dated(html: str, url: str = "https://news.example.org/world/deportation-flight", feed: str | None = None):
    art = extract_article(html, url, fallback_published=feed)
    return art.published, art.published_source


# ----------------------------------------------------------------------------- structured metadata


def test_jsonld_date_inside_graph_wins_over_feed():
    head = ld({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Example News"},
        {"@type": "NewsArticle", "headline": "Deportation flight", "datePublished": "2024-03-05T08:10:00+09:00",
         "dateModified": "2024-03-07T10:00:00+09:00"},
    ]})
    assert dated(page(BODY, head), feed="2024-03-06") == ("2024-03-05", "jsonld")


def test_article_published_time_meta():
    head = '<meta property="article:published_time" content="2023-10-13T06:00:00Z">'
    assert dated(page(BODY, head), feed="2025-01-01") == ("2023-10-13", "meta")


def test_itemprop_date_published_meta():
    body = '<meta itemprop="datePublished" content="2022-07-19">' + BODY
    assert dated(page(body)) == ("2022-07-19", "meta")


def test_time_in_the_article_header_not_the_site_headers_today():
    html = page(BODY).replace(
        "<a href='/'>Example News</a>",
        "<a href='/'>Example News</a><time datetime='2025-11-30'>Sunday 30 November 2025</time>").replace(
        "<h1>Deportation flight lands in the capital</h1>",
        "<header><h1>Deportation flight lands in the capital</h1>"
        "<p class='byline'>By Jane Doe · <time datetime='2025-02-14T09:00'>14 February 2025</time></p></header>")
    assert dated(html) == ("2025-02-14", "time")


# ----------------------------------------------------------------------------- never these


COMMENTS = """
<section id="comments" class="comments-area">
  <h2>12 comments</h2>
  <ol class="comment-list">
    <li class="comment"><div class="comment-meta"><time datetime="2024-05-03T22:14:00">May 3, 2024 at 10:14 pm</time>
      </div><p>Shameful. They should never have been sent back.</p></li>
    <li class="comment"><div class="comment-meta"><time datetime="2024-05-04T07:02:00">May 4, 2024 at 7:02 am</time>
      </div><p>Posted on 4 May 2024: the ministry has not answered.</p></li>
  </ol>
</section>"""


def test_no_date_from_reader_comments():
    html = page(BODY + COMMENTS)
    assert dated(html) == (None, None)


def test_feed_date_beats_the_comments_of_an_undated_page():
    assert dated(page(BODY + COMMENTS), feed="2024-04-28") == ("2024-04-28", "feed")


TRACKING = """
<script>
  window.dataLayer = window.dataLayer || [];
  dataLayer.push({"pageType": "article", "cacheDate": "2019-03-12", "build": "20190312-1433"});
  ga('set', 'dimension4', '2019-03-12');
</script>
<img src="https://pixel.example.net/t.gif?ts=2019-03-12&amp;id=abc" width="1" height="1" alt="">
<a href="https://news.example.org/share?utm_campaign=2019-03-12&amp;utm_source=rss">Share</a>
<link rel="stylesheet" href="/static/site.css?v=2019-03-12">
"""


def test_no_date_from_tracking_strings():
    html = page(BODY + TRACKING)
    assert dated(html, url="https://news.example.org/story?date=2019-03-12") == (None, None)


def test_no_date_from_a_query_string():
    assert url_date("https://news.example.org/story?published=2019/03/12") is None
    assert url_date("https://news.example.org/2024/03/05/deportation-flight/") == "2024-03-05"


CLAIM_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/checks/deportation-figures",
    "datePublished": "2024-06-02",
    "claimReviewed": "The government deported 10,000 people last year",
    "itemReviewed": {"@type": "Claim", "datePublished": "2023-11-20",
                     "author": {"@type": "Person", "name": "A Minister"},
                     "appearance": {"@type": "CreativeWork", "datePublished": "2023-11-20",
                                    "url": "https://video.example.net/speech"}},
    "reviewRating": {"@type": "Rating", "ratingValue": 2, "alternateName": "Misleading"},
}


def test_fact_check_date_is_the_checks_own_not_the_statements():
    html = page("<blockquote><p>We deported 10,000 people last year.</p>"
                "<footer>A Minister, <time datetime='2023-11-20'>20 November 2023</time></footer></blockquote>"
                + BODY, ld(CLAIM_REVIEW), title="Did the government deport 10,000 people?")
    assert dated(html, url="https://factcheck.example.org/checks/deportation-figures") == ("2024-06-02", "jsonld")


def test_fact_check_without_its_own_date_takes_none_of_the_statements():
    review = {k: v for k, v in CLAIM_REVIEW.items() if k != "datePublished"}
    html = page("<blockquote><p>We deported 10,000 people last year.</p>"
                "<footer>A Minister, <time datetime='2023-11-20'>20 November 2023</time></footer></blockquote>"
                + BODY, ld(review), title="Did the government deport 10,000 people?")
    assert dated(html, url="https://factcheck.example.org/checks/deportation-figures") == (None, None)
    assert dated(html, url="https://factcheck.example.org/checks/x", feed="2024-06-03") == ("2024-06-03", "feed")


def test_microdata_claim_review_statement_date_is_ignored():
    body = ('<div itemscope itemtype="https://schema.org/ClaimReview">'
            '<div itemprop="itemReviewed" itemscope itemtype="https://schema.org/Claim">'
            '<meta itemprop="datePublished" content="2023-11-20"></div>'
            '<meta itemprop="datePublished" content="2024-06-02">' + BODY + "</div>")
    assert dated(page(body)) == ("2024-06-02", "meta")


def test_related_story_times_are_not_the_pages():
    related = ("<aside class='related-stories'><h3>Related</h3><ul><li><a href='/a'>Earlier flight</a> "
               "<time datetime='2023-01-09'>9 January 2023</time></li></ul></aside>")
    assert dated(page(BODY + related), feed="2024-02-02") == ("2024-02-02", "feed")


# ----------------------------------------------------------------------------- feed over guesses, guesses last


def test_feed_date_wins_over_a_guess_from_the_page():
    # htmldate reads this block as the page's date; the feed knows better
    body = BODY.replace("<p>A spokes", "<div class='article-date'>Updated: 12.03.2021</div><p>A spokes")
    assert dated(page(body), feed="2024-05-06") == ("2024-05-06", "feed")
    assert dated(page(body))[0] == "2021-03-12"  # without a feed date, the guess is all there is


def test_url_date_when_nothing_else():
    assert dated(page(BODY), url="https://news.example.org/2024/03/05/flight/") == ("2024-03-05", "url")


def test_a_byline_date_is_still_found_and_named_a_guess():
    body = "<p class='byline'>Published 5 March 2024</p>" + BODY
    value, source = dated(page(body))
    assert value == "2024-03-05"
    assert source in ("htmldate", "text")


# ----------------------------------------------------------------------------- the chooser itself


def test_choose_published_bounds_and_formats():
    tree = lxml_html.document_fromstring(page(BODY, '<meta property="article:published_time" content="2031-01-01">'))
    # a date after tomorrow is no publication date: the feed's is taken
    assert choose_published(tree, None, feed_date="Tue, 05 Mar 2024 10:00:00 GMT", guess=False,
                            today=date(2026, 1, 1)) == ("2024-03-05", "feed")
    assert choose_published(None, None) == (None, None)
    assert iso_date("2024/3/5") == "2024-03-05"
    assert iso_date("20240305") == "2024-03-05"
    assert iso_date("2024-02-30") is None
    assert iso_date("yesterday") is None


# ----------------------------------------------------------------------------- stored and exported


def test_published_source_is_stored_and_exported(db_path):
    import csv
    import io

    from storage.db import open_db
    from storage.exports import export
    from storage.pages import store_extracted_page
    from tests.conftest import claim_at

    db = open_db(db_path)
    html = page(BODY, '<meta property="article:published_time" content="2023-10-13T06:00:00Z">').encode()
    art = extract_article(html, "https://news.example.org/a", fallback_published="2023-10-15").to_dict()
    text = art["text"]
    claim = claim_at(text, text[text.index("Authorities"):text.index("Tuesday")], 120)
    store_extracted_page(db, url="https://news.example.org/a", source="example", html=html,
                         published="2023-10-15", article=art, claims=[claim], claims_version="t-1")
    # a page the feed dated and whose cleaning gave no date of its own
    store_extracted_page(db, url="https://news.example.org/b", source="example", html=b"<html></html>",
                         published="2024-01-02", article=None)
    rows = dict(db.execute("select url, published || ' ' || published_source from articles").fetchall())
    assert rows == {"https://news.example.org/a": "2023-10-13 meta", "https://news.example.org/b": "2024-01-02 feed"}
    out = io.StringIO()
    export(db, "csv", out)
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(row)[-1] == "published_source"
    assert (row["published"], row["published_source"]) == ("2023-10-13", "meta")
    out = io.StringIO()
    export(db, "jsonl", out)
    assert json.loads(out.getvalue())["published_source"] == "meta"
    db.close()


def test_re_extraction_keeps_where_the_date_came_from(db_path, tmp_path):
    from newsmon.jobs import extract_stored
    from storage.db import open_db
    from storage.pages import store_extracted_page
    from tests.servers import write_config

    db = open_db(db_path)
    url = "https://news.example.org/2024/03/05/deportation-flight/"
    html = page(BODY).encode()
    art = extract_article(html, url).to_dict()
    assert (art["published"], art["published_source"]) == ("2024-03-05", "url")
    (article_id, _outcome, _n) = store_extracted_page(db, url=url, source="example", html=html, article=art)
    fed, other = "https://news.example.org/world/undated", page(BODY.replace("120", "140") + COMMENTS)
    (fed_id, _outcome, _n) = store_extracted_page(db, url=fed, source="example", html=other.encode(),
                                                  published="2024-04-28",
                                                  article=extract_article(other, fed,
                                                                          fallback_published="2024-04-28").to_dict())
    db.close()
    config = write_config(tmp_path, {})
    for aid in (article_id, fed_id):
        extract_stored(db_path, config, everything=True, article_id=aid, echo=lambda *a, **k: None)
    db = open_db(db_path)
    rows = {i: (p, s) for i, p, s in db.execute("select id, published, published_source from articles").fetchall()}
    db.close()
    # the date the page's URL gave is not handed back as the feed's
    assert rows == {article_id: ("2024-03-05", "url"), fed_id: ("2024-04-28", "feed")}


def test_a_time_inside_the_story_is_not_the_header_date():
    body = BODY.replace("on Tuesday", "on <time datetime='2019-08-01'>1 August 2019</time>")
    assert dated(page(body), feed="2024-05-06") == ("2024-05-06", "feed")
    byline = "<p class='byline'>By Jane Doe, <time datetime='2024-05-05'>5 May 2024</time></p>"
    assert dated(page(byline + body), feed="2024-05-06") == ("2024-05-05", "time")


def test_layout_classes_are_no_comment_or_related_zone():
    html = page(BODY).replace("<main>", "<main class='content-sidebar-wrap elementor-widget-container'>").replace(
        "<h1>Deportation flight lands in the capital</h1>",
        "<h1>Deportation flight lands in the capital</h1><span class='comment-count'>12 comments</span>"
        "<time datetime='2025-02-14'>14 February 2025</time>")
    assert dated(html) == ("2025-02-14", "time")


def test_jsonld_main_entity_of_a_web_page_and_a_plain_date_meta():
    head = ld({"@context": "https://schema.org", "@type": "WebPage",
               "mainEntity": {"@type": "NewsArticle", "datePublished": "2022-02-02T10:00:00Z"}})
    assert dated(page(BODY, head)) == ("2022-02-02", "jsonld")
    assert dated(page(BODY, '<meta name="date" content="2021-09-09">')) == ("2021-09-09", "meta")


def test_a_utc_timestamp_takes_the_local_day_its_url_names():
    head = '<meta property="article:published_time" content="2023-11-09T05:30:59+00:00">'
    url = "https://news.example.org/2023/11/08/mayor-elected/"
    assert dated(page(BODY, head), url=url) == ("2023-11-08", "meta")
    # a timestamp with the publisher's own offset is the publisher's day: the URL's day is older (a draft's)
    head = '<meta property="article:published_time" content="2020-02-19T18:37:32+01:00">'
    assert dated(page(BODY, head), url="https://news.example.org/2020/02/18/science/") == ("2020-02-19", "meta")
    # the canonical link gives the URL of a page read from a file
    html = page(BODY, '<link rel="canonical" href="https://news.example.org/2021/06/30/a/">')
    assert extract_article(html).published == "2021-06-30"
