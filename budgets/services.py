"""Writes to the budget model: storing a document's disclosures, publishing, discarding.

`disclosures_store` takes a document in the plain-data shape of `budgets/sample_data/README.md`
(the sample files and the ingest pipeline both produce it), optionally with source pages:
a table may carry `pages` (one per row) and `first_page`/`last_page`; projects, indicators and
narrative sections may carry `page`. The extended shape of /work/notes/contract.md is accepted
too: a table's `unit` (元/千元/万元, default 万元), `columns` (keys of the amounts after code and
name, default `budgets.schema.TABLE_COLUMNS`), `column_labels` (headers as printed) and
`inferred`; amounts are strings as printed with up to 6 decimals.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from budgets.codes import parent_code
from budgets.models import (
    PART_NAMES,
    Classification,
    Department,
    DepartmentName,
    Disclosure,
    DisclosureTable,
    Figure,
    Finding,
    Indicator,
    NarrativeSection,
    OrganisationUnit,
    Project,
    Region,
    SourceDocument,
    TableKind,
    Unit,
    normalise_name,
    record_publication,
    to_yuan,
)
from budgets.schema import TABLE_COLUMNS, column_label
from budgets.validation import validate_identities

MAX_DECIMALS = 6


def region_get_or_create_path(names: Iterable[str]) -> Region:
    """河北省 › 唐山市 › 芦台经济开发区, created level by level where missing."""
    region, path = None, []
    for name in names:
        path.append(name)
        region, _ = Region.objects.get_or_create(
            parent=region, name=name, defaults={"slug": "-".join(path)}
        )
    if region is None:
        raise ValueError("a region path needs at least one name")
    return region


def department_find(*, region: Region, code: str = "", name: str = "",
                    parent: Department | None = None,
                    variants: Iterable[str] = ()) -> Department | None:
    """The department a document means: by (region, code) when a code is printed, else by
    its normalised name or any normalised name variant — within the region for a department,
    within its department for a unit."""
    if code:
        found = Department.objects.filter(region=region, code=code).first()
        if found is not None:
            return found
    names = {normalise_name(n) for n in (name, *variants)} - {""}
    if not names:
        return None
    scope = Department.objects.filter(region=region, parent=parent)
    matches = scope.filter(Q(normalised_name__in=names) | Q(names__normalised_name__in=names))
    if code:
        # A name met before without a code may now come with one; never take another code's.
        matches = matches.filter(code="")
    # Prefer the exact name over a variant, and a code-less record over a coded one.
    ranked = sorted(set(matches), key=lambda d: (d.normalised_name not in names, d.code != "",
                                                  d.pk))
    return ranked[0] if ranked else None


def department_get_or_create(
    *, region: Region, code: str, name: str, parent: Department | None = None,
    variants: Iterable[str] = (),
) -> Department:
    """Find the department (see `department_find`) or create it; record every name variant."""
    code = (code or "").strip()
    department = department_find(region=region, code=code, name=name, parent=parent,
                                 variants=variants)
    if department is None:
        department = Department.objects.create(region=region, code=code, name=name,
                                               parent=parent)
    elif code and not department.code:
        department.code = code
        department.save(update_fields=["code"])
    for variant in {name, *variants} - {""}:
        DepartmentName.objects.get_or_create(department=department, name=variant)
    return department


@transaction.atomic
def department_merge(*, keep: Department, merge: Department, user=None) -> Department:
    """Move the disclosures, units and name variants of `merge` into `keep`, delete `merge`.

    For two records of one department (a code-less one read from a document that printed no
    code, a coded one from another). Refused when both have a published disclosure of the same
    year: which one is right is for staff to decide by discarding one first. `user` is for the
    caller's audit trail; nothing here depends on it.
    """
    if keep.pk == merge.pk:
        raise ValueError("不能把部门合并到它自己")
    if keep.region_id != merge.region_id:
        raise ValueError(f"无法合并：“{keep}”和“{merge}”不属于同一地区")
    published = Disclosure.Status.PUBLISHED
    clash = sorted(
        set(keep.disclosures.filter(status=published).values_list("year", flat=True))
        & set(merge.disclosures.filter(status=published).values_list("year", flat=True))
    )
    if clash:
        years = "、".join(f"{y}年" for y in clash)
        raise ValueError(f"无法合并：“{keep}”和“{merge}”都有已公开的{years}预算，"
                         f"请先废弃或替换其中一个")
    for disclosure in merge.disclosures.order_by("year", "version"):
        # A version number keep already has continues after keep's latest instead.
        if keep.disclosures.filter(year=disclosure.year, version=disclosure.version).exists():
            disclosure.version = _next_version(keep, disclosure.year)
        disclosure.department = keep
        disclosure.save(update_fields=["department", "version"])
    for unit in merge.units.all():  # saved, not updated: the signal renews their cached pages
        unit.parent = keep
        unit.save(update_fields=["parent"])
    for variant in {merge.name, *merge.names.values_list("name", flat=True)}:
        DepartmentName.objects.get_or_create(department=keep, name=variant)
    if merge.code and not keep.code:
        code = merge.code
        merge.delete()
        keep.code = code
        keep.save(update_fields=["code"])
    else:
        merge.delete()
    return keep


def parse_amount(text: str | None) -> Decimal | None:
    """A printed amount ("196.76", "257700", "12482.549431") as Decimal; blank is None."""
    if text is None or str(text).strip() == "":
        return None
    amount = Decimal(str(text).strip().replace(",", ""))
    if not amount.is_finite() or _decimals(amount) > MAX_DECIMALS:
        raise ValueError(f"amount {text!r}: more than {MAX_DECIMALS} decimals or not a number")
    return amount


def _decimals(amount: Decimal) -> int:
    """How many decimals were printed: 2 for "0.00", 0 for "257700"."""
    return max(0, -amount.as_tuple().exponent)


def _unit(spec: dict) -> str:
    unit = spec.get("unit") or Unit.WAN
    if unit not in Unit.values:
        raise ValueError(f"unknown money unit {unit!r}; expected one of {', '.join(Unit.values)}")
    return unit


def _table_columns(table: str, spec: dict) -> list[dict]:
    """The table's columns in printed order, each with its header as printed if known."""
    keys = list(spec.get("columns") or TABLE_COLUMNS[table])
    printed = spec.get("column_labels") or {}
    return [{"key": key, "label": printed.get(key) or column_label(key)} for key in keys]


