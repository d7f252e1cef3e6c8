"""One claim per figure and event per article.

The same figure twice (headline and body, or one sentence found by two rules) becomes one
claim: the other statements go to `other_evidence`, the more specific date and the places
of its body statements are kept (a headline's are not: see `_fold`), a hedge wins over
"exact" (headlines drop hedges). A hedged headline figure that rounds a body figure ("more
than 200" over a body "238") is folded into the body's claim, as is a round headline figure
that rounds one ("484,000" over 484,069).
"""

from __future__ import annotations

from extract.types import Claim


def compatible_dates(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return True
    return all(x == y or "X" in (x, y) for x, y in zip(a, b, strict=False))  # the shorter date is a prefix


def _more_specific(a: str | None, b: str | None) -> bool:
    """Whether date `b` says more than `a` ("2024-10-09" over "2024-10", any date over none)."""
    if b is None:
        return False
    if a is None:
        return True
    return len(b) > len(a) or ("X" in a and "X" not in b and len(b) == len(a))


def _fold(target: Claim, c: Claim, from_headline: bool = False) -> None:
    """Fold statement `c` into claim `target`. A headline's places stay out of a body claim: a
    claim's places are those of the sentence that states it, and a headline names the story's
    actors and places at large ("China forcibly returns 100 North Koreans through Tumen")."""
    if c.start == target.start and c.end == target.end or any(o["start"] == c.start for o in target.other_evidence):
        return
    target.other_evidence.append({"evidence": c.evidence, "start": c.start, "end": c.end})
    if _more_specific(target.date, c.date) and compatible_dates(target.date, c.date):
        target.date, target.date_end = c.date, c.date_end
    if target.kind == "event" and c.kind == "cumulative" and target.qualifier == c.qualifier:
        target.kind = "cumulative"
    if not target.who and c.who:
        target.who = c.who
    if not from_headline:
        _fold_places(target, c)
    if target.qualifier == "exact" and c.qualifier != "exact":
        target.qualifier = c.qualifier
    target.confidence = round(max(target.confidence, c.confidence), 3)


def _fold_places(target: Claim, c: Claim) -> None:
    canon = {(p or {}).get("canonical", "").lower() for p in target.places} - {""}
    for loc, place in zip(c.locations, c.places or [{}] * len(c.locations), strict=True):
        low = loc.lower()
        if (place or {}).get("canonical", "").lower() in canon:
            continue  # "US" in one statement, "United States" in the other: one place
        if not any(low in x.lower() or x.lower() in low for x in target.locations):
            target.locations.append(loc)
            if place:
                target.places.append(place)


def merge_claims(
    claims: list[Claim], headline: tuple[int, int] | None, back_references: frozenset[int] = frozenset()
) -> list[Claim]:
    """Claims of one article merged (see the module docstring), in text order.

    `back_references`: `id()`s of claims whose figure refers back to one told before ("The 68
    were returned under ...", "the current figure of 406"): they join the earlier claim of the
    same figure whatever their dates."""

    # body statements first, so that a claim's evidence is the body sentence when there is one
    def in_head(c: Claim) -> bool:
        return headline is not None and headline[0] <= c.start < headline[1]

    ordered = sorted(claims, key=lambda c: (in_head(c), c.start))
    merged: list[Claim] = []
    for c in ordered:
        # a headline figure is the body's figure whatever date each was given
        loose = in_head(c) or id(c) in back_references
        target = next(
            (
                m
                for m in merged
                if m.count == c.count and m.vague == c.vague and (loose or compatible_dates(m.date, c.date))
            ),
            None,
        )
        if target is None:
            merged.append(c)
        else:
            _fold(target, c, in_head(c) and not in_head(target))
    merged = _fold_rounded_headlines(merged, in_head)
    return sorted(merged, key=lambda c: c.start)


def _rounds(headline: Claim, body: Claim) -> bool:
    """A hedged headline figure that rounds a body figure: "more than 200" for 238."""
    h, b = headline.count, body.count
    if body.vague or headline.vague or b == h or h <= 0:
        return False
    if headline.qualifier in ("more_than", "at_least"):
        return h <= b <= h * 1.5
    if headline.qualifier == "about":
        return abs(b - h) <= 0.2 * h
    if headline.qualifier == "up_to":
        return h * 0.6 <= b <= h
    return _round_of(h, b)


def _round_of(h: int, b: int) -> bool:
    """A round headline figure that is a body figure rounded or cut at its own precision:
    "484,000 deported in six years" over a body's 484,069, "1.5 million" over 1,498,000."""
    zeros = len(str(h)) - len(str(h).rstrip("0"))
    if zeros < 2:
        return False
    unit = 10**zeros
    return round(b / unit) * unit == h or b // unit * unit == h


def _fold_rounded_headlines(claims: list[Claim], in_head) -> list[Claim]:
    out = list(claims)
    for hc in claims:
        if not in_head(hc) or hc.other_evidence:
            continue
        target = next((bc for bc in claims if bc is not hc and not in_head(bc) and _rounds(hc, bc)), None)
        if target is not None:
            target.other_evidence.insert(0, {"evidence": hc.evidence, "start": hc.start, "end": hc.end})
            out.remove(hc)
    return out
