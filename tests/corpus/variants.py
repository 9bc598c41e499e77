"""Variants of a document's data, to render the same figures in another year's layout."""

from __future__ import annotations

import copy
import re

LAYOUT_2023_REVENUE = (
    # (key, printed name, column of the 收入总表 合计 row that holds the amount)
    ("business", "五、事业收入", 6),
    ("operating", "六、事业单位经营收入", 7),
    ("superior_subsidy", "七、上级补助收入", 8),
    ("subordinate_remittance", "八、附属单位上缴收入", 9),
    ("other", "九、其他收入", 10),
)
# A year in prose: 2024年, [2023]27号, （2023）, 2023-12-31 … but not an amount such as 2024.50.
YEAR_IN_TEXT = re.compile(r"(?<![\d.])(20[0-4]\d)(?=\s*[年\]】）)〕\-])")


def layout_2023(data: dict) -> dict:
    """A deep copy of `data` in the 2023 layout of the 收支总表: 五、事业收入 … 九、其他收入 in
    place of 五、单位资金, and every year in titles and prose moved back so that the budget
    year reads 2023 (2024年 → 2023年, 较2023年 → 较2022年). Figures are unchanged."""
    data = copy.deepcopy(data)
    shift = 2023 - int(data["document"]["year"])
    data["document"]["year"] = 2023
    data["document"]["summary_layout"] = 2023
    data["document"]["title"] = shift_years(data["document"]["title"], shift)
    for disclosure in data["disclosures"]:
        summary = disclosure["tables"]["summary"]
        summary["rows"] = summary_rows_2023(summary["rows"], disclosure["tables"])
        shift_prose_years(disclosure, shift)
    return data


def summary_rows_2023(rows: list, tables: dict) -> list:
    """Replace the 单位资金 row by the five 2023 items, their amounts taken from the 收入总表
    合计 row (where the sources are itemised); 单位资金 goes to 其他收入 if that row is blank."""
    result = []
    for row in rows:
        if row[0] != "unit_funds":
            result.append(row)
            continue
        amounts = revenue_sources(tables, row[2] if len(row) > 2 else "")
        result += [[key, label, amount]
                   for (key, label, _), amount in zip(LAYOUT_2023_REVENUE, amounts, strict=True)]
    return result


def revenue_sources(tables: dict, unit_funds: str) -> list[str]:
    total_row = next((r for r in tables["revenue_by_function"]["rows"] if r[0] == ""), [])
    amounts = [str(total_row[col]) if col < len(total_row) else ""
               for _, _, col in LAYOUT_2023_REVENUE]
    if not any(amounts) and unit_funds:
        amounts[-1] = unit_funds
    return amounts


def shift_prose_years(disclosure: dict, shift: int) -> None:
    for section in disclosure.get("narrative", []):
        section["title"] = shift_years(section["title"], shift)
        section["text"] = shift_years(section.get("text", ""), shift)
    for project in disclosure.get("projects", []):
        for field in ("name", "purpose", "goal"):
            project[field] = shift_years(project.get(field, ""), shift)
        project["indicators"] = [[shift_years(str(value), shift) for value in row]
                                 for row in project.get("indicators", [])]


def shift_years(text: str, shift: int) -> str:
    return YEAR_IN_TEXT.sub(lambda match: str(int(match.group(1)) + shift), text)
