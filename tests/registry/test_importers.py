"""The registry's import kinds: organizations (with permissions), municipalities,
districts and classifications."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semillero.core.importing.base import importer_classes
from semillero.core.importing.services import importable_kinds
from semillero.core.models import ImportStatus
from semillero.registry.importers import OrganizationImporter
from semillero.registry.models import (
    ClassificationItem,
    District,
    Municipality,
    Organization,
)
from tests.core.import_support import ORG_HEADER, csv_bytes, messages, run_import

pytestmark = pytest.mark.django_db


def test_the_registry_registers_its_four_kinds():
    """Organizations, municipalities, districts and classifications are importable."""
    assert {"organizations", "municipalities", "districts", "classifications"} <= set(
        importer_classes()
    )


def test_organization_columns_are_those_of_data_formats():
    """The organizations columns and required ones are those of data-formats.md."""
    assert [c.name for c in OrganizationImporter.columns] == ORG_HEADER.split(",")
    assert [c.name for c in OrganizationImporter.columns if c.required] == [
        "code",
        "name",
        "type",
        "department",
    ]


# -- permissions -------------------------------------------------------------------


def test_a_data_officer_may_import_organizations_but_no_registry_reference_data(
    officer_user,
):
    """Data officers import organizations; territory and classifications are the
    institute's (their training kinds are tested in tests/training)."""
    kinds = set(importable_kinds(officer_user))
    assert "organizations" in kinds
    assert not kinds & {"municipalities", "districts", "classifications"}


def test_a_viewer_cannot_import(viewer_user):
    """A viewer's import is refused before anything is stored."""
    assert importable_kinds(viewer_user) == {}
    with pytest.raises(PermissionDenied):
        run_import(
            "organizations",
            csv_bytes(ORG_HEADER, "V-1,Uno,company,,SV-SS,,,,,,"),
            user=viewer_user,
        )
    assert not Organization.objects.filter(code="V-1").exists()


def test_a_data_officer_registers_new_organizations_and_changes_its_own(
    officer_user, centre
):
    """A data officer creates new organizations and updates its own."""
    data = csv_bytes(
        ORG_HEADER,
        f"{centre.code},Centro Renombrado,training_centre,,SV-SS,,,,,,",
        "NEW-1,Empresa Socia,company,,SV-LI,,,,,,",
    )
    report = run_import("organizations", data, user=officer_user)
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)
    centre.refresh_from_db()
    assert centre.name == "Centro Renombrado"
    assert Organization.objects.filter(code="NEW-1").exists()


def test_a_data_officer_cannot_change_another_organization_through_an_import(
    officer_user, other_centre
):
    """A row changing another organization is rejected with a clear message."""
    data = csv_bytes(
        ORG_HEADER, f"{other_centre.code},Nombre Ajeno,training_centre,,SV-SS,,,,,,"
    )
    report = run_import("organizations", data, user=officer_user)
    assert messages(report) == [
        f'row 2: code "{other_centre.code}" is another organization\'s record; '
        "you may only change your own organization"
    ]
    other_centre.refresh_from_db()
    assert other_centre.name == "Centro de Formación Dos"


def test_a_row_that_leaves_another_organization_unchanged_is_not_rejected(
    officer_user, other_centre
):
    """Re-importing a file that lists partners as they are is harmless."""
    data = csv_bytes(
        "code,name,type,department",
        f"{other_centre.code},{other_centre.name},training_centre,SV-SS",
    )
    report = run_import("organizations", data, user=officer_user)
    assert (report.batch.status, report.batch.rows_unchanged) == (
        ImportStatus.SUCCEEDED,
        1,
    )


def test_an_administrator_may_change_any_organization(admin_user, other_centre):
    """National administrators may update any organization."""
    data = csv_bytes(
        "code,name,type,department", f"{other_centre.code},Otro,company,SV-SS"
    )
    report = run_import("organizations", data, user=admin_user)
    assert report.batch.rows_updated == 1


