"""Step 1 of the pipeline: a file becomes an ordered list of blocks (paragraphs and tables),
every cell and line keeping the page it was read from. Plain data, no Django."""

import re
from dataclasses import dataclass, field

WHITESPACE = re.compile(r"\s+")


class UnreadableDocument(Exception):
    """The file cannot be read as a disclosure; the message says why in plain words."""


def squeeze(text: str | None) -> str:
    """Cell text with wrapping undone: every whitespace removed.

    Safe for these CJK names and numbers (`2930\\n1.50` → `29301.50` is caught by the shape and
    identity checks, `一般公共服务\\n支出` → `一般公共服务支出`)."""
    return WHITESPACE.sub("", text or "")


@dataclass
class Paragraph:
    text: str
    page: int | None


@dataclass
class Table:
    rows: list[list[str]]
    page: int | None
    row_pages: list[int | None] = field(default_factory=list)

    def __post_init__(self):
        if not self.row_pages:
            self.row_pages = [self.page] * len(self.rows)


Block = Paragraph | Table


@dataclass
class ExtractedDocument:
    format: str
    blocks: list[Block]
    page_count: int | None = None
    # Each page's text in the producer's own order, line by line: where the page geometry
    # scatters a letter-spaced cover or running header, this still reads as one line.
    page_lines: list[tuple[int, str]] = field(default_factory=list)
