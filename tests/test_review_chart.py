"""The timeline's geometry: month labels apart, the legend by the width of its names, bars centred in their slot."""

from __future__ import annotations

from review.chart import LABEL_CHAR_W, timeline_chart


def rows_for(months: list[str], outlets: list[str]) -> list[dict]:
    return [{"month": m, "source": o, "total": 10 * (i + 1), "claims": 1, "cumulative": 0}
            for i, m in enumerate(months) for o in outlets]


def test_month_labels_never_overlap_over_five_years():
    months = [f"{y}-{m:02d}" for y in range(2019, 2024) for m in range(1, 13)]
    chart = timeline_chart(rows_for(months, ["a", "b"]))
    xs = [t["x"] for t in chart["ticks_x"]]
    label_w = LABEL_CHAR_W * 7
    assert all(b - a >= label_w + 8 for a, b in zip(xs, xs[1:], strict=False))
    assert chart["ticks_x"][0]["label"] == "2019-01" and len(xs) >= 5


def test_a_short_range_labels_every_month():
    chart = timeline_chart(rows_for(["2023-08", "2023-09", "2023-10"], ["a"]))
    assert [t["label"] for t in chart["ticks_x"]] == ["2023-08", "2023-09", "2023-10"]


def test_the_legend_wraps_long_outlet_names_without_overlap():
    outlets = ["demo-world-wire", "a-very-long-outlet-name-of-a-regional-news-portal-in-english",
               "demo-rights-monitor", "demo-ngo-blog", "another-outlet-with-a-long-name"]
    chart = timeline_chart(rows_for(["2023-09", "2023-10"], outlets))
    legend = chart["legend"]
    for a in legend:
        assert chart["left"] + a["x"] + a["w"] <= chart["width"] or a["x"] == 0
        for b in legend:
            if a is not b and a["y"] == b["y"]:
                assert a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
    assert max(item["y"] for item in legend) > 0  # wrapped
    assert chart["height"] >= chart["legend_y"] + max(item["y"] for item in legend) + 12
    long = next(item for item in legend if item["outlet"].startswith("a-very-long"))
    assert all(len(item["label"]) <= 40 for item in legend) and long["label"].endswith("…")


def test_bars_sit_in_the_middle_of_their_slot():
    chart = timeline_chart(rows_for(["2023-08", "2023-09", "2023-10"], ["a", "b", "c"]))
    slot = chart["slot"]
    for i in range(3):
        group = chart["bars"][3 * i: 3 * i + 3]
        left_gap = group[0]["x"] - (chart["left"] + i * slot)
        right_gap = chart["left"] + (i + 1) * slot - (group[-1]["x"] + group[-1]["w"])
        assert abs(left_gap - right_gap) <= 2, (left_gap, right_gap)


def test_a_month_with_one_outlet_has_its_bar_in_the_middle():
    rows = rows_for(["2023-08", "2023-09"], ["a", "b", "c"])
    rows = [r for r in rows if r["month"] == "2023-08" or r["source"] == "c"]
    chart = timeline_chart(rows)
    (lone,) = [b for b in chart["bars"] if b["title"].startswith("2023-09")]
    middle = chart["left"] + 1.5 * chart["slot"]
    assert abs(lone["x"] + lone["w"] / 2 - middle) <= 1
