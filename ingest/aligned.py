"""Tables printed without rulings (or with only some: a line under the header, one at the
bottom), read from how their words line up: the fallback for text left outside ruled grids.

A run of lines that split into columns, at least MIN_FIGURE_LINES of them printing a figure
after a label, is a table body; the lines just above it that split into several words are its
header. Columns are the gaps that no body word crosses, plus the numbers of a 栏次 line with no
word under them (a column blank in every row). Each line is a row, except a line closer to the
one above than rows are to each other, which continues it (a wrapped cell). A header word
spanning several columns goes to the first of them, as a merged cell's text does in a ruled
grid.
"""

import re
from bisect import bisect_right

from ingest.amounts import is_amount_cell

LEADER = re.compile(r"\.{4}|…|·{3}|-{4}")  # the dots that lead a contents line to its page

MIN_FIGURE_LINES = 3
MAX_HEADER_LINES = 5
SHORT_LABEL = 6  # characters: a header line may be one short label (序号, 栏次)
WRAPPED_LINE = 0.75  # of the usual distance between rows: a wrapped cell's next line
GAP_LINES = 2.5  # a vertical gap of this many line heights ends the table


def aligned_tables(words: list[dict]) -> list[tuple[tuple, list[list[str]], list[dict]]]:
    """(bbox, rows, words used) for each table found among `words` (dicts with text, x0, x1,
    top, bottom, size, as pdf_reader makes them)."""
    lines = _lines(words)
    found, start = [], 0
    while (body := _body(lines, start)) is not None:
        first, last, figures = body
        start = last
        if figures < MIN_FIGURE_LINES:
            continue
        head = _header(lines, first)
        table = _table(lines[head:first], lines[first:last])
        if table is not None:
            found.append(table)
    return found


def _lines(words: list[dict]) -> list[list[dict]]:
    lines: list[tuple[float, list[dict]]] = []
    for word in sorted(words, key=lambda w: w["top"] + w["bottom"]):
        centre = (word["top"] + word["bottom"]) / 2
        if lines and abs(centre - lines[-1][0]) < word["size"] / 2:
            lines[-1][1].append(word)
        else:
            lines.append((centre, [word]))
    return [sorted(line, key=lambda w: w["x0"]) for _, line in lines]


def _figure_line(line: list[dict]) -> bool:
    """A line that prints a figure after some other word: a row of a table, not prose, nor a
    contents line (`五、…支出情况………… 25`)."""
    return len(line) >= 2 and any(is_amount_cell(w["text"]) for w in line[1:]) and \
        not any(LEADER.search(w["text"]) for w in line)


def _height(line: list[dict]) -> float:
    return max(w["bottom"] for w in line) - min(w["top"] for w in line)


def _centre(line: list[dict]) -> float:
    return sum(w["top"] + w["bottom"] for w in line) / (2 * len(line))


def _gap(upper: list[dict], lower: list[dict]) -> float:
    return min(w["top"] for w in lower) - max(w["bottom"] for w in upper)


def _body(lines: list[list[dict]], start: int) -> tuple[int, int, int] | None:
    """The first run of table lines from `start` (first, end, how many print figures): from a
    figure line down over lines that split into columns (rows whose figures are blank) and
    label lines, until a large gap or prose."""
    first = next((i for i in range(start, len(lines)) if _figure_line(lines[i])), None)
    if first is None:
        return None
    figure_x = min(w["x0"] for w in lines[first][1:] if is_amount_cell(w["text"]))
    last, figures = first + 1, 1
    while last < len(lines):
        line, above = lines[last], lines[last - 1]
        if _gap(above, line) > GAP_LINES * _height(above):
            break
        if len(line) < 2 and line[0]["x1"] > figure_x:  # a paragraph across the figures
            break
        figures += _figure_line(line)
        last += 1
    return first, last, figures


def _header(lines: list[list[dict]], first: int) -> int:
    """Where the header starts: the lines just above the body that split into columns, or
    hold a short label (序号) of their own; a title or a caption line ends it."""
    head = first
    while head > 0 and first - head < MAX_HEADER_LINES:
        line = lines[head - 1]
        if _gap(line, lines[head]) > GAP_LINES * _height(line) or \
                (len(line) < 2 and len(line[0]["text"]) > SHORT_LABEL):
            break
        head -= 1
    return head


