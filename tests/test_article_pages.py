"""Per page: every body line kept, no boilerplate line kept.

Pages: the demo outlets (fixtures/expected.json), the labelled pages of
benchmarks/pages/, and the seed texts (fixtures/seeds/) set as pages whose
article element holds everything, boilerplate included, so that only newsmon's
residual cleaner can remove it.
"""

from __future__ import annotations

import html as htmlmod
import json
import re
from pathlib import Path

import pytest

from extract.article import extract_article
from extract.footnotes import strip_footnotes

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PAGES = ROOT / "benchmarks" / "pages"
SEEDS = FIXTURES / "seeds"


def norm(text: str) -> str:
    text = strip_footnotes(text.replace("\u00a0", " "), ("covid",))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


def leaked(text: str, body: list[str], boilerplate: list[str]) -> list[str]:
    """Boilerplate lines found in the text: an output line that is one, or holds one outside any body line."""
    lines = [norm(ln) for ln in text.split("\n") if ln.strip()]
    bodies = [norm(b) for b in body]
    out = []
    for raw in boilerplate:
        bp = norm(raw)
        for line in lines:
            if line == bp or (bp in line and not any(line in b for b in bodies)
                              and not any(bp in b and b in line for b in bodies)):
                out.append(raw)
                break
    return out


def lost(text: str, body: list[str]) -> list[str]:
    whole = norm(text.replace("\n", " "))
    return [b for b in body if norm(b) not in whole]


# ----------------------------------------------------------------------------- demo outlets

def _demo_pages():
    path = FIXTURES / "expected.json"
    if not path.is_file():
        return []
    out = []
    for entry in json.loads(path.read_text(encoding="utf-8")):
        if not entry.get("body"):
            continue
        page = FIXTURES / "sites" / entry["outlet"] / entry["path"].strip("/") / "index.html"
        if page.is_file():
            out.append(pytest.param(entry, page, id=f"{entry['outlet']}{entry['path']}"[:80]))
    return out


@pytest.mark.parametrize("entry,page", _demo_pages())
def test_demo_page_keeps_body_and_drops_boilerplate(entry, page):
    art = extract_article(page.read_bytes(), f"http://127.0.0.1{entry['path']}")
    assert lost(art.text, entry["body"]) == []
    assert leaked(art.text, entry["body"], entry.get("boilerplate", [])) == []
    assert art.text.startswith(art.title or "")


@pytest.mark.parametrize("entry,page", _demo_pages())
def test_demo_page_metadata(entry, page):
    art = extract_article(page.read_bytes(), f"http://127.0.0.1{entry['path']}")
    if entry.get("title"):
        assert art.title == entry["title"]
    if entry.get("published"):
        assert art.published == entry["published"]
    if entry.get("author"):
        assert art.author == entry["author"]


# ----------------------------------------------------------------------------- benchmark pages

