"""Consultation pages of the institute: the list, a consultation and its groups,
the questionnaire builder and its preview, invitations and links, the results
with their downloads, the open answers and their themes, the import of answers.

Thin shells over `selectors`, `analysis` and `services`; who may do what is in
`accounts.permissions`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from semillero.accounts.permissions import (
    can_invite_people,
    can_read_consultations,
    can_run_consultations,
)
from semillero.core.exports import FORMATS, export_response
from semillero.core.importing.errors import ImportFileError
from semillero.core.listing import Column, Filter, Listing
from semillero.registry.models import Organization

from . import analysis, charts, events, importers, selectors, services
from .forms import (
    AnswerImportForm,
    ConsultationForm,
    GroupForm,
    InviteOrganizationsForm,
    InvitePeopleForm,
    QuestionForm,
    SectionForm,
    ThemeForm,
    section_form,
)
from .models import Answer, Consultation, ConsultationStatus, Question, Section

ANSWERS_PER_PAGE = 25


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied(_("You are not allowed to do this."))


def _consultation_or_404(user, pk) -> Consultation:
    _require(can_read_consultations(user))
    try:
        return selectors.consultation_get(user=user, pk=pk)
    except Consultation.DoesNotExist as exc:
        raise Http404 from exc


def answer_link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("answer:start", args=[token]))


def open_link_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("answer:open_link", args=[token]))


def _errors(request, exc: ValidationError):
    messages.error(request, " ".join(exc.messages))


# -- the consultation -------------------------------------------------------------------


@login_required
@require_GET
def consultation_list(request):
    _require(can_read_consultations(request.user))
    return render(
        request,
        "consultations/list.html",
        {
            "consultations": selectors.consultation_list(user=request.user),
            "can_run": can_run_consultations(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request):
    _require(can_run_consultations(request.user))
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(
                user=request.user, **form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _(
                    "Consultation created with the seven usual groups. Set their targets, then build the questionnaire."
                ),
            )
            return redirect("consultations:detail", consultation.pk)
    return render(
        request,
        "consultations/form.html",
        {"form": form, "title": _("New consultation")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_edit(request, pk):
    consultation = _consultation_or_404(request.user, pk)
    _require(can_run_consultations(request.user))
    form = ConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(
                consultation, user=request.user, **form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("consultations:detail", consultation.pk)
    return render(
        request,
        "consultations/form.html",
        {"form": form, "title": consultation.title, "consultation": consultation},
    )


@login_required
@require_GET
def consultation_detail(request, pk):
    consultation = _consultation_or_404(request.user, pk)
    rates = analysis.ResponseRates(consultation).calculate()
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "rates": rates,
            "questionnaire": consultation.questionnaire,
            "can_run": can_run_consultations(request.user),
            "group_form": GroupForm(),
        },
    )


@login_required
@require_POST
def group_save(request, pk):
    consultation = _consultation_or_404(request.user, pk)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            services.group_save(consultation, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Group saved."))
    else:
        messages.error(
            request, _("Check the group: code, Spanish name and a target of 0 or more.")
        )
    return redirect("consultations:detail", consultation.pk)


@login_required
@require_POST
def group_delete(request, pk, code):
    consultation = _consultation_or_404(request.user, pk)
    group = get_object_or_404(consultation.groups, code=code)
    try:
        services.group_delete(group, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("consultations:detail", consultation.pk)


@login_required
@require_POST
def consultation_status(request, pk):
    consultation = _consultation_or_404(request.user, pk)
    try:
        if request.POST.get("action") == "open":
            services.consultation_open(consultation, user=request.user)
            messages.success(
                request, _("The consultation is open: its links take answers.")
            )
        else:
            services.consultation_close(consultation, user=request.user)
            messages.success(
                request,
                _("The consultation is closed: its links take no more answers."),
            )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("consultations:detail", consultation.pk)


# -- the questionnaire builder ------------------------------------------------------------------


@login_required
@require_GET
def questionnaire(request, pk):
    consultation = _consultation_or_404(request.user, pk)
    _require(can_run_consultations(request.user))
    current = consultation.questionnaire
    sections = list(current.sections.prefetch_related("questions"))
    frozen = current.is_frozen or current.responses.exists()
    return render(
        request,
        "consultations/questionnaire.html",
        {
            "consultation": consultation,
            "questionnaire": current,
            "sections": sections,
            "frozen": frozen,
            "section_form": SectionForm(),
            "question_form": QuestionForm(sections=sections) if sections else None,
        },
    )


def _builder_redirect(consultation):
    return redirect("consultations:questionnaire", consultation.pk)


@login_required
@require_POST
def section_add(request, pk):
    consultation = _consultation_or_404(request.user, pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_add(consultation, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
    return _builder_redirect(consultation)


@login_required
@require_POST
def section_delete(request, pk, section_pk):
    consultation = _consultation_or_404(request.user, pk)
    section = get_object_or_404(
        Section, pk=section_pk, questionnaire__consultation=consultation
    )
    try:
        services.section_delete(section, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    return _builder_redirect(consultation)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question_pk=None):
    consultation = _consultation_or_404(request.user, pk)
    _require(can_run_consultations(request.user))
    current = consultation.questionnaire
    sections = list(current.sections.all())
    question = None
    if question_pk is not None:
        question = get_object_or_404(Question, pk=question_pk, questionnaire=current)
    form = QuestionForm(request.POST or None, sections=sections, question=question)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        section = next(s for s in sections if s.pk == data.pop("section"))
        try:
            services.question_save(
                consultation,
                user=request.user,
                section=section,
                question=question,
                **data,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Question saved."))
            return _builder_redirect(consultation)
    return render(
        request,
        "consultations/question_form.html",
        {"form": form, "consultation": consultation, "question": question},
    )


@login_required
@require_POST
def question_action(request, pk, question_pk):
    consultation = _consultation_or_404(request.user, pk)
    question = get_object_or_404(
        Question, pk=question_pk, questionnaire__consultation=consultation
    )
    action = request.POST.get("action")
    try:
        if action == "delete":
            services.question_delete(question, user=request.user)
        elif action in ("up", "down"):
            services.question_move(question, user=request.user, up=action == "up")
    except ValidationError as exc:
        _errors(request, exc)
    return _builder_redirect(consultation)


@login_required
@require_POST
def questionnaire_version(request, pk):
    consultation = _consultation_or_404(request.user, pk)
    new = services.questionnaire_new_version(consultation, user=request.user)
    messages.success(
        request,
        _(
            "Version %(v)s of the questionnaire is ready to change; answers already given keep their version."
        )
        % {"v": new.version},
    )
    return _builder_redirect(consultation)


@login_required
@require_GET
def questionnaire_preview(request, pk):
    consultation = _consultation_or_404(request.user, pk)
    language = request.GET.get("lang", "es")
    language = language if language in ("es", "en") else "es"
    with translation.override(language):
        parts = [
            (s.title, section_form(list(s.questions.all())))
            for s in consultation.questionnaire.sections.prefetch_related("questions")
        ]
        # Render in the chosen language: the forms' labels are read while rendering.
        response = render(
            request,
            "consultations/preview.html",
            {"consultation": consultation, "parts": parts, "language": language},
        )
    return response


# -- invitations ----------------------------------------------------------------------------

STATES = [
    ("pending", gettext_lazy("Not answered")),
    ("not_sent", gettext_lazy("Never sent")),
    ("answered", gettext_lazy("Answered")),
]
STATE_LABELS = {
    "answered": gettext_lazy("Answered"),
    "opened": gettext_lazy("Opened, not sent"),
    "sent": gettext_lazy("Sent"),
    "not_sent": gettext_lazy("Not sent"),
}


def _invitation_columns(request, with_links: bool) -> list[Column]:
    columns = [
        Column("name", gettext_lazy("Invited"), sort=("name",), value="name"),
        Column(
            "organization",
            gettext_lazy("Organization code"),
            sort=("organization__code",),
            value=lambda i: i.organization.code if i.organization_id else "",
        ),
        Column("email", gettext_lazy("E-mail"), value="email"),
        Column(
            "group", gettext_lazy("Group"), sort=("group__order",), value="group.name"
        ),
        Column("state", gettext_lazy("State"), value=lambda i: STATE_LABELS[i.state]),
        Column("sent", gettext_lazy("Sent"), sort=("sent_at",), value="sent_at"),
        Column(
            "reminders",
            gettext_lazy("Reminders"),
            sort=("reminders",),
            value="reminders",
            numeric=True,
        ),
    ]
    if with_links:
        columns.append(
            Column(
                "link",
                gettext_lazy("Personal link"),
                value=lambda i: answer_link(request, i.token),
                table=False,
            )
        )
    return columns


@login_required
@require_GET
def invitations(request, pk):
    user = request.user
    consultation = _consultation_or_404(user, pk)
    _require(can_run_consultations(user))
    groups = list(consultation.groups.all())
    listing = Listing(
        request,
        name="consultation_invitations",
        title=_("Invitations of %(title)s") % {"title": consultation.title},
        columns=_invitation_columns(request, with_links=True),
        filters=[
            Filter("state", gettext_lazy("State"), STATES),
            Filter("group", gettext_lazy("Group"), [(g.code, g.name) for g in groups]),
        ],
        default_sort="group",
    )
    rows = selectors.invitations(
        user=user, consultation=consultation, **listing.selector_kwargs()
    )
    response = listing.respond(
        rows,
        "consultations/invitations.html",
        "consultations/_invitation_results.html",
        {
            "listing": listing,
            "consultation": consultation,
            "groups": groups,
            "open_links": {
                link.group_id: open_link_url(request, link.token)
                for link in consultation.open_links.all()
            },
            "org_form": InviteOrganizationsForm(groups=groups),
            "people_form": InvitePeopleForm(groups=groups)
            if can_invite_people(user)
            else None,
            "sees_people": can_invite_people(user),
        },
    )
    if not listing.export_format and can_invite_people(user):
        events.contacts_viewed_event(
            consultation=consultation, user=user, rows=len(listing.page.object_list)
        )
    return response


@login_required
@require_POST
def invite(request, pk):
    user = request.user
    consultation = _consultation_or_404(user, pk)
    groups = list(consultation.groups.all())
    kind = request.POST.get("kind")
    try:
        if kind == "people":
            form = InvitePeopleForm(request.POST, request.FILES, groups=groups)
            if not form.is_valid():
                raise ValidationError(
                    [e for errs in form.errors.values() for e in errs]
                )
            data = form.cleaned_data
            group = next(g for g in groups if g.pk == data["group"])
            people = services.parse_people(
                "\n".join((data["people"], data["people_file"]))
            )
            people += services.instructors_of(data["instructors_of"].split())
            n = services.invite_people(
                consultation, user=user, group=group, people=people
            )
        else:
            form = InviteOrganizationsForm(request.POST, groups=groups)
            if not form.is_valid():
                raise ValidationError(
                    [e for errs in form.errors.values() for e in errs]
                )
            group = next(g for g in groups if g.pk == form.cleaned_data["group"])
            organizations = Organization.objects.all()
            codes = form.cleaned_data["codes"].split()
            if codes:
                organizations = organizations.filter(code__in=codes)
                unknown = set(codes) - set(organizations.values_list("code", flat=True))
                if unknown:
                    raise ValidationError(
                        _("Unknown organization codes: %(codes)s.")
                        % {"codes": ", ".join(sorted(unknown))}
                    )
            else:
                organizations = organizations.filter(type=form.cleaned_data["type"])
            n = services.invite_organizations(
                consultation, user=user, group=group, organizations=organizations
            )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(n)s invitations created.") % {"n": n})
    return redirect("consultations:invitations", consultation.pk)


@login_required
@require_POST
def open_link_create(request, pk, code):
    consultation = _consultation_or_404(request.user, pk)
    group = get_object_or_404(consultation.groups, code=code)
    services.open_link_get_or_create(group, user=request.user)
    return redirect("consultations:invitations", consultation.pk)


@login_required
@require_POST
def send(request, pk):
    user = request.user
    consultation = _consultation_or_404(user, pk)
    reminders = request.POST.get("action") == "remind"
    try:
        n = services.send_invitations(
            consultation,
            user=user,
            link_for=lambda token: answer_link(request, token),
            reminders=reminders,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(n)s e-mails sent.") % {"n": n})
    return redirect("consultations:invitations", consultation.pk)


# -- results ----------------------------------------------------------------------------------


def _results(consultation, *, suggest=True):
    questions = selectors.current_questions(consultation)
    closed = analysis.ClosedResults(consultation, questions).calculate()
    open_ = analysis.OpenResults(consultation, questions, suggest=suggest).calculate()
    return analysis.ResponseRates(consultation).calculate(), closed, open_


@login_required
@require_GET
def results(request, pk):
    consultation = _consultation_or_404(request.user, pk)
    rates, closed, open_ = _results(consultation)
    specs = []
    for result in closed:
        result.spec_id = f"chart-{result.question.code}"
        if result.question.type in ("likert", "single") and result.total.n:
            result.spec = charts.stacked_bars(result)
            specs.append(result.spec_id)
        else:
            result.spec_id = ""
    return render(
        request,
        "consultations/results.html",
        {
            "consultation": consultation,
            "rates": rates,
            "closed": closed,
            "open": open_,
            "specs": specs,
            "can_run": can_run_consultations(request.user),
            "formats": FORMATS,
        },
    )


def _answer_cell(answer):
    if answer is None:
        return None
    if answer.number is not None:
        number = answer.number.normalize()
        return int(number) if number == number.to_integral_value() else float(number)
    if answer.choices:
        return " ".join(answer.choices)
    return answer.text


@login_required
@require_GET
def download(request, pk, what, fmt):
    """The answers (one row per response, one column per question code: the
    import format) or the results tables, as CSV or XLSX; audited."""
    user = request.user
    consultation = _consultation_or_404(user, pk)
    if fmt not in FORMATS:
        raise Http404
    if what == "answers":
        codes = [q.code for q in selectors.current_questions(consultation)]
        rows = selectors.submitted_responses(user=user, consultation=consultation)

        def by_code(response):
            return {a.question.code: a for a in response.answers.all()}

        columns = [
            ("response", lambda r: r.pk),
            ("stakeholder_group", lambda r: r.group.code),
            ("source", lambda r: r.source),
            ("submitted", lambda r: r.submitted_at),
        ] + [
            (code, lambda r, c=code: _answer_cell(by_code(r).get(c))) for code in codes
        ]
        title = _("Answers of %(title)s") % {"title": consultation.title}
    elif what == "results":
        _rates, closed, _open = _results(consultation, suggest=False)
        rows = [
            (result, stats)
            for result in closed
            for stats in [*result.groups, result.total]
        ]
        columns = [
            ("question", lambda r: r[0].question.code),
            (_("Question"), lambda r: r[0].question.text),
            ("group", lambda r: r[1].code or "all"),
            (_("Group"), lambda r: r[1].name),
            ("n", lambda r: r[1].n),
            ("mean", lambda r: r[1].mean),
            (
                "agreement_share",
                lambda r: (
                    r[1].agreement_share if r[0].question.type == "likert" else None
                ),
            ),
            (
                "ci_low",
                lambda r: r[1].ci_low if r[0].question.type == "likert" else None,
            ),
            (
                "ci_high",
                lambda r: r[1].ci_high if r[0].question.type == "likert" else None,
            ),
            (
                "kruskal_p",
                lambda r: r[0].test["p_value"] if r[0].test and not r[1].code else None,
            ),
        ] + [
            (f"share_{code}", lambda r, c=code: dict(r[1].shares([c]))[c])
            for code in analysis.likert_codes()
        ]
        title = _("Results of %(title)s") % {"title": consultation.title}
    elif what == "rates":
        rates = analysis.ResponseRates(consultation).calculate()
        rows = [*rates["groups"], rates["total"]]
        keys = list(rows[0].as_dict())
        columns = [(key, lambda r, k=key: r.as_dict()[k]) for key in keys]
        title = _("Response rates of %(title)s") % {"title": consultation.title}
    else:
        raise Http404
    return export_response(
        actor=user,
        rows=rows,
        columns=columns,
        file_format=fmt,
        what=f"consultation_{what}",
        title=title,
        filters={"consultation": consultation.pk},
    )


@login_required
@require_GET
def summary_pdf(request, pk):
    from .report import summary_pdf as build

    consultation = _consultation_or_404(request.user, pk)
    rates, closed, open_ = _results(consultation, suggest=False)
    content = build(request, consultation, rates, closed, open_)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="consultation-{consultation.pk}.pdf"'
    )
    return response


# -- open answers and themes -----------------------------------------------------------------


@login_required
@require_GET
def open_answers(request, pk, code):
    user = request.user
    consultation = _consultation_or_404(user, pk)
    question = next(
        (
            q
            for q in selectors.current_questions(consultation)
            if q.code == code and q.is_text
        ),
        None,
    )
    if question is None:
        raise Http404
    group = request.GET.get("group") or None
    theme = request.GET.get("theme", "")
    theme = int(theme) if theme.isdigit() else None
    rows = selectors.open_answers(
        user=user,
        consultation=consultation,
        code=code,
        group=group,
        theme=theme,
        q=request.GET.get("q", "")[:200],
    )
    page = Paginator(rows, ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/open_answers.html",
        {
            "consultation": consultation,
            "question": question,
            "page": page,
            "themes": list(consultation.themes.all()),
            "groups": list(consultation.groups.all()),
            "group": group,
            "theme": theme,
            "can_tag": can_run_consultations(user),
            "theme_form": ThemeForm(),
        },
    )


@login_required
@require_POST
def answer_tag(request, pk, answer_pk):
    """The themes of one open answer (a form per answer; htmx swaps the row)."""
    user = request.user
    consultation = _consultation_or_404(user, pk)
    answer = get_object_or_404(
        Answer.objects.select_related("response__consultation", "response__group"),
        pk=answer_pk,
        response__consultation=consultation,
        response__submitted_at__isnull=False,
    )
    wanted = {int(t) for t in request.POST.getlist("theme") if t.isdigit()}
    themes = [t for t in consultation.themes.all() if t.pk in wanted]
    new = request.POST.get("new_theme", "").strip()
    try:
        if new:
            themes.append(
                services.theme_get_or_create(consultation, user=user, name=new)
            )
        services.answer_set_themes(answer, user=user, themes=themes)
    except ValidationError as exc:
        _errors(request, exc)
    if request.htmx:
        return render(
            request,
            "consultations/_open_answer.html",
            {
                "consultation": consultation,
                "answer": answer,
                "themes": list(consultation.themes.all()),
                "can_tag": True,
                "saved": True,
            },
        )
    return redirect(
        request.POST.get("next")
        if str(request.POST.get("next", "")).startswith("/consultations/")
        else reverse("consultations:results", args=[pk])
    )


@login_required
@require_POST
def suggestion_accept(request, pk):
    """Make a theme of a suggested cluster and tag its answers with it."""
    user = request.user
    consultation = _consultation_or_404(user, pk)
    ids = [int(i) for i in request.POST.getlist("answer") if i.isdigit()]
    try:
        theme = services.theme_get_or_create(
            consultation, user=user, name=request.POST.get("name", "")
        )
        n = services.answers_tag(consultation, user=user, theme=theme, answer_ids=ids)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("%(n)s answers tagged “%(theme)s”.") % {"n": n, "theme": theme.name},
        )
    return redirect(reverse("consultations:results", args=[pk]) + "#open")


# -- import of answers -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def answers_import(request, pk):
    user = request.user
    consultation = _consultation_or_404(user, pk)
    _require(can_run_consultations(user))
    form = AnswerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = importers.responses_import(
                consultation=consultation, user=user, file=upload, file_name=upload.name
            )
        except ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("imports:detail", pk=batch.pk)
    return render(
        request,
        "consultations/import.html",
        {
            "form": form,
            "consultation": consultation,
            "questions": selectors.current_questions(consultation),
            "groups": list(consultation.groups.all()),
            "status_open": consultation.status == ConsultationStatus.OPEN,
        },
    )
