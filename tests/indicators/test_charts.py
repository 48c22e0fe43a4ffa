"""The dashboards' chart specs: valid Vega-Lite that carries the caller's data,
keeps missing values missing, and formats numbers as asked."""

import json
from decimal import Decimal

import altair as alt
import jsonschema
import pycountry
import pytest
from altair.vegalite.v6.schema import load_schema
from django.utils import translation

from semillero.indicators import charts

VALIDATOR = jsonschema.Draft7Validator(load_schema())

AREAS = [
    {"area": "Hostelería y turismo", "rate": 0.82, "secret": "x"},
    {"area": "Construcción", "rate": None, "secret": "x"},
    {"area": "Agroindustria", "rate": Decimal("0.6"), "secret": "x"},
    {"area": "Textil", "rate": 0.055, "secret": "x"},
]


def valid(spec: dict) -> dict:
    """The spec passes the Vega-Lite JSON schema and Altair reads it back; it is
    JSON as json_script will write it (no NaN, no Decimal)."""
    errors = [e.message for e in VALIDATOR.iter_errors(spec)]
    assert not errors, errors
    (alt.LayerChart if "layer" in spec else alt.Chart).from_dict(spec)
    json.dumps(spec, allow_nan=False)
    return spec


def bar(**kwargs):
    options = {
        "category": "area",
        "value": "rate",
        "category_title": "Área de formación",
        "value_title": "Tasa de aprobación",
        "description": "Tasa de aprobación por área",
    }
    return valid(charts.bar_chart(kwargs.pop("rows", AREAS), **options | kwargs))


def layer_encoding(spec: dict, mark: str) -> dict:
    (layer,) = [x for x in spec["layer"] if x["mark"]["type"] == mark]
    return layer["encoding"]


# -- all charts -----------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: bar(),
        lambda: charts.trend_chart(
            [{"year": 2024, "n": 1}], value="n", value_title="N", description="d"
        ),
        lambda: charts.tile_map([], value="v", value_title="V", description="d"),
    ],
)
def test_every_chart_is_responsive_described_and_uses_the_locale(make):
    """Each chart fills its container's width, carries the caller's description
    for screen readers, the Vega-Lite version Altair writes, El Salvador's number
    conventions and the translated export menu for vega-embed."""
    spec = valid(make())
    assert spec["width"] == "container"
    assert spec["description"]
    assert spec["$schema"] == alt.SCHEMA_URL
    assert spec["config"]["locale"]["number"] == charts.NUMBER_LOCALE
    with translation.override("en"):
        spec = make()
    assert spec["usermeta"]["embedOptions"]["i18n"] == {
        "CLICK_TO_VIEW_ACTIONS": "Chart actions",
        "SVG_ACTION": "Download SVG",
        "PNG_ACTION": "Download PNG",
    }


# -- bar chart --------------------------------------------------------------------


def test_bar_chart_carries_the_rows_and_keeps_none_as_null():
    """The data are the rows' category and value only (nothing else reaches the
    page), Decimal made a number, None left null (JSON null), in the rows' order."""
    spec = bar()
    assert spec["data"]["values"] == [
        {"area": "Hostelería y turismo", "rate": 0.82},
        {"area": "Construcción", "rate": None},
        {"area": "Agroindustria", "rate": 0.6},
        {"area": "Textil", "rate": 0.055},
    ]
    assert '"rate": null' in json.dumps(spec)
    encoding = layer_encoding(spec, "bar")
    assert encoding["y"]["sort"] == [
        "Hostelería y turismo",
        "Construcción",
        "Agroindustria",
        "Textil",
    ]
    assert encoding["y"]["title"] == "Área de formación"
    assert encoding["x"]["title"] == "Tasa de aprobación"
    assert [t["field"] for t in encoding["tooltip"]] == ["area", "rate"]


