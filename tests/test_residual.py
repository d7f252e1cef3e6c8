"""The residual cleaner's rules, one by one, and the promise it never breaks:
a paragraph that states a returnee figure is never dropped."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from extract.blocks import HEADING, LIST, PARAGRAPH, TABLE, Block, render
from extract.footnotes import strip_footnotes
from extract.residual import clean_blocks, load_lexicon

LEX = load_lexicon()


def P(text):
    return Block(PARAGRAPH, [text])


def H(text):
    return Block(HEADING, [text])


def L(*items):
    return Block(LIST, list(items))


def cleaned(blocks, **kw):
    return render(None, clean_blocks(blocks, lexicon=LEX, **kw))


PROSE = ("Officials said the border crossing would remain closed for at least another week while "
         "the two governments discuss the terms of the agreement.")
FIGURE = "Authorities deported 212 people to Afghanistan on Monday, the ministry said."


# ----------------------------------------------------------------------------- footnote marks

@pytest.mark.parametrize("before,after", [
    ("vanishing within China1.", "vanishing within China."),
    ("sent back to North Korea1.", "sent back to North Korea."),
    ("torture, and even execution12.", "torture, and even execution."),
    ("repatriated from China3. The majority", "repatriated from China. The majority"),
    ("human rights violations3", "human rights violations"),
    ("abetting crimes3 against humanity", "abetting crimes against humanity"),
    ("crimes3,4 and", "crimes and"),
    ("the agency said[3].", "the agency said."),
    ("a report.[12]", "a report."),
])
def test_footnote_marks_are_stripped(before, after):
    assert strip_footnotes(before, LEX.footnote_keep) == after


@pytest.mark.parametrize("text", [
    "Phone (3a) and Phone (3a) Pro models",
    "during the COVID-19 pandemic",
    "the Covid19 lockdown",
    "the G7 summit",
    "flight MH17",
    "In January 2024,108 North Korean workers were returned",
    "at least 1,076 people",
    "an area of 40 km2",
    "Nothing OS 3.1 update",
    "write to info1@example.org",
    "see https://example.org/page2.html",
    "#Refugees2024 trended",
    "U2 played",
    "the F-16 jets",
    "iPhone15 sales",
    "version 2.5 of the law",
])
def test_numbers_that_belong_to_words_stay(text):
    assert strip_footnotes(text, LEX.footnote_keep) == text


def test_footnotes_are_stripped_in_paragraphs_not_tables():
    out = clean_blocks([P("Returnees face execution12. " + PROSE), Block(TABLE, ["Total2 1,076"])], lexicon=LEX)
    assert out[0].lines[0].startswith("Returnees face execution. ")
    assert out[1].lines == ["Total2 1,076"]


# ----------------------------------------------------------------------------- teaser sections

def test_teaser_section_goes_up_to_article_prose():
    blocks = [P(PROSE), H("Keep reading"), H("Atrocities committed at the border"), P(PROSE.replace("week", "month"))]
    text = cleaned(blocks)
    assert "Keep reading" not in text
    assert "Atrocities committed at the border" in text
    assert PROSE.replace("week", "month") in text


def test_recent_posts_with_titles_excerpts_and_dates_go():
    blocks = [P(PROSE), H("Recent Posts"),
              H("US Tech Sector Layoffs Hit 15,000 in January as AI Restructuring Accelerates"),
              P("The year has begun with a stark reality check for the technology industry, as layoffs surged past…"),
              P("January 19, 2026"),
              H("Burnout by 23: Why Young Workers Are Hitting the Wall"),
              P("Young workers burnout has emerged as a serious workplace crisis…"),
              P("January 20, 2026")]
    assert cleaned(blocks) == PROSE


def test_related_list_of_titles_goes_but_a_list_of_sentences_stays():
    titles = L("World Court Begins Historic Torture Case in Syria", "Why Did the EU Pay Tunisia to Stop Migrants?")
    assert cleaned([P(PROSE), H("You might want to read !"), titles]) == PROSE
    sentences = L("Iran should halt the forced return of Afghans.", "Donors should fund reception services.")
    assert "Iran should halt" in cleaned([P(PROSE), H("Related"), sentences])


def test_teaser_run_without_heading_goes():
    blocks = [P(PROSE),
              P("Big investment company KKR is close to finishing its purchase of a medical equipment maker as…"),
              P("Many fans saw the movie release on Thursday as a mixed success that gained…"),
              P("Through a software update the company improves functionality of its phones. Global service…")]
    assert cleaned(blocks) == PROSE


def test_single_ellipsis_paragraph_in_article_stays():
    quote = "He paused and said the camp was full, the food was running out, and then…"
    assert quote in cleaned([P(PROSE), P(quote), P(FIGURE)])


# ----------------------------------------------------------------------------- author bios

BIO = ("Senior Reporter has over more than 6 years of writing obituaries for the local paper and a uniquely "
       "strong voice that shines through in his newest collection of essays.")


def test_bio_after_about_heading_and_repeated_goes():
    blocks = [P(PROSE), H("About Senior Reporter"), P(BIO), H("Senior Reporter"), P(BIO)]
    assert cleaned(blocks) == PROSE


def test_article_paragraph_about_a_journalist_stays():
    para = ("A journalist who covers the border for a local radio station said police had detained her "
            "colleague for two days without charge.")
    assert para in cleaned([P(PROSE), P(para)])


# ----------------------------------------------------------------------------- contents, prompts, notices

def test_table_of_contents_goes():
    blocks = [H("Table of Contents"), L("Summary", "The Scale of Returns", "Recommendations"),
              H("Summary"), P(PROSE), H("The Scale of Returns"), P(FIGURE), H("Recommendations"), P(PROSE)]
    text = cleaned(blocks)
    assert "Table of Contents" not in text
    assert text.count("The Scale of Returns") == 1


def test_closing_prompt_goes_but_the_sentence_before_stays():
    para = ("I will keep writing about this as the scheme continues. Share your thoughts in the comments "
            "below, and don't forget to subscribe to the blog for updates.")
    assert cleaned([P(PROSE), P(para)]).endswith("I will keep writing about this as the scheme continues.")


def test_reader_question_with_prompt_goes_whole():
    para = ("What steps do you think the international community should take? Share your thoughts in the "
            "comments below.Don’t forget to share this article to raise awareness about this critical issue.")
    assert cleaned([P(PROSE), P(para)]) == PROSE


@pytest.mark.parametrize("para", [
    "\"Tell us what happened,\" the officer told the families waiting at the gate, according to witnesses.",
    "The regulator said the site uses cookies to track users without their consent.",
    "The names of the deportees may not be published under a court order issued on Friday.",
    "Category 5 storms have hit the coast twice in a decade.",
    "By the numbers",
    "(c) the state shall ensure that no person is returned to a country where they face torture;",
    "Published in 1951, the convention defines who is a refugee.",
    "More than 40 people were sent back in a single night.",
])
def test_article_lines_that_look_like_boilerplate_stay(para):
    assert para in cleaned([P(PROSE), P(para), P(PROSE)])


@pytest.mark.parametrize("line", [
    "This website uses cookies.", "Read More", "Adblock Detected",
    "Please support us by disabling your AdBlocker extension from your browsers for our website.",
    "Leave a Comment", "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
    "Your email address will not be published. Required fields are marked *",
    "Share this:", "Facebook Twitter WhatsApp Email", "Sign up for our weekly newsletter",
    "(C) Brookings Institution", "<< photo by Adrien Olichon >>", "Photo: Abdul Majeed/AFP",
    "The image is for illustrative purposes only and does not depict the actual situation.",
    "© 2025 Rights Monitor. All rights reserved.", "Home » world » China Continues Forced Returns",
    "Related: UN experts urge Thailand not to deport Uyghurs", "Estimated reading time: 4 minutes",
    "December 4, 2025", "Tags: Algeria, Niger, Migration", "Advertisement",
    "Image source, Getty Images", "Skip past newsletter promotion", "Reuse this content",
    "Last modified on Tue 3 Mar 2025 10.22 GMT", "SKIP ADVERTISEMENT",
])
def test_boilerplate_lines_go(line):
    assert cleaned([P(PROSE), P(line), P(PROSE.replace("week", "month"))]) == \
        PROSE + "\n\n" + PROSE.replace("week", "month")


def test_byline_goes_near_the_top_only():
    assert cleaned([P("By Omar El Sayed - World Editor"), P(PROSE)]) == PROSE


def test_headline_copy_goes():
    title = "China Continues Forced Returns of North Korean Migrants"
    assert cleaned([H(title), P(PROSE)], title=title) == PROSE


# ----------------------------------------------------------------------------- returnee figures

RETURNEE_PARAGRAPHS = [
    "China forcibly returned at least 406 North Koreans in 2024, according to the report.",
    "On 29 August, China forcibly repatriated 80 North Koreans.",
    "More than 31,000 people were expelled from Algeria to Niger in 2024, the charity said.",
    "Thailand sent 109 of them back to China in 2015.",
    "Iran deported about 1.2 million Afghans last year, the agency said.",
    "Hundreds of Rohingya were pushed back to sea by the navy.",
    "Some 60 people were returned to Eritrea on a chartered flight.",
    "The returnees, 212 trafficked women, were handed over at the border.",
]
BOILERPLATE_BLOCKS = [
    H("Recent Posts"), H("You may also like"), H("Keep reading"), H("Related"), H("Read more"),
    H("About Staff Writer"), P(BIO), P("This website uses cookies."), P("Read More"),
    P("Leave a Comment"), P("Adblock Detected"), P("December 4, 2025"),
    H("US Tech Sector Layoffs Hit 15,000 in January"), P("Young workers burnout has emerged as a crisis…"),
    P("Share your thoughts in the comments below."), H("Table of Contents"),
    L("World Court Begins Historic Torture Case", "Frontex Dragged to Court"),
    P("The image is for illustrative purposes only and does not depict the actual situation."),
    P("(C) Brookings Institution"), P("By Jane Doe"), H("Most Read"),
]


@pytest.mark.parametrize("para", RETURNEE_PARAGRAPHS)
@pytest.mark.parametrize("before", [H("Recent Posts"), H("About Staff Writer"), H("Keep reading"),
                                    P("Big investors are close to finishing a purchase…")])
def test_returnee_paragraph_survives_any_neighbour(para, before):
    text = cleaned([P(PROSE), before, P(para), P("Many fans saw the release as a mixed success…")])
    assert para in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(BOILERPLATE_BLOCKS), min_size=0, max_size=12),
    st.sampled_from(RETURNEE_PARAGRAPHS),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=2, max_value=99_999),
)
def test_returnee_paragraph_is_never_dropped(noise, template, where, number):
    para = template
    for n in ("406", "80", "31,000", "109", "60", "212"):
        para = para.replace(n, f"{number:,}")
    blocks = [Block(b.kind, list(b.lines)) for b in noise]
    blocks.insert(min(where, len(blocks)), P(para))
    assert para in cleaned(blocks)


# ----------------------------------------------------------------------------- the lexicon file

def test_lexicon_from_config_dir(tmp_path, monkeypatch):
    topics = tmp_path / "topics"
    topics.mkdir()
    (topics / "boilerplate.toml").write_text("[en]\nboilerplate_lines = ['zebra crossing notice']\n", encoding="utf-8")
    lex = load_lexicon(config_dir=tmp_path)
    out = render(None, clean_blocks([P(PROSE), P("Zebra crossing notice")], lexicon=lex))
    assert out == PROSE
    monkeypatch.setenv("NEWSMON_CONFIG", str(tmp_path))
    out = render(None, clean_blocks([P(PROSE), P("Zebra crossing notice")], lexicon=load_lexicon()))
    assert out == PROSE


def test_lexicon_language_tables_add_to_english(tmp_path):
    topics = tmp_path / "topics"
    topics.mkdir()
    (topics / "boilerplate.toml").write_text(
        "[en]\nboilerplate_lines = ['read more']\n[fr]\nboilerplate_lines = ['lire la suite']\n", encoding="utf-8")
    lex = load_lexicon(["fr"], config_dir=tmp_path)
    out = render(None, clean_blocks([P(PROSE), P("Lire la suite"), P("Read more")], lexicon=lex))
    assert out == PROSE


def test_every_lexicon_pattern_compiles():
    import re
    import tomllib

    from extract.residual import lexicon_path

    data = tomllib.loads(lexicon_path().read_text(encoding="utf-8"))
    for table in data.values():
        for value in table.values():
            for pattern in ([value] if isinstance(value, str) else value if isinstance(value, list) else []):
                re.compile(pattern)


# ----------------------------------------------------------------------------- article lines that look like boilerplate

def test_dates_in_a_timeline_stay_but_a_dateline_at_the_top_goes():
    blocks = [P("March 3, 2025"), P(PROSE), H("Timeline"), P(PROSE), P("April 14, 2025"),
              P("A court in the capital rejects a challenge brought by two rights groups.")]
    text = cleaned(blocks)
    assert not text.startswith("March 3, 2025")
    assert "April 14, 2025\n\nA court in the capital" in text


def test_a_section_name_followed_by_prose_stays_a_link_line_does_not():
    assert "Latest" in cleaned([P(PROSE), H("Latest"), P(FIGURE)])
    assert "Keep reading" not in cleaned([P(PROSE), H("Keep reading"), P(FIGURE)])
    assert "Most Read" not in cleaned([P(PROSE), H("Most Read"), L("Typhoon leaves 40,000 homeless", "Budget passes")])
    assert cleaned([P(PROSE), H("Related")]) == PROSE


def test_interview_answers_trailing_off_stay_in_the_middle_of_the_text():
    blocks = [P(PROSE), P("What happened when the police came?"),
              P("They knocked at five in the morning. They said pack one bag. My daughter was asleep…"),
              P("And then?"), P("Then the bus, then the airport. Nobody told us anything. We waited for hours…"),
              P(FIGURE)]
    text = cleaned(blocks)
    assert "My daughter was asleep…" in text and "We waited for hours…" in text


# ----------------------------------------------------------------------------- other languages, widgets

ALL = load_lexicon(["*"])


def cleaned_all(blocks, **kw):
    return render(None, clean_blocks(blocks, lexicon=ALL, **kw))


PROSA = ("Die Landesregierung hat am Dienstag neue Regeln für die Grenzkontrollen beschlossen, "
         "die ab dem kommenden Monat gelten sollen.")
PROSA_ES = ("El Gobierno aprobó el martes un nuevo reglamento para los controles fronterizos, "
            "que entrará en vigor el próximo mes.")


@pytest.mark.parametrize("line", [
    "Lesen Sie auch: Neue Regeln für Pendler an der Grenze",
    "Das könnte Sie auch interessieren",
    "Newsletter abonnieren",
    "Jetzt kostenlos anmelden",
    "Teilen mit:",
    "Wird geladen …",
    "Keine Kommentare",
    "Alle Rechte vorbehalten.",
    "Anzeige, enthält Affiliate Links",
    "Quelle: Landesregierung",
    "Letzte Änderung 18.01.2022",
    "Lea también: Impiden ingreso a reportero y camarógrafo",
    "VEA TAMBIÉN: Entre heces y guaricha: la escuela no brilla",
    "Síguenos en Telegram, Instagram, Facebook y Twitter",
    "À lire aussi » Quel est votre profil digestif ?",
    "Czytaj też: Starcie USA–Chiny. Pół miliona ton dyplomacji",
    "Dowiedz się więcej: Kto jak głosował? Jeden z polityków wyłamał się",
    "Thanks for signing up!",
    "Please enter a valid email address.",
    "There was an error processing your sign-up request.",
    "For the latest stories download the Daily News apps for iOS and Android.",
    "Subscribe now to our digital edition for the full story.",
    "Follow The Gleaner on Twitter and Instagram for more.",
    "This article is the copyrighted property of Example News.",
])
def test_widget_and_pointer_lines_in_the_corpus_languages_go(line):
    for prose in (PROSE, PROSA, PROSA_ES):
        assert cleaned_all([P(prose), P(line), P(FIGURE)]) == f"{prose}\n\n{FIGURE}"


@pytest.mark.parametrize("line", [
    "Der Verlag verschickt seinen Newsletter inzwischen an 40.000 Leser, sagte die Sprecherin.",
    "Weitere Informationen zur Studie veröffentlichte das Ministerium am Montag.",
    "Aktualisierung der Software",
    "Die Polizei fand Fotos auf dem Handy des Verdächtigen.",
    "El diario publicó la carta de los lectores el lunes.",
    "The agency said it would download the records and publish them next week.",
    "Mira Nair directed the film, which opened in Toronto.",
])
def test_article_lines_that_share_words_with_widgets_stay(line):
    assert line in cleaned_all([P(PROSE), P(line), P(FIGURE)])


def test_a_page_of_unknown_language_is_cleaned_with_every_table():
    text = cleaned_all([P(PROSA), P("Lesen Sie auch: Neue Regeln für Pendler"), P(PROSA_ES),
                        P("Lea también: Nuevo reglamento fronterizo")])
    assert text == f"{PROSA}\n\n{PROSA_ES}"


def test_runs_of_blank_lines_collapse_to_one():
    text = render("Title", [Block(PARAGRAPH, ["First line\n\n\n\nsecond line"]), P(PROSE)])
    assert "\n\n\n" not in text
    assert text == f"Title\n\nFirst line\n\nsecond line\n\n{PROSE}"


def test_boilerplate_lines_inside_a_paragraph_broken_with_br_go_one_by_one():
    block = P("Die Grenze bleibt bis Montag geschlossen, teilte das Ministerium mit.\nTeilen mit:\n"
              "Wird geladen …\nDie Pendler müssen Umwege fahren.")
    assert cleaned_all([block]) == ("Die Grenze bleibt bis Montag geschlossen, teilte das Ministerium mit.\n"
                                    "Die Pendler müssen Umwege fahren.")
    figure = P("Share\nAuthorities deported 212 people to Afghanistan on Monday, the ministry said.")
    assert cleaned_all([figure]) == FIGURE
