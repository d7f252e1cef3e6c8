"""Rules over one parsed Doc: which numbers are returnee figures, and their hedge, people,
places and date phrases. Called by the `newsmon_claims` pipeline component."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from extract.claims.dates import looks_like_date
from extract.claims.lexicon import Lexicon, load_lexicon

LOC_PREPS = {"from", "to", "in", "into", "at", "through", "across", "via", "toward", "towards",
             "inside", "within", "out", "onto", "on", "near", "along", "by", "back", "over", "off", "outside",
             "aboard", "onboard"}
# Heads of a named facility a return passes through: "the Torkham border crossing",
# "Tocumen International Airport", "Lumut naval base". The capitalised words before such a
# head are a place even where the gazetteer and the entity recogniser do not know them.
FACILITY_HEADS = {"crossing", "airport", "port", "checkpoint", "post", "base", "airbase", "terminal", "pass",
                  "centre", "center", "camp", "depot",
                  "border", "point", "gate", "bridge", "harbour", "harbor", "jetty", "seaport", "airfield"}
# Heads that make a country name a nationality word: "to Myanmar officials", "Chinese police".
AUTHORITY_NOUNS = {"official", "authority", "police", "policeman", "guard", "force", "government", "ministry",
                   "embassy", "army", "military", "soldier", "officer", "agent", "counterpart", "coastguard",
                   "delegation", "diplomat", "consulate", "side", "national", "citizen", "worker", "migrant",
                   "refugee", "media", "court", "leader", "president", "minister", "spokesman", "spokesperson"}
# Entity labels of a proper name that is not a place (the recogniser's other labels on an unknown
# name, PRODUCT or WORK_OF_ART, are often a place it has not seen: "to Batam", "off Lesbos").
NOT_PLACE_ENTS = {"PERSON", "ORG", "NORP", "DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "ORDINAL", "QUANTITY", "LAW"}
REPORT_VERBS = {"say", "tell", "report", "announce", "add", "state", "confirm", "estimate", "note", "write"}
# Vehicles whose trip is the return: "a deportation flight carrying 135 migrants landed in Islamabad".
VEHICLE_NOUNS = {"flight", "plane", "aircraft", "charter", "jet", "bus", "boat", "ship", "vessel", "convoy",
                 "truck", "lorry", "train", "van", "coach", "ferry", "trawler", "dinghy", "airplane"}
# Verbs of the vehicle or the returnees reaching a place: "landed at", "arrived in".
ARRIVAL_VERBS = {"land", "arrive", "reach", "touch", "dock", "depart", "leave", "cross", "enter", "take"}
# Verbs that carry the same people on ("flying them from Bangkok to Kashgar").
MOVE_VERBS = {"fly", "take", "transport", "bus", "drive", "carry", "transfer", "move", "escort", "ship",
              "send", "put", "load", "ferry", "deliver", "hand", "abandon", "leave", "drop", "dump", "strand"}
TOTAL_NOUNS = {"total", "number", "figure", "tally", "count", "sum", "toll", "overall", "amount"}
QUANTITY_NOUNS = TOTAL_NOUNS | {"group", "batch", "contingent", "convoy", "wave", "busload",
                                "planeload", "boatload", "total", "majority", "minimum", "maximum", "estimate"}
TOTAL_VERBS = {"bring", "reach", "rise", "climb", "stand", "increase", "jump", "hit", "grow",
               "total", "swell", "push", "take", "soar", "surge", "top", "exceed", "surpass",
               "be", "number", "amount", "put", "raise", "double", "fall", "drop", "decline", "dip",
               "climb", "near", "approach"}
MISPARSED_QUAL_PREPS = {"over", "about", "around", "under", "above", "nearly", "some", "almost", "upwards"}
FATE_VERBS = {"die", "kill", "execute", "arrest", "detain", "disappear", "torture", "imprison", "jail",
              "sentence", "injure", "wound", "murder", "abduct", "starve", "drown", "rearrest", "beat"}
DAY_PARTS = {"morning", "afternoon", "evening", "night", "nights", "midnight", "dawn", "noon", "weekend"}
HELD_VERBS = {"hold", "detain", "keep", "imprison", "jail", "confine", "house", "lock", "arrest", "intern"}
CAUSATIVES = {"make", "force", "compel", "coerce", "pressure", "have", "get", "order", "let"}
TIME_UNITS = {"year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
              "decade", "decades", "minute", "minutes", "night", "nights"}
MONTH_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december", "jan", "feb", "mar", "apr",
               "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
DATE_PREPS = {"since", "in", "on", "as", "from", "between", "until", "till", "by", "through",
              "throughout", "during", "of", "before", "after", "early", "late", "mid"}
WALK_DEPS = {"xcomp", "dobj", "pobj", "pcomp", "prep", "acl", "amod", "compound", "nsubj",
             "nsubjpass", "attr", "auxpass", "advcl", "oprd", "acomp", "agent", "dative"}


def _is_year(tok_text: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d\d", tok_text))


# ---------------------------------------------------------------- date phrases
def date_phrases(doc: Doc) -> list[dict]:
    """Date phrases of a doc: DATE entities that name a day, month, year or a relative day,
    without durations ("25 years") or years that only modify a noun ("a 1986 protocol")."""
    out: list[dict] = []
    covered: set[int] = set()
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        text = ent.text
        if not looks_like_date(text):
            continue
        low = text.lower()
        if re.search(r"\b\d+\s*(-\s*)?(years?|months?|weeks?|days?|decades?)\b(?!\s+ago)", low) and not re.search(r"(19|20)\d\d", low):
            continue
        if re.fullmatch(r"(the\s+)?(\w+\s+)?(years?|months?|weeks?|days?|decades?)", low.strip()) and not re.search(r"\b(this|last|past|that|the same|previous|the)\b", low):
            continue
        root = ent.root
        if root.dep_ in ("nummod", "compound", "amod", "nmod", "poss") and root.head.pos_ in ("NOUN", "PROPN") \
                and root.head.i >= ent.end and root.head.lower_ not in TIME_UNITS | MONTH_WORDS | DAY_PARTS \
                and not (root.dep_ == "poss" and not _is_year(root.text)):  # "Tuesday's flight", "last week's expulsions"
            continue  # "a 2014 United Nations Commission", "a 1986 border protocol"
        start = ent.start
        if start > 0 and doc[start - 1].lower_ in DATE_PREPS:
            start -= 1
            if start > 0 and doc[start - 1].lower_ == "as" and doc[start].lower_ == "of":
                start -= 1
        out.append({"start": start, "end": ent.end, "root": root.i, "text": doc[start:ent.end].text,
                    "sent_start": ent.sent.start})
        covered.update(range(ent.start, ent.end))
    # month names and years the recogniser missed ("in August (with 80 individuals)")
    for tok in doc:
        if tok.i in covered:
            continue
        ambiguous_month = tok.lower_ in ("may", "mar", "jan", "dec")
        if tok.lower_ in MONTH_WORDS and tok.text[0].isupper() and (
                not ambiguous_month or (tok.i > 0 and doc[tok.i - 1].lower_ in DATE_PREPS | {"early", "late", "mid", "mid-"})
                or (tok.i + 1 < len(doc) and re.fullmatch(r"\d{1,2}|(19|20)\d\d", doc[tok.i + 1].text))):
            s, e = tok.i, tok.i + 1
            if e < len(doc) and re.fullmatch(r"\d{1,2}|(19|20)\d\d", doc[e].text):
                e += 1
            if s > 0 and re.fullmatch(r"\d{1,2}", doc[s - 1].text):
                s -= 1
            if s > 0 and doc[s - 1].lower_ in DATE_PREPS:
                s -= 1
            out.append({"start": s, "end": e, "root": tok.i, "text": doc[s:e].text, "sent_start": tok.sent.start})
            covered.update(range(s, e))
        elif _is_year(tok.text) and tok.i + 1 < len(doc) and doc[tok.i + 1].text in (":", "–", "—") and (
                tok.i == 0 or doc[tok.i - 1].text in ("-", "•", "*", "·") or "\n" in doc[tok.i - 1].text + doc[tok.i - 1].whitespace_):
            # a list or table row: "- 2022: 12,945 people deported"
            out.append({"start": tok.i, "end": tok.i + 1, "root": tok.i, "text": tok.text, "sent_start": tok.sent.start})
            covered.add(tok.i)
        elif _is_year(tok.text) and tok.i > 0 and doc[tok.i - 1].lower_ in ("in", "since", "as", "during", "of", "by", "until", "from", "throughout"):
            if tok.dep_ in ("nummod", "compound") and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i > tok.i:
                continue
            out.append({"start": tok.i - 1, "end": tok.i + 1, "root": tok.i, "text": doc[tok.i - 1:tok.i + 1].text,
                        "sent_start": tok.sent.start})
            covered.add(tok.i)
    out.sort(key=lambda d: d["start"])
    return out


# ---------------------------------------------------------------- word checks
def _nationality_word(t: Token) -> bool:
    """"Afghan", "Thai", "Uzbek": a nationality, not a name (the recogniser also tags unknown
    names as NORP: "the Irkeshtam pass")."""
    if t.ent_type_ != "NORP":
        return False
    low = t.lower_
    demonyms = load_lexicon(t.doc._.config_dir).demonyms
    return t.pos_ == "ADJ" or low in demonyms or low + "s" in demonyms or low + "es" in demonyms \
        or low.endswith(("an", "ese", "ish", "i", "ic"))


def _facility_name(doc: Doc, head: Token) -> tuple[int, int] | None:
    """The capitalised name before a facility head: "the Ghulam Khan (border) crossing" ->
    "Ghulam Khan"; "Tocumen International Airport" -> all of it (the head is part of the name)."""
    chunk = []
    k = head.i - 1
    def hyphen(t: Token) -> bool:  # "Khasan-Tumangang"
        return t.text in ("-", "–") and not t.whitespace_ and t.i > 0 and not doc[t.i - 1].whitespace_

    while k >= 0 and (doc[k].dep_ in ("compound", "amod", "nmod") or hyphen(doc[k])) and head.i >= doc[k].head.i > k:
        chunk.insert(0, doc[k])
        k -= 1
    if not chunk:
        return None
    # the run of capitalised words (a lower-case "border" / "international" may sit before the head)
    end = len(chunk)
    while end > 0 and not chunk[end - 1].text[:1].isupper():
        end -= 1
    start = end
    while start > 0 and (chunk[start - 1].text[:1].isupper() or (hyphen(chunk[start - 1]) and start > 1 and chunk[start - 2].text[:1].isupper())):
        start -= 1
    run = chunk[start:end]
    if not run or any(t.ent_type_ in ("DATE", "CARDINAL", "ORDINAL") or _nationality_word(t) or t.pos_ not in ("PROPN", "NOUN", "ADJ")
                      for t in run if not hyphen(t)):
        return None
    if all(t.pos_ == "ADJ" for t in run):
        return None  # "the Afghan border"
    a, b = run[0].i, run[-1].i + 1
    if b == head.i and head.text[:1].isupper():
        b = head.i + 1  # "Tocumen International Airport"
    return a, b


def _coordinated_names(doc: Doc, head: Token) -> list[tuple[int, int]]:
    """Names coordinated before a plural facility word: "the Dajabón and Elías Piña border crossings"."""
    k = head.i - 1
    while k >= 0 and doc[k].lower_ in ("border", "international", "land", "sea", "river"):
        k -= 1
    end = k + 1
    toks: list[Token] = []
    while k >= 0 and (doc[k].text[:1].isupper() or doc[k].lower_ in ("and", ",")) and head in doc[k].ancestors:
        toks.insert(0, doc[k])
        k -= 1
    if not any(t.lower_ == "and" for t in toks):
        return []
    out: list[tuple[int, int]] = []
    run: list[Token] = []
    for t in toks + [None]:
        if t is None or t.lower_ in ("and", ","):
            if run:
                if any(r.ent_type_ in ("NORP", "DATE") for r in run):
                    return []
                out.append((run[0].i, run[-1].i + 1))
            run = []
        else:
            run.append(t)
    return out if len(out) >= 2 and out[-1][1] == end else []


def _place_index(doc: Doc) -> dict[int, tuple[int, int]]:
    idx: dict[int, tuple[int, int]] = {}
    ents = [e for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")]
    spans: list[tuple[int, int]] = []
    for ent in ents:
        a, b = ent.start, ent.end
        while b - a > 1 and (doc[b - 1].lemma_.lower() in FACILITY_HEADS or doc[b - 1].lower_ in ("international", "border")) \
                and not doc[b - 1].text[:1].isupper():
            b -= 1  # "Dushanbe airport": the name, not the facility word
        # "Saint Martin's" + "Island": one name the recogniser cut in two
        if spans and spans[-1][1] == a and doc[a].text[:1].isupper():
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    for s, e in spans:
        for i in range(s, e):
            idx[i] = (s, e)
    for s, e in doc._.places or []:
        last = doc[e - 1]
        if last.ent_type_ == "ORG" and last.dep_ == "compound" and last.head.ent_type_ == "ORG" and last.head.i >= e \
                and last.head.pos_ == "PROPN" and (s, e) not in spans:
            continue  # "Qatar Airways", "Pakistan International Airlines": a company's name
        if all(i not in idx or (idx[i][0] >= s and idx[i][1] <= e) for i in range(s, e)):
            for i in range(s, e):  # a gazetteer name the recogniser cut up ("Timor-Leste")
                idx[i] = (s, e)
            continue
        for i in range(s, e):
            idx.setdefault(i, (s, e))
    for tok in doc:
        if tok.lemma_.lower() in FACILITY_HEADS and tok.pos_ in ("NOUN", "PROPN"):
            got = _facility_name(doc, tok)
            names = [got] if got is not None else []
            if tok.tag_ == "NNS":  # "the Dajabón and Elías Piña border crossings"
                names = _coordinated_names(doc, tok) or names
            for got in names:
                if not any(i in idx for i in range(*got)):
                    for i in range(*got):
                        idx[i] = got
    # a name the return goes to or from: "repatriated ... to Batam", "deported from Mersin"
    for tok in doc:
        org_name = tok.ent_type_ == "ORG" and tok.ent_iob_ == "B" and (tok.i + 1 >= len(doc) or doc[tok.i + 1].ent_iob_ != "I") \
            and not tok.text.isupper()  # an unknown one-word name the recogniser calls an organisation
        if tok.i in idx or tok.pos_ != "PROPN" or tok.dep_ != "pobj" or (tok.ent_type_ in NOT_PLACE_ENTS and not org_name) \
                or not tok.text[:1].isupper() or tok.is_sent_start:
            continue
        prep = tok.head
        h = prep.head
        for _ in range(3):  # "repatriated from Pasir Gudang port to Batam": a chain of prepositions
            if h._.trigger in ("verb", "phrasal") or h.dep_ not in ("prep", "pobj") or h.head.i == h.i:
                break
            h = h.head
        if prep.lower_ in ("to", "from", "into", "off", "via", "through") \
                and (h._.trigger in ("verb", "phrasal") or h.lemma_.lower() in ("carry", "transport", "land", "arrive")) \
                and not any(c.dep_ in ("compound", "det", "poss", "amod") for c in tok.children) \
                and (tok.i + 1 >= len(doc) or doc[tok.i + 1].pos_ != "PROPN"):
            idx[tok.i] = (tok.i, tok.i + 1)
    # a name in a place: "the Ghumdhum border crossing in Bandarban", "Kashgar in Xinjiang"
    for tok in doc:
        if tok.i in idx or tok.pos_ != "PROPN" or tok.dep_ != "pobj" or tok.ent_type_ in ("PERSON", "DATE", "NORP", "TIME"):
            continue
        prep = tok.head
        if prep.lower_ in ("in", "near") and (prep.head.i in idx or prep.head.lemma_.lower() in FACILITY_HEADS):
            a = tok.i
            while a > 0 and doc[a - 1].dep_ == "compound" and doc[a - 1].head.i == tok.i and doc[a - 1].pos_ == "PROPN":
                a -= 1
            for i in range(a, tok.i + 1):
                idx[i] = (a, tok.i + 1)
    return idx


def _nationality_use(t: Token, lex: Lexicon | None = None) -> bool:
    """A country name used as a modifier of people or officials ("to Myanmar officials",
    "Afghan nationals"): a nationality word, not where the return went."""
    if t.dep_ not in ("compound", "amod", "nmod"):
        return False
    h = t.head
    while h.dep_ == "compound" and h.head.i != h.i and h.head.i > h.i:
        h = h.head
    return h.lemma_.lower() in AUTHORITY_NOUNS or h.lower_ in AUTHORITY_NOUNS or (lex is not None and _is_people(h, lex))


def _is_people(tok: Token, lex: Lexicon) -> bool:
    lemma = tok.lemma_.lower()
    low = tok.lower_
    if lemma in lex.people_nouns or low in lex.people_nouns or lemma in lex.people_triggers:
        return True
    if low in lex.demonyms:
        return True
    if tok.ent_type_ == "NORP" and tok.pos_ in ("PROPN", "NOUN") and (low.endswith("s") or low in lex.demonyms or tok.tag_ in ("NNPS", "NNS")):
        return True
    # "North Koreans": compound head
    span = " ".join(t.lower_ for t in tok.lefts if t.dep_ == "compound") + " " + low
    return span.strip() in lex.demonyms


def _verb_trigger(tok: Token) -> bool:
    return tok._.trigger in ("verb", "phrasal")


def _has_subject(tok: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)


def _contains_trigger(tok: Token) -> Token | None:
    for t in tok.subtree:
        if t._.trigger is not None:
            return t
    return None


def _qualifier(doc: Doc, start: int, end: int, lex: Lexicon) -> tuple[str, int]:
    before = []
    k = start - 1
    while k >= 0 and len(before) < 5 and doc[k].text not in ("(", ",", ";", ":", "\n") and "\n" not in doc[k].text:
        before.insert(0, doc[k].lower_)
        k -= 1
    for words, q in lex.qualifiers:
        n = len(words)
        if n <= len(before) and tuple(before[-n:]) == words:
            first = doc[start - n]
            if words == ("over",) and (first.dep_ == "prt" or (start - n - 1 >= 0 and doc[start - n - 1].lemma_.lower() in ("hand", "turn"))):
                continue  # "handed over 25 Syrians": a particle, not a hedge
            return q, start - n
    after = [t.lower_ for t in doc[end:end + 2]]
    if after and after[0] == "+":
        return "at_least", start
    for words in lex.at_least_after:
        if tuple(after[:len(words)]) == words and words != ("+",):
            return "at_least", start
    return "exact", start


def _excluded(doc: Doc, num: dict, lex: Lexicon) -> bool:
    s, e = num["start"], num["end"]
    first = doc[s]
    nxt = doc[e] if e < len(doc) else None
    nxt2 = doc[e + 1] if e + 1 < len(doc) else None
    prev = doc[s - 1] if s > 0 else None
    if not num["vague"]:
        if e - s == 1 and _is_year(first.text):
            # a year, unless it plainly counts people ("2000 migrants were deported")
            if not (nxt is not None and (nxt.pos_ in ("NOUN", "PROPN") or nxt.ent_type_ == "NORP") and nxt.lower_ not in TIME_UNITS
                    and not (prev is not None and prev.lower_ in DATE_PREPS | MONTH_WORDS | {",", "-", "–"})):
                return True
        if num["value"] == 0:
            return True
        ent = first.ent_type_
        if ent == "ORDINAL" or (ent == "MONEY" and re.search(r"[$€£¥]|\b(dollars?|euros?|pounds?|yuan|won|rupees?|afghanis?|usd|eur)\b",
                                                             " ".join(t.lower_ for t in doc[max(0, s - 2):e + 3]))):
            return True
        if ent == "DATE":
            ent_span = next((x for x in doc.ents if x.start <= s < x.end), None)
            if ent_span is not None and any(t.lower_ in MONTH_WORDS | TIME_UNITS or _is_year(t.text) for t in ent_span if t.i < s or t.i >= e):
                return True
    if nxt is not None and nxt.lower_ in ("in", "out") and any(t.like_num for t in doc[e + 1:e + 3]) \
            and not any(t.ent_type_ == "DATE" for t in doc[e + 1:e + 3]):
        return True  # "3 in 10", "4 out of 5"
    if nxt is not None:
        nl = nxt.lower_
        if nl in lex.unit_followers or nl in ("%", "percent"):
            return True
        if nl == "-" and nxt2 is not None and nxt2.lower_ in lex.unit_followers | {"year", "month", "week", "day"}:
            return True
        if nl in (":", "/", "st", "nd", "rd", "th") and not nxt.whitespace_:
            return True
        if nl.startswith("-year") or nl.startswith("year-old"):
            return True
        if nl == "per" and nxt2 is not None and nxt2.lower_ in ("cent",):
            return True
    if prev is not None:
        pl = prev.lower_
        if pl in lex.label_precursors or pl.endswith("$") or pl in ("$", "€", "£", "¥"):
            return True
        if pl in ("aged", "age", "ages") or (pl == "of" and s > 1 and doc[s - 2].lower_ in ("age", "ages")):
            return True
        if pl in (".", ")") and not prev.whitespace_:
            return True
        # proportions: "3 in 10 deportees", "4 out of 5"
        if pl in ("in", "of") and s > 1 and doc[s - 2].like_num:
            return True
        # an age after a name: "Gul Ahmad, 42, who was deported"
        if pl == "," and s > 1 and (doc[s - 2].ent_type_ == "PERSON" or doc[s - 2].pos_ == "PROPN" and doc[s - 2].ent_type_ not in ("GPE", "LOC", "NORP", "ORG")) \
                and nxt is not None and nxt.text in (",", ")", ";") and e - s == 1 and num["value"] < 120:
            return True
    # list numbers: "1. What is..." / "2) ..." at the start of a line
    if (first.is_sent_start or s == 0 or "\n" in (doc[s - 1].text + doc[s - 1].whitespace_)) and nxt is not None and nxt.text in (".", ")") and not num["vague"]:
        return True
    if first.text.startswith(("$", "€", "£")):
        return True
    return False


def _rate(doc: Doc, pos: int, lex: Lexicon) -> bool:
    words = [t.lower_ for t in doc[pos:pos + 3]]
    if len(words) == 3 and words[2] in ("earlier", "later", "ago", "before", "after", "prior"):
        return False
    for marker in lex.rate_markers:
        n = len(marker)
        if tuple(words[:n]) == marker:
            return True
    return False


# ---------------------------------------------------------------- linking
def _total_like(c: Token, lex: Lexicon) -> bool:
    """A subject or object that can hold a returnee total: "deportations", "the number of ...",
    "Afghans deported from Iran" (not "the deportation law")."""
    return c._.trigger is not None or c.lemma_.lower() in TOTAL_NOUNS or _is_people(c, lex)


def _link(x: Token, lex: Lexicon, qual: set[int] = frozenset()) -> tuple[Token | None, str, Token | None]:
    """Tie the counted word `x` (people noun, or the number itself) to a trigger.
    Returns (trigger, how, governing verb). `qual`: token indices of the hedge before the
    number ("upwards of", "at most"), which the parser sometimes makes the head."""
    if qual and x.head.i in qual:
        t = x
        for _ in range(4):
            if t.head.i in qual and t.head.i != t.i:
                t = t.head
            else:
                break
        if _verb_trigger(t.head) and t.head.i != t.i:
            return t.head, "direct", t.head
        x = t
    if x._.trigger == "people":  # "120 returnees", "a batch of 120 returnees"
        g = x
        if g.dep_ == "pobj" and g.head.lower_ == "of" and g.head.head.lemma_.lower() in QUANTITY_NOUNS:
            g = g.head.head
        return x, "people", (g.head if g.head.pos_ in ("VERB", "AUX") and g.head.i != g.i else None)
    for c in x.children:  # "some 40,000 who were deported", "300 Afghans deported from Iran"
        if c.dep_ in ("acl", "relcl") and _verb_trigger(c):
            return c, "modifier", None
    # climb coordinations and appositions to the word that carries the role
    seen = 0
    while x.dep_ in ("conj", "appos") and seen < 6 and x.head.i != x.i:
        x = x.head
        seen += 1
    if x.dep_ == "pobj" and x.head.lower_ in ("including", "among", "like", "plus") and x.head.head.i != x.head.i:
        whole = x.head.head
        if x.head.lower_ in ("including", "like") and (whole.like_num or any(
                c.dep_ in ("nummod", "quantmod") and c.like_num for c in whole.children)):
            return None, "", None  # "42 Myanmar nationals, including 11 children": part of a counted group
        x = whole
        while x.dep_ in ("conj", "appos") and x.head.i != x.i:
            x = x.head
    if x.dep_ == "pobj" and x.head.lower_ == "of" and x.head.head.lemma_.lower() in QUANTITY_NOUNS:
        x = x.head.head
    if x._.trigger == "people":
        return x, "people", (x.head if x.head.pos_ in ("VERB", "AUX") and x.head.i != x.i else None)
    if x._.trigger == "noun" and x.pos_ in ("NOUN", "PROPN"):
        return x, "noun", None  # "11,305 returns from Iran"
    for c in x.children:
        if c.dep_ in ("amod", "acl", "relcl") and _verb_trigger(c) and c.i != x.i:
            return c, "modifier", None
        if c.dep_ in ("amod", "compound") and c._.trigger == "people":
            return c, "people", None
    for c in (x.children if x.pos_ == "NOUN" else ()):  # "4,500 people of other nationalities deported by the United States"
        if c.dep_ == "prep" and c.lower_ == "of":
            for p in c.children:
                if p.dep_ == "pobj" and p.pos_ == "NOUN" and not any(n.like_num for n in p.children):
                    for cc in p.children:
                        if cc.dep_ in ("acl", "relcl") and _verb_trigger(cc):
                            return cc, "modifier", None
    for c in x.children:  # "300 Afghans who were arrested and deported"
        if c.dep_ in ("acl", "relcl"):
            for cc in c.children:
                if cc.dep_ == "conj" and _verb_trigger(cc):
                    return cc, "modifier", None
    h = x.head
    dep = x.dep_
    if h.i == x.i:
        return None, "", None
    # "a deportation flight carrying 120 migrants", "two buses of returnees with 80 people"
    if dep in ("dobj", "pobj") and (h.lemma_.lower() in ("carry", "transport", "bring", "take", "ferry", "with")):
        vehicle = h.head if h.dep_ in ("acl", "prep", "relcl") else next(
            (c for c in h.children if c.dep_ == "nsubj"), None)  # "Deportation flights have carried 1,500 people"
        if vehicle is not None and vehicle.i != h.i:
            if vehicle._.trigger == "noun":
                return vehicle, "noun", h
            while vehicle.dep_ == "pobj" and vehicle.head.lower_ == "of" and vehicle.head.head.i != vehicle.head.i:
                vehicle = vehicle.head.head  # "a convoy of 40 buses carrying ..."
            if vehicle.dep_ in ("dobj", "nsubjpass") and _verb_trigger(vehicle.head):
                return vehicle.head, "direct", h  # "turned back a boat carrying 250 Rohingya"
            if h.lower_ == "with" and _verb_trigger(vehicle) and any(
                    c.dep_ in ("dobj", "nsubjpass") and (c.lemma_.lower() in VEHICLE_NOUNS or c.lemma_.lower() in QUANTITY_NOUNS)
                    for c in vehicle.children):
                return vehicle, "direct", vehicle  # "sent back a convoy of 40 buses with some 2,400 Afghans"
            for c in vehicle.children:
                if c.dep_ in ("compound", "amod", "nmod") and (c._.trigger is not None):
                    return c, "noun", h
            if x.dep_ == "dobj" and _is_people(x, lex) and (
                    (_is_charter(vehicle) and _return_context(x.doc, x.sent))
                    or (vehicle.lemma_.lower() in ("flight", "plane", "charter") and any(
                        t._.trigger == "noun" and t.lemma_.lower() != "return" for t in x.sent))):
                # "Four charter flights ... carried 850 people" in a removals story; "the fourth charter
                # deportation this year, after flights to Vietnam ... carried a combined 183 people"
                return vehicle, "noun", h
    if dep == "dobj" and h.lemma_.lower() in ("involve", "affect", "include", "concern", "comprise") and h.dep_ in ("acl", "relcl") \
            and h.head._.trigger == "noun":
        return h.head, "noun", h  # "1,170 pushbacks involving 26,000 people"
    if _verb_trigger(h):
        if dep in ("dobj", "nsubjpass", "oprd", "dative", "attr"):
            return h, "direct", h
        if dep == "nsubj" and not any(c.dep_ == "dobj" and (c.like_num or c.pos_ in ("PRON", "PROPN") or c.ent_type_ == "NORP"
                                                            or _is_people(c, lex)) for c in h.children):
            return h, "direct", h  # "4,300 Afghans returned ...": the subject is the one returned
        if dep == "npadvmod":
            return h, "direct", h
    if h._.trigger == "noun" and dep in ("compound", "nmod", "amod", "nummod"):
        return h, "noun", None
    if dep == "pobj":
        p = h
        g = p.head
        pl = p.lower_
        if pl == "of" and g._.trigger in ("noun", "verb"):
            return g, "noun", None
        if pl in ("with", "of", "involving", "affecting", "totalling", "totaling", "numbering") and g._.trigger == "noun":
            return g, "noun", None
        if pl in ("with", "involving", "affecting"):
            # "forced returns took place in August (with 80 individuals), September (with 40 ...)"
            v = g
            for _ in range(4):
                if v.pos_ in ("VERB", "AUX"):
                    for c in v.children:
                        if c.dep_ in ("nsubj", "nsubjpass") and c._.trigger == "noun":
                            return c, "noun", v
                    break
                if v.head.i == v.i:
                    break
                v = v.head
        if pl in MISPARSED_QUAL_PREPS and _verb_trigger(g):
            return g, "direct", g
        if pl in ("to", "at") and _verb_trigger(g) and g.dep_ in ("acl", "relcl") and g.head.lemma_.lower() in TOTAL_NOUNS:
            return g, "total", g  # "bringing the number sent back this year to 41,000"
        if pl in ("to", "at", "past", "above", "beyond") and g.lemma_.lower() in TOTAL_VERBS:
            for c in g.children:
                if c.dep_ in ("dobj", "nsubj", "nsubjpass") and c.i != p.i and _total_like(c, lex):
                    t = _contains_trigger(c)
                    if t is not None:
                        return t, "total", g
            # "... were deported, bringing the total this year to 1.1 million"
            if any(c.dep_ in ("dobj", "nsubj") and c.lemma_.lower() in TOTAL_NOUNS for c in g.children) \
                    and g.dep_ in ("advcl", "conj", "xcomp") and _verb_trigger(g.head):
                return g.head, "total", g
    if dep in ("attr", "dobj", "npadvmod", "oprd", "acomp") and h.lemma_.lower() in TOTAL_VERBS:
        for c in h.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.i != x.i and _total_like(c, lex):
                t = _contains_trigger(c)
                if t is not None:
                    return t, "total", h
    if dep == "dobj" and h.pos_ == "VERB":
        # "intercepted 1,050 migrants at sea and returned them to Tripoli"
        for c in h.children:
            if c.dep_ == "conj" and _verb_trigger(c) and any(
                    o.dep_ == "dobj" and o.lower_ in ("them", "they", "all", "most", "many") for o in c.children):
                return c, "shared", h
    if dep in ("nsubj", "nsubjpass") and h.pos_ in ("VERB", "AUX"):
        for c in h.children:
            if c.dep_ in ("conj", "advcl", "xcomp") and _verb_trigger(c) and not _has_subject(c):
                return c, "shared", h
            if c.dep_ == "prep" and c.lower_ in ("after", "before", "following", "upon", "on", "since", "when", "while"):
                for cc in c.children:
                    if cc.dep_ in ("pcomp", "pobj") and _verb_trigger(cc):
                        return cc, "shared", h
                    if cc.dep_ == "pobj" and cc._.trigger == "noun":
                        return cc, "shared", h
            if c.dep_ == "ccomp" and h.lemma_.lower() in CAUSATIVES and _verb_trigger(c):
                return c, "shared", h
        # "85 children were among those returned last week"
        if h.lemma_.lower() == "be":
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ == "among":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            if p._.trigger == "people":
                                return p, "direct", h
                            for cc in p.children:
                                if cc.dep_ in ("acl", "relcl") and _verb_trigger(cc):
                                    return cc, "direct", h
        # "China made 60 refugees go back": the counted word is the subject of the trigger
        # clause under a causative verb, handled above by `direct` when the parse says so.
    return None, "", None


def _negative(trigger: Token, gov: Token | None, x: Token, lex: Lexicon) -> bool:
    if trigger.pos_ in ("NOUN", "PROPN") and any(
            c.dep_ in ("compound", "amod") and c.i < trigger.i and c.lemma_.lower() in lex.negative_governors
            for c in trigger.children):
        return True  # "Court halts deportation of 300" (a headline read as one noun phrase), "a planned deportation"
    starts = [trigger] + ([gov] if gov is not None and gov.i != trigger.i else [])
    for start in starts:
        cur = start
        steps = 0
        while steps < 8:
            for c in cur.children:
                if c.dep_ in ("aux", "auxpass") and (c.lemma_.lower() in lex.negative_aux or c.lower_ in lex.negative_aux):
                    return True
                if c.dep_ == "neg" and cur.i in (trigger.i, getattr(gov, "i", -1)):
                    return True
                if c.dep_ == "aux" and c.lower_ == "to" and cur.i == trigger.i and cur.dep_ in ("xcomp", "acl", "advcl", "ccomp", "relcl", "ROOT"):
                    # an infinitive: "to deport" (a plan), unless governed by a past event verb
                    # or perfect ("is believed to have repatriated 600")
                    perfect = any(a.dep_ == "aux" and a.lemma_.lower() == "have" for a in cur.children)
                    if not perfect and (cur.head.lemma_.lower() not in ("force", "compel", "make", "oblige", "coerce", "begin", "start", "continue") or cur.dep_ == "ROOT"):
                        return True
            if cur.i != start.i and (cur.lemma_.lower() in lex.negative_governors or cur.lower_ in lex.negative_governors):
                return True
            if cur.dep_ not in WALK_DEPS or cur.head.i == cur.i:
                break
            if any(c.dep_ == "mark" and c.lower_ in ("that", "whether") for c in cur.children):
                break  # "reports that 200 were returned": a reported fact, whatever governs "reports"
            if cur.dep_ == "advcl" and cur.i != start.i:
                break
            cur = cur.head
            steps += 1
    return False


def _window_text(doc: Doc, a: int, b: int) -> str:
    return " " + " ".join(t.lower_ for t in doc[a:b]) + " "


def _who(doc: Doc, num: dict, noun: Token | None) -> str:
    if noun is None:
        return ""
    if noun.i >= num["end"]:
        first = num["end"]
        while first < noun.i and doc[first].lower_ in ("of", "the", "more", "than", "-", "+", "or", "so"):
            first += 1
    else:
        first = min([t.i for t in noun.subtree if t.i <= noun.i and t.dep_ in ("amod", "compound", "det", "nmod")] + [noun.i])
    last = noun.i + 1
    # a short relative clause tells who ("individuals who had escaped from North Korea")
    for c in noun.children:
        if c.dep_ in ("relcl", "acl") and c._.trigger is None and c.i > noun.i and len(list(c.subtree)) <= 8:
            last = c.right_edge.i + 1
            break
    return doc[first:last].text.strip()


def _places_of(tok: Token, places: dict[int, tuple[int, int]], skip: set[int], out: list[tuple[int, int]], depth: int = 0) -> None:
    if depth > 4:
        return
    for c in tok.children:
        if c.i in skip:
            continue
        if c.dep_ == "prep" and c.lower_ in LOC_PREPS or (c.dep_ == "advmod" and c.lower_ in ("back", "home", "out", "away")) \
                or (c.dep_ == "prt" and c.lower_ in ("back", "over", "out")):
            for p in c.children:
                if p.dep_ in ("pobj", "prep", "pcomp") or (p.dep_ == "advmod"):
                    _collect_place_np(p, places, skip, out, depth)
            _places_of(c, places, skip, out, depth + 1)
        elif c.dep_ == "agent":
            for p in c.children:
                _collect_place_np(p, places, skip, out, depth)


def _collect_place_np(np: Token, places, skip, out, depth) -> None:
    for t in np.subtree:
        if t.i in skip:
            continue
        if t.i in places:
            if _nationality_use(t) and places[t.i] == (t.i, t.i + 1):
                continue  # "handed over to Myanmar officials"
            # a place inside a relative clause of the noun is not where the return went
            anc = t
            ok = True
            while anc.i != np.i:
                if anc.dep_ in ("relcl", "acl", "advcl", "ccomp") :
                    ok = False
                    break
                anc = anc.head
            if ok:
                span = places[t.i]
                if span not in out:
                    out.append(span)


def _subject_place(v: Token, places: dict[int, tuple[int, int]], out: list[tuple[int, int]]) -> None:
    subjectless = not _has_subject(v)
    for c in v.children:
        if subjectless and c.i < v.i and c.dep_ in ("amod", "compound", "npadvmod", "dep") and c.i in places \
                and places[c.i] not in out:
            out.append(places[c.i])  # a headline parsed astray: "Pakistan (amod) deports 1,450 Afghans"
        if c.dep_ == "nsubj" and c.i in places:
            span = places[c.i]
            if span not in out:
                out.append(span)
        if c.dep_ == "nsubj" and c.i not in places:
            # "Bangladesh's coast guard pushed back ...": the actor country
            for p in c.children:
                if p.dep_ == "poss" and p.i in places and places[p.i] not in out:
                    out.append(places[p.i])
            # "Border police in Dandong deported ...": where the return started
            for p in c.children:
                if p.dep_ == "prep" and p.lower_ in ("in", "from", "at"):
                    for t in p.children:
                        if t.dep_ == "pobj" and t.i in places and places[t.i] not in out:
                            out.append(places[t.i])
        if c.dep_ == "nsubj" and c.dep_ != "nsubjpass":
            for cc in c.children:
                if cc.dep_ == "conj" and cc.i in places and places[cc.i] not in out:
                    out.append(places[cc.i])


UNAMBIGUOUS = {"deport", "repatriate", "expel", "extradite", "readmit", "refoul", "refoule", "deportation",
               "repatriation", "expulsion", "deportee", "returnee", "readmission", "refoulement", "pushback"}


# Verbs that only ever take people: a bare number as their object counts people ("deported 700").
PEOPLE_ONLY_VERBS = {"deport", "repatriate", "expel", "extradite", "readmit", "refoul", "refoule"}


def _people_context(doc: Doc, sent: Span, lex: Lexicon) -> bool:
    """Returnees in sight for a bare number ("returned 1,200 to Afghanistan"): deportation words,
    nationalities or migrant nouns in the sentence or the one before it."""
    if _deportation_nearby(doc, sent):
        return True
    start = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    return any(t.ent_type_ == "NORP" or t.lower_ in lex.demonyms or t.lemma_.lower() in lex.migrant_nouns
               or t._.trigger == "people" for t in doc[start:sent.end])


def _deportation_nearby(doc: Doc, sent: Span) -> bool:
    """The sentence, or the one before it in the same paragraph, speaks of deportation in words
    that mean nothing else: then "85 children were among those returned" is about returnees."""
    start = sent.start
    if start > 0:
        prev = doc[start - 1].sent
        if not any("\n\n" in t.whitespace_ or "\n\n" in t.text for t in doc[prev.start:start]):
            start = prev.start
    return any(t.lemma_.lower() in UNAMBIGUOUS or t.lower_.startswith(("deport", "repatri", "expel", "expuls"))
               for t in doc[start:sent.end])


def _is_charter(v: Token) -> bool:
    low = v.lemma_.lower()
    return low == "charter" or (low in ("flight", "plane", "aircraft", "jet") and any(
        c.lower_ in ("charter", "chartered") for c in v.children if c.dep_ in ("compound", "amod")))


def _return_context(doc: Doc, sent: Span) -> bool:
    """A return word (any trigger) in the sentence or the one before it (wire paragraphs are often
    one sentence long)."""
    start = sent.start
    if start > 0:
        start = doc[start - 1].sent.start
    return any(t._.trigger in ("verb", "phrasal", "noun", "people") for t in doc[start:sent.end])


def _vehicles(trig: Token, gov: Token | None, x: Token) -> list[Token]:
    """The vehicle whose trip is the return: "a deportation flight", "a boat carrying 90 Rohingya",
    "charter flights carried 621 deportees"."""
    out: list[Token] = []
    if trig.dep_ in ("compound", "amod", "nmod") and trig.head.lemma_.lower() in VEHICLE_NOUNS:
        out.append(trig.head)
    elif trig.dep_ == "compound" and trig.i + 1 < len(trig.doc) and trig.doc[trig.i + 1].lemma_.lower() in VEHICLE_NOUNS \
            and trig.head.lemma_.lower() in ARRIVAL_VERBS:
        out.append(trig.head)  # a headline read as one noun phrase: "Deportation flight lands in Panama"
    for t in (trig, x):  # "a charter flight with 88 deportees", "a bus carrying 40 returnees"
        if t.dep_ in ("pobj", "dobj") and (t.head.lower_ in ("with", "of") or t.head.lemma_.lower() in ("carry", "transport", "ferry")) \
                and t.head.dep_ in ("prep", "acl", "relcl") and t.head.head.lemma_.lower() in VEHICLE_NOUNS:
            out.append(t.head.head)
    if gov is not None:
        if gov.dep_ in ("acl", "relcl") and gov.head.lemma_.lower() in VEHICLE_NOUNS:
            out.append(gov.head)
        for c in gov.children:
            if c.dep_ == "nsubj" and c.lemma_.lower() in VEHICLE_NOUNS:
                out.append(c)
    seen: set[int] = set()
    return [v for v in out if v.i != trig.i and not (v.i in seen or seen.add(v.i))]


def spans_hint(trig: Token, places: dict[int, tuple[int, int]]) -> bool:
    """Does the trigger's own phrase name a place (to / from / across ...)?"""
    out: list[tuple[int, int]] = []
    _places_of(trig, places, set(), out)
    return bool(out)