def _next_version(department: Department, year: int) -> int:
    latest = department.disclosures.filter(year=year).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def _store_tables(disclosure: Disclosure, tables: dict) -> None:
    figures = []
    for table in TableKind.values:
        spec = tables.get(table) or {"rows": []}
        unit, columns = _unit(spec), _table_columns(table, spec)
        keys = [c["key"] for c in columns]
        rows, pages = spec.get("rows", []), spec.get("pages") or []
        inferred = spec.get("inferred") or []
        DisclosureTable.objects.create(
            disclosure=disclosure, table=table, title=spec.get("title", ""),
            first_page=spec.get("first_page"), last_page=spec.get("last_page"),
            row_count=len(rows), empty_note=spec.get("empty_note") or "", unit=unit,
            columns=columns,
        )
        for index, (code, name, *amounts) in enumerate(rows):
            if len(amounts) > len(keys):
                raise ValueError(f"{table} row {code} {name}: {len(amounts)} amounts for "
                                 f"{len(keys)} columns")
            for column, text in zip(keys, amounts, strict=False):
                amount = parse_amount(text)
                if amount is not None:
                    figures.append(Figure(
                        disclosure=disclosure, table=table, code=str(code), name=name,
                        column=column, amount=amount, unit=unit, decimals=_decimals(amount),
                        amount_yuan=to_yuan(amount, unit), row=index,
                        page=pages[index] if index < len(pages) else None,
                        code_inferred=bool(index < len(inferred) and inferred[index]),
                    ))
    Figure.objects.bulk_create(figures)


