"""The reference data every database receives after migrate."""

import pytest
from django.db.models import Count
from django.utils import translation

from semillero.registry.models import (
    Classification,
    ClassificationItem,
    Department,
    Municipality,
)
from semillero.registry.reference import load_reference_data

pytestmark = pytest.mark.django_db


def _counts():
    rows = (
        ClassificationItem.objects.values("classification", "level")
        .annotate(n=Count("id"))
        .order_by("classification", "level")
    )
    return {(r["classification"], r["level"]): r["n"] for r in rows}


def test_isic_and_isco_top_levels_are_complete():
    """ISIC Rev.4 ships its 21 sections and 88 divisions; ISCO-08 its 10 major and
    43 sub-major groups."""
    assert _counts() == {
        (Classification.ISCO08, 1): 10,
        (Classification.ISCO08, 2): 43,
        (Classification.ISIC4, 1): 21,
        (Classification.ISIC4, 2): 88,
    }


def test_every_second_level_item_hangs_from_its_first_level_parent():
    """Divisions point to their section, sub-major groups to their major group."""
    second = ClassificationItem.objects.filter(level=2).select_related("parent")
    assert all(item.parent is not None for item in second)
    assert all(item.parent.level == 1 for item in second)
    isco = [i for i in second if i.classification == Classification.ISCO08]
    assert all(i.code[0] == i.parent.code for i in isco)
    assert (
        ClassificationItem.objects.get(
            classification=Classification.ISIC4, code="62"
        ).parent.code
        == "J"
    )
    assert ClassificationItem.objects.filter(level=1, parent__isnull=False).count() == 0


@pytest.mark.parametrize(
    ("classification", "code", "name_es", "name_en"),
    [
        (
            Classification.ISIC4,
            "C",
            "Industrias manufactureras",
            "Manufacturing",
        ),
        (
            Classification.ISIC4,
            "14",
            "Fabricación de prendas de vestir",
            "Manufacture of wearing apparel",
        ),
        (
            Classification.ISIC4,
            "85",
            "Enseñanza",
            "Education",
        ),
        (
            Classification.ISCO08,
            "7",
            "Oficiales, operarios y artesanos de artes mecánicas y de otros oficios",
            "Craft and related trades workers",
        ),
        (
            Classification.ISCO08,
            "74",
            "Trabajadores especializados en electricidad y la electrotecnología",
            "Electrical and electronic trades workers",
        ),
    ],
)
def test_names_in_both_languages(classification, code, name_es, name_en):
    """Each item carries its official Spanish and English title, and `name`
    follows the active language."""
    item = ClassificationItem.objects.get(classification=classification, code=code)
    assert (item.name_es, item.name_en) == (name_es, name_en)
    with translation.override("es"):
        assert item.name == name_es
    with translation.override("en"):
        assert item.name == name_en


def test_territory_of_el_salvador():
    """14 departments (ISO 3166-2) and the 44 municipalities of Decreto 762."""
    assert Department.objects.filter(country="SV").count() == 14
    assert Municipality.objects.count() == 44
    assert (
        Municipality.objects.get(name="San Salvador Centro").department.code == "SV-SS"
    )


def test_loading_again_changes_nothing():
    """Reference data is loaded after every migrate: a second load adds no rows."""
    before = (ClassificationItem.objects.count(), Municipality.objects.count())
    load_reference_data()
    assert (ClassificationItem.objects.count(), Municipality.objects.count()) == before
