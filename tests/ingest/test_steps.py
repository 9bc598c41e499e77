"""Each pipeline step on plain data: no files, no database. The layouts are the atlas's
families (../shared/real/README.md), written out by hand."""

import pytest

from ingest.amounts import printed_amount
from ingest.extract import ExtractedDocument, Paragraph, Table, squeeze
from ingest.layouts import layouts
from ingest.recognise import RawTable, recognise, table_kind, trimmed
from ingest.records import (
    header_paths,
    part_records,
    read_columns,
    split_header,
    stitched,
    table_record,
    unit_blocks,
)


def test_wrapped_cell_text_is_joined_without_whitespace():
    assert squeeze("196.\n76") == "196.76"
    assert squeeze("一般公共服务\n支出") == "一般公共服务支出"
    assert squeeze(None) == ""


@pytest.mark.parametrize(("title", "kind"), [
    ("部门预算收支总表", "summary"),
    ("单位预算财政拨款收支总表", "fiscal_summary"),
    ("部门预算一般公共预算财政拨款基本支出表", "basic_by_economic"),
    ('部门预算财政拨款"三公"经费支出表', "sangong"),
    ("预算05表 一般公共预算支出表", "general_budget_by_function"),
    ("预算07表 政府性基金预算财政拨款支出表", "gov_fund_by_function"),
    ("2026年预算单位财务收支预算总表", "summary"),
    ("2026年预算单位一般公共预算基本支出部门预算经济分类预算表", "basic_by_economic"),
    ("2026年单位“三公”经费和机关运行经费预算表", "sangong"),
    ("收支总体情况表", "summary"),
    ("一般公共预算支出情况表（按功能分类科目）", "general_budget_by_function"),
    ("财政拨款安排的行政经费及“三公”经费预算表", "sangong"),
    ("2026 年度一般公共预算拨款支出预算表", "general_budget_by_function"),
    ("公开11表 国有资本经营预算支出预算表", "state_capital_by_function"),
    ("表3 支出总表", "expenditure_by_function"),
])
def test_titles_are_recognised_by_meaning_in_every_family(title, kind):
    assert table_kind(title) == kind


def test_tables_that_are_not_one_of_the_nine_and_lines_that_are_no_title():
    lay = layouts()
    assert lay.title("表4 基本支出总表").kind == "other"  # not the 支出总表
    assert lay.title("财政拨款支出表（功能科目）").kind == "other"
    assert lay.title("一般公共预算机关运行经费支出预算表").kind == "other"
    assert table_kind("部门预算收支总表\t17") is None  # a 目录 line ends with its page number
    assert table_kind("按照预算法规定，现将部门预算收支总表等公开如下，详见各表。") is None


def test_a_spending_by_economic_class_table_stands_in_only_below_the_basic_table():
    lay = layouts()
    standing_in = lay.title("一般公共预算支出表（按经济分类）")
    proper = lay.title("一般公共预算基本支出经济分类情况表")
    assert standing_in.kind == proper.kind == "basic_by_economic"
    assert standing_in.priority < proper.priority


def test_names_units_and_years_from_the_lines_around_the_tables():
    lay = layouts()
    assert lay.entity_of("编制单位：上海市审计局") == "上海市审计局"
    assert lay.entity_of("单位：苏州市水务局 单位：万元") == "苏州市水务局"
    assert lay.entity_of("单位：万元") is None
    assert lay.unit_of("单位：苏州市水务局 单位：万元") == "万元"
    assert lay.unit_of("金额单位：万元") == "万元"
    assert lay.unit_of("单位：元") == "元"
    assert lay.titled_entity("无锡市应急管理局2026年度部门预算公开") == (
        "无锡市应急管理局", 2026, "department")
    assert lay.titled_entity("附件：北京市审计局 2026 年度部门预算报表")[0] == "北京市审计局"
    # the scope word printed after the name too (Beijing 情况说明 covers)
    assert lay.titled_entity("北京市信访办公室部门 2026 年度部门预算")[0] == "北京市信访办公室"
    # a sentence naming the body is prose, not a title
    assert lay.titled_entity("第一部分 河北唐山芦台经济开发区群工部 2024 年部门预算信息公开")[0] == \
        "河北唐山芦台经济开发区群工部"
    assert lay.titled_entity("现将河北唐山芦台经济开发区群工部2024年部门预算公开如下：") is None
    assert lay.titled_entity("（一）收入情况：群工部2024年部门预算收入总额196.76万元，全部为") is None


