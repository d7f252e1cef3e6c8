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


def timeline_chart(rows: list[dict[str, Any]], *, height: int = 320, plot_width_min: int = 640) -> dict[str, Any]:
    """Grouped bars: accepted figures per month (x) per outlet (colour). Empty months are kept on the axis."""
    dated = [r for r in rows if r["month"] and len(r["month"]) == 7 and r["claims"]]
    if not dated:
        return {"empty": True}
    outlets = sorted({r["source"] for r in dated})
    colours = {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(outlets)}
    months = _months(min(r["month"] for r in dated), max(r["month"] for r in dated))
    top = _nice_max(max(r["total"] for r in dated))
    left, right, top_pad, bottom = 64, 16, 16, 56
    group = max(16, min(8 * len(outlets) + 12, 1100 // len(months)))  # fits a laptop screen up to ~5 years
    plot_w = max(plot_width_min, group * len(months))
    plot_h = height - top_pad - bottom
    bar_w = (group - 8) / len(outlets)
    by_key = {(r["month"], r["source"]): r for r in dated}
    bars = []
    for i, month in enumerate(months):
        x0 = left + i * (plot_w / len(months)) + 4
        for j, outlet in enumerate(outlets):
            r = by_key.get((month, outlet))
            if not r:
                continue
            h = plot_h * r["total"] / top
            bars.append({"x": round(x0 + j * bar_w, 1), "y": round(top_pad + plot_h - h, 1), "w": round(bar_w - 1, 1),
                         "h": round(h, 1), "colour": colours[outlet],
                         "title": f"{month} · {outlet}: {r['total']:,} ({r['claims']} accepted claim"
                                  f"{'s' if r['claims'] != 1 else ''})"})
    every = max(1, len(months) // 12)
    ticks_x = [{"x": round(left + i * (plot_w / len(months)) + (plot_w / len(months)) / 2, 1), "label": m}
               for i, m in enumerate(months) if i % every == 0]
    ticks_y = [{"y": round(top_pad + plot_h - plot_h * k / 4, 1), "label": f"{top * k // 4:,}"} for k in range(5)]
    return {
        "empty": False, "width": left + plot_w + right, "height": height, "left": left, "top": top_pad,
        "plot_w": plot_w, "plot_h": plot_h, "bars": bars, "ticks_x": ticks_x, "ticks_y": ticks_y,
        "legend": [{"outlet": o, "colour": colours[o]} for o in outlets],
    }
