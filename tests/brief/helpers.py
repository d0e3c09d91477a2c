"""Reading a rendered brief back: tables and sections by id, plain text, numbers in a text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

NUMBER = re.compile(r"(?<![\w.])[−+-]?\d+(?:,\d{3})*(?:\.\d+)?%?")


class _Collector(HTMLParser):
    """Collects the text of every element with an id, and table rows (cells) per table id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.text: dict[str, list[str]] = {}
        self.rows: dict[str, list[list[str]]] = {}
        self.cell: list[str] | None = None
        self.all: list[str] = []
        self.skip = 0

    def _open_ids(self) -> list[str]:
        return [i for _, i in self.stack if i]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title"):
            self.skip += 1
        self.handle_data(" ")      # elements separate words: "<td>CHN</td><td>0.159</td>" reads "CHN 0.159"
        ident = dict(attrs).get("id")
        if tag not in ("br", "meta", "img", "rect", "line", "polyline", "circle", "path"):
            self.stack.append((tag, ident))
        tables = [i for t, i in self.stack if t == "table" and i]
        if tag == "tr" and tables:
            self.rows.setdefault(tables[-1], []).append([])
        if tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self.skip -= 1
        if tag in ("td", "th") and self.cell is not None:
            tables = [i for t, i in self.stack if t == "table" and i]
            if tables and self.rows.get(tables[-1]):
                self.rows[tables[-1]][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.all.append(data)
        for i in self._open_ids():
            self.text.setdefault(i, []).append(data)
        if self.cell is not None and data != " ":
            self.cell.append(data)


class Page:
    """A parsed brief: ``page.rows("movers")`` (header first), ``page.text("bottom-line")``, ``page.body``."""

    def __init__(self, html: str):
        parser = _Collector()
        parser.feed(html)
        self._rows = parser.rows
        self._text = {k: " ".join("".join(v).split()) for k, v in parser.text.items()}
        self.all_text = " ".join("".join(parser.all).split())

    def rows(self, table_id: str) -> list[list[str]]:
        return [r for r in self._rows.get(table_id, []) if r][1:]

    def header(self, table_id: str) -> list[str]:
        return self._rows[table_id][0]

    def text(self, element_id: str) -> str:
        return self._text.get(element_id, "")

    def has(self, element_id: str) -> bool:
        return element_id in self._text or element_id in self._rows


def numbers(text: str) -> list[str]:
    """The numbers written in ``text`` (as written: 0.0172, 1,860, 45%)."""
    return [n.lstrip("+−-") for n in NUMBER.findall(text)]
