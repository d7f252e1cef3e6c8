"""Date phrases resolved against the publication date, granularity kept."""

import pytest

from extract.claims.dates import looks_like_date, resolve_date

PUB = "2025-06-10"  # a Tuesday

CASES = [
    ("On 29 August", None, None, "XXXX-08-29"),
    ("the year before", None, 2024, "2023"),  # "up from 16,106 the year before": before the sentence's year
    ("a year earlier", PUB, None, "2024"),
    ("the previous year", PUB, 2022, "2021"),
    ("the year before", None, None, None),
    ("H1 2024", None, None, "2024-01"),
    ("h2 2023", PUB, None, "2023-07"),
    ("On September 18", None, None, "XXXX-09-18"),
    ("on the night of October 9", None, None, "XXXX-10-09"),
    ("in August", None, None, "XXXX-08"),
    ("in April 2024", None, None, "2024-04"),
    ("In January 2024", None, None, "2024-01"),
    ("since 2020", None, None, "2020"),
    ("as 2024", None, None, "2024"),
    ("2020-2023", None, None, "2020"),
    ("throughout the year", None, 2024, "2024"),
    ("On 29 August", PUB, None, "2024-08-29"),
    ("On 1 June", PUB, None, "2025-06-01"),
    ("in April", PUB, None, "2025-04"),
    ("in July", PUB, None, "2024-07"),
    ("last week", PUB, None, "2025-06"),
    ("on Monday", PUB, None, "2025-06-09"),
    ("on Friday", PUB, None, "2025-06-06"),
    ("last Tuesday", PUB, None, "2025-06-03"),
    ("yesterday", PUB, None, "2025-06-09"),
    ("today", PUB, None, "2025-06-10"),
    ("this year", PUB, None, "2025"),
    ("so far this year", PUB, None, "2025"),
    ("last year", PUB, None, "2024"),
    ("this month", PUB, None, "2025-06"),
    ("earlier this month", PUB, None, "2025-06"),
    ("last month", PUB, None, "2025-05"),
    ("two weeks ago", PUB, None, "2025-05-27"),
    ("3 days ago", PUB, None, "2025-06-07"),
    ("August 29, 2023", PUB, None, "2023-08-29"),
    ("29 August 2023", PUB, None, "2023-08-29"),
    ("March 3", PUB, None, "2025-03-03"),
    ("in late May", PUB, None, "2025-05"),
    ("mid-January", PUB, None, "2025-01"),
    ("December 2019", PUB, None, "2019-12"),
    ("in 2019", PUB, None, "2019"),
    ("2024-05-06", None, None, "2024-05-06"),
    ("on 29 August", None, 2023, "2023-08-29"),
    ("in March", None, 2022, "2022-03"),
    ("last week", None, None, None),
    ("on Monday", None, None, None),
    ("this year", None, None, None),
    ("recently", PUB, None, None),
    ("that spring", None, 2021, "2021"),
    ("last winter", PUB, None, "2024"),
    ("this summer", PUB, None, "2025"),
    ("in the spring of 2021", PUB, None, "2021"),
    ("over the weekend", "2025-06-30", None, "2025-06-28"),
    ("over the past year", PUB, None, None),
    ("Friday morning", PUB, None, "2025-06-06"),
    ("Between June and December 2024", PUB, None, "2024-06"),  # the year of the period's end
    ("from January to 15 May 2025", PUB, None, "2025-01"),
    ("from November to 15 February 2025", PUB, None, "2024-11"),
    # a period with no "from": its first month, in the year it names
    ("July-September 2024", PUB, None, "2024-07"),
    ("March to May 2024", PUB, None, "2024-03"),
    ("Jan-Jun 2025", PUB, None, "2025-01"),
    # a period whose first month has a day: that day
    ("between Feb. 4 and March 14", PUB, None, "2025-02-04"),
    ("between October 1, 2024 and June 30, 2025", PUB, None, "2024-10-01"),
    ("from Nov. 20 to Feb. 3", PUB, None, "2024-11-20"),
    # a part of a year with no year named: the year of the article
    ("in the first quarter", PUB, None, "2025-01"),
    ("the first half", PUB, None, "2025-01"),
    ("in the first five months", PUB, None, "2025-01"),
    ("in the first two weeks of the year", PUB, None, "2025-01"),
    ("in the first three weeks of May", PUB, None, "2025-05"),  # weeks of a month: that month
    ("in the fourth quarter", "2025-02-11", None, "2024-10"),  # not yet begun this year
    ("the first quarter of the season", PUB, None, None),
    # a news flash or live blog: the day of publication
    ("this evening", PUB, None, "2025-06-10"),
    ("a few minutes ago", PUB, None, "2025-06-10"),
    ("since morning", PUB, None, "2025-06-10"),
    # a weekday of last week
    ("on Friday last week", PUB, None, "2025-06-06"),
    ("last week on Monday", PUB, None, "2025-06-02"),
]


