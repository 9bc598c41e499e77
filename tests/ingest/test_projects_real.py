"""Project KPI grids (绩效目标表) printed one project per row or block of rows, and the
department-wide forms, read from the committed real files with ingest.projects.

Every expected value below was written by hand from the rendered page (pdftoppm -r 70/80), not
from the parser's output."""

from functools import cache
from pathlib import Path

import pytest

from ingest.extract import Table
from ingest.projects import FORM_NAME, project_grid_kind, projects_from_grids
from ingest.reading import read_document
from ingest.recognise import trimmed

REAL = Path(__file__).resolve().parent.parent / "real"
GZ_FORM = "guangzhou/2026_广州市政务服务和数据局_预算_报表_3de0a6.pdf"
GZ_STATS = "guangzhou/2026_广州市统计局_预算_3efdfa.pdf"
BJ_JUSTICE = "beijing/2026_北京市司法局_预算_报表_6f1087.pdf"


@cache
def grids(relpath: str) -> tuple[Table, ...]:
    """Every grid of the file in order, with captions peeled as the recogniser does."""
    document = read_document(REAL / relpath)
    return tuple(trimmed(block)[1] for block in document.blocks if isinstance(block, Table))


@cache
def projects(relpath: str) -> tuple[tuple[dict, ...], tuple[str, ...]]:
    problems: list[str] = []
    found = projects_from_grids(list(grids(relpath)), problems)
    return tuple(found), tuple(problems)


def by_name(relpath: str, name: str) -> dict:
    matches = [p for p in projects(relpath)[0] if p["name"] == name]
    assert len(matches) == 1, f"{name}: {len(matches)} projects of that name"
    return matches[0]


# ------------------------------------------------------------ Guangzhou 部门整体 form (2 pages)

def test_guangzhou_department_form_is_one_project():
    found, problems = projects(GZ_FORM)
    assert [p["name"] for p in found] == [FORM_NAME]
    assert not problems
    form = found[0]
    assert form["code"] == ""
    assert form["fiscal_funds"] == "98880.78"  # 收入来源 财政拨款 98,880.78
    assert form["other_funds"] == "0.00"
    assert form["budget"] == ""  # the form prints no total
    assert form["goal"].startswith("坚持以习近平新时代中国特色社会主义思想为指导")
    assert form["page"] == 1


def test_guangzhou_department_form_indicators():
    form = projects(GZ_FORM)[0][0]
    indicators = form["indicators"]
    # p2: 数量指标 6, 质量 2, 时效 2, 社会效益 7 (all under 产出指标), 满意度 2, 成本 2
    assert len(indicators) == 21
    assert indicators[0] == ["产出指标", "数量指标", "提出“十五五”规划任务举措数量（条）", "",
                             "≥20", ""]
    assert [i[0] for i in indicators].count("产出指标") == 17
    assert [i[1] for i in indicators].count("社会效益指标") == 7
    assert indicators[17][:3] == ["满意度指标", "服务对象满意度指标", "政务服务受理综合满意率"]
    assert indicators[-1][:3] == ["成本指标", "经济成本指标", "人工成本控制率"]
    assert indicators[-1][4] == "≤1"  # 年度指标值
    assert set(form["indicator_pages"]) == {2}


# ------------------------------------------------------------ Beijing 预算12表 and 预算13表

def test_beijing_project_over_several_rows():
    project = by_name(BJ_JUSTICE, "法律援助办案补贴")  # p24
    assert project["code"] == "11000022T000000444194"
    assert (project["budget"], project["fiscal_funds"], project["other_funds"]) == \
        ("560.000000", "560.000000", "")
    assert project["goal"].startswith("确保2026年法律援助工作的顺利进行")
    assert len(project["indicators"]) == 3
    assert project["indicators"][1] == ["效益指标", "社会效益指标", "挽回经济损失", "",
                                        "≥3000万元", ""]
    assert project["page"] == 24


@pytest.mark.parametrize(("name", "budget", "count"), [
    ("法律援助值班补贴", "1582.550000", 4),  # p25
    ("案件卷宗档案数字化", "12.000000", 4),  # p25
])
def test_beijing_projects_on_a_page_without_header(name, budget, count):
    project = by_name(BJ_JUSTICE, name)
    assert project["budget"] == budget
    assert project["fiscal_funds"] == budget
    assert len(project["indicators"]) == count
    assert set(project["indicator_pages"]) == {25}


def test_beijing_project_cut_by_the_page_break():
    """p45–46: the name cell is cut after 北京市公共; its last three indicators are on p46."""
    project = by_name(BJ_JUSTICE, "北京市公共法律网络平台升级改造项目")
    assert project["code"] == "11000025T000003567866"
    assert project["budget"] == "327.340000"
    assert len(project["indicators"]) == 6
    assert project["indicator_pages"] == [45, 45, 45, 46, 46, 46]
    assert project["indicators"][3][:3] == ["成本指标", "经济成本指标", "软件采购成本"]
    assert project["indicators"][-1][2] == "使用人员满意度"


def test_beijing_department_form():
    """预算13表 p47–50: the 绩效指标 cell prints 一级+二级+三级 run together; 活动 is kept as the
    description."""
    forms = [p for p in projects(BJ_JUSTICE)[0] if p["name"] == FORM_NAME]
    assert len(forms) == 1
    form = forms[0]
    assert form["budget"] == "23083.340436"  # 预算支出总额
    assert form["fiscal_funds"] == "22976.340436"  # 财政拨款 合计
    assert form["goal"].startswith("2026年市司法局坚持以习近平新时代中国特色社会主义思想为指导")
    assert len(form["indicators"]) == 5 + 17 + 18 + 10
    first = form["indicators"][0]
    assert first[:4] == ["产出指标", "数量指标", "北京市行政执法资格考试人数", "法制建设"]
    assert first[4] == "≤4500人次"
    assert form["indicators"][-1][2:4] == ["群众来信来访来电及时得到响应", "司法综合事务"]
    assert form["indicators"][-1][4].endswith("100%")
    assert set(form["indicator_pages"]) == {47, 48, 49, 50}


