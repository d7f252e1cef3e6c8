"""The stages of the claims pipeline, each on its own: chunks, candidates, features, the
decision model's file, qualifiers, dates, places, merging, page leftovers. Real spaCy model."""

from __future__ import annotations

import pytest

from extract.claims import article_candidates, find_claims
from extract.claims.chunks import select_chunks
from extract.claims.decision import DecisionModel, ModelError, load_model
from extract.claims.lexicon import load_lexicon
from extract.claims.merge import merge_claims
from extract.types import Claim

PUB = "2025-06-10"  # a Tuesday


def _candidates(text: str, published: str | None = PUB):
    art = next(article_candidates([(text, published)]))
    return [(c.quantity.value, c.rule, feats) for c, feats in art.candidates]


def _rules(text: str) -> dict[int, str]:
    return {value: rule for value, rule, _ in _candidates(text)}


# ---------------------------------------------------------------- chunks
def test_only_paragraphs_with_a_return_word_and_a_figure_are_parsed():
    lex = load_lexicon()
    filler = "The weather was fine.\n\n" * 3
    text = (f"The match ended 3-1.\n\n{filler}On Monday 300 Afghans were deported.\n\n{filler}The end came at 5.")
    chunks = select_chunks(text, lex)
    parsed = "".join(text[a:b] for a, b in chunks)
    assert "deported" in parsed and "3-1" not in parsed and "The end came" not in parsed


def test_a_table_under_a_return_line_is_parsed_whole():
    lex = load_lexicon()
    rows = "\n".join(f"Province {i}: {100 + i}" for i in range(30))
    text = f"Returns from Pakistan by province of origin, 1-7 September:\n{rows}\n\nUnrelated closing line 5."
    parsed = "".join(text[a:b] for a, b in select_chunks(text, lex))
    assert "Province 29: 129" in parsed and "Unrelated closing" not in parsed


# ---------------------------------------------------------------- candidates
@pytest.mark.parametrize("text,value,rule", [
    ("Pakistan deported 1,200 Afghans on Monday.", 1200, "clause"),
    ("A total of 1,076 North Koreans have been repatriated since 2020.", 1076, "clause"),
    ("UNHCR counted 3,400 returnees at Torkham.", 3400, "people"),
    ("Deportation flights resumed on Monday.\nA second flight with 120 Salvadorans landed on Friday.", 120, "weak"),
    ("Iran deported 2,000 Afghans last week.\nAmong them were 38 unaccompanied minors.", 38, "previous"),
    ("Turkey deported Syrians all week.\nThe crossings were crowded.\n"
     "On Monday, 1,880 Syrians passed through Cilvegozu.",
     1880, "context"),
    ("Returns from Iran by crossing point:\nIslam Qala: 96,780\nMilak: 24,626", 24626, "list"),
])
def test_every_shape_of_figure_becomes_a_candidate(text, value, rule):
    assert _rules(text).get(value) == rule


@pytest.mark.parametrize("text,absent", [
    ("Pakistan deported 1,200 Afghans in 2023.", 2023),       # a year
    ("Iran deported Afghans, 52 percent of them women.", 52),  # a percentage
    ("Iran deported 300 Afghans and spent $40 on each.", 40),  # money
    ("Farid, 15, was deported from Iran on Monday.", 15),      # an age after a name
    ("Deportations were stopped for 15 years.", 15),           # a duration
])
def test_shapes_that_are_never_head_counts_are_no_candidates(text, absent):
    assert absent not in _rules(text)


def test_features_name_the_word_class_and_the_plan():
    feats = {value: f for value, _rule, f in _candidates(
        "Pakistan deported 300 Afghans on Monday. About 20 police officers escorted the flight.\n\n"
        "Pakistan plans to deport 5,000 Afghans.")}
    assert "counted=agents" in feats.get(20, [])
    assert "gov=plan" in feats[5000] or "phrase=plans_to" in feats[5000]