def test_bar_chart_labels_a_missing_value_instead_of_drawing_zero():
    """A category without a value keeps its row with a "No data" text, drawn only
    for invalid values."""
    with translation.override("en"):
        spec = bar()
    text = [x for x in spec["layer"] if x["mark"]["type"] == "text"][0]
    assert text["transform"] == [{"filter": '!isValid(datum["rate"])'}]
    assert text["encoding"]["text"] == {"value": "No data"}


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("-x", ["Hostelería y turismo", "Agroindustria", "Textil", "Construcción"]),
        (
            "descending",
            ["Hostelería y turismo", "Agroindustria", "Textil", "Construcción"],
        ),
        (
            "ascending",
            ["Textil", "Agroindustria", "Hostelería y turismo", "Construcción"],
        ),
        (
            ["Textil", "Otra"],
            ["Textil", "Hostelería y turismo", "Construcción", "Agroindustria"],
        ),
    ],
)
def test_bar_chart_sorts_by_value_with_missing_last_or_as_listed(sort, order):
    spec = bar(sort=sort)
    for layer in spec["layer"]:
        assert layer["encoding"]["y"]["sort"] == order


def test_bar_chart_refuses_an_unknown_sort():
    with pytest.raises(ValueError, match="sort"):
        charts.bar_chart(
            AREAS,
            category="area",
            value="rate",
            category_title="A",
            value_title="V",
            sort="-y",
            description="d",
        )


def test_bar_chart_formats():
    """Percent: ratios shown as percentages with at most one decimal; otherwise
    thousands separated, at most two decimals; a caller's d3 format wins."""
    encoding = layer_encoding(bar(percent=True), "bar")
    assert encoding["x"]["axis"]["format"] == ".1~%"
    assert encoding["tooltip"][1]["format"] == ".1~%"
    assert layer_encoding(bar(), "bar")["x"]["axis"]["format"] == ",.2~f"
    assert layer_encoding(bar(value_format="$,.0f"), "bar")["x"]["axis"]["format"] == (
        "$,.0f"
    )


def test_bar_chart_turns_nan_into_null():
    spec = bar(rows=[{"area": "A", "rate": float("nan")}, {"area": "B", "rate": 1}])
    assert spec["data"]["values"] == [
        {"area": "A", "rate": None},
        {"area": "B", "rate": 1},
    ]


# -- trend chart ------------------------------------------------------------------

YEARS = [
    {"year": 2022, "sex": "Mujeres", "r": 0.5},
    {"year": 2023, "sex": "Mujeres", "r": None},
    {"year": 2024, "sex": "Mujeres", "r": Decimal("0.625")},
    {"year": 2022, "sex": "Hombres", "r": 0.4},
    {"year": 2024, "sex": "Hombres", "r": 0.45},
]


def test_trend_chart_is_a_line_with_points_over_whole_years():
    spec = valid(
        charts.trend_chart(
            YEARS, value="r", value_title="Tasa", percent=True, description="d"
        )
    )
    assert spec["mark"]["type"] == "line"
    assert spec["mark"]["point"]
    x = spec["encoding"]["x"]
    assert x["field"] == "year"
    assert x["axis"]["format"] == "d"
    assert x["axis"]["values"] == [2022, 2023, 2024]
    assert x["scale"]["zero"] is False
    y = spec["encoding"]["y"]
    assert y["title"] == "Tasa"
    assert y["axis"]["format"] == ".1~%"
    assert "color" not in spec["encoding"]
    assert {"year": 2023, "r": None} in spec["data"]["values"]
    assert {"year": 2024, "r": 0.625} in spec["data"]["values"]


def test_trend_chart_draws_one_line_per_series():
    spec = valid(
        charts.trend_chart(
            YEARS,
            value="r",
            value_title="Tasa",
            series="sex",
            series_title="Sexo",
            description="d",
        )
    )
    assert spec["encoding"]["color"]["field"] == "sex"
    assert spec["encoding"]["color"]["title"] == "Sexo"
    assert spec["data"]["values"][1] == {"year": 2023, "r": None, "sex": "Mujeres"}
    assert [t["field"] for t in spec["encoding"]["tooltip"]] == ["sex", "year", "r"]


