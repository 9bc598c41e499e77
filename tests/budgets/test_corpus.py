"""The synthetic corpus (manage.py generate_corpus): consistent, varied, idempotent per seed."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from budgets.models import Department, Disclosure, Figure, Project, Region
from budgets.validation import validate_identities

FACTORS = {"元": Decimal(1), "万元": Decimal(10000)}


def generate(n, seed=7, years="2023-2024"):
    out = io.StringIO()
    call_command("generate_corpus", disclosures=n, seed=seed, years=years, stdout=out)
    return out.getvalue()


def counts():
    return (Region.objects.count(), Department.objects.count(), Disclosure.objects.count(),
            Figure.objects.count(), Project.objects.count())


@pytest.mark.django_db
def test_every_identity_holds_on_everything_generated():
    generate(240)
    disclosures = list(Disclosure.objects.all())
    assert len(disclosures) == 240
    findings = Counter(f.rule for d in disclosures for f in validate_identities(d))
    assert findings == Counter()
    # the checks had something to check: every disclosure prints the five tables
    assert all(d.tables.count() == 5 and d.figures.count() > 50 for d in disclosures)


@pytest.mark.django_db
def test_the_corpus_mixes_units_levels_and_name_only_departments():
    generate(240)
    assert {len(r.lineage()) for r in Region.objects.all()} == {1, 2, 3}
    assert Department.objects.filter(code="", parent=None).exists()
    assert Department.objects.exclude(code="").filter(parent=None).exists()
    assert Department.objects.exclude(parent=None).exists()  # units
    assert {u for u in Figure.objects.values_list("unit", flat=True).distinct()} == {"元", "万元"}
    for figure in Figure.objects.all()[:2000]:
        assert figure.amount_yuan == figure.amount * FACTORS[figure.unit]
    assert set(Disclosure.objects.values_list("year", flat=True)) == {2023, 2024}
    assert set(Disclosure.objects.values_list("status", flat=True)) == {"published"}


@pytest.mark.django_db
def test_the_same_seed_adds_nothing_twice_and_a_larger_n_only_the_rest():
    generate(100)
    before = counts()
    assert "0 disclosures added (100 already there)" in generate(100)
    assert counts() == before
    generate(130)
    assert Disclosure.objects.count() == 130
    assert Figure.objects.count() > before[3]