def _is_dateline(doc: Doc, span: tuple[int, int]) -> bool:
    s, e = span
    line_start = s == 0 or "\n" in (doc[s - 1].text + doc[s - 1].whitespace_) or doc[s].is_sent_start
    if line_start and e < len(doc) and doc[e].text in ("-", "–", "—", ":", ",", "("):
        return True
    # "HERAT, Afghanistan —", "PESHAWAR, Pakistan (AP) —": the second name of a dateline
    k = s - 1
    if k >= 1 and doc[k].text == "," and e < len(doc) and doc[e].text in ("-", "–", "—", "--", "("):
        k -= 1
        while k >= 0 and doc[k].text[:1].isupper() and not ("\n" in doc[k].whitespace_):
            if k == 0 or "\n" in (doc[k - 1].text + doc[k - 1].whitespace_):
                return doc[k:s - 1].text.isupper() or doc[k].is_sent_start
            k -= 1
    return False


def _dedupe_aliases(doc: Doc, spans: list[tuple[int, int]], lex: Lexicon) -> list[tuple[int, int]]:
    """One place per gazetteer entry: "US" beside "United States" is kept once, as first spelled."""
    out: list[tuple[int, int]] = []
    seen: set[str] = set()
    for a, b in sorted(spans):
        name = doc[a:b].text
        pl = lex.place_for(name[4:] if name.lower().startswith("the ") else name)
        key = pl.name.lower() if pl is not None else name.lower()
        if key in seen:
            continue
        seen.add(key)
        out.append((a, b))
    return out


