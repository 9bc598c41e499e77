"""The budget data model: who publishes (regions, departments, units), what they publish
(disclosures in versions) and every figure, project, indicator and paragraph read from it.

Figures are stored in long format, one row per printed cell: (disclosure, table, row,
column) → the amount exactly as printed with its unit (元, 千元 or 万元) and its exact value in
元 (`amount_yuan`), with the code and name as printed and the source page. One shape serves all
nine tables, so comparisons, rankings and the CSV export are the same query on every table;
every sum and comparison uses `amount_yuan`, so tables printed in different units compare.
"""

import re
import unicodedata
import uuid
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from budgets.codes import classification_level, parent_code

# An amount as printed: up to 6 decimals (Beijing prints 万元 to the 元 cent: 12482.549431).
AS_PRINTED = {"max_digits": 24, "decimal_places": 6}
# The same amount in 元: ×10000 for 万元 adds four integer digits.
IN_YUAN = {"max_digits": 28, "decimal_places": 6}


class Unit(models.TextChoices):
    """The money unit printed in a table's header (单位：万元)."""

    YUAN = "元", "元"
    THOUSAND = "千元", "千元"
    WAN = "万元", "万元"


UNIT_FACTORS = {Unit.YUAN: Decimal(1), Unit.THOUSAND: Decimal(1000), Unit.WAN: Decimal(10000)}


def to_yuan(amount: Decimal | None, unit: str) -> Decimal | None:
    """An amount printed in `unit`, exactly in 元 (Decimal arithmetic, no rounding)."""
    if amount is None:
        return None
    if unit not in UNIT_FACTORS:
        raise ValueError(f"unknown money unit {unit!r}; expected one of {', '.join(UNIT_FACTORS)}")
    return amount * UNIT_FACTORS[unit]


def from_yuan(amount: Decimal, unit: str) -> Decimal:
    """An amount in 元 expressed in `unit` (exact: the factors are powers of ten)."""
    return amount / UNIT_FACTORS[unit]


OWN_LEVEL = re.compile(r"[（(]本级[）)]$")


def new_token() -> str:
    """A fresh version token of public pages (budgets/caching.py)."""
    return uuid.uuid4().hex


def normalise_name(name: str) -> str:
    """A department's name for identity: NFKC, no whitespace, no trailing （本级）/(本级).

    NFKC turns full-width letters, digits and brackets into their plain forms, so the bracket
    test after it sees "(本级)" whichever way it was typed.
    """
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    return OWN_LEVEL.sub("", text)