def test_page_leftovers_give_no_candidate():
    text = ("Pakistan deports 300 Afghans through Torkham\n\n"
            "Pakistan deported 300 Afghans on Monday, officials said.\n\n"
            "Related\n\nIran deports 1,450 Afghans via Islam Qala in one day\nOctober 9, 2025\n\n"
            "UN: 2.4 million Afghans returned in 2025 so far\nOctober 2, 2025")
    assert set(_rules(text)) == {300}


# ---------------------------------------------------------------- the decision model file
def test_the_shipped_models_load_and_score_between_0_and_1():
    for kind in ("claims", "places"):
        model = load_model(None, kind)
        assert 0.0 < model.threshold < 1.0 and len(model.weights) > 50
        assert 0.0 <= model.confidence(["rule=clause", "counted=nationality"]) <= 1.0


def test_a_broken_model_file_says_so(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "claims-en.json").write_text("{}")
    load_model.cache_clear()
    try:
        with pytest.raises(ModelError, match="claims-en.json: not a claim-decision model"):
            load_model(str(tmp_path))
    finally:
        load_model.cache_clear()


def test_confidence_is_calibrated_not_raw():
    model = DecisionModel(weights={"a": 2.0}, bias=0.0, platt_a=0.5, platt_b=0.0, threshold=0.5, features_version="x")
    assert round(model.confidence(["a"]), 3) == round(1 / (1 + 2.718281828 ** -1.0), 3)


# ---------------------------------------------------------------- attributes
@pytest.mark.parametrize("phrase,qualifier", [
    ("at least", "at_least"), ("no fewer than", "at_least"), ("more than", "more_than"), ("over", "more_than"),
    ("upwards of", "more_than"), ("nearly", "about"), ("around", "about"), ("an estimated", "about"),
    ("up to", "up_to"), ("as many as", "up_to"), ("fewer than", "fewer_than"), ("", "exact"),
])
def test_qualifiers(phrase, qualifier):
    text = f"Pakistan deported {phrase} 300 Afghans on Monday.".replace("  ", " ")
    (c,) = [c for c in find_claims(text, PUB) if c.count == 300]
    assert c.qualifier == qualifier


@pytest.mark.parametrize("text,count,date", [
    ("Between 1 and 15 October, 9,600 Afghans were deported from Pakistan.", 9600, "2024-10-01"),
    ("KABUL, June 4 (Reuters) - Iran deported 1,200 Afghans on Friday.", 1200, "2025-06-06"),
    ("In the second quarter of 2025, 44,133 Ethiopians were returned from Saudi Arabia.", 44133, "2025-04"),
    ("Over the past year, more than 2,000 Eritreans were deported from Egypt.", 2000, None),
    ("Iran deported 600 Afghans on Saturday and 450 on Sunday.", 450, "2025-06-08"),
    ("The service deported 95 people in 2023/24, against 70 in 2022/23.", 95, "2023"),
    ("The service deported 40 people in 1999/00, against 30 in 1998/99.", 40, "1999"),
])
def test_dates(text, count, date):
    got = {c.count: c.date for c in find_claims(text, PUB)}
    assert got.get(count, "missing") == date


def test_rows_of_a_table_take_the_period_of_its_lead():
    text = ("Between 1 and 7 September, 52,306 Afghans returned from Pakistan, the IOM said.\n\n"
            "Returns by crossing:\nTorkham: 31,204\nSpin Boldak: 21,102")
    got = {c.count: c.date for c in find_claims(text, "2025-09-10")}
    assert got.get(31204) == "2025-09-01" and got.get(21102) == "2025-09-01"


def test_places_of_the_return_not_the_dateline_nor_a_nationality():
    text = "PESHAWAR, Pakistan — Pakistani police deported 1,200 Afghans through the Torkham border crossing on Monday."
    (c,) = [c for c in find_claims(text, PUB) if c.count == 1200]
    assert "Torkham" in c.locations and "Peshawar" not in [x.title() for x in c.locations]


def _dateline_marks(text: str) -> list[tuple[int, bool]]:
    """(character offset, is a dateline) of every place name of `text`."""
    from extract.claims.place_names import place_spans
    from extract.claims.places import is_dateline

    art = next(article_candidates([(text, PUB)]))
    doc = art.candidates[0][0].doc
    return [(doc[span[0]].idx, is_dateline(doc, span)) for span in place_spans(doc, load_lexicon())]


