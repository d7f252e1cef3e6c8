"""The timeline chart, drawn on the server: geometry only; the template writes the SVG (and escapes every label)."""

from __future__ import annotations

from typing import Any

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
           "#bcbd22"]


def _nice_max(value: int) -> int:
    if value <= 0:
        return 10
    step = 1
    while step * 10 < value:
        step *= 10
    for factor in (1, 2, 2.5, 5, 10):
        if step * factor >= value:
            return int(step * factor)
    return int(step * 10)


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while (y, m) <= (int(last[:4]), int(last[5:7])):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        if len(out) > 600:  # fifty years: enough
            break
    return out


LABEL_CHAR_W = 7.0  # px per character of an 11-12 px label (a generous estimate: labels never touch)
LEGEND_MAX_CHARS = 40
LABEL_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)  # months between axis labels


def _legend(outlets: list[str], colours: dict[str, str], width: float, left: float) -> tuple[list[dict], int]:
    """Legend entries placed left to right, wrapping to a new row when the next would pass `width`: (entries, rows)."""
    entries: list[dict[str, Any]] = []
    x, row = 0.0, 0
    for outlet in outlets:
        label = outlet if len(outlet) <= LEGEND_MAX_CHARS else outlet[:LEGEND_MAX_CHARS - 1] + "…"
        w = 16 + LABEL_CHAR_W * len(label) + 20
        if x > 0 and left + x + w > width:
            x, row = 0.0, row + 1
        entries.append({"outlet": outlet, "label": label, "colour": colours[outlet], "x": round(x, 1),
                        "y": row * 18, "w": round(w, 1)})
        x += w
    return entries, row + 1


def timeline_chart(rows: list[dict[str, Any]], *, height: int = 320, plot_width_min: int = 640) -> dict[str, Any]:
    """Grouped bars: accepted figures per month (x) per outlet (colour). Empty months are kept on the axis.

    Each month's bars are centred in its slot; month labels are spaced so that they never
    overlap (every 1, 2, 3, 6 or 12 months...); the legend wraps by the width of its names.
    """
    dated = [r for r in rows if r["month"] and len(r["month"]) == 7 and r["claims"]]
    if not dated:
        return {"empty": True}
    outlets = sorted({r["source"] for r in dated})
    colours = {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(outlets)}
    months = _months(min(r["month"] for r in dated), max(r["month"] for r in dated))
    top = _nice_max(max(r["total"] for r in dated))
    left, right, top_pad, axis = 64, 16, 16, 28
    group = max(16, min(8 * len(outlets) + 12, 1100 // len(months)))  # fits a laptop screen up to ~5 years
    plot_w = max(plot_width_min, group * len(months))
    slot = plot_w / len(months)
    bar_w = min(slot * 0.8, 22 * len(outlets)) / len(outlets)  # every outlet of a month fits in 80% of its slot
    width = left + plot_w + right
    legend, legend_rows = _legend(outlets, colours, width - right, left)
    plot_h = height - top_pad - axis - 8
    total_h = height + legend_rows * 18
    by_key = {(r["month"], r["source"]): r for r in dated}
    bars = []
    for i, month in enumerate(months):
        present = [o for o in outlets if (month, o) in by_key]  # a month's bars side by side, centred in its slot
        x0 = left + i * slot + (slot - bar_w * len(present)) / 2
        for j, outlet in enumerate(present):
            r = by_key[(month, outlet)]
            h = plot_h * r["total"] / top
            bars.append({"x": round(x0 + j * bar_w, 1), "y": round(top_pad + plot_h - h, 1),
                         "w": round(max(1.0, bar_w - 1), 1), "h": round(h, 1), "colour": colours[outlet],
                         "title": f"{month} · {outlet}: {r['total']:,} ({r['claims']} accepted claim"
                                  f"{'s' if r['claims'] != 1 else ''})"})
    need = (LABEL_CHAR_W * 7 + 12) / slot  # a "2024-03" label and a gap, in slots
    every = next((k for k in LABEL_STEPS if k >= need), LABEL_STEPS[-1])
    ticks_x = [{"x": round(left + i * slot + slot / 2, 1), "label": m}
               for i, m in enumerate(months) if i % every == 0]
    ticks_y = [{"y": round(top_pad + plot_h - plot_h * k / 4, 1), "label": f"{top * k // 4:,}"} for k in range(5)]
    return {
        "empty": False, "width": width, "height": total_h, "left": left, "top": top_pad,
        "plot_w": plot_w, "plot_h": plot_h, "bars": bars, "ticks_x": ticks_x, "ticks_y": ticks_y,
        "legend": legend, "legend_y": height - 4, "slot": round(slot, 1), "label_every": every,
    }