def test_beijing_no_total_or_header_taken_for_a_project():
    found, problems = projects(BJ_JUSTICE)
    names = [p["name"] for p in found]
    assert not any(n.startswith(("合计", "项目名称")) for n in names)
    assert names.count(FORM_NAME) == 1
    assert not problems


# ------------------------------------------------------------ Guangzhou 表12 in the main file

GZ_STATS_PROJECTS = [  # p21–22, in order; 广州市统计局 and 广州市统计监测中心 rows are units
    ("机构运行辅助经费", "86.37"),
    ("广州市采购经理人指数调查编制工作经费", "100.00"),
    ("上级拨入专项调查经费", "50.00"),
    ("统计专项经费", "195.19"),
    ("广州市全国1%人口抽样调查经费", "15.00"),
    ("广州市统计局2025年2026年信息化运维项目", "5.35"),
    ("广州市第四次全国农业普查经费", "534.72"),
    ("广州市第四次全国农业普查宣传经费", "76.30"),
    ("广州市统计局2026年信息化运维项目", "12.12"),
    ("其他运行经费", "7.00"),
]


def test_guangzhou_table12_projects():
    found, problems = projects(GZ_STATS)
    assert [(p["name"], p["budget"]) for p in found] == GZ_STATS_PROJECTS
    assert not problems
    special = by_name(GZ_STATS, "上级拨入专项调查经费")
    assert (special["fiscal_funds"], special["other_funds"]) == ("0.00", "50.00")
    assert special["goal"].startswith("作为主管全市统计和国民经济核算工作的市直机构")
    assert by_name(GZ_STATS, "其他运行经费")["goal"].startswith("通过完成各项后勤服务")
    assert all(p["indicators"] == [] for p in found)  # 表12 prints goals only


def test_guangzhou_other_grids_are_not_kpi_grids():
    """表11 (基本支出, same header without 绩效目标) and the 重点项目 table of the 情况说明
    (项目 | 预算数 | 绩效目标, a repeat of 表12's projects) are not read as KPI grids."""
    kinds = {(g.page, project_grid_kind(g)) for g in grids(GZ_STATS)}
    assert {page for page, kind in kinds if kind} == {21, 22}
    basic = [g for g in grids(GZ_STATS) if g.page == 20]
    assert basic and project_grid_kind(basic[0]) is None


# ------------------------------------------------------------ grids that are not KPI grids

@pytest.mark.parametrize("rows", [
    # a grid of figures with no project header
    [["科目编码", "科目名称", "合计"], ["201", "一般公共服务支出", "12.00"]],
    # 基本支出 by unit: a name label and amounts, but no goal nor indicator
    [["支出项目类别（资金使用单位）", "总计", "财政拨款"], ["工资福利支出", "4.00", "4.00"]],
    # the Hebei upper table: 项目名称 labels a value, not a column
    [["项目名称", "某某项目", "", ""], ["项目编码", "130000123", "", ""],
     ["绩效目标", "完成任务", "", ""]],
    # the Hebei indicator table
    [["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
     ["产出指标", "数量指标", "培训人数", "", "≥10人", ""]],
])
def test_grid_without_project_header_is_not_a_kpi_grid(rows):
    table = Table(rows, 3)
    assert project_grid_kind(table) is None
    assert projects_from_grids([table], []) == []


def test_real_grids_without_project_header():
    for grid in grids(BJ_JUSTICE):
        if grid.page < 24:  # the nine tables and the 政府采购 lists come first
            assert project_grid_kind(grid) is None, f"p{grid.page}"


def test_continuation_rules():
    header = ["项目名称", "项目总额", "财政资金", "其他资金", "绩效目标", "一级指标", "二级指标",
              "三级指标", "指标性质", "指标值", "度量单位"]
    first = Table([header,
                   ["合计", "30.00", "30.00", "", "", "", "", "", "", "", ""],
                   ["甲项目", "10.00", "10.00", "", "目标甲", "产出指标", "数量指标", "次数",
                    "≥", "3", "次"],
                   ["", "", "", "", "", "效益指标", "社会效益指标", "覆盖率", "≥", "90", "%"]], 5)
    unrelated = Table([["科目编码", "科目名称", "合计"], ["201", "一般公共服务支出", "1.00"]], 9)
    second = Table([["", "", "", "", "", "满意度指标", "服务对象满意度指标", "满意度", "≥", "95",
                     "%"],
                    ["乙项目", "20.00", "20.00", "", "目标乙", "成本指标", "经济成本指标", "成本",
                     "≤", "20", "万元"]], 6)
    problems: list[str] = []
    found = projects_from_grids([first, second, unrelated,
                                 Table([row[:] for row in second.rows], 10)], problems)
    assert [(p["name"], p["budget"], len(p["indicators"])) for p in found] == \
        [("甲项目", "10.00", 3), ("乙项目", "20.00", 1)]
    assert found[0]["indicators"][2] == ["满意度指标", "服务对象满意度指标", "满意度", "", "≥95%", ""]
    assert found[0]["indicator_pages"] == [5, 5, 6]
    assert not problems
