"""Tracer-study pages for the institute: the list, defining a study, its sample
plan and draw, the fieldwork progress and results, and the contact list.

Thin shells over `tracer.selectors` and `tracer.services`; who may do what is
decided in `accounts.permissions`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from semillero.accounts.permissions import (
    can_manage_tracer_studies,
    can_read_tracer_studies,
    can_see_tracer_contacts,
)
from semillero.core.listing import Column, Filter, Listing
from semillero.indicators import definitions as d
from semillero.indicators.compute import compute
from semillero.indicators.dashboard import indicator_label

from . import events, selectors, services
from .forms import StudyForm
from .models import StudyStatus, TracerStudy

# The study's results: the cohort's headline insertion figures.
RESULTS = (
    "tracer_response_rate",
    "employment_rate",
    "employment_rate_weighted",
    "formal_share",
    "job_relevance_share",
    "median_months_to_first_job",
)


def _require_reader(user):
    if not can_read_tracer_studies(user):
        raise PermissionDenied(_("You are not allowed to see tracer studies."))


def _study_or_404(user, pk) -> TracerStudy:
    try:
        return selectors.study(user=user, pk=pk)
    except TracerStudy.DoesNotExist as exc:
        raise Http404 from exc


def survey_link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("survey:start", args=[token]))


@login_required
@require_GET
def study_list(request):
    _require_reader(request.user)
    return render(
        request,
        "tracer/study_list.html",
        {
            "studies": selectors.study_list(user=request.user),
            "can_manage": can_manage_tracer_studies(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def study_create(request):
    if not can_manage_tracer_studies(request.user):
        raise PermissionDenied(_("You are not allowed to create tracer studies."))
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            study = services.create_study(user=request.user, **fields)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Study created. Check the sample plan, then draw it.")
            )
            return redirect("tracer:study_detail", study.pk)
    return render(
        request,
        "tracer/study_form.html",
        {"form": form, "title": _("New tracer study")},
    )


@login_required
@require_GET
def study_detail(request, pk):
    user = request.user
    _require_reader(user)
    study = _study_or_404(user, pk)
    context = {
        "study": study,
        "can_manage": can_manage_tracer_studies(user),
        "can_see_contacts": can_see_tracer_contacts(user),
    }
    if study.status == StudyStatus.DRAFT:
        frame_size, strata = selectors.sample_plan(study)
        context.update(
            frame_size=frame_size,
            strata=strata,
            sample_size=sum(s.size for s in strata),
        )
    else:
        context.update(
            rate=study.answered / study.sampled if study.sampled else None,
            by_stratum=selectors.progress_by_stratum(study),
            by_day=selectors.progress_by_day(study, study.sampled),
            results=_results(study),
        )
    return render(request, "tracer/study_detail.html", context)


def _results(study) -> list[dict]:
    rows = []
    for code in RESULTS:
        (row,) = compute(code, study.cohort_year, followup=study.followup_months)
        rows.append({**row, "label": indicator_label(code), "unit": d.get(code).unit})
    return rows


@login_required
@require_POST
def study_draw(request, pk):
    study = _study_or_404(request.user, pk)
    try:
        sampled = services.draw_sample(study, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Sample drawn: %(n)s graduates, each with a personal link. Fieldwork is open."
            )
            % {"n": sampled},
        )
    return redirect("tracer:study_detail", study.pk)


@login_required
@require_POST
def study_close(request, pk):
    study = _study_or_404(request.user, pk)
    try:
        services.close_study(study, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The study is closed: its links accept no more answers.")
        )
    return redirect("tracer:study_detail", study.pk)


# -- the contact list ------------------------------------------------------------------

STATES = [
    ("pending", gettext_lazy("Not answered")),
    ("never_sent", gettext_lazy("Link never sent")),
    ("answered", gettext_lazy("Answered")),
]


def _contact_columns(request) -> list[Column]:
    trainee = "response.trainee"
    return [
        Column(
            "name",
            gettext_lazy("Name"),
            sort=("response__trainee__last_name",),
            value=lambda i: (
                f"{i.response.trainee.first_name} {i.response.trainee.last_name}".strip()
            ),
        ),
        Column("phone", gettext_lazy("Phone"), value=f"{trainee}.phone"),
        Column("email", gettext_lazy("E-mail"), value=f"{trainee}.email"),
        Column(
            "programme",
            gettext_lazy("Programme"),
            sort=("response__course_run__programme__name",),
            value="response.course_run.programme.name",
        ),
        Column("stratum", gettext_lazy("Stratum"), sort=("stratum",), value="stratum"),
        Column("state", gettext_lazy("State"), value="state"),
        Column(
            "reminders",
            gettext_lazy("Reminders"),
            sort=("reminders",),
            value="reminders",
            numeric=True,
        ),
        Column(
            "last_reminder",
            gettext_lazy("Last reminder"),
            sort=("last_reminder_at",),
            value="last_reminder_at",
        ),
        Column(
            "link",
            gettext_lazy("Personal link"),
            value=lambda i: survey_link(request, i.token),
            table=False,
        ),
    ]


@login_required
@require_GET
def contacts(request, pk):
    user = request.user
    if not can_see_tracer_contacts(user):
        raise PermissionDenied(_("You are not allowed to see the graduates' contacts."))
    study = _study_or_404(user, pk)
    listing = Listing(
        request,
        name="tracer_contacts",
        title=_("Contacts of %(study)s") % {"study": study.name},
        columns=_contact_columns(request),
        filters=[
            Filter("state", gettext_lazy("State"), STATES),
            Filter(
                "stratum",
                gettext_lazy("Stratum"),
                lambda: selectors.strata_choices(study),
            ),
        ],
        default_sort="-reminders",
    )
    rows = selectors.contacts(user=user, study=study, **listing.selector_kwargs())
    response = listing.respond(
        rows,
        "tracer/contacts.html",
        "tracer/_contact_results.html",
        {"listing": listing, "study": study},
    )
    if not listing.export_format:  # a download is audited as an export
        events.contacts_viewed_event(
            study=study, user=user, rows=len(listing.page.object_list)
        )
    return response


@login_required
@require_POST
def contacts_action(request, pk):
    user = request.user
    study = _study_or_404(user, pk)
    if not can_manage_tracer_studies(user):
        raise PermissionDenied
    action = request.POST.get("action")
    ids = [int(i) for i in request.POST.getlist("invitation") if i.isdigit()]
    try:
        if action == "email":
            n = services.send_email_reminders(
                study, user=user, link_for=lambda token: survey_link(request, token)
            )
            messages.success(request, _("%(n)s reminders sent by e-mail.") % {"n": n})
        elif action == "sent" and ids:
            n = services.mark_sent(study, ids, user=user)
            messages.success(request, _("%(n)s links marked as sent.") % {"n": n})
        elif action == "reminded" and ids:
            n = services.record_reminders(study, ids, user=user)
            messages.success(request, _("%(n)s reminders recorded.") % {"n": n})
        else:
            messages.error(request, _("Choose at least one graduate, then an action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    back = request.POST.get("next", "")
    if not back.startswith(reverse("tracer:contacts", args=[study.pk])):
        back = reverse("tracer:contacts", args=[study.pk])
    return redirect(back)
