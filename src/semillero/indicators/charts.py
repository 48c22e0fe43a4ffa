"""Vega-Lite chart specs for the dashboards, built with Altair.

Each function takes rows (a list of dicts, as selectors return them) and returns a
plain dict: the Vega-Lite spec. A view passes it to the template with
`{{ spec|json_script:"some-id" }}` next to `<div data-vega-spec="some-id">`, and
`static/js/charts.js` draws it with vega-embed. The same spec can later be turned
into SVG/PNG for reports (vl-convert), so nothing here depends on the page.

Conventions:
- Titles and labels come from the caller, already translated; the few strings set
  here (export menu, "No data") go through gettext when the spec is built.
- A value of None is missing, not zero: no bar, a break in the line, a grey tile.
- `percent=True` means the values are ratios (0.25 is 25 %). Number formats are d3
  format strings; the decimal and thousands separators come from `NUMBER_LOCALE`
  (El Salvador writes 1,234.5, as English does).
- Charts fill the width of their container and carry a description for screen
  readers.
- Only the fields a chart draws are copied into the spec, so nothing else in the
  rows reaches the page.
"""

import json
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import altair as alt
import pycountry
from django.utils.translation import gettext

# Number conventions of El Salvador (es-SV), the same as English: decimal point,
# comma for thousands, US dollars. d3's locale definition, set in the spec's config
# so the chart does not depend on the page's defaults.
NUMBER_LOCALE = {
    "decimal": ".",
    "thousands": ",",
    "grouping": [3],
    "currency": ["$", ""],
}

PERCENT_FORMAT = ".1~%"  # 0.255 → 25.5%, 0.25 → 25%
NUMBER_FORMAT = ",.2~f"  # 1234.5 → 1,234.5; 1234 → 1,234

COLOR = "#007a50"  # Pico jade's primary colour, as the rest of the interface
MISSING_COLOR = "#d9d9d9"
SCHEME = "greens"  # sequential, for the map

# El Salvador's 14 departments (ISO 3166-2) on a tile grid, (column, row) with the
# origin top left, roughly as they lie: west (Santa Ana, Ahuachapán, Sonsonate),
# Chalatenango in the north, the centre (La Libertad, San Salvador, Cuscatlán,
# Cabañas), south-centre (La Paz, San Vicente), and the east (Morazán, San Miguel,
# Usulután, La Unión).
DEPARTMENT_TILES: dict[str, tuple[int, int]] = {
    "SV-SA": (0, 0),
    "SV-CH": (2, 0),
    "SV-MO": (5, 0),
    "SV-AH": (0, 1),
    "SV-LI": (1, 1),
    "SV-SS": (2, 1),
    "SV-CU": (3, 1),
    "SV-CA": (4, 1),
    "SV-SM": (5, 1),
    "SV-UN": (6, 1),
    "SV-SO": (0, 2),
    "SV-PA": (2, 2),
    "SV-SV": (3, 2),
    "SV-US": (4, 2),
}

DARK_FROM = 0.7  # share of the value range from which a tile's label is white
TILE_HEIGHT = 56  # pixels per row of tiles; the width follows the container
BAR_STEP = 28  # pixels per bar
MAX_YEAR_TICKS = 12


def bar_chart(
    rows: Iterable[Mapping[str, Any]],
    *,
    category: str,
    value: str,
    category_title: str,
    value_title: str,
    percent: bool = False,
    sort: str | list[str] | None = None,
    description: str,
    value_format: str | None = None,
) -> dict:
    """Horizontal bars, one per row. `sort`: None keeps the rows' order;
    "descending" (or "-x") puts the largest value on top, "ascending" (or "x") the
    smallest, missing values last either way; a list gives the categories' order.
    A row whose value is None keeps its place with a "No data" label, not a bar."""
    fmt = _format(percent, value_format)
    data = _records(rows, [category, value])
    # The order is worked out here, not by Vega-Lite: a layered chart cannot sort
    # its shared axis by a field that only one layer has.
    order = _order(data, category, value, sort)
    y = alt.Y(f"{category}:N", title=category_title, sort=order)
    x = alt.X(
        f"{value}:Q",
        title=value_title,
        axis=alt.Axis(format=fmt),
        scale=alt.Scale(zero=True),
    )
    base = alt.Chart(alt.Data(values=data))
    bars = base.mark_bar(color=COLOR).encode(
        y=y,
        x=x,
        tooltip=[
            alt.Tooltip(f"{category}:N", title=category_title),
            alt.Tooltip(f"{value}:Q", title=value_title, format=fmt),
        ],
    )
    missing = (
        base.transform_filter(f"!isValid(datum[{_js(value)}])")
        .mark_text(align="left", dx=4, fontStyle="italic", color="#6b6b6b")
        .encode(y=y, x=alt.datum(0), text=alt.value(gettext("No data")))
    )
    chart = alt.layer(bars, missing).properties(
        width="container",
        # A fixed height, not a step: a step height and a container width make
        # Vega-Lite warn in the console.
        height=BAR_STEP * max(1, len(order)),
        description=description,
    )
    return chart_spec(chart)


