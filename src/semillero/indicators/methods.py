"""The numbers of the methods page (`/indicators/insertion/methods/`): a worked
example computed by the very functions that make the insertion figures
(`insertion.py`) and the tracer samples (`tracer/sampling.py`), so the page can
never drift from what the system does. The example's inputs are invented and
say so; the settings are the ones in force."""

import statistics

from django.conf import settings
from django.utils.translation import gettext as _

from semillero.core.suppression import threshold
from semillero.tracer.models import TracerStudy
from semillero.tracer.sampling import stratum_size

from .insertion import Z, class_adjusted, kaplan_meier_median, wilson

# The worked example: (cell, completers Nc, respondents rc, working among them).
CELLS = (
    ("women", 40, 8, 6),
    ("men", 60, 20, 10),
    ("none", 10, 0, 0),
)
# Sampled graduates, of whom answered, of whom could not be reached at all.
SAMPLED, ANSWERED, NO_CONTACT = 120, 84, 15
# Respondents surveyed six months on: (months to the first job, True) for those
# who found one, (6, False) for those not working at the survey (censored); one
# more works but did not say since when, and is left out.
FIRST_JOBS = (
    (1, True),
    (2, True),
    (4, True),
    (5, True),
    (6, False),
    (6, False),
    (6, False),
)
# Strata sizes shown in the sample-size table.
STRATA = (10, 20, 60, 200, 1000)


def context() -> dict:
    margin = float(TracerStudy._meta.get_field("margin_of_error").default)
    n0 = Z * Z * 0.25 / (margin * margin)
    cell_names = {
        "women": _("Electricity, women"),
        "men": _("Electricity, men"),
        "none": _("Electricity, sex not recorded"),
    }
    cells = [
        {
            "name": cell_names[key],
            "completers": n_c,
            "respondents": r_c,
            "working": k_c,
            "rate": k_c / r_c if r_c else None,
            "weight": n_c / r_c if r_c else None,
        }
        for key, n_c, r_c, k_c in CELLS
    ]
    estimate = class_adjusted((n_c, r_c, k_c) for _key, n_c, r_c, k_c in CELLS)
    respondents = sum(r_c for _key, _n, r_c, _k in CELLS)
    working = sum(k_c for _key, _n, _r, k_c in CELLS)
    plain_low, plain_high = wilson(working, respondents)
    return {
        "min_respondents": settings.INSERTION_MIN_RESPONDENTS,
        "k": threshold(),
        "z": Z,
        "response": {
            "sampled": SAMPLED,
            "answered": ANSWERED,
            "no_contact": NO_CONTACT,
            "rate": ANSWERED / SAMPLED,
            "rate_without_no_contact": ANSWERED / (SAMPLED - NO_CONTACT),
        },
        "cells": cells,
        "plain": {
            "respondents": respondents,
            "working": working,
            "rate": working / respondents,
            "ci_low": plain_low,
            "ci_high": plain_high,
        },
        "weighted": estimate,
        "first_jobs": {
            "respondents": len(FIRST_JOBS),
            "found": [t for t, event in FIRST_JOBS if event],
            "looking": sum(1 for _t, event in FIRST_JOBS if not event),
        },
        "km_median": kaplan_meier_median(FIRST_JOBS),
        "naive_median": statistics.median(t for t, event in FIRST_JOBS if event),
        "sampling": {
            "margin": margin,
            "n0": n0,
            "strata": [
                {"population": n, "size": stratum_size(n, margin)} for n in STRATA
            ],
        },
    }
