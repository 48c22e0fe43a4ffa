"""Every write of consultations: the consultation and its groups, the
questionnaire builder (versions), invitations and links, the answering page's
saves and the one submission, and the analysts' themes.

Views, the import and the demo only call these; permissions are checked here.
"""

import re
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.accounts.permissions import (
    can_invite_people,
    can_run_consultations,
    require,
)
from semillero.registry.models import Instructor, Organization

from . import events
from .models import (
    CHOICE_TYPES,
    LIKERT_MAX,
    LIKERT_MIN,
    Answer,
    Consultation,
    ConsultationStatus,
    Invitation,
    OpenLink,
    Question,
    Questionnaire,
    QuestionType,
    Response,
    ResponseSource,
    Section,
    StakeholderGroup,
    Theme,
)

# The seven groups the 2022–2023 policy consultation heard (PRODUCT.md).
DEFAULT_GROUPS = (
    ("strategic_partners", gettext_lazy("Strategic partners")),
    ("training_centres", gettext_lazy("Training centres")),
    ("instructors", gettext_lazy("Facilitators and instructors")),
    ("government", gettext_lazy("Government institutions")),
    ("business_associations", gettext_lazy("Business associations")),
    ("workers", gettext_lazy("Workers")),
    ("institute_staff", gettext_lazy("Institute technical and administrative staff")),
)
LIKERT_LABELS = (
    gettext_lazy("Strongly disagree"),
    gettext_lazy("Disagree"),
    gettext_lazy("Neither agree nor disagree"),
    gettext_lazy("Agree"),
    gettext_lazy("Strongly agree"),
)


def new_token() -> str:
    """32 random bytes (256 bits), URL-safe: a link cannot be guessed."""
    return secrets.token_urlsafe(32)


def both_languages(text) -> tuple[str, str]:
    with translation.override("es"):
        es = str(text)
    with translation.override("en"):
        en = str(text)
    return es, en


def default_likert_options() -> list[dict]:
    options = []
    for value, label in enumerate(LIKERT_LABELS, start=LIKERT_MIN):
        es, en = both_languages(label)
        options.append({"code": str(value), "es": es, "en": en})
    return options


# -- the consultation ------------------------------------------------------------------


def _check_dates(opens_on, closes_on):
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError(
            {"closes_on": _("The closing date must not be before the opening date.")}
        )


@transaction.atomic
def consultation_create(
    *, user, title: str, opens_on, closes_on, purpose: str = "", groups=None
) -> Consultation:
    """A consultation with its groups (the seven default ones unless `groups`,
    a list of (code, name_es, name_en, target), says otherwise) and an empty
    questionnaire, version 1."""
    require(can_run_consultations(user))
    _check_dates(opens_on, closes_on)
    consultation = Consultation(
        title=title,
        purpose=purpose,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=user,
    )
    consultation.full_clean()
    consultation.save()
    if groups is None:
        groups = [(code, *both_languages(name), 0) for code, name in DEFAULT_GROUPS]
    for order, (code, name_es, name_en, target) in enumerate(groups):
        StakeholderGroup.objects.create(
            consultation=consultation,
            code=code,
            name_es=name_es,
            name_en=name_en,
            target=target,
            order=order,
        )
    Questionnaire.objects.create(consultation=consultation, version=1)
    events.consultation_created_event(consultation=consultation, user=user)
    return consultation


@transaction.atomic
def consultation_update(consultation: Consultation, *, user, **fields) -> Consultation:
    require(can_run_consultations(user))
    for name, value in fields.items():
        if name not in ("title", "purpose", "opens_on", "closes_on"):
            raise ValueError(name)
        setattr(consultation, name, value)
    _check_dates(consultation.opens_on, consultation.closes_on)
    consultation.full_clean()
    consultation.save()
    events.consultation_changed_event(
        consultation=consultation, user=user, what="details"
    )
    return consultation