def trend_chart(
    rows: Iterable[Mapping[str, Any]],
    *,
    x: str = "year",
    value: str,
    value_title: str,
    percent: bool = False,
    series: str | None = None,
    series_title: str | None = None,
    description: str,
    value_format: str | None = None,
) -> dict:
    """A line with points over the years (whole numbers on the axis, one tick per
    year in the data); one line per value of `series` if given. A None value
    breaks the line."""
    fmt = _format(percent, value_format)
    fields = [x, value] + ([series] if series else [])
    data = _records(rows, fields)
    years = sorted({r[x] for r in data if r[x] is not None})
    x_enc = alt.X(
        f"{x}:Q",
        title=None,
        # One tick per year, unless there are too many to read.
        axis=alt.Axis(
            format="d",
            values=years if 0 < len(years) <= MAX_YEAR_TICKS else alt.Undefined,
            tickMinStep=1,
        ),
        scale=alt.Scale(zero=False, nice=False, padding=12),
    )
    y_enc = alt.Y(f"{value}:Q", title=value_title, axis=alt.Axis(format=fmt))
    tooltip = [
        alt.Tooltip(f"{x}:Q", title=gettext("Year"), format="d"),
        alt.Tooltip(f"{value}:Q", title=value_title, format=fmt),
    ]
    encoding: dict[str, Any] = {"x": x_enc, "y": y_enc}
    mark: dict[str, Any] = {"point": True, "tooltip": True}
    if series:
        encoding["color"] = alt.Color(
            f"{series}:N",
            title=series_title,
            legend=alt.Legend(orient="bottom"),
        )
        tooltip.insert(0, alt.Tooltip(f"{series}:N", title=series_title))
    else:
        mark["color"] = COLOR
        mark["point"] = {"color": COLOR}
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_line(**mark)
        .encode(**encoding, tooltip=tooltip)
        .properties(width="container", height=260, description=description)
    )
    return chart_spec(chart)


def tile_map(
    rows: Iterable[Mapping[str, Any]],
    *,
    department: str = "department",
    value: str,
    value_title: str,
    percent: bool = False,
    description: str,
    value_format: str | None = None,
) -> dict:
    """El Salvador's departments as a grid of tiles (`DEPARTMENT_TILES`), coloured
    by value, labelled with the short code (AH, SS…). Rows carry the ISO code in
    `department` and the name in `department_name`. All 14 departments are drawn:
    one without a row, or with a None value, is grey. Rows without a department
    are left out (they have no place on the map); an unknown code is an error."""
    fmt = _format(percent, value_format)
    by_code: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        code = row.get(department)
        if code is None:
            continue
        if code not in DEPARTMENT_TILES:
            raise ValueError(f"unknown department {code!r}")
        by_code[code] = row
    values = [_number(r.get(value)) for r in by_code.values()]
    present = [v for v in values if v is not None]
    # Tiles in the darkest part of the range get a white label (black reads better
    # up to about 70 % of the "greens" scheme).
    threshold = (
        min(present) + DARK_FROM * (max(present) - min(present)) if present else None
    )
    data = []
    for code, (column, row_number) in DEPARTMENT_TILES.items():
        row = by_code.get(code, {})
        number = _number(row.get(value))
        data.append(
            {
                "department": code,
                "department_name": row.get("department_name") or _department_name(code),
                "short": code.removeprefix("SV-"),
                "value": number,
                "tile_column": column,
                "tile_row": row_number,
                "dark": number is not None and number > threshold,
            }
        )
    columns = 1 + max(c for c, _ in DEPARTMENT_TILES.values())
    rows_count = 1 + max(r for _, r in DEPARTMENT_TILES.values())
    x = alt.X(
        "tile_column:O",
        axis=None,
        scale=alt.Scale(domain=list(range(columns)), paddingInner=0.08),
    )
    y = alt.Y(
        "tile_row:O",
        axis=None,
        scale=alt.Scale(domain=list(range(rows_count)), paddingInner=0.08),
    )
    # The tooltip shows "No data" rather than "null" for a missing value.
    value_label = f"isValid(datum.value) ? format(datum.value, {_js(fmt)}) : {_js(gettext('No data'))}"
    tooltip = [
        alt.Tooltip("department_name:N", title=gettext("Department")),
        alt.Tooltip("value_label:N", title=value_title),
    ]
    base = alt.Chart().encode(x=x, y=y, tooltip=tooltip)
    # invalid=None: a tile with no value is drawn ("show"), in the colour that
    # `chart_spec` sets for invalid values (grey), instead of being left out.
    tiles = base.mark_rect(cornerRadius=3, invalid=None).encode(
        color=alt.Color(
            "value:Q",
            title=value_title,
            scale=alt.Scale(scheme=SCHEME, zero=False),
            legend=alt.Legend(format=fmt, orient="bottom", gradientLength=200),
        )
    )
    labels = base.mark_text(fontWeight="bold", fontSize=13).encode(
        text="short:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value("#1b1e23")),
    )
    chart = (
        alt.layer(tiles, labels, data=alt.Data(values=data))
        .transform_calculate(value_label=value_label)
        .properties(
            width="container",
            height=TILE_HEIGHT * rows_count,
            description=description,
        )
    )
    return chart_spec(chart)


