"""A synthetic news corpus for throughput benchmarks, in the shape of the demo outlets.

`build_corpus(n)` gives n article pages (about 5 % of them reporting returns)
with the sidebars, author boxes and cookie banners real outlets carry, plus
listing pages and a sitemap. Deterministic for a given n and seed.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

# Ordinary news sentences are generated from templates; a few fixed sentences use
# return words about something else ("file their return", "returned to profit").
# Their share follows ordinary reporting: about 1 sentence in 100 has a return
# word and a number, and 2 in 100 a return word alone.
HARD_NEGATIVES_WITH_FIGURE = [
    "Taxpayers have until April 15 to file their return, officials reminded residents.",
    "The airline returned to profit in the third quarter with revenue of 2 billion euros.",
    "The striker returned from injury after 11 weeks and scored twice.",
    "The council pushed back the vote on the 2026 budget by two weeks.",
]
HARD_NEGATIVES = [
    "Officials said the festival would return next year with a larger stage.",
    "The suspect was handed over to police after a brief chase.",
    "Residents are expected to return to work on Monday after the holiday.",
    "The committee sent the draft back to the ministry for changes.",
]
SUBJECTS = ["The city council", "The company", "The regional government", "The hospital", "The university",
            "The transport authority", "Local farmers", "The central bank", "The school district", "The museum"]
VERBS = ["approved", "announced", "reported", "planned", "opened", "spent", "built", "sold", "recorded", "expected"]
OBJECTS = ["new beds", "kilometres of road", "classrooms", "visitors", "jobs", "homes", "buses", "tonnes of grain",
           "new members", "solar panels"]
WHEN = ["last year", "this month", "on Tuesday", "by the end of the decade", "in the first quarter", "since March"]


def _ordinary_sentence(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.01:
        return rng.choice(HARD_NEGATIVES_WITH_FIGURE)
    if roll < 0.03:
        return rng.choice(HARD_NEGATIVES)
    figure = rng.choice([f"{rng.randint(2, 950)}", f"{rng.randint(1, 99)},{rng.randint(100, 999)}",
                         f"{rng.randint(2, 9)}.{rng.randint(1, 9)} million", "a dozen",
                         f"{rng.randint(2, 60)} percent more"])
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {figure} {rng.choice(OBJECTS)} {rng.choice(WHEN)}."


FILLER = [
    "Residents said they had not been consulted before the decision was made.",
    "The report calls for more transparency and for independent monitoring.",
    "Critics argue that the measures do not go far enough.",
    "The government has not responded to requests for comment.",
    "Observers say the situation remains uncertain in the coming months.",
    "Local media reported that negotiations would continue next week.",
]
RETURN_TEMPLATES = [
    "Chinese authorities forcibly repatriated {n} North Koreans on {day} {month}, according to activists.",
    "At least {n} Afghan refugees were deported from Pakistan in {month} {year}, the UN refugee agency said.",
    "Thailand deported {n} Uyghur men to China last week despite warnings from rights groups.",
    "More than {n} Rohingya were pushed back to Myanmar in {month}, local officials said.",
    "A charter flight returned {n} migrants to Guatemala on {day} {month} {year}, officials confirmed.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WORDS = ("council river market school budget season report winter harbour station election "
         "museum bridge festival village hospital farmers workers students").split()


@dataclass
class Page:
    path: str
    title: str
    published: str
    body: list[str]
    reports_return: bool


def _page(rng: random.Random, i: int, reports_return: bool) -> Page:
    year, month = 2024 + i % 2, 1 + i % 12
    title_words = rng.sample(WORDS, 4)
    title = " ".join(w.capitalize() for w in title_words) + f" Update {i}"
    paragraphs = []
    for _ in range(rng.randint(6, 10)):
        sentences = [_ordinary_sentence(rng), _ordinary_sentence(rng)] + rng.sample(FILLER, 2)
        rng.shuffle(sentences)
        paragraphs.append(" ".join(sentences))
    if reports_return:
        template = rng.choice(RETURN_TEMPLATES)
        sentence = template.format(n=rng.randint(12, 900), day=rng.randint(1, 28),
                                   month=MONTHS[month - 1], year=year)
        paragraphs.insert(rng.randint(0, 2), sentence + " " + rng.choice(FILLER))
        title = "Rights Groups Condemn Forced Returns " + str(i)
    return Page(path=f"/{year}/{month:02d}/story-{i}/", title=title,
                published=f"{year}-{month:02d}-{1 + i % 28:02d}", body=paragraphs,
                reports_return=reports_return)


def build_corpus(n: int, seed: int = 7, return_share: float = 0.05) -> list[Page]:
    rng = random.Random(seed)
    returns = set(rng.sample(range(n), max(1, int(n * return_share))))
    return [_page(rng, i, i in returns) for i in range(n)]


SCRIPT = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}" + ";var a" + "=1".join(
    str(i) for i in range(600)) + ";"
MENU = "".join(f'<li class="menu-item"><div class="wrap">'
               f'<a href="/section/{w}-{i}/"><span>{w.capitalize()} {i}</span></a>'
               f'<ul class="sub"><li><a href="/section/{w}-{i}/a/">More {w}</a></li></ul></div></li>'
               for i in range(16) for w in WORDS[:10])
MOST_READ = "".join(
    f'<div class="card"><a href="/{2024}/0{1 + i % 9}/popular-{i}/"><img src="/img/{i}.jpg" alt="">'
    f'<h4>{w.capitalize()} '
    f'story number {i} draws attention</h4></a><p class="excerpt">Readers followed the {w} story closely this week as '
    f'officials weighed their next steps…</p><span class="date">March {1 + i}, 2025</span></div>'
    for i, w in enumerate(WORDS))
TAGS = "".join(f'<a class="tag" href="/tag/{w}/">{w}</a> ' for w in WORDS * 2)
FOOTER_LINKS = "".join(f'<li><a href="/info/{w}-{i}/">{w.capitalize()} info {i}</a></li>'
                       for i in range(4) for w in WORDS)
COMMENTS = [
    "Great reporting, thank you for covering this.", "I disagree with the council on this one.",
    "Does anyone know when the next meeting is?", "This has been going on for years in our town.",
]


def _chrome_head(title: str) -> str:
    return (f'<script>{SCRIPT}</script><script type="application/ld+json">{{"@type":"NewsArticle","headline":'
            f'"{html.escape(title)}"}}</script><style>' + ".c{color:#333}" * 300 + "</style>")


def render_article(page: Page, recent: list[Page]) -> str:
    esc = html.escape
    comments = "".join(
        f'<li class="comment"><b>Reader {k}</b><p>{COMMENTS[(k + len(page.path)) % len(COMMENTS)]}</p></li>'
        for k in range(len(page.path) % 6))
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in page.body)
    teasers = "\n".join(
        f'<li><a href="{r.path}">{esc(r.title)}</a><p>{esc(r.body[0][:120])}…</p><span>{r.published}</span></li>'
        for r in recent
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(page.title)} | Bench News</title>
<meta property="og:title" content="{esc(page.title)}"><meta property="og:site_name" content="Bench News">
<meta name="author" content="Staff Reporter">
<meta property="article:published_time" content="{page.published}T08:00:00+00:00">
<link rel="canonical" href="{page.path}">{_chrome_head(page.title)}</head>
<body><header><a href="/">Bench News</a><nav><ul class="mega-menu">{MENU}</ul></nav></header>
<main><article class="post"><h1 class="entry-title">{esc(page.title)}</h1>
<span class="byline">by Staff Reporter</span> <time datetime="{page.published}">{page.published}</time>
<div class="entry-content">{paragraphs}</div></article>
<div class="author-box"><h3>About Staff Reporter</h3>
<p>Staff Reporter has covered local news for over 10 years.</p></div>
<section class="comments"><h3>{len(page.path) % 6} Comments</h3><ol>{comments}</ol>
<h3>Leave a Reply</h3><form><textarea></textarea></form></section></main>
<aside id="secondary"><h2>Recent Posts</h2><ul>{teasers}</ul>
<div class="widget"><h2>Most read</h2>{MOST_READ}</div>
<div class="widget"><h2>Tags</h2>{TAGS}</div>
<div class="widget newsletter"><h2>Newsletter</h2><p>Subscribe to get the latest news in your inbox.</p>
<form><input type="email"><button>Subscribe</button></form></div></aside>
<footer><ul class="footer-links">{FOOTER_LINKS}</ul>© 2025 Bench News. All rights reserved.
<script>{SCRIPT}</script></footer>
<div id="cookie-notice">This website uses cookies. <a href="/privacy/">Read More</a></div>
</body></html>"""


