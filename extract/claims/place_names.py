"""Names that may be places: the recogniser's GPE / LOC / FAC entities, gazetteer names
(config/topics/places.toml), named facilities ("the Ghulam Khan border crossing" -> "Ghulam
Khan", "Tocumen International Airport"), the labels of list rows, and capitalised names a
return goes to, from, off or through. `extract.claims.places` decides which are a claim's."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from extract.claims.chunks import ROW_RE
from extract.claims.dates import MONTHS
from extract.claims.lexicon import Lexicon

# the recogniser often reads a foreign place after "to" / "through" as a PERSON ("bused to Masnaa"):
# such a name stays a candidate, and the place model weighs its entity label
NOT_PLACE_ENTS = {"NORP", "DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "ORDINAL", "QUANTITY", "LAW"}


DIRECTIONAL = {
    "to",
    "from",
    "into",
    "off",
    "via",
    "through",
    "across",
    "at",
    "in",
    "near",
    "toward",
    "towards",
    "onto",
    "out",
    "inside",
    "within",
    "along",
    "over",
    "outside",
    "back",
}


LOWER_FACILITY_SKIP = {"international", "border", "land", "sea", "river"}


NAME_PARTICLES = {
    "del",
    "de",
    "la",
    "al",
    "el",
    "ul",
    "da",
    "do",
    "dos",
    "das",
    "van",
    "von",
    "bin",
    "di",
    "du",
    "des",
    "of",
    "à",  # "Anse-à-Pitres"
    "e",  # "Pul-e-Abresham"
    "am",  # "Frankfurt am Main"
    "upon",  # "Newcastle upon Tyne"
    "der",
}

# capitalised words that begin a facility's name and that the recogniser may read as an ordinal
# or a date: "the Second Thai-Myanmar Friendship Bridge", "the Old Bridge"
NAME_ORDINALS = {"first", "second", "third", "fourth", "fifth", "new", "old"}



def _facility_name(doc: Doc, head: Token) -> tuple[int, int] | None:
    """The capitalised name before a facility word: "the Ghulam Khan (border) crossing" ->
    "Ghulam Khan"; "Tocumen International Airport" -> all of it (the head is part of the name)."""
    k = head.i - 1
    chunk: list[Token] = []

    while k >= 0 and (doc[k].dep_ in ("compound", "amod", "nmod") or _infix_hyphen(doc[k])) and (
        head.i >= doc[k].head.i > k
    ):
        chunk.insert(0, doc[k])
        k -= 1
    end = len(chunk)
    while end > 0 and not chunk[end - 1].text[:1].isupper():
        end -= 1
    start = end
    while start > 0 and (
        chunk[start - 1].text[:1].isupper()
        or (_infix_hyphen(chunk[start - 1]) and start > 1)
        or (
            chunk[start - 1].lower_ in NAME_PARTICLES
            and (
                (start > 1 and chunk[start - 2].text[:1].isupper())  # "Pul-e-Abresham"
                or (start < len(chunk) and _infix_hyphen(chunk[start]))  # "al-Hol camp"
            )
        )
    ):
        start -= 1
    run = chunk[start:end]
    ordinal = 1 if run and run[0].lower_ in NAME_ORDINALS and len(run) > 1 else 0  # "Second Thai-..."
    if (
        not run
        or any(
            t.ent_type_ in ("DATE", "CARDINAL", "ORDINAL", "NORP") or t.pos_ not in ("PROPN", "NOUN", "ADJ")
            for t in run[ordinal:]
            if not _infix_hyphen(t)
        )
        or all(t.pos_ == "ADJ" for t in run)
    ):
        return None
    a, b = run[0].i, run[-1].i + 1
    if b == head.i and head.text[:1].isupper():
        b = head.i + 1  # "Tocumen International Airport"
    return a, b


def _numbered(doc: Doc, span: tuple[int, int]) -> tuple[int, int]:
    """A named facility with its number: "the Thai-Myanmar Friendship Bridge No. 2"."""
    a, b = span
    k = b + 1 if b < len(doc) and doc[b].text in ("No.", "No") else b
    k += 1 if k != b and k < len(doc) and doc[k].text == "." else 0
    return (a, k + 1) if k != b and k < len(doc) and doc[k].like_num else (a, b)


def place_spans(doc: Doc, lex: Lexicon) -> list[tuple[int, int]]:
    """Token spans of the names in `doc` that may be places (see the module docstring)."""
    got = doc.user_data.get("newsmon_place_spans")
    if got is not None:
        return got
    facility = lex.classes.get("facility_heads", frozenset())
    spans: list[tuple[int, int]] = []
    owner: dict[int, tuple[int, int]] = {}  # token -> the kept name it is part of

    def add(a: int, b: int, widen: bool = False) -> None:
        """Keep the name unless it overlaps one kept; with `widen`, a name that holds kept ones
        whole replaces them ("Khasan" + "-Tumangang crossing" -> "Khasan-Tumangang")."""
        if a >= b:
            return
        held = {owner[i] for i in range(a, b) if i in owner}
        if held and not (widen and all(a <= x and y <= b for x, y in held)):
            return
        for x, y in held:
            spans.remove((x, y))
            for i in range(x, y):
                del owner[i]
        spans.append((a, b))
        for i in range(a, b):
            owner[i] = (a, b)

    named: list[tuple[int, int]] = []
    for s, e in doc._.places or []:  # gazetteer names
        if e - s > 1 and _lower_facility_word(doc[e - 1], facility):
            e -= 1  # the alias "Masnaa crossing" in "the Masnaa crossing": the name is "Masnaa"
        last = doc[e - 1]
        if (
            last.ent_type_ == "ORG"
            and last.dep_ == "compound"
            and last.head.ent_type_ == "ORG"
            and last.head.i >= e
            and last.head.pos_ == "PROPN"
        ):
            continue  # "Qatar Airways", "Pakistan International Airlines": a company's name
        named.append((s, e))
    for ent in doc.ents:  # the recogniser's names
        if ent.label_ not in ("GPE", "LOC", "FAC"):
            continue
        a, b = ent.start, ent.end
        if doc[a].lower_ == "the":
            a += 1
        while b - a > 1 and _lower_facility_word(doc[b - 1], facility):
            b -= 1  # "Dushanbe airport": the name, not the facility word
        # "Christmas Island to Colombo" read as one name: the names either side of "to"
        inner = [t.i for t in doc[a:b] if t.lower_ in ("to", "from") and t.i > a]
        named += [piece for piece in _cut((a, b), inner) if piece[0] < piece[1]]
    for a, b in sorted(set(named), key=lambda x: (-(x[1] - x[0]), x[0])):  # the longest name wins: "Mexico City"
        add(a, b)
    for a, b in _row_labels(doc, lex):
        add(a, b, widen=True)
    for tok in doc:
        if (tok.lemma_.lower() in facility or tok.lower_ in facility) and (
            tok.pos_ in ("NOUN", "PROPN") or tok.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass", "conj", "appos")
        ):  # "through the Moreh crossing", where the tagger read "crossing" as a verb
            got2 = _facility_name(doc, tok)
            if got2 is not None:
                add(*_numbered(doc, got2), widen=True)
            else:  # "the Argeen and Qustul crossings": the first of coordinated names
                for ch in tok.children:
                    is_name = ch.pos_ == "PROPN" and ch.text[:1].isupper()
                    if is_name and ch.i < tok.i and ch.dep_ in ("nmod", "compound"):
                        add(ch.left_edge.i if ch.left_edge.pos_ == "PROPN" else ch.i, ch.i + 1)
    for tok in doc:  # a capitalised name a return goes to, from or through: "to Batam", "off Lesbos"
        if (
            tok.i in owner
            or tok.pos_ != "PROPN"
            or tok.dep_ != "pobj"
            or not tok.text[:1].isupper()
            or tok.ent_type_ in NOT_PLACE_ENTS
            or tok.head.lower_ not in DIRECTIONAL
        ):
            continue
        a = tok.i
        while a > 0 and doc[a - 1].i not in owner:
            if doc[a - 1].pos_ == "PROPN" and doc[a - 1].dep_ == "compound":
                a -= 1
            elif a > 1 and _infix_hyphen(doc[a - 1]) and (
                doc[a - 2].text[:1].isupper() or doc[a - 2].lower_ in NAME_PARTICLES
            ):
                a -= 2  # "to Cap-Haïtien", "from al-Hol"
            else:
                break
        if tok.ent_iob_ == "I":  # "to Dire Dawa", "to Point Zero": the recogniser's name, whatever its label
            s0 = tok.i
            while s0 > 0 and doc[s0].ent_iob_ == "I" and doc[s0 - 1].text[:1].isupper():
                s0 -= 1
            if doc[s0].ent_iob_ == "B" and s0 < a and not any(i in owner for i in range(s0, a)):
                a = s0
        b = tok.i + 1
        while b < len(doc) and doc[b].ent_iob_ == "I" and doc[b].text[:1].isupper() and b not in owner:
            b += 1  # "to Point Zero", where "Zero" was read as the number of "Point"
        add(a, b)
    # names coordinated with a place: "at Dajabón, Elías Piña and Pedernales"
    grown = True
    while grown:
        grown = False
        for a, b in list(spans):
            for ch in doc[a:b].root.children:
                if ch.dep_ == "conj" and ch.pos_ == "PROPN" and ch.i not in owner and ch.text[:1].isupper():
                    s0 = ch.i
                    while (
                        s0 > 0
                        and doc[s0 - 1].pos_ == "PROPN"
                        and doc[s0 - 1].dep_ == "compound"
                        and doc[s0 - 1].i not in owner
                    ):
                        s0 -= 1
                    add(s0, ch.i + 1)
                    grown = True
    spans = sorted(
        part for span in spans for part in _split_pair(doc, span, lex) if not _not_a_place(doc, part, lex)
    )
    doc.user_data["newsmon_place_spans"] = spans
    return spans


def _not_a_place(doc: Doc, span: tuple[int, int], lex: Lexicon) -> bool:
    """A lone generic word ("the North", a "Total" row), a people's name ("Yemenis deported
    through ...: 4,312") or a date ("Total, July to September: 5,822") is no place, whatever
    found it."""
    a, b = span
    text = doc[a:b].text.lower()
    if not any(ch.isalpha() for ch in text):
        return True  # "288" in "followed by Indians with 288"
    if b - a == 1 and text in lex.classes.get("generic_place_words", frozenset()):
        return True
    if text in lex.demonyms or text in MONTHS:  # "September", "Sept"
        return True
    return all(t.ent_type_ in ("NORP", "DATE") for t in doc[a:b]) and lex.place_for(doc[a:b].text) is None


def _lower_facility_word(t: Token, facility: frozenset[str]) -> bool:
    """ "airport", "crossing", "river" in lower case: a word after a name, not part of it."""
    return (t.lemma_.lower() in facility or t.lower_ in LOWER_FACILITY_SKIP) and not t.text[:1].isupper()


def _infix_hyphen(t: Token) -> bool:
    """A hyphen inside a word: "Khasan-Tumangang", "Al-Tuwal"."""
    return t.text in ("-", "–") and t.i > 0 and not t.whitespace_ and not t.doc[t.i - 1].whitespace_


def _split_pair(doc: Doc, span: tuple[int, int], lex: Lexicon) -> list[tuple[int, int]]:
    """A pair of places joined by a hyphen ("the Khasan-Tumangang crossing", "Bavet-Moc Bai",
    "Pedernales-Anse-à-Pitres: 49,118") is two places; a name with a hyphen inside ("Al-Tuwal",
    "Cap-Haïtien", "Pul-e-Abresham"), an airport's name ("Enfidha-Hammamet International
    Airport", "Marseille-Provence airport"), or one the gazetteer knows whole, is one: the hyphen cuts
    only between two capitalised pieces of four letters or more."""
    a, b = span
    hyphens = [t.i for t in doc[a:b] if _infix_hyphen(t)]
    named_facility = any(t.text[:1].isupper() and lex.is_a(t.lemma_, "facility_heads") for t in doc[a:b])
    an_airport = b < len(doc) and doc[b].lower_ in ("airport", "airports")
    if not hyphens or named_facility or an_airport or lex.place_for(doc[a:b].text) is not None:
        return [span]  # "Enfidha-Hammamet International Airport", "Marseille-Provence airport": one airport
    pieces = _cut(span, hyphens)

    def name_like(piece: tuple[int, int]) -> bool:
        text = doc[piece[0] : piece[1]].text
        return len(text) >= 4 and text[:1].isupper()

    out = [pieces[0]]
    for before, piece in zip(pieces, pieces[1:], strict=False):
        ends_in_particle = doc[before[1] - 1].lower_ in NAME_PARTICLES  # "Bab al-Salameh"
        if name_like(before) and name_like(piece) and not ends_in_particle:
            out.append(piece)
        else:
            out[-1] = (out[-1][0], piece[1])
    return out


def _row_labels(doc: Doc, lex: Lexicon) -> list[tuple[int, int]]:
    """Capitalised names that label a row of a list or table ("Kerman: 9,115", "Dajabón-Ouanaminthe:
    118,230", "Saudi Arabia (deportation flights): 41,262", "From Iran: 1,581,300"), split at
    hyphens, commas and "and" ("Ghulam Khan, Angoor Adda and Badini: 103,796")."""
    out = []
    text = doc.text
    pos = 0
    for line in text.split("\n"):
        m = ROW_RE.match(line)
        if m and re.search(r"\d", line[m.end(1) :]):
            a_char, b_char = pos + m.start(1), pos + m.end(1)
            span = doc.char_span(a_char, b_char, alignment_mode="contract")
            if span is not None:
                run: list[Token] = []
                for t in list(span) + [None]:
                    if t is not None and run and _infix_hyphen(t):
                        run.append(t)
                        continue
                    if t is not None and (
                        (t.text[:1].isupper() and t.pos_ in ("PROPN", "NOUN", "ADJ", "CCONJ", "ADP", "DET"))
                        or (run and t.lower_ in NAME_PARTICLES | {"and"})  # "Frankfurt am Main", tagged a verb
                    ):
                        run.append(t)
                        continue
                    while run and not run[-1].text[:1].isupper():
                        run.pop()
                    while run and run[0].pos_ in ("ADP", "DET", "CCONJ"):
                        run.pop(0)  # "From Iran: 1,581,300"
                    if run and any(x.pos_ == "PROPN" for x in run):
                        out += _split_list(doc, (run[0].i, run[-1].i + 1), lex)
                    run = []
        pos += len(line) + 1
    return out


def place_name(doc: Doc, span: tuple[int, int]) -> str:
    a, b = span
    name = doc[a:b].text.strip()
    bare = name.rstrip("0123456789")
    if bare[-1:].isalpha():
        name = bare  # a footnote mark the normaliser left ("China1"), not "Jeddah-1"
    if name.lower().startswith("the "):
        name = name[4:]
    if name.endswith(("'s", "’s")) and len(name) > 3:
        name = name[:-2]  # "El Salvador's CECOT prison": the country, not its possessive
    return name


def _split_list(doc: Doc, span: tuple[int, int], lex: Lexicon) -> list[tuple[int, int]]:
    """ "Angoor Adda and Badini" is two names, "Trinidad and Tobago" (known whole) one."""
    a, b = span
    cuts = [t.i for t in doc[a:b] if t.lower_ == "and"]
    if not cuts or lex.place_for(doc[a:b].text) is not None:
        return [span]
    return [piece for piece in _cut(span, cuts) if piece[0] < piece[1]]


def _cut(span: tuple[int, int], at: list[int]) -> list[tuple[int, int]]:
    """The pieces of `span` between the tokens `at` (which belong to no piece)."""
    bounds = [span[0] - 1, *at, span[1]]
    return [(x + 1, y) for x, y in zip(bounds, bounds[1:], strict=False)]
