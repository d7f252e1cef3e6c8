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


@pytest.mark.parametrize("text, key, problem", [
    (GOOD + 'titel = "x"\n', "titel", "unknown key (did you mean 'title'?)"),
    (GOOD + "[politeness]\nconcurency = 2\n", "politeness.concurency", "unknown key"),
    (GOOD + "[fetch]\nx = 1\n", "fetch", "unknown key"),
    (GOOD + 'enabled = "yes"\n', "enabled", "valid boolean"),
    (GOOD + 'listing_depth = "3"\n', "listing_depth", "valid integer"),
    (GOOD + "max_new_articles = 0\n", "max_new_articles", "greater than or equal to 1"),
    (GOOD + 'article_url_patterns = ["ok", "(unclosed"]\n', "article_url_patterns[1]", "invalid regex"),
    (GOOD + 'deny_url_patterns = ["[a-"]\n', "deny_url_patterns[0]", "invalid regex"),
    (GOOD + 'listing_url_patterns = ["*x"]\n', "listing_url_patterns[0]", "invalid regex"),
    ('name = "x"\nfeeds = ["https://ok.example.org/", "example.org/rss"]\n', "feeds[1]", "not an http(s) URL"),
    ('name = "x"\nsitemaps = ["ftp://example.org/s.xml"]\n', "sitemaps[0]", "not an http(s) URL"),
    ('name = "x"\nstart_urls = ["https://example.org:99999/"]\n', "start_urls[0]", "malformed URL"),
    (GOOD + 'allowed_domains = ["https://example.org/"]\n', "allowed_domains[0]", "not a host name"),
    (GOOD + 'sitemaps = "https://x.org/s.xml"\n', "sitemaps", "valid list"),
    ('name = "Bad Name"\nfeeds = ["https://x.org/f"]\n', "name", "lower-case"),
    ('title = "no name"\nfeeds = ["https://x.org/f"]\n', "name", "required key is missing"),
    ('name = "x"\n', "feeds", "nothing to crawl"),
    ('name = "x"\nstart_urls = ["https://x.org/"]\n', "article_url_patterns", "start_urls need article_url_patterns"),
    (GOOD + '[extract]\ndrop_selectors = ["div[[["]\n', "extract.drop_selectors[0]", "invalid CSS selector"),
])
def test_each_problem_is_one_line_naming_file_and_key(tmp_path, text, key, problem):
    errors = _errors(tmp_path, text)
    assert len(errors) == 1, errors
    path = str(tmp_path / "config" / "sources" / "outlet.toml")
    assert errors[0].startswith(f"{path}: {key}: "), errors[0]
    assert problem in errors[0]
    assert "\n" not in errors[0]


def test_not_toml_is_one_line(tmp_path):
    errors = _errors(tmp_path, 'name = "x"\nfeeds = [\n')
    assert len(errors) == 1 and "not valid TOML" in errors[0] and "outlet.toml" in errors[0]


def test_duplicate_names_name_both_files(tmp_path):
    errors = _errors(tmp_path, GOOD, {"zz-copy": GOOD})
    assert len(errors) == 1
    assert "zz-copy.toml: name: duplicate name 'good-news'" in errors[0] and "outlet.toml" in errors[0]


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
    assert "bad.toml: colour: unknown key" in result.output
    # Checking one outlet looks at its file only.
    assert runner.invoke(cli, ["sources", "check", "good-news", "--config", str(bad)]).exit_code == 0
    assert runner.invoke(cli, ["sources", "check", "bad", "--config", str(bad)]).exit_code == 1
    assert runner.invoke(cli, ["sources", "check", "nosuch", "--config", str(bad)]).exit_code == 1


def test_check_command_checks_settings(tmp_path):
    config = write_config(tmp_path, {"good": GOOD}, settings='[crawl]\nuser_agent = "anonymous-bot"\n')
    result = CliRunner().invoke(cli, ["sources", "check", "--config", str(config)])
    assert result.exit_code == 1 and "user_agent must name a contact address" in result.output
    config = write_config(tmp_path / "2", {"good": GOOD}, settings="[crawl]\ndownload_timout = 3\n")
    result = CliRunner().invoke(cli, ["sources", "check", "--config", str(config)])
    assert result.exit_code == 1 and "download_timout" in result.output


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