@pytest.mark.parametrize("dateline", ["NEW DELHI:", "KUWAIT CITY, July 15:", "Cooch Behar, July 25:"])
def test_a_dateline_ended_by_a_colon_is_no_place(dateline):
    text = f"{dateline} Police deported 48 Bangladeshis from Cooch Behar to Kuwait City and New Delhi on Friday."
    marks = _dateline_marks(text)
    in_dateline = [marked for at, marked in marks if at < len(dateline)]
    in_sentence = [marked for at, marked in marks if at > len(dateline)]
    assert in_dateline and all(in_dateline)  # the dateline's names
    assert in_sentence and not any(in_sentence)  # the same names told in the sentence


@pytest.mark.parametrize("row", ["Sudan: 52 people", "TOTAL: 5,822", "Kerman: 9,115 returned"])
def test_a_table_row_is_no_dateline(row):
    marks = _dateline_marks(f"Deportations by province in May:\n{row}\nHerat: 1,204")
    assert marks and not any(marked for _at, marked in marks)


def _figure_parts(text: str) -> dict[int, set[str]]:
    """figure -> the place names in its part of the sentence (`extract.claims.segments`)."""
    from extract.claims.place_names import place_name, place_spans
    from extract.claims.segments import figure_cuts, part_of

    art = next(article_candidates([(text, PUB)]))
    c = art.candidates[0][0]
    starts, cuts = figure_cuts(c.doc, c.sent)
    by_start = {cand.tq.start: cand.quantity.value for cand, _f in art.candidates}
    parts: dict[int, set[str]] = {by_start[s]: set() for s in starts}
    for span in place_spans(c.doc, load_lexicon()):
        parts[by_start[starts[part_of(cuts, span[0])]]].add(place_name(c.doc, span))
    return parts


@pytest.mark.parametrize("text, wanted", [
    ("Of these, 808 had been returned on eleven chartered flights from Piarco to Maiquetía, and 355 by vessel "
     "from the port of Chaguaramas to Güiria.",
     {808: {"Piarco", "Maiquetía"}, 355: {"Chaguaramas", "Güiria"}}),  # "eleven flights" is no figure of people
    ("Germany deported 29 people to Kabul, 18 to Tashkent, via Istanbul; and 15 to Dhaka, the ministry said.",
     {29: {"Germany", "Kabul"}, 18: {"Tashkent", "Istanbul"}, 15: {"Dhaka"}}),  # a semicolon over a comma
    ("Austria took back 1,158 people from Germany last year, Croatia 982 and Poland 637.",
     {1158: {"Austria", "Germany"}, 982: {"Croatia"}, 637: {"Poland"}}),
    ("Germany deported them to Austria, 1,044, followed by France with 761, Poland with 588 and Italy with 512.",
     {1044: {"Germany", "Austria"}, 761: {"France"}, 588: {"Poland"}, 512: {"Italy"}}),  # "X with N": X is N's
])
def test_a_sentence_of_several_figures_is_cut_into_one_part_per_figure(text, wanted):
    assert _figure_parts(text) == wanted


def _name_features(text: str) -> dict[tuple[float, str], set[str]]:
    """(figure, place name of its sentence) -> the place model's features of that name."""
    from extract.claims.place_names import place_name
    from extract.claims.places import claim_place_spans, place_features

    lex = load_lexicon()
    art = next(article_candidates([(text, PUB)]))
    return {
        (c.quantity.value, place_name(c.doc, span)): set(place_features(c, span, lex))
        for c, _f in art.candidates
        for span in claim_place_spans(c, lex)
    }