def render_listing(pages: list[Page], page_no: int, per_page: int = 20) -> str:
    chunk = pages[(page_no - 1) * per_page: page_no * per_page]
    items = "\n".join(f'<li><a href="{p.path}">{html.escape(p.title)}</a></li>' for p in chunk)
    more = page_no * per_page < len(pages)
    nav = f'<a rel="next" href="/page/{page_no + 1}/">Older posts</a>' if more else ""
    return f"<!doctype html><html><body><h1>Bench News</h1><ul>{items}</ul>{nav}</body></html>"


def render_sitemap(pages: list[Page], base: str) -> str:
    urls = "".join(f"<url><loc>{base}{p.path}</loc><lastmod>{p.published}</lastmod></url>" for p in pages)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def render_site(pages: list[Page], base: str) -> dict[str, tuple[str, bytes]]:
    """Every path of the site -> (content type, body)."""
    files: dict[str, tuple[str, bytes]] = {}
    for i, page in enumerate(pages):
        recent = pages[max(0, i - 6):i] or pages[1:7]
        files[page.path] = ("text/html; charset=utf-8", render_article(page, recent).encode())
    files["/sitemap.xml"] = ("application/xml", render_sitemap(pages, base).encode())
    files["/robots.txt"] = ("text/plain", f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap.xml\n".encode())
    files["/"] = ("text/html; charset=utf-8", render_listing(pages, 1).encode())
    return files
