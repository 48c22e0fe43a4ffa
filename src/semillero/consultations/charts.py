"""Vega-Lite specs of the results page (Altair), drawn by static/js/charts.js
like the dashboards' charts: the distribution of a question's answers by group
as 100 % stacked bars."""

import altair as alt
from django.utils.translation import gettext as _

from semillero.indicators.charts import BAR_STEP, chart_spec

# Red to green for disagree to agree (ColorBrewer RdYlGn, 5 classes); options of
# a choice question take a categorical scheme.
LIKERT_COLORS = ["#d7191c", "#fdae61", "#d9d9a0", "#a6d96a", "#1a9641"]


def stacked_bars(result) -> dict:
    question = result.question
    codes = [code for code, _label in result.options]
    labels = dict(result.options)
    rows = []
    for group in result.groups:
        if not group.n:
            continue
        for code, share in group.shares(codes):
            rows.append(
                {
                    "group": group.name,
                    "answer": f"{code} · {labels[code]}"
                    if question.type == "likert"
                    else labels[code],
                    "order": codes.index(code),
                    "share": share,
                    "n": group.counts.get(code, 0),
                }
            )
    domain = [
        f"{c} · {labels[c]}" if question.type == "likert" else labels[c] for c in codes
    ]
    color = alt.Color(
        "answer:N",
        title=_("Answer"),
        sort=domain,
        scale=alt.Scale(domain=domain, range=LIKERT_COLORS)
        if question.type == "likert"
        else alt.Scale(domain=domain, scheme="tableau10"),
        legend=alt.Legend(orient="bottom", columns=3),
    )
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=None, sort=[g.name for g in result.groups]),
            x=alt.X(
                "share:Q",
                title=_("Share of the group's answers"),
                stack="zero" if question.type == "multiple" else "normalize",
                axis=alt.Axis(format="%"),
            ),
            color=color,
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("group:N", title=_("Group")),
                alt.Tooltip("answer:N", title=_("Answer")),
                alt.Tooltip("share:Q", title=_("Share"), format=".0%"),
                alt.Tooltip("n:Q", title=_("Answers")),
            ],
        )
        .properties(
            width="container",
            height=BAR_STEP * max(1, len({r["group"] for r in rows})),
            description=_("Answers to “%(question)s” by stakeholder group")
            % {"question": question.text},
        )
    )
    return chart_spec(chart)
