"""Outlet configs (`config/sources/*.toml`): the schema and its loader.

Every problem is reported as one line naming the file, the line, the key and
what is wrong (`config/sources/x.toml:4: feeds[1]: not an http(s) URL: …`);
every bad item of a list is reported, not only the first.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
HOST_RE = re.compile(r"^(?=.{1,253}$)"  # at most 253 characters, of labels of at most 63
                     r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
BASE_PLACEHOLDER = "{base}"


def _http_url(url: str) -> str:
    try:
        parsed = urlparse(url.replace(BASE_PLACEHOLDER, "http://base.invalid"))
        parsed.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise ValueError(f"malformed URL {url!r}: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname or " " in url:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url


def _host_name(host: str) -> str:
    if not HOST_RE.match(host):
        raise ValueError(f"not a host name (write 'example.org', without scheme or path): {host!r}")
    return host.lower()


def _regex(pattern: str) -> str:
    try:
        re.compile(pattern.replace(BASE_PLACEHOLDER, "http://base.invalid"))
    except re.error as exc:
        raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
    return pattern


def _css_selector(selector: str) -> str:
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from None
    return selector


# List items checked one by one: every bad item of a list is reported, each with its index.
Url = Annotated[str, AfterValidator(_http_url)]
HostName = Annotated[str, AfterValidator(_host_name)]
Regex = Annotated[str, AfterValidator(_regex)]
CssSelector = Annotated[str, AfterValidator(_css_selector)]


class Politeness(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    download_delay: float = Field(1.0, ge=0, le=600)
    concurrency: int = Field(2, ge=1, le=32)
    autothrottle: bool | None = None  # None: the `autothrottle` of settings.toml [crawl]


class ExtractOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    drop_selectors: list[CssSelector] = []


class SourceConfig(BaseModel):
    """One outlet: where to find its articles and how to crawl it politely."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str
    title: str = ""
    enabled: bool = True
    demo: bool = False  # crawled by `newsmon demo` only; "{base}" in its URLs is the local demo address
    homepage: Url | None = None  # its feeds (<link rel="alternate">) and robots.txt sitemaps are found each run
    feeds: list[Url] = []
    sitemaps: list[Url] = []
    robots_sitemaps: bool = False
    sitemap_max_age_days: int = Field(0, ge=0)
    start_urls: list[Url] = []
    listing_url_patterns: list[Regex] = []
    listing_depth: int = Field(3, ge=0, le=50)
    stop_at_seen_page: bool = True
    allowed_domains: list[HostName] = []
    article_url_patterns: list[Regex] = []
    deny_url_patterns: list[Regex] = []
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
    def _no_repeats(cls, values: list[str]) -> list[str]:
        repeats = [i for i, url in enumerate(values) if url in values[:i]]
        if repeats:
            first = values.index(values[repeats[0]])
            raise ValueError(f"[{repeats[0]}] the same URL is listed twice (first at [{first}])"
                             + (f"; so are [{'], ['.join(map(str, repeats[1:]))}]" if repeats[1:] else ""))
        return values

    @model_validator(mode="after")
    def _something_to_crawl(self) -> SourceConfig:
        problems = rules_across_keys(self.model_dump())
        if problems:
            key, _anchor, message = problems[0]
            raise ValueError(f"{key}: {message}")
        return self

    def with_base(self, base: str) -> SourceConfig:
        """The config with `{base}` replaced by a real address (demo outlets)."""
        def sub(value: str, escape: bool = False) -> str:
            return value.replace(BASE_PLACEHOLDER, re.escape(base) if escape else base)

        data = self.model_dump()
        for key in ("feeds", "sitemaps", "start_urls"):
            data[key] = [sub(v) for v in data[key]]
        if data.get("homepage"):
            data["homepage"] = sub(data["homepage"])
        for key in ("article_url_patterns", "deny_url_patterns", "listing_url_patterns"):
            data[key] = [sub(v, escape=True) for v in data[key]]
        return SourceConfig.model_validate(data)

    def urls(self) -> list[str]:
        """Every URL of the config: homepage, feeds, sitemaps and start URLs."""
        return [*([self.homepage] if self.homepage else []), *self.feeds, *self.sitemaps, *self.start_urls]

    def hosts(self) -> list[str]:
        """The hosts whose pages belong to the outlet (and their subdomains)."""
        if self.allowed_domains:
            return list(self.allowed_domains)
        urls = self.urls()
        hosts = (urlparse(u).hostname for u in urls)
        return sorted({host for host in hosts if host})

    def site_roots(self) -> list[str]:
        """Scheme and host of each site the outlet lives on (where its robots.txt is)."""
        roots = []
        for url in self.urls():
            p = urlparse(url)
            roots.append(f"{p.scheme}://{p.netloc}")
        if not roots:
            roots = [f"https://{host}" for host in self.allowed_domains]
        return list(dict.fromkeys(roots))


