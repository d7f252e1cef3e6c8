"""URL normalisation and the parsing of feeds, sitemaps and robots.txt (no network)."""

from __future__ import annotations

import gzip
import subprocess
import sys
import textwrap

import pytest

from crawler import discovery
from crawler.urls import normalise_url, same_site
from tests.servers import ENTITY_BOMB, atom, json_feed, rss, sitemap, sitemap_index


@pytest.mark.parametrize("raw, expected", [
    ("HTTP://Example.ORG/a/b/", "http://example.org/a/b/"),
    ("https://example.org:443/a", "https://example.org/a"),
    ("http://example.org:80/a", "http://example.org/a"),
    ("http://example.org:8080/a", "http://example.org:8080/a"),
    ("https://example.org", "https://example.org/"),
    ("https://example.org/a/#comments", "https://example.org/a/"),
    ("https://example.org/a/?utm_source=x&utm_medium=y&id=3", "https://example.org/a/?id=3"),
    ("https://example.org/a/?fbclid=abc", "https://example.org/a/"),
    ("https://example.org/a/?gclid=1&page=2&msclkid=3&mc_cid=4&_ga=5", "https://example.org/a/?page=2"),
    ("https://example.org/a/?b=2&a=1", "https://example.org/a/?b=2&a=1"),
    ("https://example.org/a/./b/../c/", "https://example.org/a/c/"),
    ("https://example.org/caf%c3%a9/", "https://example.org/caf%C3%A9/"),
    ("https://example.org/a b/", "https://example.org/a%20b/"),
    ("  https://example.org/x/  ", "https://example.org/x/"),
    ("mailto:desk@example.org", None),
    ("javascript:void(0)", None),
    ("ftp://example.org/file", None),
    ("https://", None),
    ("http://example.org:notaport/", None),
])
def test_normalise_url(raw, expected):
    assert normalise_url(raw) == expected


def test_normalise_url_drops_outlet_parameters():
    assert normalise_url("https://x.org/a/?ref=home&id=2", drop_params=["ref"]) == "https://x.org/a/?id=2"


def test_same_site():
    assert same_site("https://news.example.org/a", ["example.org"])
    assert not same_site("https://example.org.evil.net/a", ["example.org"])
    assert not same_site("https://notexample.org/a", ["example.org"])


def test_rss_atom_json_feeds():
    base = "https://x.org/feed"
    assert [link.url for link in discovery.feed_links(rss(["https://x.org/a/", "/b/"]).encode(), base)] == \
        ["https://x.org/a/", "https://x.org/b/"]
    links = discovery.feed_links(atom(["https://x.org/c/"]).encode(), base)
    assert links[0].url == "https://x.org/c/" and links[0].published == "2023-10-11"
    links = discovery.feed_links(json_feed(["https://x.org/d/"]).encode(), base)
    assert links[0].url == "https://x.org/d/" and links[0].published == "2023-10-12"
    rdf = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           b'xmlns="http://purl.org/rss/1.0/"><item><link>https://x.org/e/</link></item></rdf:RDF>')
    assert [link.url for link in discovery.feed_links(rdf, base)] == ["https://x.org/e/"]
    assert discovery.feed_links(rss([]).encode(), base) == []  # an empty feed is still a feed


@pytest.mark.parametrize("body", [b"", b"   ", b"<html><body>hi</body></html>", b"\x00\x01\x02", b"{not json",
                                  b'{"items": 3}', ENTITY_BOMB.encode(),
                                  b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                  b'<rss><channel><item><link>&x;</link></item></channel></rss>'])
def test_malformed_feeds_are_none(body):
    assert discovery.feed_links(body, "https://x.org/") is None


def test_sitemaps_plain_index_gzip_news():
    pages, nested = discovery.sitemap_links(sitemap(["https://x.org/a/"]).encode(), "https://x.org/s.xml")
    assert [p.url for p in pages] == ["https://x.org/a/"] and pages[0].published == "2023-10-13" and nested == []
    pages, nested = discovery.sitemap_links(sitemap_index(["https://x.org/s1.xml", "https://x.org/s2.xml.gz"]).encode(),
                                            "https://x.org/index.xml")
    assert pages == [] and nested == ["https://x.org/s1.xml", "https://x.org/s2.xml.gz"]
    gz = gzip.compress(sitemap(["https://x.org/g/"]).encode())
    assert [p.url for p in discovery.sitemap_links(gz, "https://x.org/s.xml.gz")[0]] == ["https://x.org/g/"]
    pages, _ = discovery.sitemap_links(sitemap(["https://x.org/n/"], news=True).encode(), "https://x.org/news.xml")
    assert pages[0].url == "https://x.org/n/" and pages[0].published == "2023-10-13"
    assert discovery.sitemap_links(b"<html></html>", "https://x.org/s.xml") is None
    assert discovery.sitemap_links(ENTITY_BOMB.replace("rss", "urlset").encode(), "https://x.org/s.xml") is None


def test_gzip_bomb_is_read_only_up_to_the_cap():
    bomb = gzip.compress(b"<urlset>" + b" " * (discovery.MAX_XML_BYTES * 2))
    assert len(discovery.maybe_gunzip(bomb)) <= discovery.MAX_XML_BYTES


def test_robots_sitemaps():
    body = b"User-agent: *\nDisallow: /private/\nSitemap: https://x.org/s1.xml\nsitemap:https://x.org/s2.xml\n"
    assert discovery.robots_sitemaps(body) == ["https://x.org/s1.xml", "https://x.org/s2.xml"]


def test_pagination_links():
    assert discovery.is_pagination_link("https://x.org/page/2/", "2", None)
    assert discovery.is_pagination_link("https://x.org/news?page=3", "", None)
    assert discovery.is_pagination_link("https://x.org/older", "Older posts", None)
    assert discovery.is_pagination_link("https://x.org/whatever", "", "next")
    assert not discovery.is_pagination_link("https://x.org/about/", "About us", None)


def test_entity_bomb_keeps_memory_flat():
    """Parsing a billion-laughs feed and sitemap in a fresh process grows its memory by a few MB at most."""
    code = textwrap.dedent("""
        import resource, sys
        from crawler import discovery
        from tests.servers import ENTITY_BOMB
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        body = ENTITY_BOMB.encode()
        for _ in range(20):
            assert discovery.feed_links(body, "https://x.org/") is None
            assert discovery.sitemap_links(body.replace(b"rss", b"urlset"), "https://x.org/") is None
            # Even when parsed without the entity guard, nothing is expanded.
            root = discovery.etree.fromstring(body, parser=discovery._XML_PARSER)
            assert len(discovery.etree.tostring(root)) < 10_000
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(after - before)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) < 20_000  # KiB
