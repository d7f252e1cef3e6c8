"""Where each key and list item of a TOML document is written: line numbers for config errors.

`tomllib` gives values without positions. `key_lines` scans the text again
(after `tomllib` has accepted it) and maps every key path to the line its key
is on: ("politeness", "concurrency") -> 12, and every list item to the line
it starts on: ("feeds", 1) -> 4. Pure and forgiving: on text it does not
follow, it returns what it found so far.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Path = tuple[str | int, ...]
_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def key_lines(text: str) -> dict[Path, int]:
    """Every key path and list item path of `text` -> the 1-based line where it is written."""
    scanner = _Scanner(text)
    try:
        scanner.document()
    except (IndexError, ValueError):
        pass
    return scanner.lines


def line_of(lines: dict[Path, int], path: Sequence[str | int]) -> int | None:
    """The line of `path`, else of its nearest enclosing key that is written (a table, a list), else None."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


def syntax_error(text: str, exc: Exception) -> tuple[int, str]:
    """(line, message) of a `tomllib.TOMLDecodeError`, whose message ends with where it happened."""
    message = str(exc)
    match = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
    if match:
        return int(match.group(1)), message[:match.start()]
    match = re.search(r"\s*\(at end of document\)$", message)
    if match:
        return max(1, len(text.splitlines())), message[:match.start()] + " (at the end of the file)"
    return 1, message


class _Scanner:
    def __init__(self, text: str):
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[Path, int] = {}
        self._array_tables: dict[Path, int] = {}

    # -- characters --------------------------------------------------------
    def _peek(self, n: int = 1) -> str:
        return self.s[self.i:self.i + n]

    def _advance(self, n: int = 1) -> None:
        self.line += self.s.count("\n", self.i, self.i + n)
        self.i += n

    def _blank(self, newlines: bool) -> None:
        """Skip spaces and comments (and newlines, when allowed)."""
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t" or (newlines and c in "\r\n"):
                self._advance()
            elif c == "#":
                end = self.s.find("\n", self.i)
                self._advance((len(self.s) if end < 0 else end) - self.i)
            else:
                return

    # -- structure -----------------------------------------------------------
    def document(self) -> None:
        table: Path = ()
        while True:
            self._blank(newlines=True)
            if self.i >= len(self.s):
                return
            if self._peek(2) == "[[":
                line = self.line
                self._advance(2)
                name = self._key()
                self._blank(newlines=False)
                self._advance(2)  # ]]
                index = self._array_tables.get(name, -1) + 1
                self._array_tables[name] = index
                self.lines.setdefault(name, line)
                table = (*name, index)
                self.lines[table] = line
            elif self._peek() == "[":
                line = self.line
                self._advance()
                table = self._key()
                self._blank(newlines=False)
                self._advance()  # ]
                self.lines.setdefault(table, line)
            else:
                self._pair(table)

    def _pair(self, table: Path) -> None:
        line = self.line
        path = (*table, *self._key())
        self._blank(newlines=False)
        if self._peek() != "=":
            raise ValueError("no '=' after a key")
        self._advance()
        self._blank(newlines=False)
        self.lines.setdefault(path, line)
        self._value(path)

    def _key(self) -> Path:
        parts: list[str] = []
        while True:
            self._blank(newlines=False)
            c = self._peek()
            if c in ('"', "'"):
                parts.append(self._string())
            else:
                start = self.i
                while self.i < len(self.s) and self.s[self.i] in _BARE:
                    self.i += 1
                if self.i == start:
                    raise ValueError("no key")
                parts.append(self.s[start:self.i])
            self._blank(newlines=False)
            if self._peek() != ".":
                return tuple(parts)
            self._advance()

    def _value(self, path: Path) -> None:
        c = self._peek()
        if c in ('"', "'"):
            self._string()
        elif c == "[":
            self._advance()
            index = 0
            while True:
                self._blank(newlines=True)
                if self._peek() == "]":
                    self._advance()
                    return
                self.lines.setdefault((*path, index), self.line)
                self._value((*path, index))
                self._blank(newlines=True)
                if self._peek() == ",":
                    self._advance()
                index += 1
        elif c == "{":
            self._advance()
            while True:
                self._blank(newlines=False)
                if self._peek() == "}":
                    self._advance()
                    return
                self._pair(path)
                self._blank(newlines=False)
                if self._peek() == ",":
                    self._advance()
        else:  # number, boolean, date: up to the next delimiter
            start = self.i
            while self.i < len(self.s) and self.s[self.i] not in ",]}\r\n#":
                self.i += 1
            if self.i == start:
                raise ValueError("no value")

    def _string(self) -> str:
        quote = self._peek()
        triple = self._peek(3) == quote * 3
        self._advance(3 if triple else 1)
        start = self.i
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\" and quote == '"':
                self._advance(2)
                continue
            if triple and self._peek(3) == quote * 3:
                while self._peek(4) == quote * 4:  # up to two quotes may end the content itself
                    self._advance()
                value = self.s[start:self.i]
                self._advance(3)
                return value
            if not triple and c == quote:
                value = self.s[start:self.i]
                self._advance()
                return value
            if not triple and c == "\n":
                raise ValueError("newline in a string")
            self._advance()
        raise ValueError("unterminated string")
