"""The board report of a plan for a year: its scorecard as a PDF (WeasyPrint,
charts drawn by vl-convert) and as an XLSX (XlsxWriter), in the institute's
language, under the name the institute carried that year.

Both are built from one `Scorecard(plan, year).calculate()` (see `report_data`);
values read as on the pages (`plan_tags.plan_value`, `progress_text`). Nothing
is fetched from the network: vl-convert carries Vega and Vega-Lite inside it,
the chart goes into the page as a data: URL, and WeasyPrint refuses any other
URL (`build_pdf`). Fonts are the system's (fontconfig).
"""

import base64
import io
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override

from semillero.indicators import charts

from .models import Narrative, Plan, Unit
from .scorecard import Scorecard
from .views import SCORECARD_COLUMNS, institute_name, scorecard_rows

CHART_WIDTH = 440  # points of the A4 page's text width, less the axis labels


def report_data(plan: Plan, year: int) -> dict:
    """What both files show: the scorecard by axis and objective, the counts by
    status, and each indicator's latest narrative of the year."""
    card = Scorecard(plan, year).calculate()
    rows = scorecard_rows(card)
    narratives: dict[int, Narrative] = {}
    # Newest first: the first one met for an indicator is its latest.
    for narrative in Narrative.objects.filter(
        indicator__in=[row.indicator for row in rows], year=year
    ).order_by("-created_at", "-pk"):
        narratives.setdefault(narrative.indicator_id, narrative)
    for row in rows:
        row.narrative = narratives.get(row.indicator.pk)
    return {
        "plan": plan,
        "year": year,
        "institute_name": institute_name(plan.institute, year),
        "made_on": timezone.localdate(),
        "card": card,
        "rows": rows,
    }


# -- PDF ------------------------------------------------------------------------------


def progress_chart(rows) -> dict:
    """Progress by indicator as bars (a dashed rule at 100 %: the target), the
    same spec the pages would draw, with a fixed width for the printed page."""
    spec = charts.bar_chart(
        [
            {
                "indicator": row.indicator.code,
                "progress": None if row.progress is None else float(row.progress),
            }
            for row in rows
        ],
        category="indicator",
        value="progress",
        category_title=_("Indicator"),
        value_title=_("Progress"),
        percent=True,
        description=_("Progress of each indicator towards its target."),
    )
    spec["width"] = CHART_WIDTH  # there is no container to fill on paper
    spec["layer"].append(
        {
            "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#6b6b6b"},
            "encoding": {"x": {"datum": 1}},
        }
    )
    return spec


