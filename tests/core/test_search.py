"""Accent- and case-insensitive search on both databases."""

import pytest

from semillero.core.search import matches, plain
from semillero.registry.models import Organization
from semillero.registry.selectors import organization_list
from tests.factories import OrganizationFactory


def test_plain_lowers_and_strips_accents_like_unaccent():
    assert plain("Formación CAÑAS Güija") == "formacion canas guija"
    assert plain(None) is None


@pytest.mark.django_db
def test_a_search_without_accents_finds_names_with_accents():
    OrganizationFactory(code="A1", name="Centro de Formación Cabañas")
    OrganizationFactory(code="A2", name="Escuela Técnica")
    found = Organization.objects.filter(matches("formacion cabanas", "name"))
    assert list(found.values_list("code", flat=True)) == ["A1"]
    found = Organization.objects.filter(matches("TÉCNICA", "name"))
    assert list(found.values_list("code", flat=True)) == ["A2"]


@pytest.mark.django_db
def test_the_organization_list_search_ignores_accents(viewer_user):
    OrganizationFactory(code="B1", name="Asociación Salvadoreña de Industriales")
    codes = {
        o.code for o in organization_list(user=viewer_user, q="asociacion salvadorena")
    }
    assert codes == {"B1"}


@pytest.mark.django_db
def test_like_wildcards_typed_by_the_user_are_literal():
    OrganizationFactory(code="C1", name="Centro 100% digital")
    OrganizationFactory(code="C2", name="Centro 1000 digital")
    found = Organization.objects.filter(matches("100%", "name"))
    assert list(found.values_list("code", flat=True)) == ["C1"]
