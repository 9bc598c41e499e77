"""Writes to the budget model: storing a document's disclosures, publishing, discarding.

`disclosures_store` takes a document in the plain-data shape of `budgets/sample_data/README.md`
(the sample files and the ingest pipeline both produce it), optionally with source pages:
a table may carry `pages` (one per row) and `first_page`/`last_page`; projects, indicators and
narrative sections may carry `page`.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from budgets.codes import parent_code
from budgets.identities import validate_identities
from budgets.models import (
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
)
from budgets.schema import TABLE_COLUMNS


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


def department_get_or_create(
    *, region: Region, code: str, name: str, parent: Department | None = None,
    variants: Iterable[str] = (),
) -> Department:
    department, _ = Department.objects.get_or_create(
        region=region, code=code, defaults={"name": name, "parent": parent}
    )
    for variant in {name, *variants}:
        DepartmentName.objects.get_or_create(department=department, name=variant)
    return department


def parse_amount(text: str | None) -> Decimal | None:
    """A printed amount ("196.76") as Decimal; blank means nothing printed."""
    if text is None or str(text).strip() == "":
        return None
    return Decimal(str(text).strip())


def _next_version(department: Department, year: int) -> int:
    latest = department.disclosures.filter(year=year).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def _store_tables(disclosure: Disclosure, tables: dict) -> None:
    figures = []
    for table in TableKind.values:
        spec = tables.get(table, {"rows": []})
        columns = TABLE_COLUMNS[table]
        rows, pages = spec.get("rows", []), spec.get("pages") or []
        DisclosureTable.objects.create(
            disclosure=disclosure, table=table, title=spec.get("title", ""),
            first_page=spec.get("first_page"), last_page=spec.get("last_page"),
            row_count=len(rows), empty_note=spec.get("empty_note") or "",
        )
        for index, (code, name, *amounts) in enumerate(rows):
            if len(amounts) > len(columns):
                raise ValueError(f"{table} row {code} {name}: {len(amounts)} amounts for "
                                 f"{len(columns)} columns")
            for column, text in zip(columns, amounts, strict=False):
                amount = parse_amount(text)
                if amount is not None:
                    figures.append(Figure(
                        disclosure=disclosure, table=table, code=str(code), name=name,
                        column=column, amount=amount, row=index,
                        page=pages[index] if index < len(pages) else None,
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
        owner = department_get_or_create(
            region=region, code=str(item["code"]), name=item["name"],
            parent=department if item["scope"] == "unit" else None,
            variants=item.get("name_variants") or (),
        )
        if item["scope"] == "department":
            department = owner
        disclosure = Disclosure.objects.create(
            department=owner, year=year, version=_next_version(owner, year),
            document=document, title=meta.get("title", ""), name_as_printed=item["name"],
            summary_layout=int(meta.get("summary_layout", 2024)),
        )
        _store_tables(disclosure, item.get("tables") or {})
        _store_projects(disclosure, item.get("projects") or [])
        _store_narrative(disclosure, item)
        validate_identities(disclosure)
        Finding.objects.bulk_create(
            Finding(disclosure=disclosure, rule="reading", message=problem)
            for problem in item.get("reading_problems") or []
        )
        stored.append(disclosure)
    return stored


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
