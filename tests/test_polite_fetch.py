"""`newsmon text URL` and `newsmon claims URL`: the configured user agent, and robots.txt obeyed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from crawler.fetch import RobotsRefused, RobotsRules, fetch_page
from newsmon.commands.claims_cmd import claims_command
from newsmon.commands.text_cmd import text_command
from tests.servers import Route, SiteServer, article_html, redirect, write_config

UA = "newsmon-test/0.1 (+mailto:tests@example.org)"
ROBOTS = "User-agent: *\nDisallow: /private/\n\nUser-agent: otherbot\nDisallow: /\n"
STORY = article_html("Flight returns 120 people", [
    "Authorities deported 120 people to their home country on Tuesday, officials said, in the third "
    "such flight this month.",
    "Rights groups said several of those returned had pending asylum claims and faced risks on arrival.",
])


@pytest.fixture
def site():
    with SiteServer({
        "/robots.txt": Route(ROBOTS, content_type="text/plain"),
        "/news/flight/": Route(STORY),
        "/private/flight/": Route(STORY),
        "/moved": redirect("/private/flight/"),
    }) as server:
        yield server


@pytest.fixture
def config(tmp_path):
    return str(write_config(tmp_path, {}))


def test_text_sends_the_configured_user_agent_to_the_page_and_its_robots(site, config):
    result = CliRunner().invoke(text_command, ["--config", config, "--json", site.url("/news/flight/")])
    assert result.exit_code == 0, result.output
    assert "Flight returns 120 people" in result.stdout
    assert [h.path for h in site.hits] == ["/robots.txt", "/news/flight/"]
    assert {h.headers["User-Agent"] for h in site.hits} == {UA}


def test_text_refuses_a_disallowed_url_in_one_line_and_goes_on(site, config):
    refused, allowed = site.url("/private/flight/"), site.url("/news/flight/")
    result = CliRunner().invoke(text_command, ["--config", config, "--json", refused, allowed])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"newsmon text: {refused}: refused by robots.txt")
    assert "/private/flight/" not in site.paths()  # never requested
    assert site.requested("/robots.txt") == 1  # read once for both pages
    assert "Flight returns 120 people" in result.stdout


def test_a_redirect_into_a_disallowed_path_is_refused(site, config):
    result = CliRunner().invoke(text_command, ["--config", config, site.url("/moved")])
    assert result.exit_code == 1
    assert f"{site.url('/moved')}: refused by robots.txt" in result.stderr
    assert "redirected to" in result.stderr
    assert "/private/flight/" not in site.paths()


def test_claims_refuses_a_disallowed_url(site, config):
    result = CliRunner().invoke(claims_command, ["--config", config, site.url("/private/flight/")])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"newsmon claims: {site.url('/private/flight/')}: refused by robots.txt")
    assert "/private/flight/" not in site.paths()


def test_claims_sends_the_configured_user_agent(site, config):
    result = CliRunner().invoke(claims_command, ["--config", config, "--json", site.url("/news/flight/")])
    assert result.exit_code == 0, result.output
    assert '"count": 120' in result.stdout
    assert [h.path for h in site.hits] == ["/robots.txt", "/news/flight/"]
    assert {h.headers["User-Agent"] for h in site.hits} == {UA}


def test_robots_answers_read_as_a_crawl_reads_them():
    with SiteServer({"/robots.txt": Route("down", status=503), "/a": Route(STORY)}) as down, \
            SiteServer({"/a": Route(STORY)}) as none:
        with pytest.raises(RobotsRefused, match=r"/a: refused: robots.txt unavailable \(HTTP 503\)"):
            fetch_page(down.url("/a"), user_agent=UA, robots=RobotsRules())
        assert "/a" not in down.paths()
        body, _final = fetch_page(none.url("/a"), user_agent=UA, robots=RobotsRules())  # 404: no rules
        assert b"Flight returns 120 people" in body
    with SiteServer({"/robots.txt": Route(ROBOTS, content_type="text/plain"), "/a": Route(STORY)}) as site:
        with pytest.raises(RobotsRefused):
            fetch_page(site.url("/a"), user_agent="otherbot/2.0", robots=RobotsRules())
