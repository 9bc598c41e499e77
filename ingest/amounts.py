"""Amounts as printed: a cell's text → the number exactly as printed (thousands separators
removed, decimals kept), blank, or not an amount. Plain functions, no Django."""

import re

from ingest.layouts import clean

AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")
PRINTED_AMOUNT = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
BLANKS = {"", "-", "—", "－", "/", "--", "——"}


def printed_amount(text: str) -> str | None:
    """The amount as printed, without thousands separators; "" for a blank cell; None when
    the cell is not an amount."""
    text = clean(text).replace("，", ",")
    if text in BLANKS:
        return ""
    if PRINTED_AMOUNT.match(text) or AMOUNT.match(text.replace(",", "")):
        value = text.replace(",", "")
        # more than 6 decimals: two cells run together (107.000000 and 5…), not an amount
        return value if len(value.partition(".")[2]) <= 6 else None
    return None


def is_amount_cell(text: str) -> bool:
    value = printed_amount(text)
    return bool(value)


def parse_amount(text: str, problems: list, where: str) -> str:
    """Kept for the KPI tables: an amount as printed, or "" with a problem noted."""
    value = printed_amount(text or "")
    if value is None:
        problems.append(f"{where}：无法识别的金额“{text}”")
        return ""
    return value