class Region(models.Model):
    """A budget level: 河北省 › 唐山市 › 芦台经济开发区."""

    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name="上级",
    )
    slug = models.SlugField("网址标识", max_length=200, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = verbose_name_plural = "地区/预算级次"
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return " › ".join(r.name for r in self.lineage())

    def lineage(self) -> list["Region"]:
        """This region and its ancestors, top first."""
        chain, region = [], self
        while region is not None:
            chain.append(region)
            region = region.parent
        return chain[::-1]

    def descendant_ids(self) -> list[int]:
        """Ids of this region and every region below it, in one query (regions are few)."""
        children = defaultdict(list)
        for pk, parent in Region.objects.values_list("pk", "parent_id"):
            children[parent].append(pk)
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = [child for pk in frontier for child in children[pk]]
            ids.extend(frontier)
        return ids


class Department(models.Model):
    """A budget department (部门) or one of its units (单位, code = department code + 3 digits).

    Codes repeat across regions (two different 711s), so identity is (region, code) when a code
    is printed. Most real documents print none: then identity is the normalised name, within
    the region for a department and within its department for a unit (a unit called
    “…委员会（本级）” normalises to its department's own name).
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments",
                               verbose_name="地区")
    code = models.CharField("编码", max_length=20, blank=True)
    name = models.CharField("名称", max_length=200)
    normalised_name = models.CharField("规范名称", max_length=200, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="units",
        verbose_name="主管部门",
    )
    # Names the state of this department's public pages: rewritten when what they show changes
    # (budgets/caching.py), so they are cached apart from every other department's.
    public_token = models.CharField("公开页面版本", max_length=32, default=new_token,
                                    editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "部门/单位"
        ordering = ["region__slug", "code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], condition=~Q(code=""),
                                    name="department_unique_code_in_region"),
            models.UniqueConstraint(fields=["region", "normalised_name"],
                                    condition=Q(code="", parent__isnull=True),
                                    name="department_unique_name_in_region"),
            models.UniqueConstraint(fields=["parent", "normalised_name"],
                                    condition=Q(code="", parent__isnull=False),
                                    name="unit_unique_name_in_department"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_name(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "normalised_name"}
        super().save(*args, **kwargs)

    @property
    def is_unit(self) -> bool:
        return self.parent_id is not None

    @property
    def scope(self) -> str:
        return "unit" if self.is_unit else "department"


def department_lookup(*, region: str, code: str | None = None, pk: int | None = None,
                      prefix: str = "department__") -> Q:
    """A department named in a URL: by region and printed code, or by region and id (a
    department whose documents print no code)."""
    condition = Q(**{f"{prefix}region__slug": region})
    if pk is not None:
        return condition & Q(**{f"{prefix}pk": pk})
    return condition & Q(**{f"{prefix}code": code}) & ~Q(**{f"{prefix}code": ""})


class DepartmentName(models.Model):
    """A spelling of a department's name met in documents (芦台经济开发区群工部 …)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="names")
    name = models.CharField("名称", max_length=200)
    normalised_name = models.CharField("规范名称", max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "名称变体"
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="department_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_name(self.name)
        super().save(*args, **kwargs)


class SourceDocument(models.Model):
    """An original file as received (PDF/DOCX/XLSX, or a transcription), kept whatever happens."""

    class Status(models.TextChoices):
        RECEIVED = "received", "已接收"
        PROCESSING = "processing", "处理中"
        STORED = "stored", "已读取"
        FAILED = "failed", "失败"
        DUPLICATE = "duplicate", "重复文件"

    file = models.FileField("原始文件", upload_to="documents/%Y/%m/", blank=True)
    original_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    format = models.CharField("格式", max_length=10)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    page_count = models.PositiveIntegerField("页数", null=True, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               verbose_name="地区")
    status = models.CharField("状态", max_length=12, choices=Status.choices,
                              default=Status.RECEIVED)
    error = models.TextField("错误", blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "原始文件"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class TableKind(models.TextChoices):
    SUMMARY = "summary", "部门预算收支总表"
    REVENUE_BY_FUNCTION = "revenue_by_function", "部门预算收入总表"
    EXPENDITURE_BY_FUNCTION = "expenditure_by_function", "部门预算支出总表"
    FISCAL_SUMMARY = "fiscal_summary", "财政拨款收支总表"
    GENERAL_BUDGET_BY_FUNCTION = "general_budget_by_function", "一般公共预算财政拨款支出表"
    BASIC_BY_ECONOMIC = "basic_by_economic", "一般公共预算财政拨款基本支出表"
    GOV_FUND_BY_FUNCTION = "gov_fund_by_function", "政府性基金预算财政拨款支出表"
    STATE_CAPITAL_BY_FUNCTION = "state_capital_by_function", "国有资本经营预算财政拨款支出表"
    SANGONG = "sangong", "财政拨款“三公”经费支出表"


class DisclosureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Disclosure.Status.PUBLISHED)

    def _department_published(self) -> models.Exists:
        return models.Exists(self.model.objects.filter(
            department=models.OuterRef("department__parent"), year=models.OuterRef("year"),
            status=Disclosure.Status.PUBLISHED))

    def heads(self):
        """The budgets a department-year is read by: departments', and a unit's whose
        department published none that year (a 单位预算 filed on its own, its 部门 file not
        or not yet read). A unit's budget is otherwise inside its department's."""
        return self.filter(Q(department__parent__isnull=True) | ~self._department_published())

    def within_departments(self):
        """The rest: units' budgets that their department's budget of the year contains.
        (Not `exclude(pk__in=heads())`: past work_mem PostgreSQL evaluates a NOT IN subquery
        once per row — minutes at 500,000 disclosures.)"""
        return self.filter(department__parent__isnull=False).filter(self._department_published())


PART_NAMES = {"tables": "预算报表", "narrative": "情况说明", "projects": "项目绩效目标"}


class Disclosure(models.Model):
    """One version of one department's (or unit's) budget for one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已公开"
        SUPERSEDED = "superseded", "已被替换"
        DISCARDED = "discarded", "已废弃"

    department = models.ForeignKey(Department, on_delete=models.PROTECT,
                                   related_name="disclosures", verbose_name="部门/单位")
    year = models.PositiveSmallIntegerField("预算年度")
    version = models.PositiveSmallIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    document = models.ForeignKey(SourceDocument, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="disclosures", verbose_name="原始文件")
    # Every file whose parts this version holds: a bureau may publish the 情况说明 and the
    # 报表 as two files, and both join one version (see `budgets.services.PARTS`).
    sources = models.ManyToManyField(SourceDocument, blank=True, related_name="joined_disclosures",
                                     verbose_name="来源文件")
    # Which file each part came from ({"tables": document pk, …}): page numbers refer to it.
    part_documents = models.JSONField("各部分来源", default=dict, blank=True)
    title = models.CharField("标题", max_length=300, blank=True)
    name_as_printed = models.CharField("表头名称", max_length=200, blank=True)
    summary_layout = models.PositiveSmallIntegerField("收支总表格式", default=2024)
    # Findings keep only failures; the 数据质量 pages also need how many checks passed.
    identity_checks = models.PositiveIntegerField(
        "表内核对项数", null=True, blank=True,
        help_text="校验本版本时进行的表内勾稽关系核对次数；为空表示在开始计数之前存入。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name="公开人")
    superseded_at = models.DateTimeField("替换时间", null=True, blank=True)
    superseded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      verbose_name="替换人")

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "预算公开"
        ordering = ["department", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year", "version"],
                                    name="disclosure_unique_version"),
            models.UniqueConstraint(fields=["department", "year"],
                                    condition=Q(status="published"),
                                    name="disclosure_one_published_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.year}年 v{self.version}"

    def get_absolute_url(self) -> str:
        # A department without a printed code is named by its id (/departments/<region>/id-42/).
        department = self.department
        key = {"code": department.code} if department.code else {"pk": department.pk}
        return reverse("budgets:department-detail", kwargs={
            "region": department.region.slug, **key, "year": self.year,
        })

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def part_sources(self) -> list[tuple[str, "SourceDocument"]]:
        """(part, file) for a version joined from several files, in the order of PART_NAMES;
        empty when one file holds it all."""
        documents = {d.pk: d for d in self.sources.all()}
        if len(documents) < 2:
            return []
        return [(label, documents[self.part_documents[part]])
                for part, label in PART_NAMES.items()
                if self.part_documents.get(part) in documents]


class DisclosureTable(models.Model):
    """One of the nine tables as met in the document: where it was and whether it was empty."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="tables")
    table = models.CharField("表", max_length=32, choices=TableKind.choices)
    title = models.CharField("标题", max_length=200, blank=True)
    first_page = models.PositiveIntegerField("起始页", null=True, blank=True)
    last_page = models.PositiveIntegerField("结束页", null=True, blank=True)
    row_count = models.PositiveIntegerField("行数", default=0)
    empty_note = models.CharField("空表说明", max_length=300, blank=True)
    unit = models.CharField("金额单位", max_length=4, choices=Unit.choices, default=Unit.WAN)
    # [{"key": "total", "label": "收入预算/合计"}, …] in printed order, so pages can show the
    # headers as printed; empty only for tables stored before the columns were kept.
    columns = models.JSONField("栏目", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开表"
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "table"], name="table_unique_per_disclosure"),
        ]

    def __str__(self) -> str:
        return self.get_table_display()

    @property
    def is_empty(self) -> bool:
        return self.row_count == 0

    @property
    def column_keys(self) -> list[str]:
        return [column["key"] for column in self.columns]


