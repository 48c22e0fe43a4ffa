"""The demo's catalogue and labour demand: shaped as the issue asks, and the same
when rebuilt on the same database."""

import datetime

import pytest
from django.db.models import Sum

from semillero.demo import labour, policies
from semillero.demo.context import DemoContext
from semillero.labour.models import DemandSignal
from semillero.policies.models import Entry, EntryKind

pytestmark = pytest.mark.django_db


def context():
    return DemoContext(
        seed=7, scale="small", as_of=datetime.date(2025, 12, 31), password="x"
    )


def test_demand_signals_2022_to_2025_concentrated_in_the_centre():
    counts = labour.generate(context())
    assert counts == labour.generate(context())  # rebuilt: same signals, no clash
    assert DemandSignal.objects.count() == counts["signals"]
    years = {d.year for d in DemandSignal.objects.dates("date", "year")}
    assert years == {2022, 2023, 2024, 2025}
    total = counts["vacancies"]
    centre = DemandSignal.objects.filter(
        department__code__in=["SV-SS", "SV-LI"]
    ).aggregate(n=Sum("vacancies"))["n"]
    assert 0.55 < centre / total < 0.7
    by_group = dict(
        DemandSignal.objects.values_list("occupation__code")
        .annotate(n=Sum("vacancies"))
        .order_by()
    )
    top = sorted(by_group, key=by_group.get, reverse=True)[:6]
    assert {"81", "35", "51", "71"} <= set(top)


def test_the_demo_catalogue():
    counts = policies.generate(context())
    assert counts == {"entries": 24, "instruments": 21}
    assert counts == policies.generate(context())
    assert Entry.objects.filter(kind=EntryKind.SUCCESS_STORY).count() == 2
    strategy = Entry.objects.get(kind=EntryKind.STRATEGY)
    assert "sv-ley-incaf-2023" in {e.slug for e in strategy.links.all()}