def test_a_name_in_another_figures_part_is_marked_for_the_place_model():
    feats = _name_features("On Thursday alone, 612 Mexicans were handed over at the Paso del Norte bridge in Ciudad "
                           "Juárez, and 440 at the crossings into Tijuana.")
    marks = {key: {f for f in got if f.endswith("-part")} for key, got in feats.items()}
    assert marks[612, "Tijuana"] == {"later-part"} and marks[440, "Tijuana"] == {"own-part"}
    assert marks[440, "Ciudad Juárez"] == {"earlier-part"} and marks[612, "Ciudad Juárez"] == {"own-part"}


def test_a_name_of_another_part_is_marked_when_the_figures_own_part_names_places():
    feats = _name_features("Iran deported 410 Afghans from Mashhad to Herat last week, 96 from Zahedan to Nimroz, "
                           "and 52 more in the same days.")
    marked = {key: "figure-part-has-names" in got for key, got in feats.items()}
    assert marked[96, "Herat"] and marked[410, "Nimroz"]  # each part names its own places
    assert not marked[52, "Herat"]  # "and 52 more in the same days" names none: it may share
    assert not marked[410, "Herat"]  # a name of the figure's own part


@pytest.mark.parametrize("text, figure, shared", [
    ("Germany deported 16,430 people in 2023, up from 12,945 in 2022, according to federal figures.", 12945, True),
    ("Iran deported 1,200 Afghans in May and 1,500 in June.", 1500, True),
    ("Germany returned 13,000 people, France 12,000 and Sweden 6,000.", 12000, False),  # France's return
])
def test_the_subject_of_a_figure_without_its_own_verb_is_marked_as_shared(text, figure, shared):
    from extract.claims.places import claim_place_spans, place_features

    lex = load_lexicon()
    art = next(article_candidates([(text, PUB)]))
    (c,) = [c for c, _f in art.candidates if c.quantity.value == figure]
    actor = claim_place_spans(c, lex)[0]  # the sentence's first name, the subject of its verb
    assert ("shared-subject" in place_features(c, actor, lex)) == shared


@pytest.mark.parametrize("text, figure, name, receiving", [
    ("Mexico has received 38,212 people deported from the United States since Jan. 20.", 38212, "Mexico", True),
    ("Guatemala accepted 412 deportees on three flights from Texas on Tuesday.", 412, "Guatemala", True),
    ("Thailand deported 40 Uyghur men to China early on Thursday.", 40, "Thailand", False),
])
def test_a_country_that_only_receives_returnees_is_marked_for_the_place_model(text, figure, name, receiving):
    from extract.claims.place_names import place_name
    from extract.claims.places import claim_place_spans, place_features

    lex = load_lexicon()
    art = next(article_candidates([(text, PUB)]))
    (feats,) = [place_features(c, span, lex) for c, _f in art.candidates for span in claim_place_spans(c, lex)
                if c.quantity.value == figure and place_name(c.doc, span) == name]
    assert "subject-side" in feats and ("subject-of-receiving" in feats) == receiving


def test_places_coordinated_with_a_kept_place_are_kept():
    text = ("Dominican agents deported 2,614 Haitians on Thursday through the crossings at Dajabón, Elías Piña "
            "and Pedernales.")
    (c,) = [c for c in find_claims(text, PUB) if c.count == 2614]
    assert {"Dajabón", "Elías Piña", "Pedernales"} <= set(c.locations)


def test_the_figures_of_a_breakdown_by_nationality_are_candidates():
    text = ("Aegean pushbacks in the third quarter\n\nOur monitors recorded 5,822 people pushed back to Turkish "
            "waters between July and September. The figures come from interviews at eleven sites.\n\nSyrians were "
            "the largest group with 1,940, followed by Afghans with 1,210 and Somalis with 655.\n\n"
            "The coast guard has 1,200 officers on the islands.")
    rules = _rules(text)
    assert rules.get(1940) == rules.get(1210) == rules.get(655) == "breakdown"
    assert rules.get(1200) != "breakdown"


def _place_names(text: str) -> set[str]:
    from extract.claims.place_names import place_name, place_spans

    art = next(article_candidates([(text, PUB)]))
    lex = load_lexicon()
    return {place_name(c.doc, span) for c, _ in art.candidates for span in place_spans(c.doc, lex)}