def _serial_line(line: list[dict]) -> bool:
    """A 栏次 line (`栏次 1 2 3 4`): its numbers are centred, not aligned like the figures."""
    numbers = [w["text"] for w in line[1:]]
    return numbers == [str(n) for n in range(1, len(numbers) + 1)] or \
        numbers == [str(n) for n in range(len(numbers))]


def _columns(body: list[list[dict]]) -> list[tuple[float, float, bool]]:
    """(x0, x1, figures) of each column: the x-ranges body words occupy, merged where they
    overlap; the gaps between are the column boundaries. `figures`: right-aligned numbers."""
    words = [w for line in body if not _serial_line(line) for w in line]
    columns: list[list] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        if columns and word["x0"] < columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], word["x1"])
            columns[-1][2].append(word)
        else:
            columns.append([word["x0"], word["x1"], [word]])
    return [(x0, x1, 2 * sum(is_amount_cell(w["text"]) for w in members) > len(members))
            for x0, x1, members in columns]


def _extents(columns: list[tuple[float, float, bool]]) -> list[float]:
    """Where each column's cells start: a column of figures (right-aligned) reaches left to
    the previous column's text, any other starts where its own text starts."""
    return [x0 if not figures or index == 0 else columns[index - 1][1]
            for index, (x0, _x1, figures) in enumerate(columns)]


def _with_blank_columns(columns: list[tuple[float, float, bool]],
                        serial: list[dict]) -> list[float]:
    """Cell starts, with a column added for each 栏次 number that has no words under it (a
    column left blank in every row): two numbers over one column's cells mean a blank column
    beside it, numbers past the last column more columns."""
    starts, centres = _extents(columns), sorted((w["x0"] + w["x1"]) / 2 for w in serial[1:])
    ends = starts[1:] + [columns[-1][1]]
    out: list[float] = []
    for start, end in zip(starts, ends, strict=True):
        # Which of the numbers is the column's own needs no deciding: its words fall in its
        # cell by where they start (figures under the last number, labels under the first).
        inside = [c for c in centres if start <= c < end] or [start]
        out += [start] + [(a + b) / 2 for a, b in zip(inside, inside[1:], strict=False)]
    past = [c for c in centres if c >= ends[-1]]
    out += [(a + b) / 2 for a, b in zip([ends[-1]] + past, past, strict=False)]
    return out


def _row(line: list[dict], starts: list[float]) -> list[str]:
    """Each word in the column whose cells contain where the word starts: a header centred over
    several columns goes to the first of them, as a merged cell's text does."""
    cells = [""] * len(starts)
    for word in line:
        index = max(bisect_right(starts, word["x0"] + 1) - 1, 0)
        cells[index] += word["text"]
    return cells


def _anchored(header: list[list[str]]) -> list[list[str]]:
    """A group label centred over its columns moved to the first of them, where a ruled grid
    keeps a merged cell's text: leftwards over the columns blank in its line and in the lines
    between, that have a label of their own in the header's last line. A label with nothing
    under it spans rows, not columns, and stays."""
    for row in header[:-1]:
        lower = header[header.index(row) + 1:]
        for index in range(1, len(row)):
            if not row[index] or not lower[-1][index]:  # a label over no sub-labels spans rows
                continue
            anchor = index
            while anchor > 0 and not row[anchor - 1] and lower[-1][anchor - 1] and \
                    not any(line[anchor - 1] for line in lower[:-1]):
                anchor -= 1
            row[anchor], row[index] = row[index], row[anchor]
    return header


def _table(head: list[list[dict]], body: list[list[dict]]):
    columns = _columns(body)
    if len(columns) < 2:
        return None
    serial = next((line for line in body if _serial_line(line)), None)
    starts = _with_blank_columns(columns, serial) if serial else _extents(columns)
    rows = _anchored([_row(line, starts) for line in head])
    pitches = sorted(_centre(b) - _centre(a) for a, b in zip(body, body[1:], strict=False))
    pitch = pitches[len(pitches) // 2] if pitches else 0
    for index, line in enumerate(body):
        row = _row(line, starts)
        if index and _centre(line) - _centre(body[index - 1]) < WRAPPED_LINE * pitch:
            # closer than rows are to each other: the next line of a wrapped cell
            rows[-1] = [a + b for a, b in zip(rows[-1], row, strict=True)]
        else:
            rows.append(row)
    used = [w for line in head + body for w in line]
    bbox = (min(w["x0"] for w in used), min(w["top"] for w in used),
            max(w["x1"] for w in used), max(w["bottom"] for w in used))
    return bbox, rows, used