def test_amounts_are_kept_as_printed():
    assert printed_amount("114,479,860") == "114479860"
    assert printed_amount("12,482.549431") == "12482.549431"
    assert printed_amount("0") == "0"
    assert printed_amount("-27.07") == "-27.07"
    assert printed_amount("") == ""
    assert printed_amount("行政运行") is None


def test_a_group_label_over_several_columns_reaches_each_sub_column():
    header = [["预算单位", "年度", "总计", "", "", "因公出国(境)费", "", ""],
              ["", "", "一般公共预算", "政府性基金预算", "国有资本经营预算", "一般公共预算",
               "政府性基金预算", "国有资本经营预算"]]
    paths = header_paths(header, 8)
    assert paths[3] == ["总计", "政府性基金预算"]
    assert paths[7] == ["因公出国(境)费", "国有资本经营预算"]


def test_columns_are_matched_by_meaning_when_the_wording_drifts():
    header = [["序号", "功能分类科目", "", "合计", "本年收入", "", "", "上年结转"],
              ["", "科目编码", "科目名称", "", "小计", "财政拨款收入", "事业单位经营收入", ""]]
    columns = read_columns(header, [["1", "201", "一般公共服务支出", "1.00", "1.00", "1.00", "", ""]], 8)
    assert columns.code_columns == [1]
    assert columns.money == {3: "total", 4: "subtotal", 5: "fiscal_allocation", 6: "operating",
                             7: "carryover"}
    economic = [["经济分类科目", "", "一般公共预算基本支出", "", ""],
                ["科目编码", "科目名称", "合计", "人员经费", "公用经费"]]
    assert list(read_columns(economic, [], 5).money.values()) == ["total", "personnel", "public"]


def test_the_header_ends_at_the_lanci_row_or_the_first_row_of_figures():
    rows = [["序号", "项目"], ["", "合计"], ["栏次", "1"], ["1", "196.76"]]
    assert split_header(rows)[:2] == (rows[:2], rows[3:])
    beijing = [["科目编码", "科目名称", "合计"], ["2040601", "行政运行", "12,482.549431"]]
    assert split_header(beijing)[:2] == (beijing[:1], beijing[1:])


def test_grid_captions_are_lines_and_the_producer_margin_goes():
    block = Table([["", "预算02表收入总表", "", ""], ["", "", "", "金额单位：万元"],
                   ["", "合计", "本年收入", ""], ["", "29,956.265460", "29,577.000638", ""]], 3)
    head, table, _ = trimmed(block)
    assert head == ["预算02表收入总表", "金额单位：万元"]
    assert table.rows[0] == ["合计", "本年收入", ""]  # inner and right columns stay


def function_table(rows, page=1, header=True):
    head = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]] if header else []
    return Table(head + rows, page)


@pytest.mark.parametrize(("label_cells", "code", "name"), [
    (["2040601", "行政运行"], "2040601", "行政运行"),  # a code column
    (["[2010501]行政运行", ""], "2010501", "行政运行"),  # bracketed in the name (Guangzhou)
    (["2040601-行政运行", ""], "2040601", "行政运行"),  # hyphen-joined (Beijing)
])
def test_every_code_style_gives_the_code_and_the_name(label_cells, code, name):
    raw = RawTable("general_budget_by_function", "一般公共预算支出表", unit="万元",
                   pieces=[function_table([label_cells + ["6,453.03", "6,453.03", "0.00"]])])
    problems = []
    record = table_record(raw, stitched(raw, problems), 2026, problems)
    assert record["rows"] == [[code, name, "6453.03", "6453.03", "0.00"]]
    assert record["unit"] == "万元" and problems == []


