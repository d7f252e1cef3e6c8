"""The lexicons of the claim extractor: `config/topics/returnees.toml` and `places.toml`.

Found relative to the repository root by default; a `config_dir` argument or the
`NEWSMON_CONFIG` environment variable points elsewhere. Loaded once per directory.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def config_path(config_dir: str | os.PathLike | None = None) -> Path:
    if config_dir:
        return Path(config_dir)
    env = os.environ.get("NEWSMON_CONFIG")
    if env:
        return Path(env)
    return REPO_ROOT / "config"


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    country: str
    province: str
    lat: float | None
    lon: float | None

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "country": self.country,
                "province": self.province, "lat": self.lat, "lon": self.lon}


@dataclass
class Lexicon:
    trigger_verbs: frozenset[str]
    phrasal: dict[str, frozenset[str]]  # verb lemma -> particles
    trigger_nouns: frozenset[str]
    people_triggers: frozenset[str]
    stems: tuple[str, ...]
    stem_patterns: tuple[str, ...]
    migrant_nouns: frozenset[str]
    ambiguous_verbs: frozenset[str]
    phrase_blocklist: tuple[str, ...]
    people_nouns: frozenset[str]
    demonyms: frozenset[str]
    other_nouns: frozenset[str]
    unit_followers: frozenset[str]
    rate_markers: tuple[tuple[str, ...], ...]
    label_precursors: frozenset[str]
    qualifiers: list[tuple[tuple[str, ...], str]]  # (token words, qualifier), longest first
    at_least_after: tuple[tuple[str, ...], ...]
    vague: dict[tuple[str, ...], int]
    negative_governors: frozenset[str]
    negative_aux: frozenset[str]
    negative_phrases: tuple[str, ...]
    other_events: frozenset[str]
    cumulative_markers: tuple[str, ...]
    event_verbs: frozenset[str]
    places: dict[str, Place]  # lower-case name or alias -> place
    stem_re: re.Pattern = field(repr=False, default=None)  # type: ignore[assignment]

    def place_for(self, name: str) -> Place | None:
        key = re.sub(r"\s+", " ", name.strip().lower())
        key = re.sub(r"^the\s+", "", key)
        hit = self.places.get(key)
        if hit is None:
            key2 = re.sub(r"\s+(province|provinces|state|region|prefecture|county)$", "", key)
            hit = self.places.get(key2)
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


@lru_cache(maxsize=8)
def load_lexicon(config_dir: str | None = None) -> Lexicon:
    base = config_path(config_dir) / "topics"
    shipped = REPO_ROOT / "config" / "topics"
    if not (base / "returnees.toml").exists():
        base = shipped  # a config folder without lexicons uses the ones shipped with newsmon
    with open(base / "returnees.toml", "rb") as fh:
        r = tomllib.load(fh)
    places: dict[str, Place] = {}
    pfile = base / "places.toml"
    if not pfile.exists():
        pfile = shipped / "places.toml"
    if pfile.exists():
        with open(pfile, "rb") as fh:
            p = tomllib.load(fh)
        for row in p.get("places", []):
            place = Place(row["name"], row.get("kind", ""), row.get("country", ""),
                          row.get("province", ""), row.get("lat"), row.get("lon"))
            for n in [row["name"], *row.get("aliases", [])]:
                places.setdefault(n.lower(), place)
    trig = r["triggers"]
    phrasal: dict[str, set[str]] = {}
    for pair in trig.get("phrasal", []):
        if len(pair) == 2 and pair[1]:
            phrasal.setdefault(pair[0], set()).add(pair[1])
    quals: list[tuple[tuple[str, ...], str]] = []
    for q, phrases in r["qualifiers"].items():
        if q == "at_least_after":
            continue
        for ph in phrases:
            quals.append((_words(ph), q))
    quals.sort(key=lambda x: -len(x[0]))
    vague = {_words(k): int(v) for k, v in r.get("vague", {}).items()}
    stems = tuple(s.lower() for s in trig["stems"])
    lex = Lexicon(
        trigger_verbs=frozenset(_inflections(trig["verbs"])),
        phrasal={k: frozenset(v) for k, v in phrasal.items()},
        trigger_nouns=frozenset(trig["nouns"]),
        people_triggers=frozenset(trig["people_triggers"]),
        stems=stems,
        stem_patterns=tuple(trig.get("stem_patterns", [])),
        migrant_nouns=frozenset(trig.get("migrant_nouns", [])),
        ambiguous_verbs=frozenset(trig.get("ambiguous_verbs", [])),
        phrase_blocklist=tuple(s.lower() for s in trig.get("phrase_blocklist", [])),
        people_nouns=frozenset(r["people"]["nouns"]),
        demonyms=frozenset(d.lower() for d in r["people"]["demonyms"]),
        other_nouns=frozenset(r["people"].get("other_nouns", [])),
        unit_followers=frozenset(r["numbers"]["unit_followers"]),
        rate_markers=tuple(tuple(m) for m in r["numbers"]["rate_markers"]),
        label_precursors=frozenset(r["numbers"]["label_precursors"]),
        qualifiers=quals,
        at_least_after=tuple(_words(p) if p != "+" else ("+",) for p in r["qualifiers"].get("at_least_after", [])),
        vague=vague,
        negative_governors=frozenset(r["context"]["negative_governors"]),
        negative_aux=frozenset(r["context"]["negative_aux"]),
        negative_phrases=tuple(r["context"]["negative_phrases"]),
        other_events=frozenset(r["context"]["other_events"]),
        cumulative_markers=tuple(r["cumulative"]["markers"]),
        event_verbs=frozenset(r.get("dates", {}).get("event_verbs", [])),
        places=places,
    )
    alts = [re.escape(s) for s in sorted(stems, key=len, reverse=True)] + list(lex.stem_patterns)
    lex.stem_re = re.compile("|".join(alts), re.I)
    return lex
