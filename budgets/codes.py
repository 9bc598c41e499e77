"""Classification codes: 类 (3 digits) › 款 (5) › 项 (7); economic codes stop at 款."""

LEVEL_BY_LENGTH = {3: 1, 5: 2, 7: 3}
LEVEL_NAMES = {1: "类", 2: "款", 3: "项"}


def is_classification_code(code: str) -> bool:
    return code.isdigit() and len(code) in LEVEL_BY_LENGTH


def classification_level(code: str) -> int:
    """1 for 类, 2 for 款, 3 for 项, 0 for anything else (合计, revenue items, 三公 rows)."""
    return LEVEL_BY_LENGTH.get(len(code), 0) if code.isdigit() else 0


def parent_code(code: str) -> str | None:
    """2012901 → 20129 → 201 → None."""
    level = classification_level(code)
    if level <= 1:
        return None
    return code[: {2: 3, 3: 5}[level]]