def test_class_款_项_columns_are_joined_and_a_code_printed_twice_keeps_both_rows():
    header = [["类", "款", "项", "功能分类科目名称", "合计"]]
    rows = [["201", "13", "01", "行政运行", "9,389,913"], ["201", "13", "01", "行政运行", "2"],
            ["301", "2", "", "津贴补贴", "7"], ["合计", "", "", "", "9,389,922"]]
    raw = RawTable("general_budget_by_function", "t", unit="元", pieces=[Table(header + rows, 10)])
    record = table_record(raw, stitched(raw, []), 2025, [])
    assert [r[:3] for r in record["rows"]] == [
        ["2011301", "行政运行", "9389913"], ["2011301", "行政运行", "2"], ["30102", "津贴补贴", "7"],
        ["", "合计", "9389922"]]


def test_a_row_broken_by_a_page_break_is_joined_to_the_row_it_continues():
    """`1670 | 1512.8 | 157.3` then `.18 | 7 | 1` under the repeated header: one row."""
    raw = RawTable("expenditure_by_function", "部门预算支出总表", unit="万元", pieces=[
        function_table([["", "合计", "1670.18", "1512.87", "157.31"],
                        ["201", "一般公共服务", "1670", "1512.8", "157.3"]], page=4),
        function_table([["", "支出", ".18", "7", "1"],
                        ["20129", "群众团体事务", "1.00", "1.00", ""]], page=5),
    ])
    problems = []
    grid = stitched(raw, problems)
    assert grid.rows[1][:5] == ["201", "一般公共服务支出", "1670.18", "1512.87", "157.31"]
    assert grid.pages == [4, 4, 5]


def test_a_continuation_page_without_header_keeps_the_header_columns():
    raw = RawTable("general_budget_by_function", "t", unit="万元", pieces=[
        function_table([["208", "社会保障和就业支出", "5.00", "5.00", ""]], page=19),
        function_table([["2240199", "其他应急管理支出", "2,080.58", "", "2,080.58"]], 20,
                       header=False)])
    record = table_record(raw, stitched(raw, []), 2026, [])
    assert record["rows"][1] == ["2240199", "其他应急管理支出", "2080.58", "", "2080.58"]
    assert record["pages"] == [19, 20]


def test_an_unreadable_amount_is_reported_not_dropped_silently():
    raw = RawTable("expenditure_by_function", "部门预算支出总表", unit="万元",
                   pieces=[function_table([["", "合计", "19б.76", "177.45", "19.31"]])])
    problems = []
    record = table_record(raw, stitched(raw, problems), 2024, problems)
    assert record["rows"][0][2] == ""
    assert problems == ["部门预算支出总表 合计：无法识别的金额“19б.76”"]


def test_the_summary_reads_both_sides_and_codes_spending_rows_by_their_names():
    header = [["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"]]
    body = [["一、一般公共预算拨款收入", "196.76", "一、一般公共服务支出", "133.02"],
            ["五、单位资金", "", "（二十）住房保障支出", "9.98"],
            ["", "", "三十一、人行科目", ""],
            ["本年收入合计", "196.76", "本年支出合计", "196.76"]]
    raw = RawTable("summary", "部门预算收支总表", unit="万元", pieces=[Table(header + body, 2)])
    problems = []
    record = table_record(raw, stitched(raw, problems), 2024, problems)
    assert ["general_budget", "一、一般公共预算拨款收入", "196.76"] in record["rows"]
    assert ["221", "（二十）住房保障支出", "9.98"] in record["rows"]
    assert ["renhang", "三十一、人行科目", ""] in record["rows"]
    assert ["expenditure_total", "本年支出合计", "196.76"] in record["rows"]
    assert set(record["pages"]) == {2} and problems == []


def test_a_horizontal_sangong_table_becomes_rows_of_items():
    header = [["“三公”经费合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "",
               "公务接待费", "会议费", "培训费"],
              ["", "", "小计", "购置费", "运行维护费", "", "", ""]]
    values = ["14.93", "0.00", "9.03", "0.00", "9.03", "5.90", "1.30", "8.98"]
    raw = RawTable("sangong", "公开09表", unit="万元", pieces=[Table(header + [values], 22)])
    record = table_record(raw, stitched(raw, []), 2026, [])
    assert record["columns"] == ["total"]
    assert {row[0]: row[2] for row in record["rows"]} == {
        "sangong_total": "14.93", "outbound": "0.00", "vehicle": "9.03",
        "vehicle_purchase": "0.00", "vehicle_operation": "9.03", "reception": "5.90",
        "meeting": "1.30", "training": "8.98"}


