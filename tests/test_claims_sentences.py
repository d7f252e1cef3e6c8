"""Returnee claims in single sentences written from the shapes of real reporting
(deportation flights, UNHCR/IOM figures, Afghans from Pakistan and Iran, Rohingya,
Uyghurs from Thailand, US and EU removals): figure, hedge, date, places."""

from __future__ import annotations

import pytest

from extract.claims import find_claims

PUB = "2025-06-10"

# sentence, count, count_high, qualifier, date (published 2025-06-10), locations
POSITIVES = [
    ('Iran Deports Nearly 1,700 Afghans in a Day', 1700, None, 'about', None, ['Iran']),
    ('Over 2,000 Rohingya Pushed Back to Myanmar', 2000, None, 'more_than', None, ['Myanmar']),
    ('Thailand Forcibly Returns 40 Uyghurs to China', 40, None, 'exact', None, ['Thailand', 'China']),
    ('A group of 30 North Koreans was repatriated from Dandong on Tuesday.', 30, None, 'exact', '2025-06-10', ['Dandong']),
    ('A batch of 120 returnees arrived at Torkham on Monday.', 120, None, 'exact', '2025-06-09', ['Torkham']),
    ('Nearly two dozen Afghans were deported from Tajikistan last month.', 24, None, 'about', '2025-05', ['Tajikistan']),
    ('Half a million Afghans were forced to return from Pakistan in 2023.', 500000, None, 'exact', '2023', ['Pakistan']),
    ('Some 1.3 million Afghan refugees were forced to return from Iran and Pakistan last year.', 1300000, None, 'about', '2024', ['Iran', 'Pakistan']),
    ('An estimated 1.5m Afghans have been sent back since 2023.', 1500000, None, 'about', '2023', []),
    ('Sixty-three Haitians were deported by the Bahamas on Tuesday.', 63, None, 'exact', '2025-06-10', ['Bahamas']),
    ('Eighty North Koreans, mostly women, were repatriated in August.', 80, None, 'exact', '2024-08', []),
    ('Of the 600 people sent back, about 400 were women.', 600, None, 'exact', None, []),
    ('The repatriated defectors, numbering about 60, were handed to the State Security Department.', 60, None, 'about', None, []),
    ('Chinese authorities sent more than 200 escapees back to the North in late September.', 200, None, 'more_than', '2024-09', ['North']),
    ('Police rounded up and deported 45 Afghan migrants in Istanbul on Wednesday.', 45, None, 'exact', '2025-06-04', ['Istanbul']),
    ('Uzbekistan received 102 citizens deported from Russia on Friday.', 102, None, 'exact', '2025-06-06', ['Russia']),
    ('They were among 1,100 migrants returned to Libya this week by the coast guard.', 1100, None, 'exact', '2025-06', ['Libya']),
    ('Returnees numbered 3,200 on Sunday, the UN said.', 3200, None, 'exact', '2025-06-08', []),
    ('About 200 returned voluntarily on Monday.', 200, None, 'about', '2025-06-09', []),
    ('Officials said 120 people were removed to Albania last month.', 120, None, 'exact', '2025-05', ['Albania']),
    ('Pakistan deported 1,200 Afghans through the Torkham border crossing on Monday.', 1200, None, 'exact', '2025-06-09', ['Pakistan', 'Torkham']),
    ('More than 3,000 Afghans were deported from Iran last week, the UN refugee agency said.', 3000, None, 'more_than', '2025-06', ['Iran']),
    ('Thai authorities deported 40 Uyghurs to China in February, despite warnings from the UN.', 40, None, 'exact', '2025-02', ['China']),
    ('Thailand Deports 40 Uyghurs to China Despite UN Warnings', 40, None, 'exact', None, ['Thailand', 'China']),
    ('At least 48 Uyghurs were sent back to China on Thursday.', 48, None, 'at_least', '2025-06-05', ['China']),
    ('Some 1,500 Rohingya were pushed back into Myanmar by Bangladeshi border guards in May.', 1500, None, 'about', '2025-05', ['Myanmar']),
    ('Nearly 600,000 Afghans have returned from Pakistan since September 2023, according to IOM.', 600000, None, 'about', '2023-09', ['Pakistan']),
    ('A deportation flight carrying 120 migrants landed in Guatemala City on Tuesday.', 120, None, 'exact', '2025-06-10', ['Guatemala City']),
    ('ICE removed 271,484 noncitizens in fiscal year 2024.', 271484, None, 'exact', '2024', []),
    ('The US deported 64 Venezuelans to Caracas on Friday.', 64, None, 'exact', '2025-06-06', ['US', 'Caracas']),
    ('Iran has expelled an estimated 1.2 million Afghans so far this year.', 1200000, None, 'about', '2025', ['Iran']),
    ('Turkish police handed over 25 Syrians to authorities across the border in Idlib.', 25, None, 'exact', None, ['Idlib']),
    ('Germany deported 28 Afghan nationals to Kabul on a charter flight in August 2024.', 28, None, 'exact', '2024-08', ['Germany', 'Kabul']),
    ('Between 400 and 600 North Koreans were repatriated in October.', 400, 600, 'at_least', '2024-10', []),
    ('China forcibly returned about 60 North Korean defectors in late April.', 60, None, 'about', '2025-04', ['China']),
    ('Over 500 people were readmitted to Turkey under the EU deal in 2016.', 500, None, 'more_than', '2016', ['Turkey']),
    ('The deportation of 300 Afghans from Pakistan drew criticism from rights groups.', 300, None, 'exact', None, ['Pakistan']),
    ('1,200 returnees crossed at Islam Qala on Wednesday.', 1200, None, 'exact', '2025-06-04', ['Islam Qala']),
    ('Sixty asylum seekers were flown back to Iraq last month.', 60, None, 'exact', '2025-05', ['Iraq']),
    ('Five hundred migrants were expelled from Algeria into Niger in March.', 500, None, 'exact', '2025-03', ['Algeria', 'Niger']),
    ('Malaysia deported 114 Myanmar nationals on October 23.', 114, None, 'exact', '2024-10-23', ['Malaysia']),
    ('Greek coast guards pushed back 45 migrants to Turkish waters on 3 June.', 45, None, 'exact', '2025-06-03', []),
    ('Authorities said 2,000 undocumented Afghans had been repatriated through Chaman since January.', 2000, None, 'exact', '2025-01', ['Chaman']),
    ('In 2023, 11,000 North Koreans were sent back from Russia, the report said.', 11000, None, 'exact', '2023', ['Russia']),
    ('A total of 1,076 North Koreans have been repatriated since 2020.', 1076, None, 'exact', '2020', []),
    ('The number of Afghans deported from Iran rose to 1.5 million in 2024.', 1500000, None, 'exact', '2024', ['Iran']),
    ('Bangladesh returned 26 Rohingya to Myanmar in a pilot repatriation.', 26, None, 'exact', None, ['Bangladesh', 'Myanmar']),
    ('Mexico deported 4,000 Hondurans through its southern border in January.', 4000, None, 'exact', '2025-01', ['Mexico']),
    ('Roughly 200 Haitians were deported from the Dominican Republic on Monday.', 200, None, 'about', '2025-06-09', ['Dominican Republic']),
    ('Some 80 migrants were returned to Libya after being intercepted at sea.', 80, None, 'about', None, ['Libya']),
    ('The UK returned 1,000 Albanians in the first half of the year.', 1000, None, 'exact', '2025', ['UK']),
    ("No fewer than 300 refugees were handed over to Myanmar's military.", 300, None, 'at_least', None, ['Myanmar']),
    ('Upwards of 700 migrants were sent back to Tunisia in 2023.', 700, None, 'more_than', '2023', ['Tunisia']),
    ('The Trump administration deported 238 Venezuelans to El Salvador in March.', 238, None, 'exact', '2025-03', ['El Salvador']),
    ('As many as 900 Afghans were forcibly returned from Iran on Sunday alone.', 900, None, 'up_to', '2025-06-08', ['Iran']),
    ('A dozen North Koreans were repatriated from Dandong last week.', 12, None, 'exact', '2025-06', ['Dandong']),
    ('In January 2024,108 North Korean workers were returned after a wage protest.', 108, None, 'exact', '2024-01', []),
    ('Chinese police sent 50 defectors back across the Yalu river to Sinuiju.', 50, None, 'exact', None, ['Yalu', 'Sinuiju']),
    ('Fewer than 100 Rohingya have been repatriated since the agreement was signed.', 100, None, 'fewer_than', None, []),
    ('Officials confirmed that 87 Cambodians had been deported from Thailand.', 87, None, 'exact', None, ['Thailand']),
    ('Iranian authorities deported 2,345 Afghan migrants through the Islam Qala crossing yesterday.', 2345, None, 'exact', '2025-06-09', ['Islam Qala']),
    ('According to the IOM, 15,000 undocumented Afghans returned from Iran in the past week.', 15000, None, 'exact', '2025-06', ['Iran']),
    ("Over 1,000 Rohingya refugees were repatriated to Myanmar's Rakhine State in 2018.", 1000, None, 'more_than', '2018', ['Myanmar', 'Rakhine State']),
    ('The Thai government deported 109 Uighurs to China in July 2015.', 109, None, 'exact', '2015-07', ['China']),
    ('US immigration authorities deported 1,500 Guatemalans in April, officials said.', 1500, None, 'exact', '2025-04', []),
    ('Around 2,500 migrants were expelled from Tunisia to the Libyan border in July.', 2500, None, 'about', '2024-07', ['Tunisia']),
    ('Russia handed over 12 North Korean workers to Pyongyang on May 5.', 12, None, 'exact', '2025-05-05', ['Russia', 'Pyongyang']),
    ('Some 3,500 Afghans were forcibly returned from Pakistan on Saturday, the Taliban said.', 3500, None, 'about', '2025-06-07', ['Pakistan']),
    ('A charter flight with 37 deportees arrived in Kabul on Wednesday.', 37, None, 'exact', '2025-06-04', ['Kabul']),
    ('More than 700,000 Afghans have been deported or forced back from Pakistan since late 2023.', 700000, None, 'more_than', '2023', ['Pakistan']),
    ('Britain removed 5,000 people to European countries under the Dublin rules last year.', 5000, None, 'exact', '2024', ['Britain']),
    ('Sweden deported 24 Iraqis on a chartered flight to Baghdad on March 3, 2024.', 24, None, 'exact', '2024-03-03', ['Sweden', 'Baghdad']),
    ('The ministry said 44 Vietnamese nationals had been repatriated via the Moc Bai border gate.', 44, None, 'exact', None, ['Moc Bai']),
    ('Between 2020 and 2023, China repatriated 660 North Koreans.', 660, None, 'exact', '2020', ['China']),
    ('Hungary pushed back more than 4,000 migrants to Serbia in 2022.', 4000, None, 'more_than', '2022', ['Hungary', 'Serbia']),
    ('Nearly 90 Afghan families were deported from Turkey on Tuesday.', 90, None, 'about', '2025-06-10', ['Turkey']),
    ('On 12 March, Malaysian authorities deported 58 Myanmar nationals.', 58, None, 'exact', '2025-03-12', []),
    ('Lebanon deported about 130 Syrians this month.', 130, None, 'about', '2025-06', ['Lebanon']),
    ('Some 45,000 people were returned to Afghanistan from Iran and Pakistan in January, according to UNHCR.', 45000, None, 'about', '2025-01', ['Afghanistan', 'Iran', 'Pakistan']),
    ('Forty-two Haitians were repatriated from the Bahamas on Thursday.', 42, None, 'exact', '2025-06-05', ['Bahamas']),
    ("Libya's coast guard returned 1,200 migrants to Tripoli last month.", 1200, None, 'exact', '2025-05', ['Libya', 'Tripoli']),
    ('Myanmar took back 300 Rohingya from Bangladesh under a pilot scheme.', 300, None, 'exact', None, ['Myanmar', 'Bangladesh']),
    ('Japan deported 44 Sri Lankans on a charter flight in 2020.', 44, None, 'exact', '2020', ['Japan']),
    ('Italy sent back 150 Tunisians in September.', 150, None, 'exact', '2024-09', ['Italy']),
    ('The Dominican Republic deported 276,000 Haitians in 2024.', 276000, None, 'exact', '2024', ['Dominican Republic']),
    ('Two hundred and fifty Afghans were deported from Tajikistan.', 250, None, 'exact', None, ['Tajikistan']),
    ('Pakistan has deported over 20,000 Afghans since the campaign began on November 1.', 20000, None, 'more_than', '2024-11-01', ['Pakistan']),
]