class FigureQuerySet(models.QuerySet):
    def of_table(self, table: str, column: str | None = None):
        qs = self.filter(table=table)
        return qs if column is None else qs.filter(column=column)

    def published(self):
        return self.filter(disclosure__status=Disclosure.Status.PUBLISHED)


class Figure(models.Model):
    """One printed amount: a cell of one of the nine tables.

    `amount` is the number as printed in the table's `unit`, `decimals` how many decimals were
    printed (a Decimal column keeps 6, so "196.76" alone cannot say it was printed with two),
    and `amount_yuan` the exact value in 元 that every sum and comparison uses.
    """

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="figures")
    table = models.CharField("表", max_length=32, choices=TableKind.choices)
    code = models.CharField("编码", max_length=32, blank=True)
    name = models.CharField("名称（原文）", max_length=200)
    column = models.CharField("栏目", max_length=64)
    amount = models.DecimalField("金额（原文）", **AS_PRINTED)
    unit = models.CharField("金额单位", max_length=4, choices=Unit.choices, default=Unit.WAN)
    decimals = models.PositiveSmallIntegerField("小数位数", default=2)
    amount_yuan = models.DecimalField("金额（元）", **IN_YUAN)
    row = models.PositiveSmallIntegerField("行序")
    # The document printed the name only; the code was found from the name under its class.
    code_inferred = models.BooleanField("编码为推断", default=False)
    page = models.PositiveIntegerField("页码", null=True, blank=True)

    objects = FigureQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "金额"
        ordering = ["disclosure", "table", "row", "column"]
        constraints = [
            # Rows by their printed order: Beijing prints one code once per hidden unit.
            models.UniqueConstraint(fields=["disclosure", "table", "row", "column"],
                                    name="figure_unique_cell"),
        ]
        indexes = [models.Index(fields=["table", "code", "column"], name="figure_lookup")]

    def __str__(self) -> str:
        return f"{self.table} {self.code or '合计'} {self.column} = {self.printed} {self.unit}"

    def save(self, *args, **kwargs):
        # amount_yuan always follows amount and unit; bulk_create callers use figure_yuan().
        self.amount_yuan = to_yuan(Decimal(self.amount), self.unit)
        super().save(*args, **kwargs)

    @property
    def printed(self) -> str:
        """The amount as the document printed it: "196.76", "257700", "12482.549431"."""
        return f"{self.amount:.{self.decimals}f}"

    @property
    def amount_wan(self) -> Decimal:
        return self.amount_yuan / UNIT_FACTORS[Unit.WAN]

    @property
    def level(self) -> int:
        return classification_level(self.code)

    @property
    def parent_code(self) -> str | None:
        return parent_code(self.code)