def _bench_pages():
    labels = PAGES / "labels.json"
    if not labels.is_file():
        return []
    return [pytest.param(e, id=e["page"]) for e in json.loads(labels.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("entry", _bench_pages())
def test_benchmark_page_keeps_body_and_drops_boilerplate(entry):
    art = extract_article((PAGES / entry["page"]).read_bytes(), entry.get("url"),
                          drop_selectors=entry.get("drop_selectors", []))
    assert lost(art.text, entry["body"]) == []
    assert leaked(art.text, entry["body"], entry["boilerplate"]) == []


# ----------------------------------------------------------------------------- seed texts

# Per seed: the headline and the lines that are boilerplate; every other line is
# body, except the `unscored` ones (a headline repeated in the body, a stray question).
SEED_LABELS = {
    "000": {
        "title": "China Sends Back North Korean Refugees Against Their Will",
        "boilerplate_from": "About Senior Reporter",
    },
    "001": {
        "title": "China Continues Forced Returns of North Korean Migrants Despite Global Criticism",
        "boilerplate": [
            "Home » world » China Continues Forced Returns of North Korean Migrants Despite Global Criticism",
            "by Omar El Sayed - World Editor",
            "What steps do you think the international community should take to protect North Korean refugees?",
            "Share your thoughts in the comments below.",
            "Don’t forget to share this article to raise awareness about this critical issue.",
        ],
        "boilerplate_from": "You may also like",
        "unscored": [
            "China Continues Forced Returns of North Korean Migrants Despite Global Criticism",
            "What are the potential legal ramifications for China given its violation of the "
            "non-refoulement principle?",
        ],
    },
    "002": {
        "title": "China Forcibly Returns Over 500 North Koreans To North Korea",
        "boilerplate": ["Keep reading"],
        "boilerplate_from": "About WR News Writer",
    },
    "003": {
        "title": "China Forcibly Returns More than 500 North Korean Escapees, Heightening Human Rights Concerns",
        "boilerplate": ["Table of Contents"],
        "boilerplate_from": "<< photo by Adrien Olichon >>",
    },
    "004": {
        "title": "North Korean Defectors Vanish in China as Border Reopens",
        "boilerplate": ["(C) Brookings Institution"],
        "boilerplate_from": "Big investment company KKR",
    },
}


def _seed_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _seed_page(title: str, lines: list[str]) -> str:
    """Every line inside the article element: short lines as headings, bullets as lists."""
    parts: list[str] = []
    items: list[str] = []

    def flush():
        if items:
            parts.append("<ul>" + "".join(f"<li>{htmlmod.escape(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for ln in lines:
        m = re.match(r"^(\*|-|\d+\.)\s+(.*)$", ln)
        if m:
            items.append(m.group(2))
            continue
        flush()
        if len(ln.split()) <= 12 and not ln.endswith((".", "…")):
            parts.append(f"<h2>{htmlmod.escape(ln)}</h2>")
        else:
            parts.append(f"<p>{htmlmod.escape(ln)}</p>")
    flush()
    body = "\n".join(parts)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{htmlmod.escape(title)}</title>'
            f'<meta property="og:title" content="{htmlmod.escape(title)}"></head><body>'
            f'<article><h1>{htmlmod.escape(title)}</h1><div class="entry-content">{body}</div></article>'
            f"</body></html>")


def _seed_params():
    out = []
    for path in sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []:
        label = SEED_LABELS.get(path.name[:3])
        if label:
            out.append(pytest.param(path, label, id=path.name[:3]))
    return out


def _split_seed(path: Path, label: dict) -> tuple[list[str], list[str], list[str]]:
    lines = _seed_lines(path.read_text(encoding="utf-8"))
    boiler, body = [], []
    unscored = set(label.get("unscored", []))
    tail = False
    explicit = label.get("boilerplate", [])
    for ln in lines:
        item = re.sub(r"^(\*|-|\d+\.)\s+", "", ln)
        if label.get("boilerplate_from") and ln.startswith(label["boilerplate_from"]):
            tail = True
        if tail:
            boiler.append(item)
        elif ln in unscored or ln == label["title"]:
            continue
        elif any(ln == b or b in ln for b in explicit):
            boiler.extend(b for b in explicit if b in ln)
        else:
            body.append(item)
    return lines, body, boiler


@pytest.mark.parametrize("path,label", _seed_params())
def test_seed_page_keeps_body_and_drops_boilerplate(path, label):
    lines, body, boiler = _split_seed(path, label)
    page = _seed_page(label["title"], [ln for ln in lines if ln != label["title"]])
    art = extract_article(page, "https://news.example.org/2025/12/seed/")
    assert art.title == label["title"]
    assert lost(art.text, body) == []
    assert leaked(art.text, body, boiler) == []


@pytest.mark.parametrize("path,label", _seed_params())
def test_seed_page_has_no_footnote_marks(path, label):
    lines, body, _ = _split_seed(path, label)
    page = _seed_page(label["title"], [ln for ln in lines if ln != label["title"]])
    text = extract_article(page).text
    for mark in ("China1", "China3", "execution12", "violations3", "defectors3", "actions3"):
        assert mark not in text