@pytest.mark.parametrize("sentence,count,high,qualifier,date,locations", POSITIVES)
def test_positive_sentence(sentence, count, high, qualifier, date, locations):
    claims = find_claims(sentence, PUB)
    assert claims, f"no claim in: {sentence}"
    c = claims[0]
    assert (c.count, c.count_high, c.qualifier, c.date) == (count, high, qualifier, date)
    assert [x.lower() for x in c.locations] == [x.lower() for x in locations]
    assert sentence[c.start:c.end] == c.evidence
    assert not c.vague
    assert 0.0 <= c.confidence <= 1.0


NEGATIVES = [
    'The 2,000-strong force was deployed to deport migrants.',
    'Of the 1,200 Afghans arrested, 300 were later released.',
    'At least 5 people died during the deportation.',
    'It costs $12,000 to deport one person.',
    'Deportations fell by 2,000 compared to last year.',
    '3 in 10 deportees are women.',
    'The EU aims to return 70 percent of rejected asylum seekers.',
    'The returnees, aged 18 to 45, were taken to a reception centre.',
    'Over 200 deportees have died in Afghanistan since their return.',
    'About 40 returnees were arrested by the Taliban last month.',
    'The deportation law was passed by 312 votes to 120.',
    'Article 33 of the Refugee Convention prohibits refoulement.',
    'The UNHCR said it needed $370 million to support returnees.',
    'The court ruled that 14 deportation orders were unlawful.',
    'Police raided 25 homes and detained 80 migrants ahead of deportation.',
    'The 10-year-old boy was deported with his mother.',
    'Nearly 4 in 5 Afghans deported from Iran were young men.',
    'About 1,000 officers took part in the deportation operation.',
    'Deportation hearings for 2,500 people are scheduled for next month.',
    'More than 100 lawmakers signed a letter opposing the deportations.',
    '"They beat us," said Gul Ahmad, 42, who was deported from Peshawar in November.',
    "Kim, 34, was sent back to North Korea in 2015.",
    "Police removed 300 protesters from the square on Monday.",
    "Workers removed 40 tonnes of debris.",
    "The club removed 3 players from the squad.",
    "Pakistan plans to deport 5,000 Afghans a week starting in November.",
    "The centre has capacity to process up to 10,000 a week.",
    "More than 1.7 million Afghans are at risk of deportation from Pakistan.",
    "Some 300 North Koreans face forced repatriation after being arrested in Shenyang.",
    "Thailand is set to deport 48 Uyghurs held in immigration detention for more than a decade.",
    "Police arrested 200 migrants in a raid on Tuesday.",
    "The IRS processed 150 million tax returns last year.",
    "She returned to the field after 25 years.",
    "He returned to the team for the final 10 minutes of the match.",
    "The fund posted a 12% return on investment in 2023.",
    "At least 45 people died when the boat capsized off Lampedusa.",
    "About 3,000 North Koreans are believed to be detained in China.",
    "Authorities detained 600 migrants at the border in March.",
    "The government said it would deport 2,000 more in the coming weeks.",
    "Officials vowed to expel 10,000 undocumented workers by the end of the year.",
    "Returnees face the threat of torture in 25 prison camps.",
    "China has deported North Koreans for 25 years under a 1986 protocol.",
    "A 2014 United Nations report documented the fate of those forcibly returned.",
    "The flight returned to Kabul with 150 passengers after a technical fault.",
    "Rights groups urged Thailand not to deport the 43 Uyghurs still held in Bangkok.",
    "Germany could send back up to 1,000 Afghans under the new deal.",
    "Iran threatened to expel 2 million Afghans.",
    "The repatriation programme will cost $50 million.",
    "Over 20 NGOs condemned the deportations.",
    "Two years ago, he was deported to Mexico.",
    "About 70% of returnees are women and children.",
    "Only 3 of the 10 countries accept deportation flights.",
    "The bill would allow the deportation of 11 million undocumented immigrants.",
    "More than 400 people have been killed since the border was sealed.",
    "UNHCR said 1.3 million refugees remain in Pakistan, many of them fearing deportation.",
    "In 2019, the ministry returned 45 million euros to the budget.",
    "The player returned from injury to score 2 goals.",
    "Police handed over 3 suspects to prosecutors.",
    "Trump promised to deport 11 million people.",
    "The agency expects about 50,000 returns next year.",
    "The UN said 2,000 people were killed in the fighting.",
    "More than 5 million Afghans live in Iran.",
    "The government plans to repatriate 200,000 Afghans by the end of 2025.",
    "Some 1,000 people protested against the deportations in Berlin.",
    "The deportation center holds 500 detainees.",
    "He was deported in 2019 after serving 5 years in prison.",
    "A 30-year-old man was deported to Mexico on Friday.",
    "The ship returned to port with 300 tonnes of fish.",
    "Germany has deported people to Afghanistan twice since 2021.",
    "About 40 percent of those deported were children.",
    "The Rohingya crisis began in 2017 when 700,000 people fled to Bangladesh.",
    "Authorities intercepted 150 migrants at sea and took them to a detention centre.",
    "Officials said the deportation of 300 people was postponed.",
    "The court halted the deportation of 200 Venezuelans.",
    "The plan would return 50,000 asylum seekers to Rwanda.",
    "Some 500 families returned to their homes after the floods receded.",
    "Thousands of students returned to school on Monday.",
    "The returns on the bonds fell 3 percent.",
    "Over 100 countries signed the convention on refugees.",
]


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_negative_sentence(sentence):
    claims = [c for c in find_claims(sentence, PUB) if not c.vague]
    assert claims == [], f"unexpected claim {claims[0].count} in: {sentence}"