@pytest.mark.parametrize("phrase,published,anchor,expected", CASES)
def test_resolve(phrase, published, anchor, expected):
    v = resolve_date(phrase, published, anchor)
    assert (v.date if v else None) == expected


@pytest.mark.parametrize("phrase,start,end", [
    ("2020-2023", "2020", "2023"), ("between 2020 and 2023", "2020", "2023"),
    ("from 2018 to 2021", "2018", "2021"), ("2024-25", "2024", "2025"),
])
def test_periods(phrase, start, end):
    v = resolve_date(phrase)
    assert (v.date, v.date_end, v.cumulative) == (start, end, True)


@pytest.mark.parametrize("phrase,cumulative", [("since 2020", True), ("as of May 2024", True), ("in 2020", False),
                                               ("so far this year", True)])
def test_cumulative_marker(phrase, cumulative):
    assert resolve_date(phrase, PUB).cumulative is cumulative


@pytest.mark.parametrize("phrase,ok", [("25 years", False), ("in April", True), ("last week", True),
                                       ("the 1990s", True), ("several", False)])
def test_looks_like_date(phrase, ok):
    assert looks_like_date(phrase) is ok


# A weekday is the latest such day on or before publication; "last week" is the week (Monday
# to Sunday) before the publication week: its month, or the later month where it straddles two.
@pytest.mark.parametrize("phrase,published,expected", [
    ("on Tuesday", "2025-06-04", "2025-06-03"),       # published on a Wednesday
    ("on Wednesday", "2025-06-04", "2025-06-04"),     # the day itself
    ("on Thursday", "2025-06-04", "2025-05-29"),      # across a month end
    ("last Wednesday", "2025-06-04", "2025-05-28"),
    ("on Friday", "2025-11-03", "2025-10-31"),        # published on a Monday
    ("on Sunday", "2025-07-09", "2025-07-06"),
    ("late on Monday", "2025-04-08", "2025-04-07"),
    ("on Saturday", "2025-01-01", "2024-12-28"),      # across a year end
    ("last week", "2025-06-04", "2025-06"),           # May 26 - June 1: straddles, the later month
    ("last week", "2025-10-20", "2025-10"),           # October 13-19
    ("last week", "2025-07-02", "2025-06"),           # June 23-29
    ("last week", "2025-03-03", "2025-03"),           # February 24 - March 2
])
def test_relative_days(phrase, published, expected):
    assert resolve_date(phrase, published).date == expected


@pytest.mark.parametrize("sentence,date", [
    ("Tuesday's flight carried 120 deportees to Kabul.", "2025-06-03"),
    ("Last week's expulsions of 300 Afghans drew protests.", "2025-06"),
    ("Pakistan deported 300 Afghans on Tuesday night.", "2025-06-03"),
    ("Thailand deported 40 Uyghurs early Thursday.", "2025-05-29"),
])
def test_relative_day_in_a_sentence(sentence, date):
    from extract.claims import find_claims
    claims = find_claims(sentence, "2025-06-04")
    assert claims and claims[0].date == date


@pytest.mark.parametrize("text,count,date", [
    # "since 2019" after a superlative compares; it does not date the return
    ("UK returns\n\nThe Home Office carried out 9,101 enforced returns, the highest annual total since 2019.",
     9101, None),
    # a year of another sentence does not carry over to a month without a year
    ("Algeria expels migrants\n\nAlgeria expelled 31,000 people to Niger in 2023. In April, a convoy carried "
     "1,200 people to Assamaka.", 1200, "2025-04"),
    # a vague period leaves a figure undated, even after a dated one
    ("Afghans return\n\nPakistan deported 1,200 Afghans on Monday. In the past three weeks alone, 41,200 were "
     "sent back through Torkham.", 41200, None),
    # within one sentence it does
    ("Algeria expels migrants\n\nIn 2023, the worst month was April, when Algeria expelled 4,000 people to Niger.",
     4000, "2023-04"),
])
def test_dates_in_articles(text, count, date):
    from extract.claims import find_claims
    (claim,) = [c for c in find_claims(text, "2025-06-10") if c.count == count]
    assert claim.date == date
