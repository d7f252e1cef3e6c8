"""Number phrases as news text writes them."""

import pytest

from extract.claims.numbers import parse_digits, parse_number

CASES = [
    ("1,076", 1076), ("60", 60), ("108", 108), ("600,000", 600000), ("1,500,000", 1500000),
    ("12.000", 12000), ("sixty", 60), ("Sixty", 60), ("five hundred", 500), ("1.2 million", 1200000),
    ("2.5 million", 2500000), ("a dozen", 12), ("two dozen", 24), ("twenty-five", 25),
    ("forty-two", 42), ("one hundred and twenty", 120), ("two thousand three hundred", 2300),
    ("three thousand", 3000), ("a hundred", 100), ("a thousand", 1000), ("one million", 1000000),
    ("nineteen", 19), ("ninety-nine", 99), ("seven hundred and fifty", 750), ("1.5 million", 1500000),
    ("10,000", 10000), ("0", 0), ("eleven", 11), ("4 million", 4000000), ("3k", 3000), ("1.2m", 1200000),
    ("two hundred thousand", 200000), ("half a million", 500000), ("half a dozen", 6), ("half", None), ("3.5", None), ("many", None), ("", None),
]


@pytest.mark.parametrize("text,value", CASES)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text,value", [("1,076", 1076.0), ("1.2", 1.2), ("12,34", None), ("abc", None), ("2024,108", None)])
def test_parse_digits(text, value):
    assert parse_digits(text) == value