# The cells rankings, the directory and the home page read for every disclosure, as
# (table, code, column) of its figures: summed once when it is published (DisclosureTotals).
TOTAL_CELLS = {
    "expenditure": (TableKind.EXPENDITURE_BY_FUNCTION, "", "total"),
    "basic": (TableKind.EXPENDITURE_BY_FUNCTION, "", "basic"),
    "project": (TableKind.EXPENDITURE_BY_FUNCTION, "", "project"),
    "economic_basic": (TableKind.BASIC_BY_ECONOMIC, "", "total"),
    "personnel": (TableKind.BASIC_BY_ECONOMIC, "", "personnel"),
    "sangong": (TableKind.SANGONG, "", "total"),
    "sangong_printed_total": (TableKind.SANGONG, "sangong_total", "total"),
}


class DisclosureTotalsQuerySet(models.QuerySet):
    def add_for(self, disclosure_ids) -> None:
        """Sum the TOTAL_CELLS of these disclosures' figures (NULL where nothing is printed)."""
        disclosure_ids = list(disclosure_ids)
        sums = {field: models.Sum("amount_yuan", filter=Q(table=t, code=c, column=col))
                for field, (t, c, col) in TOTAL_CELLS.items()}
        found = {row.pop("disclosure_id"): row for row in (
            # by disclosure only: a filter on code would lead the planner to the code index,
            # every total row of the country
            Figure.objects.filter(disclosure_id__in=disclosure_ids).order_by().values("disclosure_id").annotate(**sums))}
        self.bulk_create([DisclosureTotals(disclosure_id=pk, **found.get(pk, {}))
                          for pk in disclosure_ids], ignore_conflicts=True, batch_size=1000)


