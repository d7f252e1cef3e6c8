"""Table-driven claims tests built from templates: every hedge of FORMAT.md, every trigger
form (active, passive, phrasal, noun), number spellings, date phrases, and plans, risks and
other figures that are not returns."""

from __future__ import annotations

import pytest

from extract.claims import find_claims

PUB = "2025-06-10"

QUALIFIERS = {
    "about": ["around", "roughly", "some", "nearly", "almost", "an estimated", "approximately", "close to", "about"],
    "at_least": ["at least", "no fewer than", "a minimum of"],
    "more_than": ["more than", "over", "upwards of", "in excess of"],
    "up_to": ["up to", "as many as", "at most"],
    "fewer_than": ["fewer than", "less than", "under"],
    "exact": [""],
}
QUAL_TEMPLATES = [
    "Authorities deported {q} 300 Afghans to Pakistan on Monday.",
    "{Q} 300 migrants were sent back to Libya last week.",
    "Thailand returned {q} 300 Uyghurs to China.",
    "Iran has expelled {q} 300 Afghan nationals since January.",
]
QUAL_CASES = [(t, phrase, q) for q, phrases in QUALIFIERS.items() for phrase in phrases for t in QUAL_TEMPLATES]


def _fill(template: str, phrase: str) -> str:
    text = template.replace("{q} ", (phrase + " ") if phrase else "").replace("{q}", phrase)
    if "{Q}" in text:
        text = text.replace("{Q} ", (phrase[:1].upper() + phrase[1:] + " ") if phrase else "")
        text = text[0].upper() + text[1:]
    return text


@pytest.mark.parametrize("template,phrase,qualifier", QUAL_CASES)
def test_qualifier(template, phrase, qualifier):
    text = _fill(template, phrase)
    claims = find_claims(text, PUB)
    assert len(claims) == 1, text
    assert claims[0].count == 300
    assert claims[0].qualifier == qualifier, text


PASSIVE_VERBS = ["deported", "repatriated", "returned", "sent back", "forced back", "pushed back",
                 "expelled", "readmitted", "handed over", "removed", "forcibly returned",
                 "forcibly repatriated", "forcibly deported", "flown back", "extradited"]
PEOPLE = ["Afghans", "Rohingya refugees", "North Korean defectors", "Uyghurs", "migrants",
          "asylum seekers", "Syrian nationals", "undocumented workers", "people", "women and children"]


@pytest.mark.parametrize("verb", PASSIVE_VERBS)
@pytest.mark.parametrize("people", PEOPLE[:6])
def test_passive_trigger(verb, people):
    text = f"Officials said 275 {people} were {verb} to their home country on Friday."
    claims = find_claims(text, PUB)
    assert [c.count for c in claims] == [275], text
    assert claims[0].date == "2025-06-06"


ACTIVE = [
    "Iran deported 275 Afghans to Afghanistan.",
    "Pakistan repatriated 275 Afghan refugees through Torkham.",
    "Bangladesh returned 275 Rohingya to Myanmar.",
    "China sent 275 North Koreans back to North Korea.",
    "Chinese police sent back 275 defectors to Sinuiju.",
    "Greece pushed back 275 migrants to Turkey.",
    "Algeria expelled 275 migrants into Niger.",
    "Turkey readmitted 275 Syrians from Greece.",
    "Russian police handed over 275 North Korean workers to Pyongyang.",
    "Hungary forced back 275 asylum seekers to Serbia.",
    "The United States removed 275 Guatemalans to Guatemala City.",
    "Thai authorities forcibly deported 275 Uyghurs to China.",
    "Malaysia deported 275 Myanmar nationals on a navy ship.",
    "Germany flew 275 Afghans back to Kabul.",
    "Mexico deported 275 Hondurans through its southern border.",
    "China forcibly returns 275 North Koreans to North Korea",
    "China Forcibly Returns 275 North Koreans To North Korea",
    "Thailand Deports 275 Uyghurs to China",
    "Iran Expels 275 Afghans Amid Crackdown",
    "The deportation of 275 Afghans from Iran drew criticism.",
    "The forced return of 275 North Koreans was condemned by the UN.",
    "The repatriation of 275 Rohingya began on Monday.",
    "The expulsion of 275 migrants from Tunisia angered rights groups.",
    "A deportation flight carrying 275 migrants landed in Guatemala.",
    "A charter flight with 275 deportees arrived in Kabul.",
    "275 returnees crossed into Afghanistan at Islam Qala.",
    "Some 275 deportees arrived in Kabul on Thursday.",
    "Forced returns took place in August (with 275 individuals).",
    "Deportations from Pakistan reached 275 last month.",
    "The total number of repatriations since 2020 rose to 275.",
    "A total of 275 North Koreans have been repatriated since 2020.",
    "275 North Koreans have vanished after being repatriated from China.",
    "China made 275 North Korean refugees go back to North Korea against their will.",
    "Police arrested and deported 275 Afghans in Karachi.",
    "275 Afghans were detained and deported from Iran.",
    "About 275 Afghans who had been deported from Iran arrived in Herat.",
    "Voluntary returns: 275 Afghans returned from Pakistan in the first week of May.",
    "Authorities said 275 undocumented migrants had been returned to Mexico.",
]