def rules_across_keys(data: dict) -> list[tuple[str, str, str]]:
    """The rules that tie keys together, checked on the raw config: (key, key whose line to show, message).

    Run on the raw data too, so that they are reported beside the problems of single keys.
    """
    def given(key: str) -> bool:
        return bool(data.get(key))

    problems = []
    if not (given("homepage") or given("feeds") or given("sitemaps") or given("start_urls")
            or data.get("robots_sitemaps") is True):
        problems.append(("feeds", "name",
                         "nothing to crawl: give homepage, feeds, sitemaps, start_urls or robots_sitemaps = true"))
    if given("start_urls") and not given("article_url_patterns"):
        problems.append(("article_url_patterns", "start_urls",
                         "start_urls need article_url_patterns (which links of a listing page are articles)"))
    if data.get("robots_sitemaps") is True and not (given("homepage") or given("feeds") or given("sitemaps")
                                                     or given("start_urls") or given("allowed_domains")):
        problems.append(("robots_sitemaps", "robots_sitemaps",
                         "needs a site address: give allowed_domains or another URL"))
    return problems


class SourceLoadResult(BaseModel):
    sources: list[SourceConfig] = []
    errors: list[str] = []
    paths: dict[str, str] = {}  # outlet name -> its file, for every file that names one (valid or not)


def load_source_file(path: Path) -> tuple[SourceConfig | None, list[str]]:
    """Parse and validate one config file; errors are one line each: `FILE:LINE: KEY: what is wrong`."""
    source, errors, _data = _load(path)
    return source, errors


def _load(path: Path) -> tuple[SourceConfig | None, list[str], dict]:
    from crawler.toml_lines import key_lines, syntax_error

    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [f"{path}: cannot read: {exc.strerror or exc}"], {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [f"{path}:{line}: not UTF-8 text: {exc.reason}"], {}
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = syntax_error(text, exc)
        return None, [f"{path}:{line}: not valid TOML: {message}"], {}
    try:
        return SourceConfig.model_validate(data), [], data
    except ValidationError as exc:
        lines = key_lines(text)
        errors = [_error_line(path, lines, err) for err in exc.errors() if err["loc"]]
        for key, anchor, message in rules_across_keys(data):
            errors.append((_line(lines, (key,), (anchor,)), f"{key}: {message}"))
        ordered = sorted(dict.fromkeys(errors), key=lambda e: e[0])  # in the order of the file
        return None, [f"{path}:{line}: {what}" for line, what in ordered], data


def _line(lines: dict, loc: tuple, fallback: tuple = ()) -> int:
    """The line of `loc` in the file, else of `fallback`, else of the enclosing table, else 1."""
    from crawler.toml_lines import line_of

    return lines.get(tuple(loc)) or (lines.get(tuple(fallback)) if fallback else None) or line_of(lines, loc) or 1


def _error_line(path: Path, lines: dict, err: ErrorDetails) -> tuple[int, str]:
    """(line, "KEY: what is wrong") of one pydantic error."""
    loc = list(err["loc"])
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        message = "unknown key" + (f" (did you mean {_close_key(loc)!r}?)" if _close_key(loc) else "")
    elif err["type"] == "missing":
        message = "required key is missing"
    elif message.startswith("Value error, "):
        message = message[len("Value error, "):]
        index = re.match(r"^\[(\d+)\] ", message)
        if index:  # "[2] the same URL …": the index belongs to the key
            loc.append(int(index.group(1)))
            message = message[index.end():]
    elif "input" in err and not isinstance(err["input"], (dict, list)):
        message += f" (got {err['input']!r})"
    return _line(lines, tuple(loc)), f"{_key(loc)}: {message}"


def _key(loc: list) -> str:
    """A key path as written in the docs: "feeds[2]", "politeness.concurrency"."""
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "(file)"


def _close_key(loc: list) -> str | None:
    import difflib

    model: type[BaseModel] = SourceConfig
    for part in loc[:-1]:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    matches = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.75)
    return matches[0] if matches else None


def load_sources(config_dir: Path) -> SourceLoadResult:
    """Load every `sources/*.toml` below `config_dir`; duplicate names are errors."""
    result = SourceLoadResult()
    seen: dict[str, tuple[Path, int]] = {}
    for path in sorted((config_dir / "sources").glob("*.toml")):
        source, errors, data = _load(path)
        result.errors.extend(errors)
        if isinstance(data.get("name"), str):
            result.paths.setdefault(data["name"], str(path))
        if source is None:
            continue
        line = _name_line(path)
        if source.name in seen:
            first, first_line = seen[source.name]
            result.errors.append(f"{path}:{line}: name: duplicate name {source.name!r} (also in {first}:{first_line})")
            continue
        seen[source.name] = (path, line)
        result.sources.append(source)
    return result


def _name_line(path: Path) -> int:
    from crawler.toml_lines import key_lines

    return key_lines(path.read_text(encoding="utf-8")).get(("name",), 1)


def outlet_file(config_dir: Path, name: str) -> Path | None:
    """The config file of outlet NAME, valid or not: `sources/NAME.toml`, else the file whose `name` is NAME.

    A file TOML cannot parse is matched by its `name = "…"` line.
    """
    folder = config_dir / "sources"
    direct = folder / f"{name}.toml"
    if direct.is_file():
        return direct
    line = re.compile(r"^\s*name\s*=\s*([\"'])" + re.escape(name) + r"\1\s*(#.*)?$", re.M)
    for path in sorted(folder.glob("*.toml")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        try:
            if tomllib.loads(text).get("name") == name:
                return path
        except tomllib.TOMLDecodeError:
            if line.search(text):
                return path
    return None
