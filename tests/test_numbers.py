"""Quantities as news text writes them, found in raw text with their shape."""

import pytest

from extract.claims.number_words import parse_digits
from extract.claims.numbers import find_quantities, parse_number

CASES = [
    ("1,076", 1076), ("60", 60), ("108", 108), ("600,000", 600000), ("1,500,000", 1500000),
    ("12.000", 12000), ("sixty", 60), ("Sixty", 60), ("five hundred", 500), ("1.2 million", 1200000),
    ("2.5 million", 2500000), ("a dozen", 12), ("two dozen", 24), ("twenty-five", 25), ("twenty five", 25),
    ("forty-two", 42), ("one hundred and twenty", 120), ("two thousand three hundred", 2300),
    ("three thousand", 3000), ("a hundred", 100), ("a thousand", 1000), ("one million", 1000000),
    ("nineteen", 19), ("ninety-nine", 99), ("seven hundred and fifty", 750), ("1.5 million", 1500000),
    ("10,000", 10000), ("eleven", 11), ("4 million", 4000000), ("3k", 3000), ("1.2m", 1200000),
    ("two hundred thousand", 200000), ("half a million", 500000), ("half a dozen", 6),
    ("twenty-six and a half thousand", 26500), ("one and a half million", 1500000),
    ("2, 047", 2047), ("12 400", 12400), ("8,85,902", 885902), ("1.500.000", 1500000),
    ("half", None), ("3.5", None), ("many", None), ("", None),
]


@pytest.mark.parametrize("text,value", CASES)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text,value", [("1,076", 1076.0), ("1.2", 1.2), ("12,34", None), ("abc", None),
                                        ("2024,108", None), ("2, 047", 2047.0), ("1.5m", 1500000.0)])
def test_parse_digits(text, value):
    assert parse_digits(text) == value


def _found(text):
    return [(text[q.start:q.end], q.value, q.high, q.shape, q.vague, q.plus) for q in find_quantities(text)]


@pytest.mark.parametrize("text,expected", [
    # a figure glued to the next word or to a year, as scraped text has it
    ("About 1.5 millionreturned from Iran", [("1.5 million", 1500000, None, "count", False, False)]),
    ("In January 2024,108 workers", [("2024", 2024, None, "year", False, False),
                                     ("108", 108, None, "count", False, False)]),
    ("Since April 2022,220,000-plus migrants", [("2022", 2022, None, "year", False, False),
                                                ("220,000", 220000, None, "count", False, True)]),
    # a thousands group is never read as a second number
    ("Between 1 and 15 October, 96 530 Afghans", [("1", 1, None, "count", False, False),
                                                 ("15", 15, None, "day", False, False),
                                                 ("96 530", 96530, None, "count", False, False)]),
    ("On March 3 150 people were sent back", [("3", 3, None, "day", False, False),
                                              ("150", 150, None, "count", False, False)]),
    # ranges, "+", vague amounts
    ("between 400 and 600 men", [("400 and 600", 400, 600, "count", False, False)]),
    ("some 400-600 migrants", [("400-600", 400, 600, "count", False, False)]),
    ("500 or more people", [("500", 500, None, "count", False, True)]),
    ("hundreds of thousands of Afghans", [("hundreds of thousands", 100000, None, "count", True, False)]),
    ("thousands of dollars", []),
    # shapes that are never head counts
    ("52 percent", [("52", 52, None, "percent", False, False)]),
    ("$300 million", [("300 million", 300000000, None, "money", False, False)]),
    ("the 1990s", [("1990", 1990, None, "decade", False, False)]),
    ("on 29 August", [("29", 29, None, "day", False, False)]),
    ("22–30 April", [("22", 22, None, "day", False, False), ("30", 30, None, "day", False, False)]),
    ("the 2024-25 financial year", [("2024", 2024, None, "year", False, False),
                                    ("25", 25, None, "year", False, False)]),
    ("15 years", [("15", 15, None, "duration", False, False)]),
    ("a 42-year-old man", [("42", 42, None, "age", False, False)]),
    ("Farid, 15, from Ghor", [("15", 15, None, "age", False, False)]),
    ("boys aged 13 to 17", [("13 to 17", 13, 17, "age", False, False)]),
    ("flight 123", [("123", 123, None, "label", False, False)]),
    ("(n=612)", [("612", 612, None, "label", False, False)]),
    ("won 3-1 on Sunday", [("3-1", 3, None, "score", False, False)]),
    ("COVID-19 cases", []),
])
def test_quantities_in_text(text, expected):
    assert _found(text) == expected


def test_offsets_point_into_the_text():
    text = "Officials said 1,200 Afghans and twenty-six Uyghurs were returned; 2, 047 more in May."
    for q in find_quantities(text):
        assert text[q.start:q.end].strip() == text[q.start:q.end]
        assert q.start < q.end


@pytest.mark.parametrize("text", ["Date: 2024-02-10 | Returned: 212", "on 10/02/2024, 212 were returned",
                                  "on 10.02.2024 212 were returned"])
def test_the_parts_of_a_date_in_digits_are_no_counts(text):
    counts = [q.value for q in find_quantities(text) if q.is_count]
    assert counts == [212]


def test_a_plural_scale_is_no_multiplier_of_a_year():
    qs = find_quantities("in 2015 thousands were left adrift")
    assert [(q.value, q.shape, q.vague) for q in qs] == [(2015, "year", False), (1000, "count", True)]


def test_not_one_is_no_figure():
    assert [q for q in find_quantities("Not one refugee has been repatriated.") if q.is_count] == []
    assert [q.value for q in find_quantities("One man was deported.") if q.is_count] == [1]


@pytest.mark.parametrize("text", ["On 29 August, 86 Venezuelans were deported", "On August 29, 86 were deported"])
def test_a_count_after_a_full_day_and_month_is_a_count(text):
    assert [q.value for q in find_quantities(text) if q.is_count] == [86]