# sentences with two figures, totals and noun counts: every (count, qualifier, date) expected
MULTI = [
    ("Pakistan deported 1,520 Afghans - officials said.", [(1520, "exact", None)]),
    ("Police arrested 300 Afghans and deported 50 others.", [(50, "exact", None)]),
    ("Deportation flights have carried 1,500 people since January.", [(1500, "exact", "2025-01")]),
    ("Deportations fell to 2,000 last year.", [(2000, "exact", "2024")]),
    ("The number of deportees reached 52,000 in 2023.", [(52000, "exact", "2023")]),
    ("Border officials said 600 Afghans were returned on Saturday and 450 on Sunday.",
     [(600, "exact", "2025-06-07"), (450, "exact", "2025-06-08")]),
    ("Germany returned 13,000 people, France 12,000 and Sweden 6,000.",
     [(13000, "exact", None), (12000, "exact", None), (6000, "exact", None)]),
    ("Iran deported 1,200 Afghans in May and 1,500 in June.", [(1200, "exact", "2025-05"), (1500, "exact", "2025-06")]),
    ("China repatriated 80 North Koreans in August, 40 in September and nearly 50 in July.",
     [(80, "exact", "2024-08"), (40, "exact", "2024-09"), (50, "about", "2024-07")]),
    ("Pakistan deported 300 Afghans and arrested 45 others.", [(300, "exact", None)]),
    ("Iran deported 1,200 Afghans on Monday and 30 flights left Kabul.", [(1200, "exact", "2025-06-09")]),
    ("In 2023, Pakistan deported 500,000 Afghans, while Iran expelled 1.2 million.",
     [(500000, "exact", "2023"), (1200000, "exact", "2023")]),
    ("Some 2,000 Afghans were deported from Iran, bringing the total this year to 1.1 million.",
     [(2000, "about", "2025"), (1100000, "exact", "2025")]),
    ("The IOM recorded 11,305 returns from Iran in the week to 15 June.", [(11305, "exact", "2024-06-15")]),
    ("Nearly 100 North Koreans were repatriated by China via Tumen and Hunchun in early October.",
     [(100, "about", "2024-10")]),
    ("More than 9,000 Rohingya have been deported back to Myanmar by India since 2017.", [(9000, "more_than", "2017")]),
    ("Thailand on Thursday deported 40 Uyghur men who had been held for over a decade.", [(40, "exact", "2025-06-05")]),
    ("UNHCR said 1,500 people returned spontaneously to Afghanistan last week.", [(1500, "exact", "2025-06")]),
]