def _store_projects(disclosure: Disclosure, projects: list[dict]) -> None:
    indicators = []
    for order, item in enumerate(projects):
        plan = list(item.get("plan") or []) + [""] * 4
        project = Project.objects.create(
            disclosure=disclosure, order=order, code=item.get("code", ""), name=item["name"],
            budget=parse_amount(item.get("budget")),
            fiscal_funds=parse_amount(item.get("fiscal_funds")),
            other_funds=parse_amount(item.get("other_funds")),
            unit=_unit(item),
            purpose=item.get("purpose") or "", goal=item.get("goal") or "",
            plan_q1=plan[0], plan_q2=plan[1], plan_q3=plan[2], plan_q4=plan[3],
            page=item.get("page"),
        )
        pages = item.get("indicator_pages") or []
        for index, row in enumerate(item.get("indicators") or []):
            level1, level2, level3, description, value, basis = (list(row) + [""] * 6)[:6]
            indicators.append(Indicator(
                project=project, order=index, level1=level1 or "", level2=level2 or "",
                level3=level3 or "", description=description or "", value=value or "",
                basis=basis or "", page=pages[index] if index < len(pages) else project.page,
            ))
    Indicator.objects.bulk_create(indicators)


def _store_narrative(disclosure: Disclosure, data: dict) -> None:
    NarrativeSection.objects.bulk_create(
        NarrativeSection(disclosure=disclosure, order=order, key=section["key"],
                         title=section["title"], text=section.get("text") or "",
                         page=section.get("page"))
        for order, section in enumerate(data.get("narrative") or [])
    )
    OrganisationUnit.objects.bulk_create(
        OrganisationUnit(disclosure=disclosure, order=order, name=row["name"],
                         nature=row.get("nature") or "", rank=row.get("rank") or "",
                         funding=row.get("funding") or "")
        for order, row in enumerate(data.get("organisation") or [])
    )


def _department_of_lone_unit(region: Region, item: dict) -> Department:
    """The department a 单位预算 published on its own belongs to (Putuo prints the 部门 and the
    单位 budget of one body as two files): the department of that name, created — without a
    code, the unit's code is its own — when the unit's file is read first, so that the 部门
    file, in whichever order it comes, becomes that department's budget and never a new
    version of the unit's."""
    found = department_find(region=region, code=str(item["code"]), name=item["name"])
    return found or department_get_or_create(region=region, code="", name=item["name"],
                                    variants=item.get("name_variants") or ())


@transaction.atomic
def disclosures_store(
    *, data: dict, region: Region, document: SourceDocument | None = None,
) -> list[Disclosure]:
    """Store every disclosure of one document as new draft versions, with its findings.

    Units (scope "unit") hang under the document's department. One document is one
    transaction: any error stores none of it.
    """
    meta = data["document"]
    year = int(meta["year"])
    stored, department = [], None
    for item in data["disclosures"]:
        parent = department
        if item["scope"] == "unit" and department is None:
            parent = _department_of_lone_unit(region, item)
        owner = department_get_or_create(
            region=region, code=str(item["code"]), name=item["name"],
            parent=parent if item["scope"] == "unit" else None,
            variants=item.get("name_variants") or (),
        )
        if item["scope"] == "department":
            department = owner
        # Two workers storing the same department-year at once would both take the same next
        # version number: the second waits here for the first to commit.
        Department.objects.select_for_update().filter(pk=owner.pk).exists()
        base = _version_to_join(owner, year, document)
        disclosure = Disclosure.objects.create(
            department=owner, year=year, version=_next_version(owner, year),
            document=document, title=meta.get("title", ""), name_as_printed=item["name"],
            summary_layout=int(meta.get("summary_layout", 2024)),
        )
        printed = parts_printed(item)
        if "tables" in printed or base is None:
            _store_tables(disclosure, item.get("tables") or {})
        if "projects" in printed or base is None:
            _store_projects(disclosure, item.get("projects") or [])
        if "narrative" in printed or base is None:
            _store_narrative(disclosure, item)
        Finding.objects.bulk_create(
            Finding(disclosure=disclosure, rule="reading", message=problem)
            for problem in item.get("reading_problems") or []
        )
        _record_sources(disclosure, document, printed, base)
        validate_identities(disclosure)
        stored.append(disclosure)
    return stored


def parts_printed(item: dict) -> set[str]:
    """Which parts of a disclosure a document's record prints (keys of PART_NAMES)."""
    printed = set()
    if any((spec or {}).get("rows") for spec in (item.get("tables") or {}).values()):
        printed.add("tables")
    if item.get("narrative"):
        printed.add("narrative")
    if item.get("projects"):
        printed.add("projects")
    return printed