def chart_svg(spec: dict) -> str:
    """The chart as an SVG data URL, drawn offline by vl-convert."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def build_pdf(plan: Plan, year: int, *, data: dict | None = None) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    with override(settings.LANGUAGE_CODE):
        data = data or report_data(plan, year)
        axes = []
        for block in data["card"]["axes"]:
            axis_rows = [row for item in block["objectives"] for row in item["rows"]]
            axes.append(
                {
                    **block,
                    "chart": chart_svg(progress_chart(axis_rows)) if axis_rows else "",
                }
            )
        html = render_to_string(
            "plans/report_pdf.html",
            {
                **data,
                "axes": axes,
                "language": settings.LANGUAGE_CODE,
                "on_track": round(settings.PLAN_ON_TRACK * 100),
                "at_risk": round(settings.PLAN_AT_RISK * 100),
            },
        )
        # Only data: URLs (the charts); anything else stops the build.
        fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
        document = HTML(string=html, url_fetcher=fetcher)
        return document.write_pdf()


# -- XLSX -----------------------------------------------------------------------------

# Excel number formats by unit; a milestone's 1/0 reads "Reached"/"Not reached".
NUMBER_FORMATS = {
    Unit.COUNT: "#,##0",
    Unit.RATIO: "0.0%",
    Unit.USD: "#,##0.00",
    Unit.MONTHS: "0",
    Unit.PER_1000: "#,##0.0",
    Unit.INDEX: "0.000",
}


def _milestone_format() -> str:
    # Sections: positive; negative; zero. Quotes would end the text early.
    reached = _("Reached").replace('"', "")
    not_reached = _("Not reached").replace('"', "")
    return f'"{reached}";"{not_reached}";"{not_reached}"'


def build_xlsx(plan: Plan, year: int, *, data: dict | None = None) -> bytes:
    """One sheet: a header block (plan, institute, year, counts by status), then
    the scorecard's rows with the columns of its download plus the year's
    narrative. Numbers stay numbers; text is written as text, never a formula."""
    import xlsxwriter

    with override(settings.LANGUAGE_CODE):
        data = data or report_data(plan, year)
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            buffer, {"in_memory": True, "default_date_format": "dd/mm/yyyy"}
        )
        sheet = workbook.add_worksheet(_("Scorecard")[:31])
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        head = workbook.add_format({"bold": True, "text_wrap": True, "bottom": 1})
        formats = {
            unit: workbook.add_format({"num_format": fmt, "valign": "top"})
            for unit, fmt in NUMBER_FORMATS.items()
        }
        formats[Unit.MILESTONE] = workbook.add_format(
            {"num_format": _milestone_format(), "valign": "top"}
        )
        percent = workbook.add_format({"num_format": "0%", "valign": "top"})
        plain = workbook.add_format({"valign": "top"})

        sheet.write_string(0, 0, _("Board report"), title)
        header_block = [
            (_("Plan"), f"{plan.name} {plan.start_year}–{plan.end_year}"),
            (capfirst(_("Institute")), data["institute_name"]),
            (_("Year reported"), year),
            (_("Made on"), data["made_on"]),
        ]
        header_block += [
            (label, count) for _code, label, count in data["card"]["counts"]
        ]
        header_block.append((_("Total"), data["card"]["total"]))
        day = workbook.add_format({"num_format": "dd/mm/yyyy", "align": "left"})
        whole = workbook.add_format({"align": "left"})
        for number, (label, value) in enumerate(header_block, start=1):
            sheet.write_string(number, 0, str(label), bold)
            if isinstance(value, date):
                sheet.write_datetime(number, 1, value, day)
            elif isinstance(value, int):
                sheet.write_number(number, 1, value, whole)
            else:
                sheet.write_string(number, 1, value)

        columns = [(str(header), value) for header, value in SCORECARD_COLUMNS]
        narrative = Narrative._meta
        headers = [h for h, _v in columns] + [
            capfirst(str(narrative.get_field("what_happened").verbose_name)),
            capfirst(str(narrative.get_field("next_steps").verbose_name)),
        ]
        value_columns, progress_column = _column_kinds()
        top = len(header_block) + 2
        for col, header in enumerate(headers):
            sheet.write_string(top, col, header, head)
        for number, row in enumerate(data["rows"], start=top + 1):
            for col, (_header, value) in enumerate(columns):
                cell = value(row)
                if cell is None:
                    sheet.write_blank(number, col, None, plain)
                elif isinstance(cell, int | float | Decimal):
                    if col in value_columns:
                        fmt = formats.get(row.unit, plain)
                    elif col == progress_column:
                        fmt = percent
                    else:
                        fmt = plain
                    sheet.write_number(number, col, float(cell), fmt)
                else:
                    sheet.write_string(number, col, str(cell), wrap)
            story = row.narrative
            sheet.write_string(
                number, len(columns), story.what_happened if story else "", wrap
            )
            sheet.write_string(
                number, len(columns) + 1, story.next_steps if story else "", wrap
            )
        widths = [28, 28, 40, 14, 10, 12, 12, 12, 10, 12, 16, 50, 50]
        for col in range(len(headers)):
            sheet.set_column(col, col, widths[col] if col < len(widths) else 14)
        sheet.freeze_panes(top + 1, 0)
        sheet.autofilter(top, 0, top + max(len(data["rows"]), 1), len(headers) - 1)
        workbook.close()
        return buffer.getvalue()


def _column_kinds() -> tuple[set[int], int | None]:
    """Which columns of `SCORECARD_COLUMNS` hold the indicator's values (in its
    unit) and which its progress, found by their (translated) headers."""
    values = {_("Baseline"), _("Target"), _("Actual")}
    kinds = [str(header) for header, _value in SCORECARD_COLUMNS]
    value_columns = {i for i, header in enumerate(kinds) if header in values}
    progress = kinds.index(_("Progress")) if _("Progress") in kinds else None
    return value_columns, progress