@pytest.mark.parametrize("sentence,expected", MULTI)
def test_several_figures(sentence, expected):
    got = [(c.count, c.qualifier, c.date) for c in find_claims(sentence, PUB) if not c.vague]
    assert got == expected


def test_title_and_body_figure_is_one_claim():
    text = ("Pakistan Deports Over 1,000 Afghans in a Single Day\n\n"
            "ISLAMABAD — Pakistani authorities deported more than 1,000 Afghans on Tuesday, officials said.")
    claims = find_claims(text, "2024-03-14")
    assert [(c.count, c.qualifier) for c in claims] == [(1000, "more_than")]
    c = claims[0]
    assert c.date == "2024-03-12" and len(c.other_evidence) == 1
    o = c.other_evidence[0]
    assert text[o["start"]:o["end"]] == o["evidence"]


def test_date_from_a_later_sentence_about_the_same_movement():
    text = ("Chinese authorities have recently forcibly repatriated over 500 North Koreans.\n\n"
            "Witnesses said the North Koreans were transported in vehicle convoys across the border on the night of October 9.")
    (c,) = find_claims(text, None)
    assert (c.count, c.date) == (500, "XXXX-10-09")


def test_no_date_borrowed_across_another_figure():
    text = ("Rights groups said China had forcibly returned more than 500 North Koreans.\n\n"
            "On 29 August, China forcibly repatriated 80 North Koreans.")
    got = {c.count: c.date for c in find_claims(text, None)}
    assert got == {500: None, 80: "XXXX-08-29"}


