"""Dates of claims read through the real pipeline: periods told in pieces, report headlines,
"the same period" of another year, a day inside the week or month a sentence names."""

from extract.claims import find_claims


def _dates(text: str, published: str) -> dict[int, str | None]:
    return {c.count: c.date for c in find_claims(text, published)}


def test_a_table_under_a_quarter_header_takes_the_quarter():
    text = (
        "IOM Ethiopia returns dashboard\n\n"
        "RETURNS BY COUNTRY, Q2 2025\n"
        "- Saudi Arabia (deportation flights): 41,262\n"
        "- Yemen (voluntary humanitarian return): 1,318\n"
    )
    got = _dates(text, "2025-07-17")
    assert got[41262] == "2025-04" and got[1318] == "2025-04"


def test_a_report_headline_dates_figures_that_give_no_date():
    text = (
        "Enforcement of immigration legislation, April-June 2025\n\n"
        "Of the people returned, 11,605 were returned to Georgia under a readmission agreement.\n"
    )
    assert _dates(text, "2025-09-17")[11605] == "2025-04"


def test_a_period_told_in_two_phrases_is_read_from_its_start():
    text = "Report\n\nFrom January until Aug 10 this year, the department deported 41,236 illegal immigrants.\n"
    assert _dates(text, "2025-08-21")[41236] == "2025-01"


def test_the_year_before_and_the_same_period_follow_the_sentence():
    text = (
        "Report\n\n"
        "In 2024, Canada removed 18,048 people, up from 16,106 the year before.\n\n"
        "Saudi Arabia deported 38,600 Bangladeshis in the first ten months of 2025, "
        "up from 27,100 in the same period of 2024.\n"
    )
    got = _dates(text, "2025-11-24")
    assert (got[18048], got[16106]) == ("2024", "2023")
    assert (got[38600], got[27100]) == ("2025-01", "2024-01")


def test_months_to_a_month_start_that_many_months_before():
    text = (
        "Report\n\n"
        "The Home Office removed 2,047 people by enforced return in the three months to the end of March.\n"
    )
    assert _dates(text, "2025-05-22")[2047] == "2025-01"


def test_a_day_inside_the_month_of_the_sentence_wins():
    text = (
        "Report\n\n"
        "In October, Lebanon deported 87 Syrians, handing them over to Syrian officials at Masnaa on 7 October.\n"
    )
    assert _dates(text, "2025-10-20")[87] == "2025-10-07"