@pytest.mark.parametrize("text", ACTIVE)
def test_trigger_shapes(text):
    claims = [c for c in find_claims(text, PUB) if not c.vague]
    assert [c.count for c in claims] == [275], text
    assert text[claims[0].start:claims[0].end] == claims[0].evidence


NUMBERS = [
    ("1,076", 1076), ("sixty", 60), ("Sixty", 60), ("five hundred", 500), ("1.2 million", 1_200_000),
    ("a dozen", 12), ("twenty-five", 25), ("two thousand", 2000), ("12,500", 12500), ("forty-two", 42),
    ("one hundred and twenty", 120), ("2.5 million", 2_500_000), ("100,000", 100000), ("seven", 7),
    ("eleven", 11), ("ninety", 90), ("3,000", 3000), ("600,000", 600000), ("1,500,000", 1_500_000),
    ("thirty-six", 36), ("two hundred", 200), ("three thousand", 3000), ("40", 40), ("8", 8),
    ("half a million", 500000), ("1.5m", 1500000), ("two dozen", 24), ("a thousand", 1000),
]


@pytest.mark.parametrize("written,value", NUMBERS)
def test_number_spellings(written, value):
    text = f"Police said {written} Afghans were deported to Afghanistan on Monday."
    claims = find_claims(text, PUB)
    assert [c.count for c in claims] == [value], text


def test_number_glued_to_date():
    text = "In January 2024,108 North Korean workers were returned after a wage protest."
    (c,) = find_claims(text)
    assert (c.count, c.date) == (108, "2024-01")


@pytest.mark.parametrize("text,low,high", [
    ("Between 400 and 600 North Koreans were repatriated in October.", 400, 600),
    ("Iran deported 400 to 600 Afghans a week earlier.", 400, 600),
    ("Some 400-600 migrants were sent back to Libya.", 400, 600),
])
def test_ranges(text, low, high):
    claims = [c for c in find_claims(text, PUB) if not c.vague]
    assert claims and (claims[0].count, claims[0].count_high) == (low, high)


@pytest.mark.parametrize("text", [
    "China has forcibly returned hundreds of North Koreans this year.",
    "Thousands of Afghans were deported from Pakistan last month.",
    "Tens of thousands of Afghans have been expelled from Iran.",
    "Dozens of Rohingya were pushed back to Myanmar.",
])
def test_vague_amounts_are_kept_vague(text):
    claims = find_claims(text, PUB)
    assert claims and all(c.vague for c in claims), text
    assert all(c.count in (12, 100, 1000, 10000) for c in claims)


DATES = [
    ("On Monday", "2025-06-09"), ("Last week", "2025-06"), ("In April", "2025-04"),
    ("In April 2024", "2024-04"), ("On 29 August", "2024-08-29"), ("On August 29, 2023", "2023-08-29"),
    ("In 2023", "2023"), ("Yesterday", "2025-06-09"), ("Last month", "2025-05"),
    ("Earlier this month", "2025-06"), ("This year", "2025"), ("Last year", "2024"),
    ("On March 3", "2025-03-03"), ("On 3 March 2021", "2021-03-03"), ("In late May", "2025-05"),
    ("In December 2019", "2019-12"), ("On Friday", "2025-06-06"), ("Two weeks ago", "2025-05-27"),
    ("In mid-January", "2025-01"), ("On 1 June", "2025-06-01"),
]


@pytest.mark.parametrize("phrase,date", DATES)
def test_dates_against_published(phrase, date):
    text = f"{phrase}, Pakistan deported 300 Afghans through Torkham."
    (c,) = find_claims(text, PUB)
    assert c.date == date, text


