"""newsmon's text on trafilatura's public evaluation corpus: a floor that can only rise.

The corpus (about 990 real pages with segments the text must and must not
contain) is read in place from `../shared/trafilatura-eval` beside the repository
or $NEWSMON_TRAFILATURA_EVAL; where it is absent the test is skipped. Scoring
is shared with `benchmarks/boilerplate.py` (`benchmarks.segments`).
"""

from __future__ import annotations

import pytest

from benchmarks import segments

# A little below the measured figures (benchmarks/boilerplate.py); raise them when the text improves.
F1_FLOOR = 0.933
HELD_OUT_F1_FLOOR = 0.935

CORPUS = segments.default_corpus()


@pytest.fixture(scope="module")
def results():
    if CORPUS is None:
        pytest.skip(f"trafilatura's evaluation corpus not found (../shared/trafilatura-eval beside the "
                    f"repository, or ${segments.ENV_VAR}): corpus floor not checked")
    return segments.evaluate(CORPUS, ("newsmon",))


def test_corpus_is_complete(results):
    assert len(results) >= 950


def test_segment_f1_stays_above_the_floor(results):
    total = segments.totals(results, "newsmon")
    assert total.f1 >= F1_FLOOR, f"segment F1 {total.f1:.4f} (P {total.precision:.4f}, R {total.recall:.4f})"


def test_held_out_pages_stay_above_their_floor(results):
    part = segments.totals(results, "newsmon", "held-out")
    assert part.f1 >= HELD_OUT_F1_FLOOR, f"held-out segment F1 {part.f1:.4f}"


def test_scoring_follows_trafilatura_rule():
    c = segments.score_page("One  two\nthree. Menu", ["two three", "four"], ["Menu", "Impressum"])
    assert (c.tp, c.fn, c.fp, c.tn) == (1, 1, 1, 1)
    empty = segments.score_page("", ["x"], ["y"])
    assert (empty.tp, empty.fn, empty.fp, empty.tn) == (0, 1, 0, 1)
