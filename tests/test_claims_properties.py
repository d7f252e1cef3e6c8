"""Property tests: no text crashes the extractor, and every claim points at its evidence."""

from hypothesis import HealthCheck, given, settings, strategies as st

from extract.claims import find_claims, find_claims_many

WORDS = ["Pakistan", "deported", "1,200", "Afghans", "to", "on", "Monday", "were", "sent", "back",
         "around", "500", "North", "Koreans", "repatriated", "from", "China1", "In", "January", "2024,108",
         "hundreds", "of", "at", "least", "returned", "the", "deportation", "Between", "400", "and", "600",
         "plans", "face", "25", "years", ",", ".", "\n\n", "\n", "(", ")", "returnees", "sixty", "five", "hundred",
         "Forcibly", "Returns", "Over", "To", "handed", "over", "2020-2023", "since", "2020", "%", "$", "Seoul", "–"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=0, max_size=60), st.sampled_from([None, "2024-05-02", "bad"]))
def test_word_salad_never_crashes(words, published):
    text = " ".join(words)
    for c in find_claims(text, published):
        assert text[c.start:c.end] == c.evidence
        assert c.count >= 0 and 0.0 <= c.confidence <= 1.0
        assert c.qualifier in ("exact", "about", "at_least", "more_than", "up_to", "fewer_than")
        assert c.kind in ("event", "cumulative")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_never_crashes(text):
    for c in find_claims(text):
        assert text[c.start:c.end] == c.evidence


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join),
       st.text(alphabet="deportd 0123456789,.\nAfghans", max_size=200))
def test_many_equals_one_by_one(a, b):
    many = list(find_claims_many([(a, None), (b, "2024-05-02")]))
    assert [c.to_dict() for c in many[0]] == [c.to_dict() for c in find_claims(a, None)]
    assert [c.to_dict() for c in many[1]] == [c.to_dict() for c in find_claims(b, "2024-05-02")]


def test_long_text_is_parsed_in_pieces():
    sentence = "Pakistan deported 1,200 Afghans through Torkham on Monday. "
    text = "Intro line.\n" + sentence * 800 + "\n\nIran deported 300 Afghans on Friday."
    claims = find_claims(text, "2024-05-02")
    assert {c.count for c in claims} == {1200, 300}
    for c in claims:
        assert text[c.start:c.end] == c.evidence
        for o in c.other_evidence:
            assert text[o["start"]:o["end"]] == o["evidence"]


def test_lexicons_extend_without_code(tmp_path, monkeypatch):
    """A maintainer adds a trigger verb and a border town in config; no code changes."""
    import shutil
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[1] / "config" / "topics"
    text = "Officials offloaded 70 Afghans to Zarghun Shahr on Monday."
    assert find_claims(text, "2024-05-02") == []
    topics = tmp_path / "topics"
    topics.mkdir()
    r = (shipped / "returnees.toml").read_text()
    (topics / "returnees.toml").write_text(
        r.replace('verbs = [\n  "repatriate",', 'verbs = [\n  "offload", "repatriate",')
         .replace('stems = [\n  "repatri",', 'stems = [\n  "offload", "repatri",'))
    p = (shipped / "places.toml").read_text()
    zarghun = '{ name = "Zarghun Shahr", kind = "city", country = "Afghanistan", lat = 33.2, lon = 68.4 }'
    (topics / "places.toml").write_text(p.replace("places = [\n", f"places = [\n  {zarghun},\n"))
    monkeypatch.setenv("NEWSMON_CONFIG", str(tmp_path))
    (c,) = find_claims(text, "2024-05-02")
    assert (c.count, c.date, c.locations) == (70, "2024-04-29", ["Zarghun Shahr"])
    assert c.places[0]["country"] == "Afghanistan"
    shutil.rmtree(topics)
