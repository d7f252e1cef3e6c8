"""Outlet configs (`config/sources/*.toml`): the schema and its loader.

Every problem is reported as one line naming the file, the key and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
BASE_PLACEHOLDER = "{base}"


class Politeness(BaseModel):
    model_config = ConfigDict(extra="forbid")
    download_delay: float = Field(1.0, ge=0)
    concurrency: int = Field(2, ge=1, le=32)


class ExtractOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    drop_selectors: list[str] = []


class SourceConfig(BaseModel):
    """One outlet: where to find its articles and how to crawl it politely."""

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str = ""
    enabled: bool = True
    demo: bool = False  # crawled by `newsmon demo` only; "{base}" in its URLs is the local demo address
    feeds: list[str] = []
    sitemaps: list[str] = []
    start_urls: list[str] = []
    allowed_domains: list[str] = []
    article_url_patterns: list[str] = []
    deny_url_patterns: list[str] = []
    listing_depth: int = Field(3, ge=0, le=50)
    max_new_articles: int = Field(200, ge=1)
    politeness: Politeness = Politeness()
    extract: ExtractOptions = ExtractOptions()

    @field_validator("name")
    @classmethod
    def _name_shape(cls, value: str) -> str:
        if not NAME_RE.match(value):
            raise ValueError("must be lower-case letters, digits and '-'")
        return value

    @field_validator("feeds", "sitemaps", "start_urls")
    @classmethod
    def _urls(cls, values: list[str]) -> list[str]:
        for url in values:
            parsed = urlparse(url.replace(BASE_PLACEHOLDER, "http://base.invalid"))
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValueError(f"not an http(s) URL: {url!r}")
        return values

    @field_validator("article_url_patterns", "deny_url_patterns")
    @classmethod
    def _regexes(cls, values: list[str]) -> list[str]:
        for pattern in values:
            try:
                re.compile(pattern.replace(BASE_PLACEHOLDER, "http://base.invalid"))
            except re.error as exc:
                raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
        return values

    def with_base(self, base: str) -> "SourceConfig":
        """The config with `{base}` replaced by a real address (demo outlets)."""
        def sub(value: str, escape: bool = False) -> str:
            return value.replace(BASE_PLACEHOLDER, re.escape(base) if escape else base)

        data = self.model_dump()
        for key in ("feeds", "sitemaps", "start_urls"):
            data[key] = [sub(v) for v in data[key]]
        for key in ("article_url_patterns", "deny_url_patterns"):
            data[key] = [sub(v, escape=True) for v in data[key]]
        return SourceConfig.model_validate(data)

    def hosts(self) -> list[str]:
        if self.allowed_domains:
            return list(self.allowed_domains)
        urls = [*self.feeds, *self.sitemaps, *self.start_urls]
        return sorted({urlparse(u).hostname for u in urls if urlparse(u).hostname})


class SourceLoadResult(BaseModel):
    sources: list[SourceConfig] = []
    errors: list[str] = []


def load_source_file(path: Path) -> tuple[SourceConfig | None, list[str]]:
    """Parse and validate one config file; errors are one line each, naming file and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path}: cannot read: {exc}"]
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{path}: not valid TOML: {exc}"]
    try:
        return SourceConfig.model_validate(data), []
    except ValidationError as exc:
        return None, [_error_line(path, err) for err in exc.errors()]


def _error_line(path: Path, err: dict) -> str:
    key = ".".join(str(part) for part in err["loc"]) or "(file)"
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        message = "unknown key"
    elif message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return f"{path}: {key}: {message}"


def load_sources(config_dir: Path) -> SourceLoadResult:
    """Load every `sources/*.toml` below `config_dir`; duplicate names are errors."""
    result = SourceLoadResult()
    seen: dict[str, Path] = {}
    for path in sorted((config_dir / "sources").glob("*.toml")):
        source, errors = load_source_file(path)
        result.errors.extend(errors)
        if source is None:
            continue
        if source.name in seen:
            result.errors.append(f"{path}: name: duplicate name {source.name!r} (also in {seen[source.name]})")
            continue
        seen[source.name] = path
        result.sources.append(source)
    return result
