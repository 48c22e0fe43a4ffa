"""The PDF summary of a consultation's results (WeasyPrint; the charts drawn
offline by vl-convert as SVG data: URLs, as the plans' board report does):
response rates, each closed question's distribution, agreement share and the
difference between groups in words, and each open question's frequent words
and themes by group. Nothing is fetched from the network."""

import base64

from django.template.loader import render_to_string
from django.utils import timezone

from . import charts

CHART_WIDTH = 440


def chart_svg(spec: dict) -> str:
    import vl_convert

    spec = {**spec, "width": CHART_WIDTH}
    svg = vl_convert.vegalite_to_svg(spec)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def summary_pdf(request, consultation, rates, closed, open_) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    for result in closed:
        result.svg = (
            chart_svg(charts.stacked_bars(result))
            if result.question.type in ("likert", "single") and result.total.n
            else ""
        )
    html = render_to_string(
        "consultations/summary_pdf.html",
        {
            "consultation": consultation,
            "rates": rates,
            "closed": closed,
            "open": open_,
            "made_on": timezone.localdate(),
        },
        request=request,
    )
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