def test_footnotes_and_datelines_are_not_places():
    text = "Seoul – Up to 600 North Koreans have vanished after being repatriated from China3."
    (c,) = find_claims(text, None)
    assert c.locations == ["China"] and c.qualifier == "up_to"
    assert c.places and c.places[0]["canonical"] == "China"


def test_article_without_trigger_is_not_parsed(monkeypatch):
    import extract.claims as claims_mod

    def boom(*a, **k):
        raise AssertionError("the parser should not run")
    monkeypatch.setattr(claims_mod, "get_nlp", boom)
    assert claims_mod.find_claims("The football team won 3-1 on Sunday.\n\nFans cheered 20,000 strong.") == []


@pytest.mark.parametrize("text,evidence", [
    ("Seoul – Chinese authorities have forcibly sent at least 406 north Korean citizens back to their home country as 2024.",
     "Chinese authorities have forcibly sent at least 406 north Korean citizens back to their home country as 2024."),
    ("SEOUL, Oct. 13 (Yonhap) -- China is believed to have repatriated some 600 North Korean defectors earlier this week.",
     "China is believed to have repatriated some 600 North Korean defectors earlier this week."),
    ("ISLAMABAD, Oct 18 (Reuters) - Pakistan deported 1,520 Afghans on Thursday.", "Pakistan deported 1,520 Afghans on Thursday."),
])
def test_dateline_is_not_evidence(text, evidence):
    (c,) = find_claims(text)
    assert c.evidence == evidence and text[c.start:c.end] == evidence
