"""The text-alignment fallback alone (`ingest.aligned`), on words placed as a PDF page places
them: what is a table and what is not."""

from ingest.aligned import aligned_tables

SIZE = 9.0


def line(top: float, *cells: tuple[float, str]) -> list[dict]:
    return [{"text": text, "x0": x, "x1": x + SIZE * len(text) * 0.6, "top": top,
             "bottom": top + SIZE, "size": SIZE} for x, text in cells]


def test_contents_lines_with_page_numbers_are_not_a_table():
    words = [w for i in range(6) for w in line(
        100 + 15 * i, (90, f"{i + 1}、部门预算收支总表情况说明......................"), (500, str(i + 3)))]
    assert aligned_tables(words) == []


def test_prose_lines_are_not_a_table():
    words = [w for i in range(5) for w in line(
        100 + 15 * i, (90, "本部门2024年收入预算196.76万元，比上年增加12.5万元，主要是人员增加。"))]
    assert aligned_tables(words) == []


def test_rows_of_labels_and_figures_are_a_table_with_blank_cells_kept():
    words = line(80, (90, "科目名称"), (300, "合计"), (400, "基本支出"), (500, "项目支出"))
    for i, (name, *amounts) in enumerate([("合计", "196.76", "177.45", "19.31"),
                                          ("一般公共服务支出", "133.02", "113.71", "19.31"),
                                          ("行政运行", "118.22", "113.71", ""),
                                          ("一般行政管理事务", "4.05", "", "4.05")]):
        cells = [(90, name)] + [(x, a) for x, a in zip((300, 400, 500), amounts, strict=True) if a]
        words += line(100 + 15 * i, *cells)
    [(_bbox, rows, used)] = aligned_tables(words)
    assert rows == [["科目名称", "合计", "基本支出", "项目支出"],
                    ["合计", "196.76", "177.45", "19.31"],
                    ["一般公共服务支出", "133.02", "113.71", "19.31"],
                    ["行政运行", "118.22", "113.71", ""],
                    ["一般行政管理事务", "4.05", "", "4.05"]]
    assert len(used) == len(words)