@transaction.atomic
def group_save(
    consultation: Consultation,
    *,
    user,
    code: str,
    name_es: str,
    name_en: str = "",
    target: int = 0,
) -> StakeholderGroup:
    """Add a group, or change the names and target of the group with `code`."""
    require(can_run_consultations(user))
    group = consultation.groups.filter(code=code).first()
    if group is None:
        order = consultation.groups.aggregate(m=Max("order"))["m"]
        group = StakeholderGroup(
            consultation=consultation, code=code, order=(order or 0) + 1
        )
    group.name_es, group.name_en, group.target = name_es, name_en, target
    group.full_clean(validate_constraints=False)
    group.save()
    events.consultation_changed_event(
        consultation=consultation, user=user, what=f"group {code}"
    )
    return group


@transaction.atomic
def group_delete(group: StakeholderGroup, *, user) -> None:
    require(can_run_consultations(user))
    if group.invitations.exists() or group.responses.exists():
        raise ValidationError(
            _("This group has invitations or answers: it cannot be removed.")
        )
    consultation = group.consultation
    group.delete()
    events.consultation_changed_event(
        consultation=consultation, user=user, what=f"group {group.code} removed"
    )


@transaction.atomic
def consultation_open(consultation: Consultation, *, user) -> Consultation:
    require(can_run_consultations(user))
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    questionnaire = consultation.questionnaire
    if questionnaire is None or not questionnaire.questions.exists():
        raise ValidationError(_("Add at least one question before opening."))
    if consultation.status == ConsultationStatus.OPEN:
        return consultation
    consultation.status = ConsultationStatus.OPEN
    consultation.closed_at = None
    consultation.save(update_fields=["status", "closed_at"])
    events.status_changed_event(consultation=consultation, user=user, status="open")
    return consultation


@transaction.atomic
def consultation_close(consultation: Consultation, *, user) -> Consultation:
    require(can_run_consultations(user))
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != ConsultationStatus.OPEN:
        raise ValidationError(_("Only an open consultation can be closed."))
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = timezone.now()
    consultation.save(update_fields=["status", "closed_at"])
    events.status_changed_event(consultation=consultation, user=user, status="closed")
    return consultation


# -- the questionnaire builder --------------------------------------------------------------


def editable_questionnaire(consultation: Consultation, *, user) -> Questionnaire:
    """The current version, when it can still change (no answers yet)."""
    require(can_run_consultations(user))
    questionnaire = consultation.questionnaire
    if questionnaire.is_frozen or questionnaire.responses.exists():
        raise ValidationError(
            _(
                "Answers have arrived: this version of the questionnaire is frozen. "
                "Make a new version to change it."
            )
        )
    return questionnaire


@transaction.atomic
def questionnaire_new_version(consultation: Consultation, *, user) -> Questionnaire:
    """A copy of the current version, to change; answers given keep pointing at
    the version they answered. A version without answers is not copied."""
    require(can_run_consultations(user))
    Consultation.objects.select_for_update().get(pk=consultation.pk)
    current = consultation.questionnaire
    if not (current.is_frozen or current.responses.exists()):
        return current
    new = Questionnaire.objects.create(
        consultation=consultation, version=current.version + 1
    )
    for section in current.sections.prefetch_related("questions"):
        questions = list(section.questions.all())
        section.pk = None
        section.questionnaire = new
        section.save()
        for question in questions:
            question.pk = None
            question.questionnaire = new
            question.section = section
            question.save()
    events.questionnaire_versioned_event(questionnaire=new, user=user)
    return new


@transaction.atomic
def section_add(
    consultation: Consultation, *, user, title_es: str, title_en: str = ""
) -> Section:
    questionnaire = editable_questionnaire(consultation, user=user)
    order = questionnaire.sections.aggregate(m=Max("order"))["m"]
    section = Section(
        questionnaire=questionnaire,
        title_es=title_es,
        title_en=title_en,
        order=(order or 0) + 1,
    )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_delete(section: Section, *, user) -> None:
    questionnaire = editable_questionnaire(
        section.questionnaire.consultation, user=user
    )
    if section.questionnaire_id != questionnaire.pk:
        raise ValidationError(_("Only the current version can change."))
    section.delete()


