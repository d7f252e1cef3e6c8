"""The Korean lexicon: `config/topics/returnees-ko.toml` (and the gazetteer's Korean names)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from extract.claims.lexicon import Place, load_lexicon, topics_file

HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass
class KoLexicon:
    triggers: list[tuple[str, str]]  # (stem, class), longest stem first
    blocked: tuple[str, ...]  # phrases in which a stem is no return word
    cues: dict[str, tuple[str, ...]]
    qualifiers: list[tuple[re.Pattern, str]]  # patterns around the figure's "N"
    counters: tuple[str, ...]
    native_units: dict[str, int]
    native_tens: dict[str, int]
    approximate: dict[str, tuple[int, int]]
    vague: dict[str, int]
    dates: dict
    cumulative: tuple[str, ...]
    places: dict[str, Place]  # Korean (and Latin) names of the gazetteer -> place
    trigger_re: re.Pattern = field(repr=False, default=re.compile(r"(?!)"))
    place_re: re.Pattern = field(repr=False, default=re.compile(r"(?!)"))

    def trigger_class(self, word: str) -> str | None:
        for stem, cls in self.triggers:
            if word.startswith(stem):
                return cls
        return None


def _qualifier_re(pattern: str) -> re.Pattern:
    # "N" stands for the figure with its counter, marked in the text as "\x00" by the caller
    return re.compile(pattern.replace("N", "\x00"))


@lru_cache(maxsize=8)
def load_ko_lexicon(config_dir: str | None = None) -> KoLexicon:
    with open(topics_file("returnees-ko.toml", config_dir), "rb") as fh:
        r = tomllib.load(fh)
    triggers = sorted(((s, c) for s, c in r["triggers"]["stems"]), key=lambda x: -len(x[0]))
    quals = [(_qualifier_re(p), q) for q, pats in r["qualifiers"].items() for p in pats]
    num = r["numbers"]
    gaz = load_lexicon(config_dir).places
    places = {k: v for k, v in gaz.items() if HANGUL.search(k)}
    lex = KoLexicon(
        triggers=triggers,
        blocked=tuple(r["triggers"].get("blocked", [])),
        cues={k: tuple(v) for k, v in r["cues"].items()},
        qualifiers=quals,
        counters=tuple(num["counters"]),
        native_units=dict(num["native_units"]),
        native_tens=dict(num["native_tens"]),
        approximate={k: (int(v[0]), int(v[1])) for k, v in num["approximate"].items()},
        vague=dict(num["vague"]),
        dates=r["dates"],
        cumulative=tuple(r["cumulative"]["markers"]),
        places=places,
    )
    lex.trigger_re = re.compile("|".join(re.escape(s) for s, _ in triggers))
    names = sorted(places, key=len, reverse=True)
    lex.place_re = re.compile("|".join(re.escape(n) for n in names) or r"(?!)")
    return lex