def interval_chart(
    rows: Iterable[Mapping[str, Any]],
    *,
    category: str,
    value: str,
    low: str,
    high: str,
    category_title: str,
    value_title: str,
    highlight: str | None = None,
    reference: float | None = None,
    description: str,
) -> dict:
    """Dot and whisker per row (a proportion and its interval), in the rows'
    order; a filled dot where `highlight` is true; a dashed rule at `reference`
    (e.g. the whole cohort's rate). Rows without a value are left out."""
    fields = [category, value, low, high] + ([highlight] if highlight else [])
    data = [r for r in _records(rows, fields) if r[value] is not None]
    order = [r[category] for r in data]
    y = alt.Y(f"{category}:N", title=category_title, sort=order)
    x_scale = alt.Scale(domain=[0, 1])
    base = alt.Chart(alt.Data(values=data))
    whiskers = base.mark_rule(color=COLOR).encode(
        y=y,
        x=alt.X(
            f"{low}:Q", title=value_title, axis=alt.Axis(format="%"), scale=x_scale
        ),
        x2=f"{high}:Q",
    )
    tooltip = [
        alt.Tooltip(f"{category}:N", title=category_title),
        alt.Tooltip(f"{value}:Q", title=value_title, format=PERCENT_FORMAT),
        alt.Tooltip(f"{low}:Q", title="95 % −", format=PERCENT_FORMAT),
        alt.Tooltip(f"{high}:Q", title="95 % +", format=PERCENT_FORMAT),
    ]
    dot = {"filled": True, "size": 60, "color": COLOR}
    encode: dict[str, Any] = {"y": y, "x": f"{value}:Q", "tooltip": tooltip}
    if highlight:
        dot["filled"] = True
        encode["opacity"] = alt.condition(
            f"datum[{_js(highlight)}]", alt.value(1.0), alt.value(0.35)
        )
    layers = [whiskers, base.mark_point(**dot).encode(**encode)]
    if reference is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"reference": reference}]))
            .mark_rule(strokeDash=[4, 4], color="#6b6b6b")
            .encode(x="reference:Q")
        )
    chart = alt.layer(*layers).properties(
        width="container",
        height=BAR_STEP * max(1, len(order)),
        description=description,
    )
    return chart_spec(chart)


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """An Altair chart as the Vega-Lite spec every page draws (our number
    format, no frame, the export menu in the page's language); other apps' charts
    go through it too."""
    chart = (
        chart.configure(locale={"number": NUMBER_LOCALE})
        .configure_view(stroke=None)
        # Missing values that a mark still draws (the map's tiles) are grey.
        .configure_scale(invalid={"color": {"value": MISSING_COLOR}})
    )
    spec = chart.to_dict()
    # vega-embed reads these from the spec: the export menu in the page's language.
    spec["usermeta"] = {
        "embedOptions": {
            "i18n": {
                "CLICK_TO_VIEW_ACTIONS": gettext("Chart actions"),
                "SVG_ACTION": gettext("Download SVG"),
                "PNG_ACTION": gettext("Download PNG"),
            }
        }
    }
    return spec


def _order(
    data: list[dict], category: str, value: str, sort: str | list[str] | None
) -> list:
    categories = list(dict.fromkeys(r[category] for r in data))
    if sort is None:
        return categories
    if isinstance(sort, list):
        first = [c for c in sort if c in categories]
        return first + [c for c in categories if c not in first]
    if sort not in ("ascending", "descending", "x", "-x"):
        raise ValueError(f"unknown sort {sort!r}")
    descending = sort in ("descending", "-x")
    values = {r[category]: r[value] for r in data}
    present = [c for c in categories if values[c] is not None]
    present.sort(key=lambda c: values[c], reverse=descending)
    return present + [c for c in categories if values[c] is None]


def _format(percent: bool, value_format: str | None) -> str:
    if value_format:
        return value_format
    return PERCENT_FORMAT if percent else NUMBER_FORMAT


def _records(rows: Iterable[Mapping[str, Any]], fields: list[str]) -> list[dict]:
    return [{f: _number(row.get(f)) for f in fields} for row in rows]


def _number(value: Any) -> Any:
    # Aggregates come back from the database as Decimal, which JSON cannot carry;
    # NaN and infinity are not JSON either (the browser would refuse the spec), and
    # mean "no value" here.
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _department_name(code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=code)
    return subdivision.name if subdivision else code


def _js(text: str) -> str:
    """A JavaScript string literal (for a field name inside an expression)."""
    return json.dumps(text, ensure_ascii=False)
