"""`newsmon text FILE|URL… [--json]`: many pages in one process; a bad one is named and the others print."""

from __future__ import annotations

import http.server
import json
import threading
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.commands.text_cmd import text_command

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "benchmarks" / "pages"


def run(*args):
    return CliRunner().invoke(text_command, list(args), catch_exceptions=False)


def test_json_one_object_per_line_for_many_files():
    files = [str(PAGES / "wire-story.html"), str(PAGES / "blog-post.html")]
    result = run("--json", *files)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["source"] for r in rows] == files
    assert set(rows[0]) == {"source", "url", "title", "author", "published", "published_source", "text"}
    assert rows[0]["title"] == "Thailand deports 40 Uyghurs to China despite UN warnings"
    assert rows[0]["published"] == "2025-02-27"
    assert rows[0]["published_source"] in ("jsonld", "meta", "time")
    assert rows[0]["text"].startswith(rows[0]["title"] + "\n\n")
    assert "Share this:" not in rows[1]["text"]


def test_plain_output_names_each_page():
    result = run(str(PAGES / "wire-story.html"), str(PAGES / "data-table.html"))
    assert result.exit_code == 0
    assert result.output.count("== ") == 2
    assert "title: How many people has Pakistan deported to Afghanistan?" in result.output
    assert "Phase 1 Sept 2023 – Dec 2023 492,000 23,000" in result.output


def test_bad_files_are_named_and_the_others_still_print(tmp_path):
    good = str(PAGES / "wire-story.html")
    missing = str(tmp_path / "missing.html")
    result = CliRunner().invoke(text_command, ["--json", missing, str(tmp_path), good])
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in rows] == [good]
    errors = result.stderr.splitlines()
    assert len(errors) == 2
    assert missing in errors[0] and str(tmp_path) in errors[1]


def test_binary_and_empty_files_give_a_result(tmp_path):
    binary = tmp_path / "junk.html"
    binary.write_bytes(bytes(range(256)) * 100)
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = CliRunner().invoke(text_command, [str(binary), str(empty)])
    assert result.exit_code == 0
    assert result.output.count("== ") == 2


def test_plain_text_file_is_cleaned(tmp_path):
    f = tmp_path / "seed.txt"
    f.write_text("Authorities deported 40 people on Monday, the ministry said in a statement.\n\n"
                 "This website uses cookies.\n\nRead More\n", encoding="utf-8")
    result = run("--json", str(f))
    row = json.loads(result.output)
    assert row["text"] == "Authorities deported 40 people on Monday, the ministry said in a statement."


@pytest.fixture
def local_site(tmp_path):
    (tmp_path / "a.html").write_bytes((PAGES / "ngo-toc-inline.html").read_bytes())
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_urls_are_fetched_and_a_bad_url_is_named(local_site):
    good, bad = f"{local_site}/a.html", f"{local_site}/nope.html"
    result = CliRunner().invoke(text_command, ["--json", bad, good, "ftp://example.org/x"])
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 1 and rows[0]["source"] == good and rows[0]["url"] == good
    assert rows[0]["title"] == "Lebanon Deports Syrian Refugees Despite Risk of Arrest"
    assert "Table of Contents" not in rows[0]["text"]
    errors = result.stderr.splitlines()
    assert any(bad in e and "404" in e for e in errors)
    assert any("ftp://example.org/x" in e for e in errors)


def test_outlet_drop_selectors_by_name(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "wire.toml").write_text(
        'name = "wire"\nfeeds = ["https://wire.example.org/feed"]\nallowed_domains = ["wire.example.org"]\n'
        '[extract]\ndrop_selectors = [".article-body p:nth-of-type(2)"]\n', encoding="utf-8")
    page = str(PAGES / "wire-story.html")
    plain = json.loads(run("--json", page).output)["text"]
    result = CliRunner().invoke(text_command, ["--json", "--source", "wire", page], obj=None,
                                env={"NEWSMON_CONFIG": str(tmp_path)})
    assert result.exit_code == 0, result.output
    dropped = json.loads(result.output)["text"]
    assert "chartered flight to Kashgar" in plain
    assert "chartered flight to Kashgar" not in dropped


def test_text_is_a_newsmon_command():
    from newsmon.cli import cli

    assert "text" in cli.commands


@pytest.fixture
def faulty_site():
    from tests.servers import Route, SiteServer, article_html, trickle

    polish = article_html("Łódź", ["Zażółć gęślą jaźń: władze Łodzi odesłały 40 osób do kraju. " * 4], charset=None)
    slow = trickle(b"<html><body><p>never finishes</p></body></html>")
    with SiteServer({
        "/trickle": Route(handler=slow),
        "/polish": Route(polish.encode("iso-8859-2"), content_type="text/html; charset=iso-8859-2"),
    }, hang_limit=5) as site:
        yield site
        slow.stop.set()


def _text_with_settings(tmp_path, settings: str, *args: str):
    """`newsmon text ARGS` with a settings.toml of its own, in a thread that must finish within 60 s."""
    from tests.servers import write_config

    config = write_config(tmp_path, {}, settings=settings)
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(CliRunner().invoke(
        text_command, ["--config", str(config), *args])), daemon=True)
    worker.start()
    worker.join(60)  # generous: the settings give the page 2 s
    assert not worker.is_alive(), "newsmon text outlived download_timeout"
    return outcome[0]


def test_a_trickling_server_times_out_by_download_timeout(tmp_path, faulty_site):
    settings = '[crawl]\nuser_agent = "newsmon-test (+mailto:t@example.org)"\ndownload_timeout = 2\n'
    result = _text_with_settings(tmp_path, settings, faulty_site.url("/trickle"), faulty_site.url("/polish"))
    assert result.exit_code == 1
    assert f"newsmon text: {faulty_site.url('/trickle')}: timed out after 2 s" in result.stderr
    assert faulty_site.hits[0].headers["User-Agent"] == "newsmon-test (+mailto:t@example.org)"
    assert "Zażółć gęślą jaźń" in result.stdout  # the next page still prints


def test_the_http_charset_decodes_a_page_that_declares_none(tmp_path, faulty_site):
    result = _text_with_settings(tmp_path, "", "--json", faulty_site.url("/polish"))
    assert result.exit_code == 0, result.output
    assert "Zażółć gęślą jaźń: władze Łodzi" in json.loads(result.stdout)["text"]


def test_unusable_settings_are_named(tmp_path, faulty_site):
    result = _text_with_settings(tmp_path, "[crawl]\ndownload_timeout = 0\n", faulty_site.url("/polish"))
    assert result.exit_code == 1
    assert "settings.toml:2: [crawl] download_timeout:" in result.stderr