def trigger_places(doc: Doc, sent: Span) -> list[tuple[int, int]]:
    """Places tied to the return triggers of one sentence, as character ranges."""
    places = _place_index(doc)
    spans: list[tuple[int, int]] = []
    for tok in sent:
        if tok._.trigger in ("verb", "phrasal"):
            _places_of(tok, places, set(), spans)
    spans = sorted(sp for sp in spans if not _is_dateline(doc, sp))
    return [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)) for a, b in spans]


def candidates_for_doc(doc: Doc, lex: Lexicon) -> list[dict]:
    if not doc._.triggers:
        return []
    places = _place_index(doc)
    out: list[dict] = []
    consumed: set[int] = set()
    nums = doc._.numbers or []
    for num in nums:
        s, e = num["start"], num["end"]
        if s in consumed:
            continue
        if _excluded(doc, num, lex):
            continue
        root = doc[s:e].root
        # range: "between 400 and 600", "400 to 600", "400-600"
        count_high = None
        nxt = doc[e] if e < len(doc) else None
        for other in nums:
            if other["start"] in (e + 1,) and nxt is not None and nxt.lower_ in ("to", "-", "–", "and") and not other["vague"] \
                    and other["value"] > num["value"] and (nxt.lower_ != "and" or (s > 0 and doc[s - 1].lower_ == "between")):
                count_high = other["value"]
                consumed.add(other["start"])
                break
        # the counted word
        noun: Token | None = None
        time_word: Token | None = None
        if root.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod", "det") and root.head.pos_ in ("NOUN", "PROPN", "ADJ") and root.head.i >= e:
            noun = root.head
            if noun.lower_ in TIME_UNITS and any(t.lower_ in ("last", "this", "next", "past", "previous") for t in doc[e:noun.i]):
                time_word = noun
                noun = None  # "reached 275 last month": the parser hung the number on "month"
        carrier: Token | None = time_word  # the word that carries the grammatical role
        if noun is None or noun.lemma_.lower() in QUANTITY_NOUNS:
            for c in (noun or root).children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    for p in c.children:
                        if p.dep_ == "pobj" and p.pos_ in ("NOUN", "PROPN", "PRON"):
                            carrier = noun or root
                            noun = p
        if count_high is not None and noun is None:
            hi_tok = doc[e + 1: e + 2].root if e + 1 < len(doc) else None
            if hi_tok is not None and hi_tok.dep_ in ("nummod",) and hi_tok.head.pos_ in ("NOUN", "PROPN"):
                noun = hi_tok.head
                if root.dep_ not in ("nummod", "quantmod", "compound"):
                    carrier = root  # "deported 400 to 600 Afghans": "400" is the object
        x = carrier if carrier is not None else (noun if noun is not None else root)
        if noun is None and root.dep_ in ("dobj", "npadvmod", "attr", "pobj") and root.head.lemma_.lower() in ("number", "total", "count") \
                and root.head.dep_ in ("acl", "advcl") and root.head.head.pos_ in ("NOUN", "PROPN"):
            noun = x = root.head.head  # "The repatriated defectors, numbering about 60, ..."
        people = None
        if noun is not None and any(c.dep_ == "prep" and c.lower_ == "among" and any(
                p.dep_ == "pobj" and p.lower_ in ("them", "whom", "those") for p in c.children) for c in noun.children):
            continue  # "31 people, among them 12 children": part of a counted group
        if noun is not None:
            if noun.pos_ == "PRON" and noun.lower_ in ("them", "whom", "those", "these"):
                people = True
            elif _is_people(noun, lex) or noun._.trigger == "people":
                people = True
            elif noun._.trigger == "noun":
                if any(c.dep_ in ("compound", "nmod") and c.pos_ == "NOUN" and c._.trigger is None and not _is_people(c, lex)
                       and c.lemma_.lower() not in ("asylum", "border", "charter", "case", "dublin", "return")
                       and c.i not in places for c in noun.children):
                    continue  # "4.5 million paper returns", "tax returns": things, not acts on people
                people = False  # "300 deportations": acts counted, kept with lower confidence
            else:
                continue  # "25 flights", "300 arrests": a figure about something else
        qualifier, qstart = _qualifier(doc, s, e, lex)
        qual_tokens = set(range(qstart, s))
        trig, how, gov = _link(x, lex, qual_tokens)
        if trig is None and noun is not None and noun.pos_ == "PRON":
            trig, how, gov = _link(root, lex, qual_tokens)
        if trig is None:
            continue
        if noun is None and how == "direct" and x.i == root.i and x.dep_ in ("dobj", "nsubjpass", "npadvmod") \
                and trig.lemma_.lower() not in PEOPLE_ONLY_VERBS and not _people_context(doc, doc[s].sent, lex):
            continue  # "the bank returned 300 to customers", "sent back 500 to China": no people in sight
        if how != "people" and _negative(trig, gov, x, lex):
            continue
        sent = doc[s].sent
        lo, hi = min(trig.i, s, x.i), max(trig.i, e - 1, x.i)
        window = _window_text(doc, max(sent.start, lo - 4), hi + 1)
        if any(f" {ph} " in window for ph in lex.negative_phrases):
            continue
        if _rate(doc, e, lex) or (noun is not None and _rate(doc, noun.i + 1, lex)):
            continue
        if gov is not None and gov.i != trig.i and gov.lemma_.lower() in lex.other_events and how not in ("shared", "total", "people"):
            continue
        if how == "people" and gov is not None and gov.lemma_.lower() in FATE_VERBS:
            continue  # "Over 200 deportees have died": a figure about their fate, not their return
        sent_home = trig.lemma_.lower() in ("send", "fly", "ship") and not any(
            t.lower_ == "back" and t.head.i == trig.i for t in doc[trig.i + 1:min(sent.end, trig.i + 8)])
        if (trig.lemma_.lower() in lex.ambiguous_verbs or sent_home) and how not in ("people", "total", "noun"):
            migrantish = noun is not None and (noun.lemma_.lower() in lex.migrant_nouns or noun.lower_ in lex.demonyms
                                               or noun.ent_type_ == "NORP" or _is_people(noun, lex) and any(
                                                   c.ent_type_ == "NORP" or c.lower_ in lex.demonyms for c in noun.lefts))
            # "sent home" alone is said of pupils and patients too: it needs migrants, a place or deportation words
            homeward = (not sent_home and any(t.lower_ in ("home", "homeland", "country", "countries") for t in trig.subtree)) \
                or any(c.dep_ == "advmod" and c.lower_ in ("voluntarily", "forcibly", "involuntarily", "spontaneously", "home")
                       and not (sent_home and c.lower_ == "home") for c in trig.children)
            if trig.lemma_.lower() == "remove" and people and not any(
                    c.dep_ == "prep" and c.lower_ == "from" and not any(t.i in places for t in c.subtree) for c in trig.children):
                homeward = True  # "3,599 people ... had been removed": removal of people is deportation
            subj_place: list[tuple[int, int]] = []
            _subject_place(trig, places, subj_place)
            conjuncts = [c for c in trig.children if c.dep_ == "conj" and c._.trigger in ("verb", "phrasal")]
            if any(c.lemma_.lower() not in lex.ambiguous_verbs or spans_hint(c, places) for c in conjuncts):
                homeward = True  # "have returned or been forced back from Iran and Pakistan"
            if not (migrantish or spans_hint(trig, places) or homeward or subj_place
                    or (people and _deportation_nearby(doc, sent))):
                continue
        if count_high is not None:
            qualifier = "at_least" if qualifier == "exact" else qualifier
        # places tied to the return
        spans: list[tuple[int, int]] = []
        skip: set[int] = set()
        if noun is not None:
            for c in noun.children:
                if c.dep_ in ("relcl", "acl") and c.i != trig.i:
                    skip.update(t.i for t in c.subtree)
        _places_of(trig, places, skip, spans)
        # a vehicle phrase the parser hung inside the people's relative clause still tells the trip:
        # "deported 44 nationals who had overstayed their visas on a chartered flight from Narita to Colombo"
        for t in (doc[i] for i in sorted(skip)):
            if t.dep_ == "pobj" and t.lemma_.lower() in VEHICLE_NOUNS and t.head.lower_ in ("on", "aboard", "by", "in") \
                    and (trig.pos_ in ("VERB", "AUX") or trig.tag_.startswith("VB")) \
                    and t.head.head.lemma_.lower() not in ARRIVAL_VERBS | {"come", "travel", "flee", "escape", "sail", "go"}:
                _places_of(t, places, set(), spans)
        for c in trig.children:  # "deported or forced back from Pakistan" (one subject)
            if c.dep_ == "conj" and c._.trigger is not None and not _has_subject(c):
                _places_of(c, places, skip, spans)
        if trig.dep_ == "conj" and trig.head._.trigger is not None and not _has_subject(trig):
            _places_of(trig.head, places, skip, spans)
        if noun is not None and noun.i != trig.i:
            origin: set[int] = set()
            own: list[tuple[int, int]] = list(spans)
            if trig.pos_ in ("VERB", "AUX") or trig.tag_.startswith("VB"):
                _subject_place(trig, places, own)
            dest = any(c.dep_ == "prep" and c.lower_ in ("to", "into") and any(t.i in places for t in c.subtree)
                       for c in noun.children)
            if (own or dest) and (trig.pos_ in ("VERB", "AUX") or trig.tag_.startswith("VB")):
                # "expelled migrants from West Africa into Niger": where the people come from is
                # not where the return went when the verb names its own places
                for c in noun.children:
                    if c.dep_ == "prep" and c.lower_ == "from":
                        origin.update(t.i for t in c.subtree)
            _places_of(noun, places, skip | origin, spans)
            for c in noun.children:  # "North Koreans who had been held in Jilin": where held
                if c.dep_ in ("relcl", "acl") and c.lemma_.lower() in HELD_VERBS:
                    _places_of(c, places, set(), spans)
        if gov is not None and gov.i != trig.i:
            _places_of(gov, places, skip, spans)
        # the vehicle of the return and where it went: "a deportation flight ... landed in Islamabad"
        for v in _vehicles(trig, gov, x):
            _places_of(v, places, skip, spans)
            if v.dep_ in ("nsubj", "nsubjpass") and v.head.lemma_.lower() in ARRIVAL_VERBS | MOVE_VERBS:
                _places_of(v.head, places, skip, spans)
        # the returnees reaching a place: "57 people deported from Russia arrived at Dushanbe airport"
        if noun is not None and noun.dep_ == "nsubj" and noun.head.i != trig.i and noun.head.lemma_.lower() in ARRIVAL_VERBS:
            _places_of(noun.head, places, skip, spans)
        if noun is not None:  # "... carrying 135 migrants landed in Islamabad" (parsed as a clause of the noun)
            for c in noun.children:
                if c.dep_ == "acl" and c.lemma_.lower() in ARRIVAL_VERBS and c.i != trig.i and not _has_subject(c):
                    _places_of(c, places, set(), spans)
        # the same people carried on: "deported 40 men to China, flying them from Bangkok to Kashgar"
        for c in trig.children:
            if c.dep_ in ("advcl", "conj") and c.lemma_.lower() in MOVE_VERBS and c.tag_ in ("VBG", "VBN") and not _has_subject(c):
                _places_of(c, places, skip, spans)
            elif c.dep_ == "conj" and c.lemma_.lower() in ARRIVAL_VERBS and not _has_subject(c) and c._.trigger is None:
                _places_of(c, places, skip, spans)  # "28 Pakistanis deported from Saudi Arabia landed at Multan airport"
        if trig.pos_ in ("VERB", "AUX") or trig.tag_.startswith("VB"):
            if not any(c.dep_ == "nsubjpass" for c in trig.children):
                _subject_place(trig, places, spans)
            if trig.dep_ in ("ccomp", "xcomp") and trig.head.lemma_.lower() in CAUSATIVES:
                _subject_place(trig.head, places, spans)
            if trig.dep_ == "conj":
                _subject_place(trig.head, places, spans)
        elif trig._.trigger == "noun":
            for c in trig.children:
                if c.dep_ == "poss" and c.i in places:
                    spans.append(places[c.i])
            if trig.dep_ == "dobj" and trig.head.pos_ in ("VERB", "AUX"):
                _subject_place(trig.head, places, spans)  # "Germany carried out 20,084 deportations"
        spans = _dedupe_aliases(doc, [sp for sp in spans if not _is_dateline(doc, sp)], lex)
        cum = how == "total"
        cw = _window_text(doc, max(sent.start, lo - 10), min(sent.end, hi + 10))
        if any(f" {m} " in cw for m in lex.cumulative_markers if m not in ("as of",)):
            cum = True
        conf = 0.45
        if how in ("direct", "people", "modifier", "noun"):
            conf += 0.2
        elif how in ("total",):
            conf += 0.15
        else:
            conf += 0.05
        if people:
            conf += 0.15
        elif people is None:
            conf -= 0.05
        if trig._.trigger in ("verb", "phrasal", "people"):
            conf += 0.05
        if num["vague"]:
            conf -= 0.3
        if spans:
            conf += 0.03
        ev_start = sent.start_char
        ev_end = sent.end_char
        out.append({
            "count": num["value"], "count_high": count_high, "vague": num["vague"],
            "qualifier": qualifier, "who": _who(doc, num, noun),
            "num_start": s, "num_end": e, "trigger": trig.i, "gov": gov.i if gov is not None else None,
            "x": x.i, "how": how, "people": people, "cumulative": cum,
            "places": [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)) for a, b in spans],
            "sent_start": sent.start, "sent_end": sent.end,
            "ev_start": ev_start, "ev_end": ev_end, "confidence": conf,
        })
    out.extend(_gapped(doc, lex, nums, out, places, consumed))
    out.extend(_surface(doc, lex, nums, out, places, consumed))
    return out


