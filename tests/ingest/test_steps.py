"""Each pipeline step on plain data: no files, no database."""

from ingest.extract import ExtractedDocument, Paragraph, Table, squeeze
from ingest.recognise import RawTable, recognise, table_kind
from ingest.records import (
    chinese_number,
    column_meanings,
    one_sided_rows,
    split_header,
    stitched_rows,
    two_sided_rows,
)


def test_wrapped_cell_text_is_joined_without_whitespace():
    assert squeeze("196.\n76") == "196.76"
    assert squeeze("一般公共服务\n支出") == "一般公共服务支出"
    assert squeeze(None) == ""


def test_titles_are_recognised_by_meaning_and_the_table_of_contents_is_not():
    assert table_kind("部门预算收支总表") == "summary"
    assert table_kind("单位预算财政拨款收支总表") == "fiscal_summary"
    assert table_kind("部门预算一般公共预算财政拨款基本支出表") == "basic_by_economic"
    assert table_kind("部门预算一般公共预算财政拨款支出表") == "general_budget_by_function"
    assert table_kind('部门预算财政拨款"三公"经费支出表') == "sangong"
    assert table_kind("部门预算政府性基金预算财政拨款支出表") == "gov_fund_by_function"
    assert table_kind("部门预算收支总表\t17") is None  # a 目录 line ends with its page number
    assert table_kind("按照预算法规定，现将部门预算收支总表等公开如下，详见各表。") is None


def test_chinese_ordinals_of_the_31_spending_rows():
    assert chinese_number("一、一般公共服务支出") == 1
    assert chinese_number("十、卫生健康支出") == 10
    assert chinese_number("十四、交通运输支出") == 14
    assert chinese_number("二十、住房保障支出") == 20
    assert chinese_number("三十一、人行科目") == 31
    assert chinese_number("本年支出合计") is None


def test_columns_are_matched_by_meaning_when_the_wording_drifts():
    header = [
        ["序号", "功能分类科目", "", "合计", "本年收入", "", "", "", "", "", "", "", "上年结转"],
        ["", "科目编码", "科目名称", "", "小计", "财政拨款收入", "财政专户管理资金收入", "事业收入",
         "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入", ""],
    ]
    assert column_meanings(header, 13) == [
        "seq", "code", "name", "total", "subtotal", "fiscal_allocation", "special_account",
        "business", "operating", "superior_subsidy", "subordinate_remittance", "other", "carryover",
    ]
    economic = [["序号", "经济分类科目", "", "一般公共预算基本支出", "", ""],
                ["", "科目编码", "科目名称", "合计", "人员经费", "公用经费"]]
    assert column_meanings(economic, 6)[3:] == ["total", "personnel", "public"]


def test_the_header_ends_at_the_lanci_row():
    rows = [["序号", "项目"], ["", "合计"], ["栏次", "1"], ["1", "196.76"]]
    assert split_header(rows) == (rows[:2], rows[3:])


def expenditure_piece(rows, page):
    header = [["序号", "科目编码", "科目名称", "合计", "基本支出", "项目支出"],
              ["栏次", "1", "2", "3", "4", "5"]]
    return Table(header + rows, page)


def test_a_row_broken_by_a_page_break_is_joined_to_the_row_it_continues():
    """`1670 | 1512.8 | 157.3` then `.18 | 7 | 1` under the repeated header: one row."""
    raw = RawTable("expenditure_by_function", "部门预算支出总表", pieces=[
        expenditure_piece([["1", "", "合计", "1670.18", "1512.87", "157.31"],
                           ["2", "201", "一般公共服务", "1670", "1512.8", "157.3"]], page=4),
        expenditure_piece([["", "", "支出", ".18", "7", "1"],
                           ["3", "20129", "群众团体事务", "1.00", "1.00", ""]], page=5),
    ])
    _, rows, pages = stitched_rows(raw)
    assert rows[1][1:] == ["201", "一般公共服务支出", "1670.18", "1512.87", "157.31"]
    assert pages == [4, 4, 5]
    problems = []
    records, _ = one_sided_rows(raw, problems)
    assert records[1] == ["201", "一般公共服务支出", "1670.18", "1512.87", "157.31", "", "", ""]
    assert problems == []


def test_an_unreadable_amount_is_reported_not_dropped_silently():
    raw = RawTable("expenditure_by_function", "部门预算支出总表", pieces=[
        expenditure_piece([["1", "", "合计", "19б.76", "177.45", "19.31"]], page=1)])
    problems = []
    records, _ = one_sided_rows(raw, problems)
    assert records[0][2] == ""
    assert problems == ["部门预算支出总表 合计：无法识别的金额“19б.76”"]


def test_the_summary_reads_both_sides_and_codes_spending_rows_by_their_ordinal():
    header = [["序号", "收入", "", "支出", ""], ["", "项目", "预算数", "项目", "预算数"],
              ["栏次", "1", "2", "3", "4"]]
    body = [["1", "一、一般公共预算拨款收入", "196.76", "一、一般公共服务支出", "133.02"],
            ["2", "五、单位资金", "", "二十、住房保障支出", "9.98"],
            ["3", "", "", "三十一、人行科目", ""],
            ["4", "本年收入合计", "196.76", "本年支出合计", "196.76"]]
    raw = RawTable("summary", "部门预算收支总表", pieces=[Table(header + body, 2)])
    problems = []
    rows, pages = two_sided_rows(raw, problems)
    assert ["general_budget", "一、一般公共预算拨款收入", "196.76"] in rows
    assert ["221", "二十、住房保障支出", "9.98"] in rows
    assert ["renhang", "三十一、人行科目", ""] in rows
    assert ["expenditure_total", "本年支出合计", "196.76"] in rows
    assert set(pages) == {2} and problems == []


def test_the_document_is_split_into_the_department_and_its_units():
    def nine_table_titles(prefix, code, name):
        blocks = []
        for title in ("收支总表", "收入总表"):
            blocks += [Paragraph(prefix + title, 1),
                       Table([[f"{code}{name}", "预算年度：2024", "单位：万元"], ["序号", "项目"]], 1)]
        return blocks

    blocks = (nine_table_titles("部门预算", "313", "组织人事部")
              + [Paragraph("第二部分 部门所属单位预算", 3)]
              + nine_table_titles("单位预算", "313001", "组织人事部本级"))
    parts = recognise(ExtractedDocument("docx", blocks))
    assert [(p.scope, p.code, p.name, p.year) for p in parts] == [
        ("department", "313", "组织人事部", 2024), ("unit", "313001", "组织人事部本级", 2024)]
    assert set(parts[1].tables) == {"summary", "revenue_by_function"}