def test_storing_refuses_an_update_validation_did_not_foresee(
    officer_user, other_centre
):
    """The guard inside the transaction stops a forbidden update."""
    importer = OrganizationImporter(user=officer_user)
    with pytest.raises(PermissionDenied):
        importer.guard_update(other_centre)


# -- territory and classifications --------------------------------------------------


def test_municipalities_are_upserted_by_code():
    """Municipalities are created or left unchanged by code; bad departments rejected."""
    data = csv_bytes(
        "codigo,nombre,departamento",
        "SV-SS-CE,San Salvador Centro,SV-SS",
        "SV-SS-XX,Nuevo Municipio,San Salvador",
        "SV-SS-YY,Sin Departamento,Narnia",
    )
    report = run_import("municipalities", data)
    batch = report.batch
    assert (batch.rows_created, batch.rows_unchanged, batch.rows_rejected) == (1, 1, 1)
    assert Municipality.objects.get(code="SV-SS-XX").department.code == "SV-SS"


def test_districts_find_their_municipality_by_code_or_name():
    """A district's municipality is found by code or name, else rejected."""
    data = csv_bytes(
        "code,name,municipality",
        "D-1,Distrito Uno,SV-SS-CE",
        "D-2,Distrito Dos,la libertad sur",
        "D-3,Distrito Tres,Ninguno",
    )
    report = run_import("districts", data)
    assert messages(report) == [
        'row 4: municipality "Ninguno" is not a known municipality (use its code or its name)'
    ]
    assert District.objects.get(code="D-2").municipality.code == "SV-LI-SU"


def test_classification_parents_may_come_later_in_the_file_or_from_the_database():
    """Parents are resolved from the file (any order) or the database."""
    data = csv_bytes(
        "classification,code,level,parent_code,name_es,name_en",
        "isco08,7411,4,741,Electricistas de obras,Building electricians",
        "isco08,741,3,74,Instaladores eléctricos,Electrical equipment installers",
        "isco08,7412,4,741,Mecánicos electricistas,Electrical mechanics",
    )
    parent = ClassificationItem.objects.get(classification="isco08", code="74")
    report = run_import("classifications", data)
    assert report.batch.status == ImportStatus.SUCCEEDED, messages(report)
    group = ClassificationItem.objects.get(classification="isco08", code="741")
    assert group.parent == parent
    assert group.children.count() == 2


def test_classification_rows_with_unknown_parents_or_wrong_levels_are_rejected():
    """A rejected parent rejects its children in turn."""
    data = csv_bytes(
        "classification,code,level,parent_code,name_es,name_en",
        "isco08,7411,4,741,Uno,One",
        "isco08,741,2,74,Dos,Two",
        "isco08,9999,4,999,Tres,Three",
    )
    assert messages(run_import("classifications", data)) == [
        'row 2: parent_code "741" is rejected in this file, see row 3',
        'row 3: level "2" must be one more than the level of its parent (2)',
        'row 4: parent_code "999" is not a known code of this classification',
    ]


def test_the_same_code_may_exist_in_both_classifications():
    """The natural key is (classification, code)."""
    data = csv_bytes(
        "classification,code,level,parent_code,name_es,name_en",
        "isic4,X1,1,,Uno,One",
        "isco08,X1,1,,Uno,One",
    )
    assert run_import("classifications", data).batch.rows_created == 2


# -- robustness ------------------------------------------------------------------------

cell = st.one_of(st.none(), st.text(max_size=40))


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    values=st.fixed_dictionaries({c.name: cell for c in OrganizationImporter.columns})
)
def test_the_row_parser_never_raises_and_every_rejection_has_a_message(
    officer_user, values
):
    """Arbitrary text in every column: the row is accepted or rejected with a
    message, never an exception."""
    importer = OrganizationImporter(user=officer_user)
    importer.begin([c.name for c in OrganizationImporter.columns])
    with translation.override("es"):
        parsed = importer.parse_row(values, row=2)
    assert (parsed.record is None) == bool(parsed.errors)
    for error in parsed.errors:
        assert error.message.strip()
        assert str(error).startswith("fila 2: ") or str(error).startswith("row 2: ")
