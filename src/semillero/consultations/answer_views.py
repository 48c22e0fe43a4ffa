"""The answering page: no login, the link's token is the key. One section per
step, saved when the person moves on (a dropped connection loses at most one
step; the same link resumes), a review, and one submission. A closed
consultation, or a link already used, says so politely. Nothing about the
person is recorded by an open link."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import services
from .forms import initial_from, section_form

SEND = "enviar"


def _private(response):
    """The token is in the URL: keep it out of other sites' logs and of search
    engines (as the tracer questionnaire does)."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _unavailable(request, consultation, reason: str):
    return _private(
        render(
            request,
            "consultations/answer_unavailable.html",
            {"reason": reason, "consultation": consultation},
            status=410 if reason == "closed" else 200,
        )
    )


def _response_or_404(token):
    response = services.response_for(token)
    if response is None:
        raise Http404(_("This link does not exist. Check that it was copied whole."))
    return response


def _sections(response):
    return list(response.questionnaire.sections.prefetch_related("questions"))


@never_cache
@require_http_methods(["GET", "POST"])
def open_link(request, token):
    link = services.open_link_for(token)
    if link is None:
        raise Http404(_("This link does not exist. Check that it was copied whole."))
    try:
        services.check_open(link.consultation)
    except services.Unavailable as exc:
        return _unavailable(request, link.consultation, exc.reason)
    if request.method == "POST":
        response = services.start_anonymous(link)
        return redirect("answer:section", response.token, 1)
    return _private(
        render(
            request,
            "consultations/answer_start.html",
            {
                "consultation": link.consultation,
                "group": link.group,
                "anonymous": True,
                "sections": link.consultation.questionnaire.sections.count(),
            },
        )
    )


@never_cache
@require_http_methods(["GET"])
def start(request, token):
    response = _response_or_404(token)
    try:
        services.check_open(response)
    except services.Unavailable as exc:
        return _unavailable(request, response.consultation, exc.reason)
    services.record_opened(response)
    return _private(
        render(
            request,
            "consultations/answer_start.html",
            {
                "consultation": response.consultation,
                "group": response.group,
                "token": token,
                "started": response.answers.exists(),
                "sections": response.questionnaire.sections.count(),
            },
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def section(request, token, number: int):
    response = _response_or_404(token)
    try:
        services.check_open(response)
    except services.Unavailable as exc:
        return _unavailable(request, response.consultation, exc.reason)
    sections = _sections(response)
    if not 1 <= number <= len(sections):
        raise Http404
    current = sections[number - 1]
    questions = list(current.questions.all())
    answers = response.answers.filter(question__in=questions).select_related("question")
    form = section_form(
        questions,
        data=request.POST if request.method == "POST" else None,
        initial=initial_from(answers),
    )
    if request.method == "POST" and form.is_valid():
        values = {
            form.fields[code].question: value
            for code, value in form.cleaned_data.items()
        }
        try:
            services.answers_save(response, values)
        except services.Unavailable as exc:
            return _unavailable(request, response.consultation, exc.reason)
        except ValidationError as exc:
            for code, errors in exc.message_dict.items():
                form.add_error(code if code in form.fields else None, errors)
        else:
            if request.POST.get("go") == "back" and number > 1:
                return redirect("answer:section", token, number - 1)
            if number < len(sections):
                return redirect("answer:section", token, number + 1)
            return redirect("answer:send", token)
    return _private(
        render(
            request,
            "consultations/answer_section.html",
            {
                "consultation": response.consultation,
                "group": response.group,
                "section": current,
                "form": form,
                "token": token,
                "number": number,
                "count": len(sections),
                "progress_max": len(sections) + 1,
            },
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def send(request, token):
    response = _response_or_404(token)
    try:
        services.check_open(response)
    except services.Unavailable as exc:
        return _unavailable(request, response.consultation, exc.reason)
    errors = []
    if request.method == "POST":
        try:
            services.submit(response)
        except services.Unavailable as exc:
            return _unavailable(request, response.consultation, exc.reason)
        except ValidationError as exc:
            errors = exc.messages
        else:
            return _private(
                render(
                    request,
                    "consultations/answer_thanks.html",
                    {"consultation": response.consultation},
                )
            )
    answers = {a.question_id: a for a in response.answers.select_related("question")}
    summary = []
    for s in _sections(response):
        for q in s.questions.all():
            summary.append((q, _display(q, answers.get(q.pk))))
    sections = response.questionnaire.sections.count()
    return _private(
        render(
            request,
            "consultations/answer_send.html",
            {
                "consultation": response.consultation,
                "token": token,
                "summary": summary,
                "errors": errors,
                "count": sections,
                "progress_max": sections + 1,
            },
        )
    )


def _display(question, answer) -> str:
    if answer is None or answer.is_empty:
        return _("(no answer)")
    labels = question.option_labels()
    if question.type == "likert":
        value = str(int(answer.number))
        return f"{value} · {labels.get(value, '')}"
    if question.type == "number":
        return f"{answer.number.normalize():f}"
    if question.type == "single":
        return labels.get(answer.text, answer.text)
    if question.type == "multiple":
        return ", ".join(labels.get(c, c) for c in answer.choices)
    return answer.text