def parse_options(text: str) -> list[dict]:
    """Lines "code | Spanish | English" (English optional) → options."""
    options, seen = [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise ValidationError(
                {
                    "options": _(
                        'Line %(n)s: write "code | Spanish text | English text".'
                    )
                    % {"n": number}
                }
            )
        code = parts[0]
        if not re.fullmatch(r"[\w-]{1,40}", code) or code in seen:
            raise ValidationError(
                {
                    "options": _(
                        "Line %(n)s: the code %(code)s must be one short word, used once."
                    )
                    % {"n": number, "code": code}
                }
            )
        seen.add(code)
        options.append(
            {"code": code, "es": parts[1], "en": parts[2] if len(parts) > 2 else ""}
        )
    return options


def options_text(options: list[dict]) -> str:
    return "\n".join(
        f"{o['code']} | {o.get('es', '')} | {o.get('en', '')}" for o in options
    )


@transaction.atomic
def question_save(
    consultation: Consultation,
    *,
    user,
    section: Section,
    code: str,
    type: str,
    text_es: str,
    text_en: str = "",
    help_es: str = "",
    help_en: str = "",
    required: bool = False,
    options: list[dict] | None = None,
    question: Question | None = None,
) -> Question:
    """Add a question to a section of the current version, or change one."""
    questionnaire = editable_questionnaire(consultation, user=user)
    if section.questionnaire_id != questionnaire.pk or (
        question is not None and question.questionnaire_id != questionnaire.pk
    ):
        raise ValidationError(_("Only the current version can change."))
    options = list(options or [])
    if type == QuestionType.LIKERT:
        if not options:
            options = default_likert_options()
        if [o["code"] for o in options] != [
            str(v) for v in range(LIKERT_MIN, LIKERT_MAX + 1)
        ]:
            raise ValidationError(
                {"options": _("An agreement scale has five labels, coded 1 to 5.")}
            )
    elif type in CHOICE_TYPES:
        if len(options) < 2:
            raise ValidationError(
                {"options": _("A choice question needs at least two options.")}
            )
    else:
        options = []
    if question is None:
        order = questionnaire.questions.filter(section=section).aggregate(
            m=Max("order")
        )["m"]
        question = Question(questionnaire=questionnaire, order=(order or 0) + 1)
    question.section = section
    question.code = code
    question.type = type
    question.text_es, question.text_en = text_es, text_en
    question.help_es, question.help_en = help_es, help_en
    question.required = required
    question.options = options
    question.full_clean(validate_constraints=False)
    if questionnaire.questions.filter(code=code).exclude(pk=question.pk or 0).exists():
        raise ValidationError({"code": _("Another question has this code.")})
    question.save()
    return question


@transaction.atomic
def question_delete(question: Question, *, user) -> None:
    questionnaire = editable_questionnaire(
        question.questionnaire.consultation, user=user
    )
    if question.questionnaire_id != questionnaire.pk:
        raise ValidationError(_("Only the current version can change."))
    question.delete()


@transaction.atomic
def question_move(question: Question, *, user, up: bool) -> None:
    """Swap the question with its neighbour in the section."""
    editable_questionnaire(question.questionnaire.consultation, user=user)
    siblings = list(question.section.questions.order_by("order", "pk"))
    index = siblings.index(question)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for order, item in enumerate(siblings, start=1):
            if item.order != order:
                Question.objects.filter(pk=item.pk).update(order=order)


# -- invitations and links -------------------------------------------------------------------


def _check_group(consultation, group):
    if group.consultation_id != consultation.pk:
        raise ValidationError(_("That group is not part of this consultation."))


@transaction.atomic
def invite_organizations(
    consultation: Consultation, *, user, group: StakeholderGroup, organizations
) -> int:
    """One invitation per organization (an organization already invited to the
    consultation is skipped), to its registry e-mail address."""
    require(can_run_consultations(user))
    _check_group(consultation, group)
    invited = set(
        consultation.invitations.filter(organization__isnull=False).values_list(
            "organization_id", flat=True
        )
    )
    new = [
        Invitation(
            consultation=consultation,
            group=group,
            organization=org,
            name=org.name,
            email=org.email or "",
            token=new_token(),
        )
        for org in organizations
        if org.pk not in invited
    ]
    Invitation.objects.bulk_create(new)
    events.invited_event(
        consultation=consultation,
        user=user,
        group=group,
        organizations=len(new),
        people=0,
    )
    return len(new)


EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")


def parse_people(text: str) -> list[tuple[str, str]]:
    """Lines as typed or pasted from a spreadsheet: a name and an e-mail
    address, in any order, separated by tabs, commas, semicolons or
    "Name <address>". Raises ValidationError naming the lines without one."""
    people, bad = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = EMAIL.search(line)
        if not match:
            bad.append(str(number))
            continue
        email = match.group(0).lower()
        name = (line[: match.start()] + " " + line[match.end() :]).strip()
        name = re.sub(r"[\t,;<>]+", " ", name)
        people.append((" ".join(name.split())[:200], email))
    if bad:
        raise ValidationError(
            _("These lines have no e-mail address: %(lines)s.")
            % {"lines": ", ".join(bad)}
        )
    return people


def instructors_of(codes) -> list[tuple[str, str]]:
    """(name, e-mail) of the registry's instructors of these organizations who
    have an address; unknown codes are an error."""
    codes = set(codes)
    known = set(
        Organization.objects.filter(code__in=codes).values_list("code", flat=True)
    )
    if codes - known:
        raise ValidationError(
            _("Unknown organization codes: %(codes)s.")
            % {"codes": ", ".join(sorted(codes - known))}
        )
    rows = (
        Instructor.objects.filter(organization__code__in=codes)
        .exclude(email="")
        .order_by("last_name", "first_name")
        .values_list("first_name", "last_name", "email")
    )
    return [(f"{first} {last}".strip(), email) for first, last, email in rows]


@transaction.atomic
def invite_people(
    consultation: Consultation, *, user, group: StakeholderGroup, people
) -> int:
    """Personal invitations of typed people, (name, e-mail) pairs. An address
    already invited to the consultation is skipped."""
    require(can_invite_people(user))
    _check_group(consultation, group)
    known = set(consultation.invitations.values_list("email", flat=True))
    new = []
    for name, email in people:
        if email in known:
            continue
        known.add(email)
        new.append(
            Invitation(
                consultation=consultation,
                group=group,
                name=name,
                email=email,
                token=new_token(),
            )
        )
    Invitation.objects.bulk_create(new)
    events.invited_event(
        consultation=consultation,
        user=user,
        group=group,
        organizations=0,
        people=len(new),
    )
    return len(new)


def open_link_get_or_create(group: StakeholderGroup, *, user) -> OpenLink:
    require(can_run_consultations(user))
    try:
        with transaction.atomic():
            link, _created = OpenLink.objects.get_or_create(
                group=group,
                defaults={"consultation": group.consultation, "token": new_token()},
            )
    except IntegrityError:  # two clicks at once
        link = OpenLink.objects.get(group=group)
    return link


def send_invitations(
    consultation: Consultation, *, user, link_for, reminders: bool = False
) -> int:
    """E-mail their link (through Django's e-mail backend) to the invitations
    never sent, or, with `reminders`, to those sent and not answered. Only
    invitations with an address; the consultation must be open."""
    require(can_run_consultations(user))
    if not consultation.takes_answers:
        raise ValidationError(
            _("Only an open consultation, within its dates, can send invitations.")
        )
    pending = consultation.invitations.filter(submitted_at__isnull=True).exclude(
        email=""
    )
    pending = (
        pending.filter(sent_at__isnull=False)
        if reminders
        else pending.filter(sent_at__isnull=True)
    )
    pending = list(pending.select_related("group"))
    subject = _("Consultation: %(title)s") % {"title": consultation.title}
    messages = []
    for invitation in pending:
        body = _(
            "Hello %(name)s,\n\nThe national vocational training institute is "
            "consulting the %(group)s about: %(title)s.\n\n%(purpose)s\n\n"
            "Please answer before %(closes)s, on your phone or computer:\n\n%(link)s\n\n"
            "The link is personal and takes one answer."
        ) % {
            "name": invitation.name,
            "group": invitation.group.name,
            "title": consultation.title,
            "purpose": consultation.purpose,
            "closes": consultation.closes_on.isoformat(),
            "link": link_for(invitation.token),
        }
        messages.append((subject, body, None, [invitation.email]))
    send_mass_mail(messages, fail_silently=False)
    now = timezone.now()
    ids = [i.pk for i in pending]
    if reminders:
        Invitation.objects.filter(pk__in=ids).update(
            reminders=F("reminders") + 1, last_reminder_at=now
        )
    else:
        Invitation.objects.filter(pk__in=ids).update(sent_at=now)
    events.invitations_sent_event(
        consultation=consultation, user=user, emailed=len(ids), reminders=reminders
    )
    return len(ids)


# -- answering (no login: the token is the key) -------------------------------------------------


class Unavailable(Exception):
    """The link takes no answers; `reason` is `closed`, `not_open` or `answered`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _plausible(token: str) -> bool:
    return (
        bool(token) and len(token) <= 64 and re.fullmatch(r"[\w-]+", token) is not None
    )


def response_for(token: str) -> Response | None:
    """The response a link leads to: an invitation's (made on first use) or an
    anonymous one started from an open link. None for an unknown token."""
    if not _plausible(token):
        return None
    invitation = (
        Invitation.objects.select_related("consultation", "group")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        return (
            Response.objects.select_related("consultation", "group", "questionnaire")
            .filter(token=token, source=ResponseSource.OPEN_LINK)
            .first()
        )
    response = Response.objects.filter(invitation=invitation).first()
    if response is None:
        questionnaire = invitation.consultation.questionnaire
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    consultation=invitation.consultation,
                    group=invitation.group,
                    questionnaire=questionnaire,
                    invitation=invitation,
                    source=ResponseSource.INVITATION,
                )
        except IntegrityError:  # the same link opened twice at once
            response = Response.objects.get(invitation=invitation)
    return Response.objects.select_related(
        "consultation", "group", "questionnaire", "invitation"
    ).get(pk=response.pk)


def open_link_for(token: str) -> OpenLink | None:
    if not _plausible(token):
        return None
    return (
        OpenLink.objects.select_related("consultation", "group")
        .filter(token=token)
        .first()
    )


def check_open(response_or_consultation) -> None:
    consultation = getattr(response_or_consultation, "consultation", None)
    if consultation is None:
        consultation = response_or_consultation
    elif response_or_consultation.submitted_at is not None:
        raise Unavailable("answered")
    if consultation.status == ConsultationStatus.CLOSED or (
        consultation.closes_on < timezone.localdate()
    ):
        raise Unavailable("closed")
    if not consultation.takes_answers:
        raise Unavailable("not_open")


def start_anonymous(link: OpenLink) -> Response:
    """A new anonymous response from an open link. Nothing about the person is
    kept: no account, address, browser or time beyond the day's answer."""
    consultation = Consultation.objects.get(pk=link.consultation_id)
    check_open(consultation)
    return Response.objects.create(
        consultation=consultation,
        group=link.group,
        questionnaire=consultation.questionnaire,
        source=ResponseSource.OPEN_LINK,
        token=new_token(),
    )


def record_opened(response: Response) -> None:
    if response.invitation_id:
        Invitation.objects.filter(
            pk=response.invitation_id, opened_at__isnull=True
        ).update(opened_at=timezone.now())


def answer_fields(question: Question, value) -> dict:
    """A value from a form or a file as the Answer's fields; raises ValueError
    with a message for a value the question does not take."""
    empty = {"number": None, "text": "", "choices": []}
    if value in (None, "", [], ()):
        return empty
    if question.type == QuestionType.LIKERT:
        try:
            number = int(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            raise ValueError(_("must be a whole number from 1 to 5")) from None
        if Decimal(str(value)) != number or not LIKERT_MIN <= number <= LIKERT_MAX:
            raise ValueError(_("must be a whole number from 1 to 5"))
        return {**empty, "number": Decimal(number)}
    if question.type == QuestionType.NUMBER:
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("must be a number")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e10"):
            raise ValueError(_("must be a number"))
        return {**empty, "number": number}
    codes = {o["code"] for o in question.options}
    if question.type == QuestionType.SINGLE:
        if str(value) not in codes:
            raise ValueError(_("is not one of the options"))
        return {**empty, "text": str(value)}
    if question.type == QuestionType.MULTIPLE:
        values = [str(v) for v in value]
        if any(v not in codes for v in values):
            raise ValueError(_("is not one of the options"))
        order = [o["code"] for o in question.options]
        return {**empty, "choices": sorted(set(values), key=order.index)}
    return {**empty, "text": str(value).strip()[:5000]}


@transaction.atomic
def answers_save(response: Response, values: dict) -> None:
    """Store some of the questionnaire's answers (`values`: question → value)
    as the person goes; the first answer freezes the questionnaire."""
    response = _locked(response)
    check_open(response)
    for question, value in values.items():
        if question.questionnaire_id != response.questionnaire_id:
            raise ValidationError(_("That question is not in this questionnaire."))
        try:
            fields = answer_fields(question, value)
        except ValueError as exc:
            raise ValidationError({question.code: str(exc)}) from None
        Answer.objects.update_or_create(
            response=response, question=question, defaults=fields
        )
    Questionnaire.objects.filter(
        pk=response.questionnaire_id, frozen_at__isnull=True
    ).update(frozen_at=timezone.now())


def missing_required(response: Response) -> list[Question]:
    answered = {a.question_id for a in response.answers.all() if not a.is_empty}
    return [
        q
        for q in response.questionnaire.questions.filter(required=True)
        if q.pk not in answered
    ]


@transaction.atomic
def submit(response: Response) -> Response:
    """Send the questionnaire: once per link. The row lock (PostgreSQL) makes
    a double submit wait; the conditional update makes the second one find the
    response already submitted on every database."""
    response = _locked(response)
    check_open(response)
    missing = missing_required(response)
    if missing:
        raise ValidationError(
            _("Please answer the required questions: %(codes)s.")
            % {"codes": ", ".join(q.text for q in missing)}
        )
    now = timezone.now()
    done = Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(
        submitted_at=now, token=None
    )
    if not done:
        raise Unavailable("answered")
    if response.invitation_id:
        Invitation.objects.filter(pk=response.invitation_id).update(submitted_at=now)
    response.submitted_at = now
    return response


def _locked(response: Response) -> Response:
    return (
        Response.objects.select_for_update(of=("self",))
        .select_related("consultation", "questionnaire")
        .get(pk=response.pk)
    )


# -- themes of open answers -----------------------------------------------------------------


def theme_get_or_create(consultation: Consultation, *, user, name: str) -> Theme:
    require(can_run_consultations(user))
    name = " ".join(name.split())[:80]
    if not name:
        raise ValidationError(_("Name the theme."))
    theme = consultation.themes.filter(name__iexact=name).first()
    if theme is None:
        theme = Theme.objects.create(consultation=consultation, name=name)
    return theme


@transaction.atomic
def answer_set_themes(answer: Answer, *, user, themes) -> None:
    """The themes an analyst gives one open answer (replacing the earlier ones)."""
    require(can_run_consultations(user))
    consultation = answer.response.consultation
    themes = list(themes)
    if any(t.consultation_id != consultation.pk for t in themes):
        raise ValidationError(_("That theme is not part of this consultation."))
    answer.themes.set(themes)
    events.answers_tagged_event(
        consultation=consultation,
        user=user,
        theme=", ".join(t.name for t in themes),
        answers=1,
    )


@transaction.atomic
def answers_tag(consultation: Consultation, *, user, theme: Theme, answer_ids) -> int:
    """Tag many answers with one theme (e.g. a suggested cluster)."""
    require(can_run_consultations(user))
    if theme.consultation_id != consultation.pk:
        raise ValidationError(_("That theme is not part of this consultation."))
    answers = list(
        Answer.objects.filter(
            pk__in=answer_ids, response__consultation=consultation
        ).values_list("pk", flat=True)
    )
    Through = Answer.themes.through
    existing = set(
        Through.objects.filter(theme=theme, answer_id__in=answers).values_list(
            "answer_id", flat=True
        )
    )
    Through.objects.bulk_create(
        Through(answer_id=pk, theme_id=theme.pk) for pk in answers if pk not in existing
    )
    events.answers_tagged_event(
        consultation=consultation, user=user, theme=theme.name, answers=len(answers)
    )
    return len(answers)
