"""The tracer questionnaire: no login, the personal link's token is the key.

A few short steps, each saved when the person moves on, so a dropped
connection or a closed browser loses at most one step; the same link resumes.
Once sent, or once the study is closed, the link shows why it takes nothing
more. No personal data is shown beyond the course the person took.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import services
from .forms import JobStep, PathStep, StatusStep, is_working, occupation_label
from .models import EmploymentStatus

STATUS, JOB, PATH, SEND = "situacion", "empleo", "trayectoria", "enviar"


def _steps(response) -> list[str]:
    """The steps of this person: the job step only for those who work (before
    the first answer, the longest path, so the progress bar never jumps back)."""
    if is_working(response) or not response.employment_status:
        return [STATUS, JOB, PATH, SEND]
    return [STATUS, PATH, SEND]


def _invitation_or_404(token):
    invitation = services.invitation_for(token)
    if invitation is None:
        raise Http404(_("This link does not exist. Check that it was copied whole."))
    return invitation


def _private(response):
    """The token is in the URL: keep it out of other sites' logs and of search
    engines. Referrers go to our own pages only ("no-referrer" would make the
    browser send `Origin: null` with the form, which Django's CSRF check refuses)."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _unavailable(request, invitation, reason: str):
    return _private(
        render(
            request,
            "tracer/survey_unavailable.html",
            {"reason": reason, "invitation": invitation},
            status=410 if reason == "closed" else 200,
        )
    )


def _page(request, invitation, step, context):
    steps = _steps(invitation.response)
    number = steps.index(step) + 1 if step in steps else 1
    context.update(
        invitation=invitation,
        token=invitation.token,
        step=step,
        step_number=number,
        step_count=len(steps),
        previous=steps[number - 2] if number > 1 else None,
        programme=invitation.response.course_run.programme.name,
    )
    return _private(render(request, "tracer/survey_step.html", context))


@never_cache
@require_http_methods(["GET"])
def start(request, token):
    invitation = _invitation_or_404(token)
    try:
        services.check_open(invitation)
    except services.SurveyUnavailable as exc:
        return _unavailable(request, invitation, exc.reason)
    services.record_opened(invitation)
    response = invitation.response
    return _private(
        render(
            request,
            "tracer/survey_start.html",
            {
                "invitation": invitation,
                "started": bool(response.employment_status),
                "programme": response.course_run.programme.name,
                "first_step": PATH if response.employment_status else STATUS,
            },
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def step(request, token, step):
    invitation = _invitation_or_404(token)
    try:
        services.check_open(invitation)
    except services.SurveyUnavailable as exc:
        return _unavailable(request, invitation, exc.reason)
    response = invitation.response
    if step not in _steps(response):
        if step == JOB:  # not working: nothing to ask about a job
            return redirect("survey:step", token, PATH)
        raise Http404
    if step != STATUS and not response.employment_status:
        return redirect("survey:step", token, STATUS)
    handler = {STATUS: _status, JOB: _job, PATH: _path, SEND: _send}[step]
    return handler(request, invitation)


def _save_and_go(request, invitation, answers: dict, next_step: str):
    try:
        services.save_answers(invitation, answers)
    except services.SurveyUnavailable as exc:
        return _unavailable(request, invitation, exc.reason)
    return redirect("survey:step", invitation.token, next_step)


def _status(request, invitation):
    response = invitation.response
    form = StatusStep(
        request.POST or None, initial={"employment_status": response.employment_status}
    )
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["employment_status"]
        response.employment_status = status
        next_step = JOB if is_working(response) else PATH
        return _save_and_go(
            request, invitation, {"employment_status": status}, next_step
        )
    return _page(request, invitation, STATUS, {"form": form})


def _job(request, invitation):
    response = invitation.response
    self_employed = response.employment_status == EmploymentStatus.SELF_EMPLOYED
    form = JobStep(
        request.POST or None,
        self_employed=self_employed,
        initial=JobStep.initial_from(response),
    )
    if request.method == "POST" and form.is_valid():
        return _save_and_go(request, invitation, form.answers(), PATH)
    occupations = [occupation_label(item) for item in form.occupations]
    return _page(request, invitation, JOB, {"form": form, "occupations": occupations})


def _path(request, invitation):
    response = invitation.response
    form = PathStep(
        request.POST or None,
        initial={
            "months_to_first_job": response.months_to_first_job,
            "satisfaction": str(response.satisfaction or ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        return _save_and_go(request, invitation, form.answers(), SEND)
    return _page(request, invitation, PATH, {"form": form})


def _send(request, invitation):
    if request.method == "POST":
        try:
            services.submit(invitation)
        except services.SurveyUnavailable as exc:
            return _unavailable(request, invitation, exc.reason)
        except ValidationError as exc:
            return _page(request, invitation, SEND, {"errors": exc.messages})
        return _private(render(request, "tracer/survey_thanks.html", {}))
    return _page(request, invitation, SEND, {"summary": _summary(invitation.response)})


def _summary(response) -> list[tuple[str, str]]:
    """The person's answers in their words, to check before sending."""
    none = _("(no answer)")
    rows = [(_("Situation last week"), response.get_employment_status_display())]
    if is_working(response):
        formal = {True: _("Yes"), False: _("No")}.get(response.formal, none)
        rows += [
            (_("Social security or registered business"), formal),
            (_("Occupation"), response.isco_code or none),
            (_("Monthly income"), response.get_income_band_display() or none),
            (_("Related to the course (1–5)"), response.job_related or none),
            (_("Use of what you learned (1–5)"), response.competencies_used or none),
        ]
    months = response.months_to_first_job
    rows += [
        (_("Months to the first job"), none if months is None else months),
        (_("Satisfaction with the course (1–5)"), response.satisfaction or none),
    ]
    return rows