class DisclosureTotals(models.Model):
    """A published disclosure's totals in 元 (TOTAL_CELLS), so that ranking every department of
    a year, the directory sorted by spending and the home page's yearly sums read one row per
    disclosure instead of looking up its figures. Written when it is published; its figures
    never change afterwards (a correction is a new version with its own row)."""

    disclosure = models.OneToOneField(Disclosure, on_delete=models.CASCADE, primary_key=True,
                                      related_name="totals")
    expenditure = models.DecimalField("支出合计", null=True, **IN_YUAN)
    basic = models.DecimalField("基本支出", null=True, **IN_YUAN)
    project = models.DecimalField("项目支出", null=True, **IN_YUAN)
    economic_basic = models.DecimalField("基本支出表合计", null=True, **IN_YUAN)
    personnel = models.DecimalField("人员经费", null=True, **IN_YUAN)
    sangong = models.DecimalField("三公经费合计", null=True, **IN_YUAN)
    sangong_printed_total = models.DecimalField("三公经费合计（“合计”行）", null=True, **IN_YUAN)

    objects = DisclosureTotalsQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "预算合计"

    def __str__(self) -> str:
        return f"{self.disclosure_id}: {self.expenditure}"


class PrintedLineQuerySet(models.QuerySet):
    def add_lines_of(self, disclosure_ids) -> None:
        """Record the lines the figures of these (just published) disclosures print."""
        lines = (Figure.objects.filter(disclosure_id__in=disclosure_ids).order_by()
                 .values_list("table", "code", "name").distinct())
        self.bulk_create([PrintedLine(table=t, code=c, name=n) for t, c, n in lines],
                         ignore_conflicts=True, batch_size=1000)


class PrintedLine(models.Model):
    """A line (table, code, name) that a published figure prints: the distinct lines of every
    publication, added when it is published and kept when it is superseded (a name printed
    once stays a name the code had). The subject picker and the directory's class filter read
    these few thousand rows instead of scanning millions of figures; drafts never add a line,
    so nothing a draft prints reaches a public list."""

    table = models.CharField("表", max_length=32, choices=TableKind.choices)
    code = models.CharField("编码", max_length=32, blank=True)
    name = models.CharField("名称（原文）", max_length=200)

    objects = PrintedLineQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "已公开的行"
        constraints = [models.UniqueConstraint(fields=["table", "code", "name"],
                                               name="printed_line_unique")]

    def __str__(self) -> str:
        return f"{self.table} {self.code} {self.name}"


def record_publication(disclosure_ids) -> None:
    """Write what public pages read instead of the figures of these just-published disclosures
    (their lines and totals): once, as their figures never change afterwards."""
    PrintedLine.objects.add_lines_of(disclosure_ids)
    DisclosureTotals.objects.add_for(disclosure_ids)