def test_unit_blocks_of_a_department_table_become_unit_records():
    header = [["预算单位", "科目编码", "科目名称", "支出总计", "基本支出", "项目支出"]]
    rows = [["深圳市人力资源和社会保障局", "", "", "10.00", "6.00", "4.00"],
            ["", "201", "一般公共服务支出", "10.00", "6.00", "4.00"],
            ["深圳技师学院", "", "", "4.00", "4.00", ""],
            ["", "205", "教育支出", "4.00", "4.00", ""]]
    raw = RawTable("expenditure_by_function", "支出总表", unit="万元",
                   pieces=[Table(header + rows, 65)])
    assert [name for name, _ in unit_blocks(stitched(raw, []))] == [
        "深圳市人力资源和社会保障局", "深圳技师学院"]
    parts = recognise(ExtractedDocument("pdf", [
        Paragraph("表3", 65), Paragraph("支出总表", 65),
        Paragraph("部门名称：深圳市人力资源和社会保障局", 65), Paragraph("单位：万元", 65),
        Table(header + rows, 65), Paragraph("2026年预算数", 65)]))
    records = part_records(parts[0])
    assert [(r["scope"], r["name"]) for r in records] == [
        ("department", "深圳市人力资源和社会保障局"), ("unit", "深圳技师学院")]
    assert records[1]["tables"]["expenditure_by_function"]["rows"][1][:3] == [
        "205", "教育支出", "4.00"]


def test_the_document_is_split_into_the_department_and_its_units():
    def nine_table_titles(prefix, code, name):
        blocks = []
        for title in ("收支总表", "收入总表"):
            blocks += [Paragraph(prefix + title, 1),
                       Table([[f"{code}{name}", "预算年度：2024", "单位：万元"],
                              ["项目", "合计"], ["合计", "1.00"]], 1)]
        return blocks

    blocks = (nine_table_titles("部门预算", "313", "组织人事部")
              + [Paragraph("第二部分 部门所属单位预算", 3)]
              + nine_table_titles("单位预算", "313001", "组织人事部本级"))
    parts = recognise(ExtractedDocument("docx", blocks))
    assert [(p.scope, p.code, p.name, p.year) for p in parts] == [
        ("department", "313", "组织人事部", 2024), ("unit", "313001", "组织人事部本级", 2024)]
    assert set(parts[1].tables) == {"summary", "revenue_by_function"}


def test_lines_printed_by_name_only_get_their_code_from_the_class_above_marked_inferred():
    """Shenzhen's 收支总表: 款 and 项 indented under a numbered class, no codes printed."""
    header = [["收入", "", "支出", ""], ["项目", "2026年预算数", "项目", "2026年预算数"]]
    body = [["一、财政拨款", "5,417.80", "四、卫生健康支出", "86.28"],
            ["", "", "行政事业单位医疗", "86.28"],
            ["", "", "行政单位医疗", "86.28"],
            ["", "", "五、住房保障支出", "1,097.40"],
            ["", "", "住房改革支出", "1,097.40"],
            ["", "", "某个没有公布过的款", "1.00"]]
    raw = RawTable("summary", "收支总表", unit="万元", pieces=[Table(header + body, 17)])
    problems = []
    record = table_record(raw, stitched(raw, problems), 2026, problems)
    coded = [(row[0], row[1]) for row in record["rows"]]
    assert coded[1:] == [("210", "四、卫生健康支出"), ("21011", "行政事业单位医疗"),
                         ("2101101", "行政单位医疗"), ("221", "五、住房保障支出"),
                         ("22102", "住房改革支出"), ("line", "某个没有公布过的款")]
    assert record["inferred"] == [False, False, True, True, False, True, False]
    assert problems == ["收支总表：无法识别的项目“某个没有公布过的款”，按原文名称保存"]
