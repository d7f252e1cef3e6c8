"""Which of trafilatura's settings a page keeps (`extract.choice`): the precision one only where the
default output shows duplicated lines, one giant block or structured-data debris, and holds the article."""

from __future__ import annotations

from extract.blocks import PARAGRAPH, Block
from extract.choice import debris_lines, duplicated_lines, is_giant, prefer_precision, suspect

BODY = [Block(PARAGRAPH, [f"Paragraph {i} of the article tells what the ministry decided about the border."])
        for i in range(6)]


def test_an_ordinary_output_is_not_suspect():
    assert not suspect(BODY)
    assert not suspect([])


def test_a_body_returned_twice_is_suspect_and_the_precise_output_wins():
    twice = BODY + BODY
    assert duplicated_lines(twice) == 6
    assert suspect(twice)
    assert prefer_precision(twice, BODY)


def test_the_precise_output_loses_when_it_drops_the_article():
    twice = BODY + BODY
    assert not prefer_precision(twice, [Block(PARAGRAPH, ["Short."])])
    assert not prefer_precision(twice, [])


def test_one_giant_block_is_suspect_and_a_structured_output_of_the_same_text_wins():
    giant = [Block(PARAGRAPH, ["\n".join(b.text for b in BODY * 4)])]
    assert is_giant(giant) and suspect(giant)
    assert prefer_precision(giant, BODY * 4)
    assert not prefer_precision(giant, BODY[:2])  # most of the text gone


def test_structured_data_debris_is_suspect():
    debris = BODY + [Block(PARAGRAPH, ["https://cdn.example.org/images/2025/06/photo.jpg"]),
                     Block(PARAGRAPH, ["2025-06-01T08:30:00+02:00"])]
    assert debris_lines(debris) == 2 and suspect(debris)
    assert prefer_precision(debris, BODY)
    assert not prefer_precision(debris, debris)
