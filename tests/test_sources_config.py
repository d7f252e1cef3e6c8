"""Outlet configs: the schema, its one-line errors, `newsmon sources list|check`, and the reference docs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from crawler.sources import SourceConfig, load_sources
from newsmon.cli import cli
from tests.servers import FAST_SETTINGS, write_config

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "sources.md"

GOOD = '''name = "good-news"
feeds = ["https://good.example.org/feed/"]
'''


def _errors(tmp_path, text: str, extra: dict[str, str] | None = None) -> list[str]:
    config = write_config(tmp_path, {"outlet": text, **(extra or {})})
    return load_sources(config).errors


@pytest.mark.parametrize("text, key, line, problem", [
    (GOOD + 'titel = "x"\n', "titel", 3, "unknown key (did you mean 'title'?)"),
    (GOOD + "[politeness]\nconcurency = 2\n", "politeness.concurency", 4, "unknown key"),
    (GOOD + "[fetch]\nx = 1\n", "fetch", 3, "unknown key"),
    (GOOD + 'enabled = "yes"\n', "enabled", 3, "valid boolean"),
    (GOOD + 'listing_depth = "3"\n', "listing_depth", 3, "valid integer"),
    (GOOD + "max_new_articles = 0\n", "max_new_articles", 3, "greater than or equal to 1"),
    (GOOD + 'article_url_patterns = ["ok", "(unclosed"]\n', "article_url_patterns[1]", 3, "invalid regex"),
    (GOOD + 'deny_url_patterns = ["[a-"]\n', "deny_url_patterns[0]", 3, "invalid regex"),
    (GOOD + 'listing_url_patterns = ["*x"]\n', "listing_url_patterns[0]", 3, "invalid regex"),
    ('name = "x"\nfeeds = ["https://ok.example.org/", "example.org/rss"]\n', "feeds[1]", 2, "not an http(s) URL"),
    ('name = "x"\nsitemaps = ["ftp://example.org/s.xml"]\n', "sitemaps[0]", 2, "not an http(s) URL"),
    ('name = "x"\narticle_url_patterns = ["/"]\nstart_urls = [\n  "https://example.org:99999/",\n]\n',
     "start_urls[0]", 4, "malformed URL"),
    ('name = "x"\nfeeds = ["https://a.org/", "https://b.org/", "https://a.org/"]\n', "feeds[2]", 2,
     "the same URL is listed twice (first at [0])"),
    (GOOD + 'allowed_domains = ["https://example.org/"]\n', "allowed_domains[0]", 3, "not a host name"),
    (GOOD + 'sitemaps = "https://x.org/s.xml"\n', "sitemaps", 3, "valid list"),
    ('name = "Bad Name"\nfeeds = ["https://x.org/f"]\n', "name", 1, "lower-case"),
    ('title = "no name"\nfeeds = ["https://x.org/f"]\n', "name", 1, "required key is missing"),
    ('name = "x"\n', "feeds", 1, "nothing to crawl"),
    ('name = "x"\n\nstart_urls = ["https://x.org/"]\n', "article_url_patterns", 3,
     "start_urls need article_url_patterns"),
    (GOOD + '[extract]\ndrop_selectors = ["div[[["]\n', "extract.drop_selectors[0]", 4, "invalid CSS selector"),
])
def test_each_problem_is_one_line_naming_file_line_and_key(tmp_path, text, key, line, problem):
    errors = _errors(tmp_path, text)
    assert len(errors) == 1, errors
    path = str(tmp_path / "config" / "sources" / "outlet.toml")
    assert errors[0].startswith(f"{path}:{line}: {key}: "), errors[0]
    assert problem in errors[0]
    assert "\n" not in errors[0]


def test_every_bad_item_of_a_list_and_every_problem_of_a_file_with_its_line(tmp_path):
    text = ('name = "x"\n'                                          # 1
            'feeds = [\n'                                           # 2
            '  "https://ok.example.org/feed",\n'                    # 3
            '  "example.org/rss",      # no scheme\n'               # 4
            '  "ftp://example.org/feed",\n'                         # 5
            ']\n'                                                   # 6
            'start_urls = ["https://ok.example.org/"]\n'           # 7
            'deny_url_patterns = ["(", "ok", "[x"]\n'              # 8
            'titel = "X"\n'                                         # 9
            '[politeness]\n'                                        # 10
            'concurrency = 0\n'                                     # 11
            'download_delay = -1.0\n')                              # 12
    path = str(tmp_path / "config" / "sources" / "outlet.toml")
    errors = _errors(tmp_path, text)
    where = [e[len(path) + 1:].split(": ", 2)[:2] for e in errors]
    assert where == [["4", "feeds[1]"], ["5", "feeds[2]"],
                     ["7", "article_url_patterns"],  # the rule across keys, beside the rest
                     ["8", "deny_url_patterns[0]"], ["8", "deny_url_patterns[2]"], ["9", "titel"],
                     ["11", "politeness.concurrency"], ["12", "politeness.download_delay"]], errors


@pytest.mark.parametrize("limit, line", [
    ("max_new_articles = 0", "max_new_articles: Input should be greater than or equal to 1"),
    ("max_new_articles = -5", "max_new_articles: Input should be greater than or equal to 1"),
    ("listing_depth = -1", "listing_depth: Input should be greater than or equal to 0"),
    ("sitemap_max_age_days = -30", "sitemap_max_age_days: Input should be greater than or equal to 0"),
    ("[politeness]\nconcurrency = 0", "politeness.concurrency: Input should be greater than or equal to 1"),
    ("[politeness]\ndownload_delay = -1.0", "politeness.download_delay: Input should be greater than or equal to 0"),
])
def test_an_outlet_s_limits_below_their_minimum_are_rejected(tmp_path, limit, line):
    errors = _errors(tmp_path, GOOD + "\n" + limit + "\n")  # the limit's key is on line 4 or 5
    path = str(tmp_path / "config" / "sources" / "outlet.toml")
    assert len(errors) == 1 and errors[0].startswith(f"{path}:{4 + limit.count(chr(10))}: {line}"), errors


def test_not_toml_is_one_line(tmp_path):
    errors = _errors(tmp_path, 'name = "x"\nfeeds = [\n')
    path = str(tmp_path / "config" / "sources" / "outlet.toml")
    assert len(errors) == 1 and errors[0].startswith(f"{path}:2: not valid TOML: "), errors
    errors = _errors(tmp_path, 'name = "x"\ntitle = "a\nfeeds = []\n')
    assert errors[0].startswith(f"{path}:2: not valid TOML: "), errors
    (tmp_path / "config" / "sources" / "outlet.toml").write_bytes(b'name = "x"\n\ntitle = "caf\xe9"\n')
    assert load_sources(tmp_path / "config").errors == [f"{path}:3: not UTF-8 text: invalid continuation byte"]


def test_key_lines_follow_strings_arrays_and_inline_tables():
    from crawler.toml_lines import key_lines

    text = ('name = "x"  # a comment with feeds = [\n'
            'title = """\nfeeds = ["not a key"]\n"""\n'
            "feeds = ['https://a.org/',  # ] not the end\n"
            '  "https://b.org/\\"]"]\n'
            'politeness = { concurrency = 2, autothrottle = true }\n'
            '[extract]\n'
            'drop_selectors = [\n\n  ".a",\n  ".b"]\n')
    tomllib.loads(text)
    lines = key_lines(text)
    assert lines[("name",)] == 1 and lines[("title",)] == 2
    assert lines[("feeds",)] == 5 and lines[("feeds", 0)] == 5 and lines[("feeds", 1)] == 6
    assert lines[("politeness", "autothrottle")] == 7
    assert lines[("extract",)] == 8 and lines[("extract", "drop_selectors", 1)] == 12


def test_duplicate_names_name_both_files(tmp_path):
    errors = _errors(tmp_path, GOOD, {"zz-copy": GOOD})
    assert len(errors) == 1
    first = tmp_path / "config" / "sources" / "outlet.toml"
    assert errors[0].endswith(f"zz-copy.toml:1: name: duplicate name 'good-news' (also in {first}:1)")


def test_several_problems_give_several_lines(tmp_path):
    errors = _errors(tmp_path, GOOD + 'enabled = "no"\ntitel = "x"\narticle_url_patterns = ["("]\n')
    assert len(errors) == 3


def test_one_bad_file_leaves_the_others(tmp_path):
    config = write_config(tmp_path, {"bad": 'name = "bad"\n', "good": GOOD})
    loaded = load_sources(config)
    assert [s.name for s in loaded.sources] == ["good-news"] and len(loaded.errors) == 1


def test_check_command_exit_status(tmp_path):
    runner = CliRunner()
    good = write_config(tmp_path / "a", {"good": GOOD})
    result = runner.invoke(cli, ["sources", "check", "--config", str(good)])
    assert result.exit_code == 0 and "1 outlet config(s) OK" in result.output
    bad = write_config(tmp_path / "b", {"good": GOOD, "bad": GOOD.replace("good-news", "bad") + "colour = 1\n"})
    result = runner.invoke(cli, ["sources", "check", "--config", str(bad)])
    assert result.exit_code == 1
    assert "bad.toml:3: colour: unknown key" in result.output
    # Checking one outlet looks at its file only.
    assert runner.invoke(cli, ["sources", "check", "good-news", "--config", str(bad)]).exit_code == 0
    assert runner.invoke(cli, ["sources", "check", "bad", "--config", str(bad)]).exit_code == 1
    assert runner.invoke(cli, ["sources", "check", "nosuch", "--config", str(bad)]).exit_code == 1


def test_check_command_checks_an_invalid_outlet_by_name(tmp_path):
    # The file is not named after the outlet, and the config is invalid: it is still found by its name.
    config = write_config(tmp_path, {
        "good": GOOD,
        "2024-asia": 'name = "asia-wire"\nfeeds = ["asia.example.org/rss", "ftp://asia.example.org/"]\ncolour = 1\n',
        "broken": 'name = "broken-wire"\nfeeds = [\n',
    })
    runner = CliRunner()
    result = runner.invoke(cli, ["sources", "check", "asia-wire", "--config", str(config)])
    assert result.exit_code == 1
    assert "no outlet named" not in result.output
    path = config / "sources" / "2024-asia.toml"
    assert f"{path}:2: feeds[0]: not an http(s) URL" in result.output
    assert f"{path}:2: feeds[1]: not an http(s) URL" in result.output
    assert f"{path}:3: colour: unknown key" in result.output
    assert "good.toml" not in result.output
    result = runner.invoke(cli, ["sources", "check", "broken-wire", "--config", str(config)])
    assert result.exit_code == 1 and f"{config / 'sources' / 'broken.toml'}:2: not valid TOML" in result.output
    result = runner.invoke(cli, ["sources", "try", "asia-wire", "--config", str(config)])
    assert result.exit_code == 1 and f"{path}:3: colour: unknown key" in result.output


def test_check_command_checks_settings(tmp_path):
    config = write_config(tmp_path, {"good": GOOD}, settings='[crawl]\nuser_agent = "anonymous-bot"\n')
    result = CliRunner().invoke(cli, ["sources", "check", "--config", str(config)])
    assert result.exit_code == 1
    assert f"{config / 'settings.toml'}:2: [crawl] user_agent: must name a contact address" in result.output
    config = write_config(tmp_path / "2", {"good": GOOD}, settings="[crawl]\ndownload_timout = 3\n")
    result = CliRunner().invoke(cli, ["sources", "check", "--config", str(config)])
    assert result.exit_code == 1
    assert "settings.toml:2: [crawl] download_timout: unknown key (did you mean 'download_timeout'?)" in result.output


@pytest.mark.parametrize("value, problem", [
    ("max_page_bytes = 0", "max_page_bytes: must be a whole number of bytes > 0 (0 would mean no limit) (got 0)"),
    ("max_page_bytes = -1", "max_page_bytes: must be a whole number of bytes > 0"),
    ("max_page_bytes = 0.5", "max_page_bytes: must be a whole number of bytes > 0"),
    ("download_timeout = 0", "download_timeout: must be a number of seconds > 0 (0 would mean no limit) (got 0)"),
    ("download_timeout = -2.5", "download_timeout: must be a number of seconds > 0"),
    ("download_timeout = inf", "download_timeout: must be a number of seconds > 0"),
    ("download_timeout = nan", "download_timeout: must be a number of seconds > 0"),
    ('download_timeout = "20"', "download_timeout: must be a number of seconds > 0"),
    ("retry_times = -1", "retry_times: must be a whole number of retries >= 0"),
    ("autothrottle = 1", "autothrottle: must be true or false"),
])
def test_settings_limits_must_be_positive(tmp_path, value, problem):
    settings = f"# crawl limits\n[crawl]\n\n{value}\n"
    config = write_config(tmp_path, {"good": GOOD}, settings=settings)
    result = CliRunner().invoke(cli, ["sources", "check", "--config", str(config)])
    assert result.exit_code == 1
    assert f"{config / 'settings.toml'}:4: [crawl] {problem}" in result.output, result.output


def test_every_settings_problem_is_reported_with_its_line(tmp_path):
    settings = ('[crawl]\nuser_agent = "x (+mailto:x@example.org)"\nmax_page_bytes = 0\n'
                'download_timeout = 0\n[review]\nport = 99999\n[crawel]\n')
    config = write_config(tmp_path, {"good": GOOD}, settings=settings)
    result = CliRunner().invoke(cli, ["sources", "check", "--config", str(config)])
    path = config / "settings.toml"
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert [line[len(str(path)) + 1:].split(":", 1)[0] for line in lines] == ["7", "4", "3", "6"], lines


def test_a_crawl_with_unusable_settings_refuses_to_start(tmp_path):
    from tests.helpers import run_newsmon
    from tests.servers import Route, SiteServer, outlet_toml, rss

    with SiteServer({"/feed.xml": Route(rss(["{{BASE}}/news/a/"]), content_type="application/rss+xml")}) as site:
        settings = FAST_SETTINGS.replace("max_page_bytes = 200000", "max_page_bytes = 0")
        config = write_config(tmp_path, {"site": outlet_toml("site", site.base, feeds=["/feed.xml"])},
                              settings=settings)
        line = settings.splitlines().index("max_page_bytes = 0") + 1
        result = run_newsmon("crawl", "--config", str(config), "--db", str(tmp_path / "n.db"), timeout=120)
        assert result.returncode == 1
        assert f"{config / 'settings.toml'}:{line}: [crawl] max_page_bytes: must be a whole number" in result.stderr
        assert site.paths() == []  # nothing was fetched with the size cap off


def test_list_command(tmp_path):
    config = write_config(tmp_path, {
        "good": GOOD + 'title = "Good News"\n',
        "off": GOOD.replace("good-news", "off-news") + "enabled = false\n",
        "bad": 'name = "bad"\n',
    }, settings=FAST_SETTINGS)
    result = CliRunner().invoke(cli, ["sources", "list", "--config", str(config)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any(line.startswith("good-news") and "enabled" in line and "Good News" in line for line in lines)
    assert any(line.startswith("off-news") and "disabled" in line for line in lines)
    assert "1 config error(s)" in result.output


def test_shipped_configs_are_valid():
    loaded = load_sources(ROOT / "config")
    assert loaded.errors == []
    assert loaded.sources


def _toml_blocks(markdown: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", markdown, re.S)


def test_docs_example_is_a_complete_valid_config():
    (example,) = _toml_blocks(DOCS.read_text(encoding="utf-8"))
    data = tomllib.loads(example)
    SourceConfig.model_validate(data)

    def keys(model: type[BaseModel], prefix: str = "") -> set[str]:
        found = set()
        for name, field in model.model_fields.items():
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                found |= keys(annotation, f"{name}.")
            else:
                found.add(prefix + name)
        return found

    def present(d: dict, prefix: str = "") -> set[str]:
        out = set()
        for k, v in d.items():
            out |= present(v, f"{k}.") if isinstance(v, dict) else {prefix + k}
        return out

    # Every key but the demo switch appears in the example.
    assert keys(SourceConfig) - present(data) == {"demo"}


def test_every_key_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    for name, field in SourceConfig.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            assert f"### `[{name}]`" in text, name
            for sub in annotation.model_fields:
                assert f"| `{sub}` |" in text, f"{name}.{sub}"
        else:
            assert f"| `{name}` |" in text, name
    from crawler.settings import DEFAULTS

    for key in DEFAULTS:
        assert f"| `{key}` |" in text, key