@pytest.mark.parametrize("text,wanted,unwanted", [
    pytest.param(  # a pair of places joined by a hyphen is two places, a hyphenated name one
        "Russian guards handed 2 North Korean men over at the Khasan-Tumangang crossing on Tuesday.\n\n"
        "Deportations by border point:\nDajabón-Ouanaminthe: 118,230\nPedernales-Anse-à-Pitres: 49,118\n"
        "Yemenis deported through Al-Tuwal crossing: 918\n\n"
        "Officials repatriated 165 Haitian nationals to Cap-Haïtien on two flights, the government said.",
        {"Khasan", "Tumangang", "Dajabón", "Ouanaminthe", "Pedernales", "Anse-à-Pitres", "Al-Tuwal", "Cap-Haïtien"},
        {"Khasan-Tumangang", "Al", "Tuwal", "Haïtien", "Anse"}, id="hyphens"),
    pytest.param(  # an article joined by a hyphen stays with its name; a bare compass word is none
        "Iraq brought 580 of its nationals home from the al-Hol camp in north-east Syria on Tuesday.\n\n"
        "Since 2022 more than 9,000 people have been flown back from al-Hol, the ministry said.\n\n"
        "At least 120 North Koreans were returned from China to the North this spring.\n\n"
        "More than 4,000 Ethiopians were deported from the Kingdom last month.",
        {"al-Hol", "China"}, {"-Hol", "Hol", "North", "Kingdom"}, id="articles-and-generic-words"),
    pytest.param(  # row labels lose a leading preposition and split at "and" unless known whole
        "Returns by crossing in March:\nKharlachi, Angoor Adda and Ghulam Khan: 12,480\n"
        "From Iran: 904,210\nTo Kandahar: 3,300\nBosnia and Herzegovina: 51\n\n"
        "On Monday, 52 Egyptians were flown back to Borg El-Arab International Airport.",
        {"Kharlachi", "Angoor Adda", "Ghulam Khan", "Iran", "Kandahar", "Bosnia and Herzegovina",
         "Borg El-Arab International Airport"},
        {"Angoor Adda and Ghulam Khan", "From Iran", "To Kandahar", "Borg El", "Arab"}, id="row-labels"),
    pytest.param(  # a known name loses its lower-case facility word; an airport's pair stays one
        "Lebanese soldiers deported 41 Syrians through the Masnaa crossing on Friday.\n\n"
        "A flight with 37 deportees landed at Kabul airport on Sunday.\n\n"
        "Some 22 Algerians were flown from Lyon-Saint Exupéry airport to Oran on Monday.\n\n"
        "Iraq moved 150 families, 590 people, from al-Hol to the Jeddah-1 centre near Mosul.",
        {"Masnaa", "Kabul", "Lyon-Saint Exupéry", "Jeddah-1"},
        {"Masnaa crossing", "Kabul airport", "Lyon", "Saint Exupéry", "Jeddah-"}, id="facility-words"),
    pytest.param(  # a row labelled by its people or its period names no place
        "Returns recorded at the crossings:\nYemenis deported through Al-Wadiah crossing: 4,312\n"
        "Ethiopians pushed back into Saada governorate: 2,065\nTotal, July to September: 6,377 people",
        {"Al-Wadiah", "Saada"}, {"Yemenis", "Ethiopians", "September", "July"}, id="people-and-periods"),
    pytest.param(  # an article inside a name, a bridge's ordinal and number, a name read as a person
        "Returns by crossing:\nBab al-Salameh: 602\nFrankfurt am Main: 3,102\nGreater Toronto Area: 6,920\n\n"
        "Thai police handed over 117 people at the Thai-Myanmar Friendship Bridge No. 2 on Monday.\n\n"
        "Another 214 were sent back across the Second Thai-Myanmar Friendship Bridge to Myawaddy.\n\n"
        "Police deported 318 Ethiopians on a train to Dire Dawa, and Algeria expelled 1,018 to Point Zero.\n\n"
        "Some 26 were flown from Christmas Island to Colombo, and 40 more followed, with 288 in May.",
        {"Bab al-Salameh", "Frankfurt am Main", "Greater Toronto Area", "Thai-Myanmar Friendship Bridge No. 2",
         "Second Thai-Myanmar Friendship Bridge", "Myawaddy", "Dire Dawa", "Point Zero", "Christmas Island",
         "Colombo"},
        {"Bab al", "Salameh", "Frankfurt", "Greater Toronto", "No", "Second", "Dawa", "Point",
         "Christmas Island to Colombo", "288"}, id="whole-names"),
])
def test_place_names_are_cut_where_the_names_end(text, wanted, unwanted):
    names = _place_names(text)
    assert wanted <= names
    assert not names & unwanted


