"""The lexicons of the claim extractor: `config/topics/returnees.toml` and `places.toml`.

Found relative to the repository root by default; a `config_dir` argument or the
`NEWSMON_CONFIG` environment variable points elsewhere (a config folder without
lexicons uses the shipped ones). Loaded once per directory. This module and
`extract.claims.model` are the only readers of files in `extract/claims/`.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

REPO_ROOT = Path(__file__).resolve().parents[2]


def config_path(config_dir: str | os.PathLike | None = None) -> Path:
    if config_dir:
        return Path(config_dir)
    env = os.environ.get("NEWSMON_CONFIG")
    if env:
        return Path(env)
    return REPO_ROOT / "config"


def topics_file(name: str, config_dir: str | os.PathLike | None = None) -> Path:
    """`config/topics/NAME` of the config folder, else the one shipped with newsmon."""
    own = config_path(config_dir) / "topics" / name
    return own if own.exists() else REPO_ROOT / "config" / "topics" / name


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    country: str
    province: str
    lat: float | None
    lon: float | None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "province": self.province,
            "lat": self.lat,
            "lon": self.lon,
        }


@dataclass
class Lexicon:
    """Word lists of returnees.toml, as sets of lower-case words."""

    verbs: frozenset[str]
    phrasal: dict[str, frozenset[str]]  # verb lemma -> particles
    weak_verbs: frozenset[str]
    nouns: frozenset[str]
    people_triggers: frozenset[str]
    ambiguous: frozenset[str]
    phrase_blocklist: tuple[str, ...]
    classes: dict[str, frozenset[str]]
    demonyms: frozenset[str]
    modality: dict[str, frozenset[str]]  # class -> governing words
    modal_aux: frozenset[str]
    modal_phrases: tuple[str, ...]
    qualifiers: list[tuple[tuple[str, ...], str]]  # (words before the number, qualifier), longest first
    at_least_after: tuple[str, ...]
    about_after: tuple[str, ...]
    cumulative_markers: tuple[str, ...]
    event_verbs: frozenset[str]
    places: dict[str, Place]  # lower-case name or alias -> place
    select_re: re.Pattern = field(repr=False, default=re.compile(r"(?!)"))
    blocked_re: re.Pattern = field(repr=False, default=re.compile(r"(?!)"))

    def is_a(self, word: str, cls: str) -> bool:
        return word.lower() in self.classes.get(cls, frozenset())

    def word_is_a(self, tok: Token, cls: str) -> bool:
        """Whether a token's lemma or its surface form is in class `cls` ("remains", which the
        lemmatiser reads as "remain", is a thing by its surface form)."""
        return self.is_a(tok.lemma_, cls) or self.is_a(tok.lower_, cls)

    def modality_of(self, word: str) -> str | None:
        w = word.lower()
        for name, words in self.modality.items():
            if w in words:
                return name
        return None

    def place_for(self, name: str) -> Place | None:
        key = re.sub(r"\s+", " ", name.strip().lower())
        key = re.sub(r"^the\s+", "", key)
        hit = self.places.get(key)
        if hit is None:
            hit = self.places.get(re.sub(r"\s+(province|provinces|state|region|prefecture|county)$", "", key))
        return hit


def _inflections(verbs: list[str]) -> set[str]:
    """Forms of each verb, so a lemmatiser slip ("readmitted" -> "readmitte") does not hide it."""
    out: set[str] = set()
    for v in verbs:
        v = v.lower()
        out.update({v, v + "s", v + "es", v + "d", v + "ed", v + "ing"})
        if v.endswith("e"):
            out.update({v[:-1] + "ing", v + "d"})
        if re.search(r"[aeiou][bdgklmnprt]$", v):
            out.update({v + v[-1] + "ed", v + v[-1] + "ing"})
    return out


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(phrase.lower().split())


def _load_places(path: Path) -> dict[str, Place]:
    places: dict[str, Place] = {}
    if not path.exists():
        return places
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    for row in data.get("places", []):
        place = Place(
            row["name"],
            row.get("kind", ""),
            row.get("country", ""),
            row.get("province", ""),
            row.get("lat"),
            row.get("lon"),
        )
        for n in [row["name"], *row.get("aliases", [])]:
            places.setdefault(n.lower(), place)
    return places


@lru_cache(maxsize=8)
def load_lexicon(config_dir: str | None = None) -> Lexicon:
    with open(topics_file("returnees.toml", config_dir), "rb") as fh:
        r = tomllib.load(fh)
    trig = r["triggers"]
    phrasal: dict[str, set[str]] = {}
    for pair in trig.get("phrasal", []):
        phrasal.setdefault(pair[0], set()).add(pair[1])
    quals = [(_words(ph), q) for q, phrases in r["qualifiers"].items() if not q.endswith("_after") for ph in phrases]
    quals.sort(key=lambda x: -len(x[0]))
    modality = r["modality"]
    lex = Lexicon(
        verbs=frozenset(_inflections(trig["verbs"])),
        phrasal={k: frozenset(v) for k, v in phrasal.items()},
        weak_verbs=frozenset(trig.get("weak_verbs", [])),
        nouns=frozenset(trig["nouns"]),
        people_triggers=frozenset(trig["people_triggers"]),
        ambiguous=frozenset(trig.get("ambiguous", [])),
        phrase_blocklist=tuple(s.lower() for s in trig.get("phrase_blocklist", [])),
        classes={k: frozenset(w.lower() for w in v) for k, v in r["classes"].items()},
        demonyms=frozenset(d.lower() for d in r["people"]["demonyms"]),
        modality={k: frozenset(v) for k, v in modality.items() if k not in ("modal_aux", "phrases")},
        modal_aux=frozenset(modality.get("modal_aux", [])),
        modal_phrases=tuple(modality.get("phrases", [])),
        qualifiers=quals,
        at_least_after=tuple(r["qualifiers"].get("at_least_after", [])),
        about_after=tuple(r["qualifiers"].get("about_after", [])),
        cumulative_markers=tuple(r["cumulative"]["markers"]),
        event_verbs=frozenset(r.get("dates", {}).get("event_verbs", [])),
        places=_load_places(topics_file("places.toml", config_dir)),
    )
    sel = r["select"]
    alts = [re.escape(s) for s in sorted(sel["stems"], key=len, reverse=True)] + list(sel.get("stem_patterns", []))
    lex.select_re = re.compile("|".join(alts), re.I)
    lex.blocked_re = re.compile("|".join(trig.get("blocked_patterns", [])) or r"(?!)", re.I)
    return lex
