"""Fixtures of the indicator tests: the hand-made world of world.py and its
population."""

import pytest

from tests.factories import department

from .world import build_world


@pytest.fixture
def world(db):
    build_world()


# Population (for coverage and parity): SV-SS F 1,000 M 800 (2024); SV-LI F 500
# M 500 (2023, its latest year up to 2024; its 2025 figure is ignored for 2024);
# SV-AH F 100 M 100 (2024). Country 2024: F 1,600, M 1,400, both 3,000.


@pytest.fixture
def population(world):
    from semillero.registry.models import Population

    def pop(code, year, sex, n):
        Population.objects.create(
            department=department(code), year=year, sex=sex, population=n
        )

    pop("SV-SS", 2024, "F", 1000)
    pop("SV-SS", 2024, "M", 800)
    pop("SV-LI", 2023, "F", 500)
    pop("SV-LI", 2023, "M", 500)
    pop("SV-LI", 2025, "F", 9999)
    pop("SV-AH", 2024, "F", 100)
    pop("SV-AH", 2024, "M", 100)