@pytest.mark.parametrize("nationality_title, crossing_title", [
    ("Deportees by nationality:", "Deportees by crossing point:"),
    ("Deportees by nationality, June 2025", "Table 2. Deportees by crossing point, June 2025"),  # not rows
])
def test_a_row_label_under_a_nationality_header_is_marked_as_the_people_not_a_place(nationality_title,
                                                                                       crossing_title):
    from extract.claims.places import claim_place_spans, place_features

    text = ("Between 1 and 30 June, 4,210 migrants and other nationals were deported from Algeria to Niger.\n\n"
            f"{nationality_title}\nGuinea: 742\nMali: 510\n\n"
            f"{crossing_title}\nAssamaka: 3,020\nArlit: 1,190")
    lex = load_lexicon()
    art = next(article_candidates([(text, PUB)]))
    marked = {}
    for c, _ in art.candidates:
        for span in claim_place_spans(c, lex):
            marked[c.doc[span[0] : span[1]].text] = "rows-by-nationality" in place_features(c, span, lex)
    assert marked == {"Algeria": False, "Niger": False, "Guinea": True, "Mali": True,
                      "Assamaka": False, "Arlit": False}


def test_names_of_crossings_the_tagger_misreads_are_place_candidates():
    text = ("Since 2017, India has deported at least 60 Rohingya to Myanmar through the Moreh crossing.\n\n"
            "More than 220,000 Sudanese have gone back through the Argeen and Qustul crossings since January.\n\n"
            "A total of 217 people were rounded up and bused to Masnaa, where they were handed over.")
    assert {"Moreh", "Argeen", "Qustul", "Masnaa"} <= _place_names(text)


def test_a_row_cut_by_the_parser_keeps_its_label_with_its_figure():
    text = "Deportations from Libya in May, by destination:\n\nBrazil: 1,710\nBalochistan: 513\n"
    art = next(article_candidates([(text, PUB)]))
    sents = {c.quantity.value: c.sent.text.strip() for c, _ in art.candidates}
    assert sents[1710] == "Brazil: 1,710" and sents[513] == "Balochistan: 513"


def test_gazetteer_names_match_only_when_capitalised():
    text = "Turkey deported 300 Syrians on Monday; 40 people were fed turkey at the camp before they were deported."
    art = next(article_candidates([(text, PUB)]))
    doc = art.candidates[0][0].doc
    assert [doc[s:e].text for s, e in doc._.places] == ["Turkey"]


# ---------------------------------------------------------------- merge
def _claim(count, start, date=None, qualifier="exact", locations=()):
    return Claim(count=count, qualifier=qualifier, who="", date=date, date_end=None, kind="event",
                 locations=list(locations), evidence="x", start=start, end=start + 1, confidence=0.9)


def test_a_headline_figure_and_the_body_figure_are_one_claim_with_the_body_date():
    merged = merge_claims([_claim(60, 0, None, "about", ["China"]), _claim(60, 50, "2024-04-26", "exact", ["Tumen"])],
                          headline=(0, 40))
    assert len(merged) == 1
    (m,) = merged
    assert (m.start, m.date, m.qualifier) == (50, "2024-04-26", "about")
    assert m.locations == ["Tumen"] and m.other_evidence[0]["start"] == 0  # the headline's places stay out