@pytest.mark.parametrize("phrase,date", [
    ("On 29 August", "XXXX-08-29"), ("On September 18", "XXXX-09-18"), ("In July", "XXXX-07"),
    ("In April 2024", "2024-04"), ("In 2019", "2019"), ("Last week", None), ("On Monday", None),
])
def test_dates_without_published(phrase, date):
    text = f"{phrase}, China forcibly repatriated 80 North Koreans."
    (c,) = find_claims(text, None)
    assert c.date == date


@pytest.mark.parametrize("text,date,date_end,kind", [
    ("Since 2020, China has repatriated at least 1,076 North Koreans.", "2020", None, "cumulative"),
    ("Between 2020 and 2023, China repatriated 660 North Koreans.", "2020", "2023", "cumulative"),
    ("Iran has expelled 1.2 million Afghans so far this year.", "2025", None, "cumulative"),
    ("In total, 4,000 migrants were sent back to Libya in 2024.", "2024", None, "cumulative"),
    ("On Monday, 300 Afghans were deported from Iran.", "2025-06-09", None, "event"),
])
def test_periods_and_kind(text, date, date_end, kind):
    (c,) = find_claims(text, PUB)
    assert (c.date, c.date_end, c.kind) == (date, date_end, kind)


PLANS = ["plans to deport", "intends to deport", "threatened to deport", "aims to repatriate",
         "will deport", "could deport", "may expel", "is set to deport", "wants to send back",
         "is preparing to expel", "promised to deport", "vowed to expel", "refused to deport",
         "would deport", "is expected to deport", "hopes to return", "proposed to return",
         "did not deport", "never deported", "has been urged to stop deporting", "should not return"]


@pytest.mark.parametrize("plan", PLANS)
def test_plans_are_not_claims(plan):
    text = f"Pakistan {plan} 5,000 Afghans."
    assert [c for c in find_claims(text, PUB) if not c.vague] == [], text


RISKS = ["are at risk of deportation", "face deportation", "are facing forced return",
         "fear being sent back", "could be deported", "are due to be deported", "are awaiting deportation",
         "are set to be repatriated", "risk being returned", "will be expelled", "may be sent back to China",
         "are threatened with deportation", "might be returned", "are to be deported next week",
         "would be repatriated under the plan", "await repatriation", "face being forced back"]


@pytest.mark.parametrize("risk", RISKS)
def test_risks_are_not_claims(risk):
    text = f"About 5,000 Afghans {risk}."
    assert [c for c in find_claims(text, PUB) if not c.vague] == [], text


OTHER_FIGURES = [
    "Police arrested 300 Afghans in Karachi before the deportations began.",
    "The deportations have continued for 25 years.",
    "Deportations rose 40% in 2024.",
    "The deportation programme cost $3 million.",
    "Deportation flights left from 12 airports.",
    "The deportation centre near Tumen holds 500 beds.",
    "Of the 10 deportation flights, 3 were cancelled.",
    "At least 12 people died in deportation centres in 2023.",
    "Some 200 officers took part in the deportation operation.",
    "Around 45 NGOs condemned the repatriation of North Koreans.",
    "A 1986 protocol governs the repatriation of North Koreans.",
    "The 2023 report on forced returns runs to 80 pages.",
    "He was repatriated at the age of 16.",
    "A 30-year-old woman was deported to Mexico last week.",
    "Returnees receive 10,000 afghanis each on arrival.",
    "UNHCR registered 3,000 new arrivals, but none were deported.",
    "1. Why does China return North Koreans?",
    "Chapter 3: Deportation and its discontents",
    "She returned to the team after 3 months out.",
    "Tax returns are due by April 15 for 150 million Americans.",
    "The stock returned 8 percent in 2024.",
    "Pakistan gave 1.4 million Afghans a deadline before deportations start.",
    "The UN estimates that 3 million Afghans live in Iran, many fearing deportation.",
    "Thailand holds 43 Uyghurs and has refused to deport them.",
    "The camp can return up to 10,000 people a week.",
    "Over 300 people attended a rally against deportations.",
    "Deportations from the US reached a record in 2019, with some flights carrying families.",
]


@pytest.mark.parametrize("text", OTHER_FIGURES)
def test_other_figures_are_not_claims(text):
    assert [c for c in find_claims(text, PUB) if not c.vague] == [], text
