"""Editing the catalogue: only editors write, every save keeps a revision."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from semillero.accounts.models import AuditEvent
from semillero.policies import services
from semillero.policies.models import Entry, EntryRevision

from .conftest import instrument

pytestmark = pytest.mark.django_db


def test_the_admin_and_members_of_the_editors_group_edit(admin_user, editor_user):
    services.entry_create(actor=admin_user, data=instrument(slug="a"))
    services.entry_create(actor=editor_user, data=instrument(slug="b"))
    assert Entry.objects.count() == 2


@pytest.mark.parametrize(
    "fixture", ["analyst_user", "viewer_user", "officer_user", "company_user"]
)
def test_other_roles_cannot_change_entries(request, fixture, add):
    """Roles alone give no right to edit: the editors' group does."""
    user = request.getfixturevalue(fixture)
    with pytest.raises(PermissionDenied):
        services.entry_create(actor=user, data=instrument(slug="x"))
    entry = add()
    with pytest.raises(PermissionDenied):
        services.entry_update(actor=user, entry=entry, data={"name": "Otro"})
    with pytest.raises(PermissionDenied):
        services.catalogue_load(actor=user, entries=[instrument()], note="")
    assert Entry.objects.get().name == "Ley de prueba"


def test_anonymous_visitors_cannot_change_entries(add):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.entry_update(actor=AnonymousUser(), entry=add(), data={"year": 2000})


def test_every_revision_is_kept_with_the_whole_entry(admin_user, editor_user):
    entry = services.entry_create(
        actor=admin_user,
        data=instrument(parameters={"rate": "1 %"}, trends=["governance"]),
        note="Primera versión",
    )
    services.entry_update(
        actor=editor_user,
        entry=entry,
        data={"parameters": {"rate": "2 %"}, "last_checked": datetime.date(2025, 3, 1)},
        note="Nueva tasa",
    )
    revisions = list(EntryRevision.objects.filter(entry=entry).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert [r.author_username for r in revisions] == ["admin", "editor"]
    assert [r.note for r in revisions] == ["Primera versión", "Nueva tasa"]
    assert revisions[0].data["parameters"] == {"rate": "1 %"}
    assert revisions[1].data["parameters"] == {"rate": "2 %"}
    assert revisions[1].data["last_checked"] == "2025-03-01"
    assert revisions[1].data["trends"] == ["governance"]
    assert set(revisions[0].data) == set(services.FIELDS)
    actions = list(
        AuditEvent.objects.filter(action__startswith="policy_entry").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["policy_entry_created", "policy_entry_updated"]


def test_a_save_that_changes_nothing_writes_no_revision(admin_user, add):
    entry = add()
    services.entry_update(actor=admin_user, entry=entry, data={"name": "Ley de prueba"})
    assert entry.revisions.count() == 1


def test_invalid_content_is_refused_by_field(admin_user):
    with pytest.raises(ValidationError) as info:
        services.entry_create(
            actor=admin_user,
            data=instrument(
                country="XX",
                year=1800,
                instrument_type="",
                trends=["nope"],
                sources=["ftp://x"],
                links=["missing"],
            ),
        )
    fields = set(info.value.error_dict)
    assert {
        "country",
        "year",
        "instrument_type",
        "trends",
        "sources",
        "links",
    } <= fields
    assert not Entry.objects.exists()


def test_links_and_plan_objectives(admin_user, add, institute):
    from semillero.plans.models import Axis, Objective, Plan

    plan = Plan.objects.create(
        name="Plan", start_year=2023, end_year=2027, institute=institute
    )
    axis = Axis.objects.create(plan=plan, code="1", name="Eje")
    objective = Objective.objects.create(axis=axis, code="1.1", name="Objetivo")
    law = add(slug="ley")
    strategy = services.entry_create(
        actor=admin_user,
        data=instrument(
            slug="estrategia",
            kind="strategy",
            instrument_type="",
            links=["ley"],
            objectives=[objective.pk],
        ),
    )
    assert list(strategy.links.all()) == [law]
    assert list(law.linked_from.all()) == [strategy]
    assert list(objective.policy_entries.all()) == [strategy]