def test_two_body_statements_of_one_figure_keep_the_places_of_both():
    merged = merge_claims([_claim(60, 50, "2024-04", "exact", ["China"]), _claim(60, 90, "2024-04-26", "exact",
                                                                                ["Tumen"])], headline=(0, 40))
    (m,) = merged
    assert set(m.locations) == {"China", "Tumen"} and m.date == "2024-04-26"


def test_the_same_figure_on_two_dates_in_the_body_is_two_claims():
    merged = merge_claims([_claim(80, 50, "2024-08"), _claim(80, 90, "2024-09")], headline=(0, 40))
    assert len(merged) == 2


def test_a_rounded_headline_figure_folds_into_the_body_figure():
    merged = merge_claims([_claim(200, 0, None, "more_than"), _claim(238, 50, "2024-05-01")], headline=(0, 40))
    assert [m.count for m in merged] == [238]


@pytest.mark.parametrize("head,body,folded", [
    (484000, 484069, True),     # "484,000 deported in six years" over the body's 484,069
    (1500000, 1498000, True),   # "1.5 million"
    (480000, 484069, True),     # cut, not rounded
    (490000, 484069, False),
    (250, 251, False),          # one trailing zero: not a round figure
])
def test_a_round_headline_figure_folds_into_the_body_figure_it_rounds(head, body, folded):
    merged = merge_claims([_claim(head, 0), _claim(body, 50, "2024-05-01")], headline=(0, 40))
    assert [m.count for m in merged] == ([body] if folded else [head, body])


def test_claims_carry_rule_confidence_and_exact_offsets():
    text = ("Thailand deports 40 Uyghurs to China\n\n"
            "Thailand deported 40 Uyghur men to China on Thursday, officials said.")
    (c,) = find_claims(text, "2025-02-28")
    assert c.rule in ("clause", "people") and 0 < c.confidence <= 1
    assert text[c.start:c.end] == c.evidence and c.date == "2025-02-27"
    assert c.other_evidence
    again = c.other_evidence[0]
    assert text[again["start"]:again["end"]] == again["evidence"]



def test_undated_figures_inherit_the_latest_dated_one_of_their_paragraph_or_the_one_before():
    from extract.claims import _inherit_dates
    from extract.types import Claim

    text = "Head 5\n\nA 10 in 2024. B 20.\n\nC 30.\n\nD 40.\n\nE 50.\n\nF 60 in 2023. G 70."

    def claim(n: int, date: str | None) -> Claim:
        at = text.index(f" {n}")
        return Claim(count=n, qualifier="exact", who="", date=date, date_end=None, kind="event", locations=[],
                     evidence="", start=at, end=at + 3, confidence=1.0)

    claims = [claim(n, "2024" if n == 10 else "2023" if n == 60 else None) for n in (5, 10, 20, 30, 40, 50, 60, 70)]
    _inherit_dates(claims, text, (0, 6))
    assert {c.count: c.date for c in claims} == {5: None, 10: "2024", 20: "2024", 30: "2024", 40: "2024",
                                                 50: "2024", 60: "2023", 70: "2023"}


# ---------------------------------------------------------------- threshold
def test_the_claim_threshold_is_the_most_recall_at_the_precision_asked_for():
    from extract.claims.learn import _best_threshold

    # out-of-fold probabilities: the F-beta curve is flat, precision rises with the threshold
    probs = [0.9] * 40 + [0.6] * 10 + [0.3] * 10 + [0.2] * 10 + [0.6] * 2 + [0.3] * 6 + [0.2] * 10
    y = [1] * 70 + [0] * 18
    thr, at = _best_threshold(probs, y, beta=1.5, min_precision=0.85)
    assert 0.21 <= thr <= 0.30 and at["precision"] >= 0.85  # 0.2 would give 70/88 = 0.80
    thr_strict, at_strict = _best_threshold(probs, y, beta=1.5, min_precision=0.95)
    assert thr_strict > thr and at_strict["precision"] >= 0.95 and at_strict["recall"] < at["recall"]
    # a precision no threshold reaches: the F-beta rule
    assert _best_threshold(probs, y, beta=1.5, min_precision=1.1) == _best_threshold(probs, y, beta=1.5)