PASSIVE_GAP = {"were", "was", "have", "has", "had", "been", "be", "being", "are", "is", "forcibly", "reportedly",
               "allegedly", "recently", "also", "then", "later", "all", "forcefully", "summarily", "illegally"}


def _surface(doc: Doc, lex: Lexicon, nums: list[dict], found: list[dict],
             places: dict[int, tuple[int, int]], consumed: set[int]) -> list[dict]:
    """Word-order fallback where the parse went astray: an unambiguous return verb right next
    to "<number> <people>" ("Pakistan deported 1,520 Afghans - officials said")."""
    extra: list[dict] = []
    taken = {c["num_start"] for c in found} | consumed
    for num in nums:
        s, e = num["start"], num["end"]
        if s in taken or num["vague"] or _excluded(doc, num, lex):
            continue
        # the people word a few words on: "1,520 Afghans", "60 North Korean refugees"
        people = None
        for k in range(e, min(len(doc), e + 4)):
            t = doc[k]
            if _is_people(t, lex):
                people = t
                break
            if not (t.pos_ in ("ADJ", "PROPN") or t.ent_type_ == "NORP" or t.dep_ in ("amod", "compound")):
                break
        if people is None:
            continue
        qual, qstart = _qualifier(doc, s, e, lex)
        trig = None
        k = qstart - 1  # active: "deported (at least) 1,520 Afghans"
        while k >= 0 and doc[k].lower_ in ("back", "over", "forcibly", "a", "an", "the", "some", "another", "further"):
            k -= 1
        if k >= 0 and doc[k]._.trigger in ("verb", "phrasal") and doc[k].lemma_.lower() not in lex.ambiguous_verbs:
            trig = doc[k]
        if trig is None:  # passive: "1,520 Afghans were (forcibly) deported"
            k = people.i + 1
            while k < len(doc) and doc[k].lower_ in PASSIVE_GAP:
                k += 1
            if k < len(doc) and k > people.i + 1 and doc[k]._.trigger in ("verb", "phrasal") \
                    and doc[k].lemma_.lower() not in lex.ambiguous_verbs:
                trig = doc[k]
        if trig is None or _negative(trig, None, people, lex):
            continue
        if trig.lemma_.lower() in ("send", "fly", "ship") and not any(
                t.lower_ == "back" and t.head.i == trig.i for t in doc[trig.i + 1:min(len(doc), trig.i + 8)]):
            # "60 students were sent home early": pupils and patients are sent home too
            if not (people.lemma_.lower() in lex.migrant_nouns or people.lower_ in lex.demonyms or people.ent_type_ == "NORP"
                    or any(c.ent_type_ == "NORP" or c.lower_ in lex.demonyms for c in people.lefts)
                    or spans_hint(trig, places) or _deportation_nearby(doc, doc[s].sent)):
                continue
        sent = doc[s].sent
        lo, hi = min(trig.i, qstart), max(trig.i, people.i)
        window = _window_text(doc, max(sent.start, lo - 4), hi + 1)
        if any(f" {ph} " in window for ph in lex.negative_phrases) or _rate(doc, people.i + 1, lex):
            continue
        spans: list[tuple[int, int]] = []
        _places_of(trig, places, set(), spans)
        _subject_place(trig, places, spans)
        spans = sorted(sp for sp in spans if not _is_dateline(doc, sp))
        extra.append({
            "count": num["value"], "count_high": None, "vague": False, "qualifier": qual,
            "who": doc[e:people.i + 1].text, "num_start": s, "num_end": e, "trigger": trig.i, "gov": None,
            "x": people.i, "how": "surface", "people": True, "cumulative": False,
            "places": [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)) for a, b in spans],
            "sent_start": sent.start, "sent_end": sent.end,
            "ev_start": sent.start_char, "ev_end": sent.end_char, "confidence": 0.45,
        })
        taken.add(s)
    return extra


