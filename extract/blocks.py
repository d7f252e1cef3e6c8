"""Blocks: the units the residual cleaner works on.

trafilatura's output tree (`<head>`, `<p>`, `<list><item>`, `<table><row><cell>`,
`<quote>`, `<code>`) becomes a flat list of `Block`s: a heading, a paragraph, a
list (its items kept together), a table (its rows kept together), a quote.
`render` turns them back into the text that claims point into: blocks separated
by a blank line, list items and table rows one per line, table cells joined by
a space ("2020-2023 660").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING, PARAGRAPH, LIST, TABLE, QUOTE = "heading", "paragraph", "list", "table", "quote"

_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f\u200b]+")


@dataclass
class Block:
    kind: str
    lines: list[str] = field(default_factory=list)  # one line per list item / table row

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def render(self) -> str:
        return self.text


def clean_line(text: str) -> str:
    text = _SPACES.sub(" ", text.replace("\r", ""))
    return "\n".join(part.strip() for part in text.split("\n")).strip()


def _text_of(el) -> str:
    """Text of an element, `<lb/>` as a line break, nested lists flattened."""
    parts: list[str] = []

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "lb":
            parts.append("\n")
        elif tag == "graphic":
            pass
        else:
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
                if isinstance(child.tag, str) and child.tag in ("item", "p", "row"):
                    parts.append("\n")
        if node is not el and node.tail:
            parts.append(node.tail)

    walk(el)
    return clean_line("".join(parts))


def tree_to_blocks(body) -> list[Block]:
    """trafilatura's `<body>` element to blocks (document order)."""
    blocks: list[Block] = []
    if body is None:
        return blocks
    if body.text and body.text.strip():
        _add(blocks, PARAGRAPH, [clean_line(body.text)])
    for el in body:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "head":
            _add(blocks, HEADING, [_text_of(el)])
        elif tag == "list":
            items = [_text_of(item) for item in el if item.tag == "item"]
            _add(blocks, LIST, [i for i in items if i])
        elif tag == "table":
            rows = []
            for row in el.iter("row"):
                cells = [_text_of(c).replace("\n", " ") for c in row.iter("cell")]
                line = " ".join(c for c in cells if c)
                if line:
                    rows.append(line)
            _add(blocks, TABLE, rows)
        elif tag == "quote":
            _add(blocks, QUOTE, [_text_of(el)])
        elif tag == "graphic":
            pass
        else:  # p, code, div and anything trafilatura may add later
            _add(blocks, PARAGRAPH, [_text_of(el)])
        if el.tail and el.tail.strip():
            _add(blocks, PARAGRAPH, [clean_line(el.tail)])
    return blocks


def text_to_blocks(text: str) -> list[Block]:
    """Plain text (blank-line or line separated) to paragraph blocks."""
    sep = "\n\n" if "\n\n" in text else "\n"
    return [Block(PARAGRAPH, [clean_line(p)]) for p in text.split(sep) if clean_line(p)]


def _add(blocks: list[Block], kind: str, lines: list[str]) -> None:
    lines = [ln for ln in lines if ln and ln.strip()]
    if lines:
        blocks.append(Block(kind, lines))


_BLANK_RUN = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def render(title: str | None, blocks: list[Block]) -> str:
    """Headline and blocks separated by one blank line; a run of blank lines inside a block becomes one."""
    parts = [title.strip()] if title and title.strip() else []
    parts += [b.render() for b in blocks if b.render().strip()]
    return _BLANK_RUN.sub("\n\n", "\n\n".join(parts))
