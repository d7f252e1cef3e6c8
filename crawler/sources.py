"""Outlet configs (`config/sources/*.toml`): the schema and its loader.

Every problem is reported as one line naming the file, the key and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
HOST_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
BASE_PLACEHOLDER = "{base}"


class Politeness(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    download_delay: float = Field(1.0, ge=0, le=600)
    concurrency: int = Field(2, ge=1, le=32)
    autothrottle: bool | None = None  # None: the `autothrottle` of settings.toml [crawl]


class ExtractOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    drop_selectors: list[str] = []

    @field_validator("drop_selectors")
    @classmethod
    def _selectors(cls, values: list[str]) -> list[str]:
        from cssselect import GenericTranslator, SelectorError

        for i, selector in enumerate(values):
            try:
                GenericTranslator().css_to_xpath(selector)
            except SelectorError as exc:
                raise ValueError(f"[{i}] invalid CSS selector {selector!r}: {exc}") from None
        return values


class SourceConfig(BaseModel):
    """One outlet: where to find its articles and how to crawl it politely."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str
    title: str = ""
    enabled: bool = True
    demo: bool = False  # crawled by `newsmon demo` only; "{base}" in its URLs is the local demo address
    feeds: list[str] = []
    sitemaps: list[str] = []
    robots_sitemaps: bool = False
    sitemap_max_age_days: int = Field(0, ge=0)
    start_urls: list[str] = []
    listing_url_patterns: list[str] = []
    listing_depth: int = Field(3, ge=0, le=50)
    stop_at_seen_page: bool = True
    allowed_domains: list[str] = []
    article_url_patterns: list[str] = []
    deny_url_patterns: list[str] = []
    drop_query_params: list[str] = []
    canonical: bool = True
    max_new_articles: int = Field(200, ge=1)
    politeness: Politeness = Politeness()
    extract: ExtractOptions = ExtractOptions()

    @field_validator("name")
    @classmethod
    def _name_shape(cls, value: str) -> str:
        if not NAME_RE.match(value):
            raise ValueError("must be lower-case letters, digits and '-', starting with a letter or digit")
        return value

    @field_validator("feeds", "sitemaps", "start_urls")
    @classmethod
    def _urls(cls, values: list[str]) -> list[str]:
        for i, url in enumerate(values):
            try:
                parsed = urlparse(url.replace(BASE_PLACEHOLDER, "http://base.invalid"))
                parsed.port  # noqa: B018 - raises on a bad port
            except ValueError as exc:
                raise ValueError(f"[{i}] malformed URL {url!r}: {exc}") from None
            if parsed.scheme not in ("http", "https") or not parsed.hostname or " " in url:
                raise ValueError(f"[{i}] not an http(s) URL: {url!r}")
        if len(set(values)) != len(values):
            raise ValueError("the same URL is listed twice")
        return values

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, values: list[str]) -> list[str]:
        for i, host in enumerate(values):
            if not HOST_RE.match(host):
                raise ValueError(f"[{i}] not a host name (write 'example.org', without scheme or path): {host!r}")
        return [h.lower() for h in values]

    @field_validator("article_url_patterns", "deny_url_patterns", "listing_url_patterns")
    @classmethod
    def _regexes(cls, values: list[str]) -> list[str]:
        for i, pattern in enumerate(values):
            try:
                re.compile(pattern.replace(BASE_PLACEHOLDER, "http://base.invalid"))
            except re.error as exc:
                raise ValueError(f"[{i}] invalid regex {pattern!r}: {exc}") from None
        return values

    @model_validator(mode="after")
    def _something_to_crawl(self) -> "SourceConfig":
        if not (self.feeds or self.sitemaps or self.start_urls or self.robots_sitemaps):
            raise ValueError("feeds: nothing to crawl: give feeds, sitemaps, start_urls or robots_sitemaps = true")
        if self.start_urls and not self.article_url_patterns:
            raise ValueError("article_url_patterns: start_urls need article_url_patterns (which links of a listing page are articles)")
        if self.robots_sitemaps and not (self.feeds or self.sitemaps or self.start_urls or self.allowed_domains):
            raise ValueError("robots_sitemaps: needs a site address: give allowed_domains or another URL")
        return self

    def with_base(self, base: str) -> "SourceConfig":
        """The config with `{base}` replaced by a real address (demo outlets)."""
        def sub(value: str, escape: bool = False) -> str:
            return value.replace(BASE_PLACEHOLDER, re.escape(base) if escape else base)

        data = self.model_dump()
        for key in ("feeds", "sitemaps", "start_urls"):
            data[key] = [sub(v) for v in data[key]]
        for key in ("article_url_patterns", "deny_url_patterns", "listing_url_patterns"):
            data[key] = [sub(v, escape=True) for v in data[key]]
        return SourceConfig.model_validate(data)

    def hosts(self) -> list[str]:
        """The hosts whose pages belong to the outlet (and their subdomains)."""
        if self.allowed_domains:
            return list(self.allowed_domains)
        urls = [*self.feeds, *self.sitemaps, *self.start_urls]
        return sorted({urlparse(u).hostname for u in urls if urlparse(u).hostname})

    def site_roots(self) -> list[str]:
        """Scheme and host of each site the outlet lives on (where its robots.txt is)."""
        roots = []
        for url in [*self.feeds, *self.sitemaps, *self.start_urls]:
            p = urlparse(url)
            roots.append(f"{p.scheme}://{p.netloc}")
        if not roots:
            roots = [f"https://{host}" for host in self.allowed_domains]
        return list(dict.fromkeys(roots))


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
    loc = [str(part) for part in err["loc"]]
    # A wrong item of a list: "feeds[2]" rather than "feeds.2".
    key = ""
    for part in loc:
        key += f"[{part}]" if part.isdigit() else (f".{part}" if key else part)
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        message = "unknown key" + (f" (did you mean {_close_key(loc)!r}?)" if _close_key(loc) else "")
    elif err["type"] == "missing":
        message = "required key is missing"
    elif message.startswith("Value error, "):
        message = message[len("Value error, "):]
        if message.startswith("["):  # "[2] invalid regex …": the index belongs to the key
            index, message = message.split("] ", 1)
            key += index + "]"
        elif not key and re.match(r"^[a-z_]+: ", message):  # a rule across keys names its key
            key, message = message.split(": ", 1)
    elif "input" in err and not isinstance(err["input"], (dict, list)):
        message += f" (got {err['input']!r})"
    return f"{path}: {key or '(file)'}: {message}"


def _close_key(loc: list[str]) -> str | None:
    import difflib

    model: type[BaseModel] = SourceConfig
    for part in loc[:-1]:
        field = model.model_fields.get(part)
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    matches = difflib.get_close_matches(loc[-1], list(model.model_fields), n=1, cutoff=0.75)
    return matches[0] if matches else None


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