class Classification(models.Model):
    """Reference list of functional (201 › 20129 › 2012901) and economic (301 › 30101) codes."""

    class Kind(models.TextChoices):
        FUNCTION = "function", "支出功能分类"
        ECONOMIC = "economic", "支出经济分类"

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    code = models.CharField("编码", max_length=10)
    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children", verbose_name="上级")

    class Meta:
        verbose_name = verbose_name_plural = "分类科目"
        ordering = ["kind", "year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "code"], name="classification_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def level(self) -> int:
        return classification_level(self.code)


class Project(models.Model):
    """A project with its 绩效目标表."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="projects")
    order = models.PositiveSmallIntegerField("序号")
    code = models.CharField("项目编码", max_length=40, blank=True)
    name = models.CharField("项目名称", max_length=300)
    budget = models.DecimalField("预算数（原文）", null=True, blank=True, **AS_PRINTED)
    fiscal_funds = models.DecimalField("财政资金（原文）", null=True, blank=True, **AS_PRINTED)
    other_funds = models.DecimalField("其他资金（原文）", null=True, blank=True, **AS_PRINTED)
    unit = models.CharField("金额单位", max_length=4, choices=Unit.choices, default=Unit.WAN)
    budget_yuan = models.DecimalField("预算数（元）", null=True, blank=True, editable=False,
                                      **IN_YUAN)
    purpose = models.TextField("资金用途", blank=True)
    plan_q1 = models.CharField("3月底支出计划", max_length=20, blank=True)
    plan_q2 = models.CharField("6月底支出计划", max_length=20, blank=True)
    plan_q3 = models.CharField("10月底支出计划", max_length=20, blank=True)
    plan_q4 = models.CharField("12月底支出计划", max_length=20, blank=True)
    goal = models.TextField("绩效目标", blank=True)
    page = models.PositiveIntegerField("页码", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目"
        ordering = ["disclosure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "order"], name="project_unique_order"),
        ]
        indexes = [models.Index(fields=["code"], name="project_code")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.budget_yuan = to_yuan(None if self.budget is None else Decimal(self.budget),
                                   self.unit)
        super().save(*args, **kwargs)

    @property
    def plan(self) -> list[str]:
        return [self.plan_q1, self.plan_q2, self.plan_q3, self.plan_q4]


class Indicator(models.Model):
    """One KPI row: 一级 › 二级 › 三级指标, description, target value as printed, basis."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField("序号")
    level1 = models.CharField("一级指标", max_length=50)
    level2 = models.CharField("二级指标", max_length=50)
    level3 = models.CharField("三级指标", max_length=300)
    description = models.TextField("指标描述", blank=True)
    value = models.CharField("指标值", max_length=200, blank=True)
    basis = models.CharField("指标值确定依据", max_length=300, blank=True)
    page = models.PositiveIntegerField("页码", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "绩效指标"
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="indicator_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.level1} › {self.level2} › {self.level3}"


class NarrativeSection(models.Model):
    """A numbered section of the 情况说明."""

    class Key(models.TextChoices):
        DUTIES = "duties", "部门职责及机构设置"
        OVERVIEW = "overview", "预算安排总体情况"
        OPERATING_COSTS = "operating_costs", "机关运行经费"
        SANGONG = "sangong", "“三公”经费说明"
        PERFORMANCE = "performance", "整体绩效目标"
        SPECIAL_FUNDS = "special_funds", "主管专项资金"
        PROJECTS = "projects", "项目预算及绩效目标"
        PROCUREMENT = "procurement", "政府采购"
        ASSETS = "assets", "国有资产"
        GLOSSARY = "glossary", "名词解释"
        OTHER = "other", "其他说明"

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField("序号")
    key = models.CharField("类别", max_length=20, choices=Key.choices)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("正文", blank=True)
    page = models.PositiveIntegerField("页码", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "情况说明"
        ordering = ["disclosure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "order"], name="section_unique_order"),
        ]

    def __str__(self) -> str:
        return self.title


class OrganisationUnit(models.Model):
    """A row of the 部门机构设置情况 table."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE,
                                   related_name="organisation")
    order = models.PositiveSmallIntegerField("序号")
    name = models.CharField("单位名称", max_length=200)
    nature = models.CharField("单位性质", max_length=50, blank=True)
    rank = models.CharField("单位规格", max_length=50, blank=True)
    funding = models.CharField("经费保障形式", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "机构设置"
        ordering = ["disclosure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "order"], name="organisation_unique_order"),
        ]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """An identity that does not hold, or prose that contradicts a table."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField("规则", max_length=60)
    table = models.CharField("表", max_length=32, blank=True)
    code = models.CharField("行", max_length=32, blank=True)
    column = models.CharField("栏目", max_length=64, blank=True)
    # expected and found in `unit`, the printed unit of the table the finding is about.
    expected = models.DecimalField("应为", null=True, blank=True, **AS_PRINTED)
    found = models.DecimalField("实际", null=True, blank=True, **AS_PRINTED)
    unit = models.CharField("金额单位", max_length=4, choices=Unit.choices, default=Unit.WAN)
    message = models.TextField("说明")
    page = models.PositiveIntegerField("页码", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "校验发现"
        ordering = ["disclosure", "table", "code", "pk"]

    def __str__(self) -> str:
        return self.message

    @property
    def difference(self) -> Decimal | None:
        if self.expected is None or self.found is None:
            return None
        return self.found - self.expected


class PublicVersion(models.Model):
    """One row naming the state of everything the public pages show, for the pages that show
    many departments (a department's own pages have `Department.public_token`). A new token is
    written in the transaction that publishes or supersedes a disclosure (budgets/caching.py),
    so a cached page keyed by the old token is never served once the change is committed."""

    token = models.CharField("版本标识", max_length=32)

    class Meta:
        verbose_name = verbose_name_plural = "公开数据版本"

    def __str__(self) -> str:
        return self.token