def _version_to_join(owner: Department, year: int,
                     document: SourceDocument | None) -> Disclosure | None:
    """The latest kept version of the department-year read from another file: a file that
    lacks a part (a 情况说明 alone, 报表 alone) takes that part from it, in whichever order the
    files come, so the 情况说明 and the 报表 published as two files make one version."""
    if document is None:
        return None
    return (owner.disclosures.filter(year=year, status__in=[Disclosure.Status.DRAFT,
                                                            Disclosure.Status.PUBLISHED])
            .exclude(document=document).exclude(document=None).order_by("-version").first())


def _record_sources(disclosure: Disclosure, document: SourceDocument | None, printed: set[str],
                    base: Disclosure | None) -> None:
    """Copy from `base` the parts this file does not print, and note which file gave each."""
    if document is None:
        return
    parts = {part: document.pk for part in PART_NAMES}
    if base is not None:
        for part in set(PART_NAMES) - printed:
            PART_COPIES[part](base, disclosure)
            parts[part] = base.part_documents.get(part, base.document_id)
    disclosure.part_documents = parts
    disclosure.save(update_fields=["part_documents"])
    disclosure.sources.set(set(parts.values()))


def _copy_tables(base: Disclosure, disclosure: Disclosure) -> None:
    _copy_rows(base.tables.all(), disclosure=disclosure)
    _copy_rows(base.figures.all(), disclosure=disclosure)
    _copy_rows(base.findings.filter(rule="reading"), disclosure=disclosure)


def _copy_narrative(base: Disclosure, disclosure: Disclosure) -> None:
    _copy_rows(base.sections.all(), disclosure=disclosure)
    _copy_rows(base.organisation.all(), disclosure=disclosure)


def _copy_projects(base: Disclosure, disclosure: Disclosure) -> None:
    for project in base.projects.prefetch_related("indicators"):
        indicators = list(project.indicators.all())
        project.pk, project.disclosure = None, disclosure
        project.save()
        _copy_rows(indicators, project=project)


def _copy_rows(rows: Iterable, **changes) -> None:
    copies = []
    for row in rows:
        row.pk = None
        for name, value in changes.items():
            setattr(row, name, value)
        copies.append(row)
    if copies:
        type(copies[0]).objects.bulk_create(copies)


PART_COPIES = {"tables": _copy_tables, "narrative": _copy_narrative, "projects": _copy_projects}


@transaction.atomic
def disclosure_publish(*, disclosure: Disclosure, user=None) -> Disclosure:
    """Publish a draft; the published version of the same department-year becomes superseded."""
    if disclosure.status != Disclosure.Status.DRAFT:
        raise ValueError(f"only a draft can be published, this one is {disclosure.status}")
    now = timezone.now()
    previous = (
        Disclosure.objects.select_for_update()
        .filter(department=disclosure.department, year=disclosure.year,
                status=Disclosure.Status.PUBLISHED)
    )
    previous.update(status=Disclosure.Status.SUPERSEDED, superseded_at=now, superseded_by=user)
    disclosure.status = Disclosure.Status.PUBLISHED
    disclosure.published_at, disclosure.published_by = now, user
    disclosure.save(update_fields=["status", "published_at", "published_by"])
    record_publication([disclosure.pk])
    return disclosure


def disclosure_discard(*, disclosure: Disclosure) -> Disclosure:
    if disclosure.status != Disclosure.Status.DRAFT:
        raise ValueError(f"only a draft can be discarded, this one is {disclosure.status}")
    disclosure.status = Disclosure.Status.DISCARDED
    disclosure.save(update_fields=["status"])
    return disclosure


@transaction.atomic
def classifications_load(data: dict) -> int:
    """Create or rename the reference codes of `budgets/data/classifications.yaml`; idempotent."""
    count = 0
    for year, kinds in data.items():
        for kind, codes in kinds.items():
            # Parents first: codes sort 201 < 20129 < 2012901 only by length.
            for code in sorted(codes, key=lambda c: (len(c), c)):
                parent = parent_code(code)
                Classification.objects.update_or_create(
                    kind=kind, year=int(year), code=code,
                    defaults={"name": codes[code], "parent": Classification.objects.filter(
                        kind=kind, year=int(year), code=parent).first() if parent else None},
                )
                count += 1
    return count