def _gapped(doc: Doc, lex: Lexicon, nums: list[dict], found: list[dict],
            places: dict[int, tuple[int, int]], consumed: set[int]) -> list[dict]:
    """Figures whose verb is left out: "600 were returned on Saturday and 450 on Sunday",
    "Germany returned 13,000 people, France 12,000 and Sweden 6,000"."""
    extra: list[dict] = []
    taken = {c["num_start"] for c in found} | consumed
    for num in nums:
        s, e = num["start"], num["end"]
        if s in taken or num["vague"] or _excluded(doc, num, lex):
            continue
        qual, qstart = _qualifier(doc, s, e, lex)
        prev = doc[qstart - 1] if qstart > 0 else None  # the word before "nearly 50"
        if prev is None:
            continue
        sent = doc[s].sent
        base = None
        for c in found:
            if c["sent_start"] == sent.start and c["num_end"] <= s and not c["vague"]:
                base = c
        if base is None:
            continue
        between = doc[base["num_end"]:s]
        if any(t.pos_ in ("VERB", "AUX") and t.i != base["trigger"] and t.i != base.get("gov")
               and not (t.lemma_.lower() in REPORT_VERBS and t.dep_ == "ROOT") for t in between if t.i > base["trigger"]):
            continue  # (a reporting verb between does not part them: "..., the president said on Monday, along with 36,000 ...")
        # the remnant: "and 450 on Sunday" / ", France 12,000" / "and Sweden 6,000"
        lead = prev.lower_
        place_lead = qstart - 1 in places and (qstart < 2 or doc[places[qstart - 1][0] - 1].lower_ in (",", "and", "while", "with"))
        if not (lead in (",", "and", "while", "with", ";") or place_lead):
            continue
        nxt = doc[e] if e < len(doc) else None
        if nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and not _is_people(nxt, lex) and nxt.i not in places \
                and nxt.lower_ not in MONTH_WORDS and nxt.ent_type_ != "DATE":
            continue  # "... and 45 flights": a figure about something else
        if _rate(doc, e, lex):
            continue
        head_word = doc[s:e].root
        if head_word.dep_ == "nummod":
            head_word = head_word.head
        if head_word.dep_ in ("nsubj", "nsubjpass") and head_word.head.i != base["trigger"]:
            continue  # "while about 170 were allowed to travel": a clause of its own
        locs = [places[qstart - 1]] if place_lead else []
        for k in range(e, min(sent.end, e + 6)):  # "and 23,400 from Pakistan"
            t = doc[k]
            if t.text in (",", ";") or t.lower_ in ("and", "while", "but") or t.like_num:
                break
            if k in places and places[k] not in locs and doc[k - 1].lower_ in LOC_PREPS:
                locs.append(places[k])
        extra.append(dict(base, count=num["value"], count_high=None, qualifier=qual,
                          num_start=s, num_end=e, how="gapped", gapped=True,
                          places=[(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)) for a, b in locs],
                          confidence=max(0.05, base["confidence"] - 0.15)))
        taken.add(s)
    return extra