def test_trend_chart_x_field_is_configurable():
    spec = valid(
        charts.trend_chart(
            [{"period": 2020, "n": 3}, {"period": 2021, "n": 4}],
            x="period",
            value="n",
            value_title="N",
            description="d",
        )
    )
    assert spec["encoding"]["x"]["field"] == "period"
    assert spec["encoding"]["x"]["axis"]["values"] == [2020, 2021]
    assert spec["encoding"]["y"]["axis"]["format"] == ",.2~f"


# -- tile map ---------------------------------------------------------------------


def test_tiles_are_the_countrys_fourteen_departments_each_in_its_own_cell():
    iso = {s.code for s in pycountry.subdivisions.get(country_code="SV")}
    assert set(charts.DEPARTMENT_TILES) == iso
    assert len(set(charts.DEPARTMENT_TILES.values())) == 14


def test_tile_map_draws_all_departments_missing_ones_null():
    rows = [
        {"department": "SV-SS", "department_name": "San Salvador", "v": 30},
        {"department": "SV-MO", "department_name": "Morazán", "v": None},
        {"department": "SV-AH", "department_name": "Ahuachapán", "v": Decimal("5")},
        {"department": None, "department_name": "Sin departamento", "v": 1},
    ]
    spec = valid(
        charts.tile_map(
            rows, value="v", value_title="Participantes", description="Mapa"
        )
    )
    values = {r["department"]: r for r in spec["data"]["values"]}
    assert set(values) == set(charts.DEPARTMENT_TILES)
    assert values["SV-SS"]["value"] == 30
    assert values["SV-AH"]["value"] == 5
    assert values["SV-MO"]["value"] is None
    assert values["SV-LI"]["value"] is None  # no row
    assert values["SV-LI"]["department_name"] == "La Libertad"  # from ISO 3166-2
    assert values["SV-MO"]["department_name"] == "Morazán"
    assert values["SV-SS"]["short"] == "SS"
    assert (values["SV-SA"]["tile_column"], values["SV-SA"]["tile_row"]) == (
        charts.DEPARTMENT_TILES["SV-SA"]
    )
    # The largest value's tile is dark enough for a white label.
    assert values["SV-SS"]["dark"] and not values["SV-AH"]["dark"]


def test_tile_map_colours_by_value_and_greys_missing_tiles():
    spec = valid(
        charts.tile_map(
            [{"department": "SV-SS", "department_name": "San Salvador", "v": 0.3}],
            value="v",
            value_title="Tasa",
            percent=True,
            description="Mapa",
        )
    )
    tiles = [x for x in spec["layer"] if x["mark"]["type"] == "rect"][0]
    # "show" missing values (not filter them), in the configured grey.
    assert tiles["mark"]["invalid"] is None
    assert spec["config"]["scale"]["invalid"] == {
        "color": {"value": charts.MISSING_COLOR}
    }
    color = tiles["encoding"]["color"]
    assert color["field"] == "value"
    assert color["scale"]["scheme"] == charts.SCHEME
    assert color["legend"]["format"] == ".1~%"
    labels = layer_encoding(spec, "text")
    assert labels["text"]["field"] == "short"
    assert [t["field"] for t in labels["tooltip"]] == ["department_name", "value_label"]
    assert spec["transform"] == [
        {
            "calculate": 'isValid(datum.value) ? format(datum.value, ".1~%") '
            f': "{translation.gettext("No data")}"',
            "as": "value_label",
        }
    ]


def test_tile_map_refuses_an_unknown_department():
    with pytest.raises(ValueError, match="SV-XX"):
        charts.tile_map(
            [{"department": "SV-XX", "v": 1}],
            value="v",
            value_title="V",
            description="d",
        )
