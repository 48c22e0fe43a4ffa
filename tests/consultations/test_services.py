"""The consultation's life: groups, the builder and its versions, links that
cannot be guessed nor reused, closed consultations, one submission per link."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from semillero.consultations import services
from semillero.consultations.models import (
    Answer,
    Invitation,
    QuestionType,
    Response,
    ResponseSource,
)

from .support import answer, consultation_with_questions, question

pytestmark = pytest.mark.django_db


def test_a_consultation_starts_with_the_seven_groups(analyst_user):
    c = consultation_with_questions(analyst_user)
    assert list(c.groups.values_list("code", flat=True)) == [
        "strategic_partners",
        "training_centres",
        "instructors",
        "government",
        "business_associations",
        "workers",
        "institute_staff",
    ]
    workers = c.groups.get(code="workers")
    assert (workers.name_es, workers.name_en) == (
        "Workers",
        "Workers",
    ) or workers.name_en == "Workers"
    services.group_save(
        c, user=analyst_user, code="workers", name_es="Trabajadores", target=40
    )
    assert c.groups.get(code="workers").target == 40


def test_viewers_and_officers_cannot_run_consultations(viewer_user, officer_user):
    for user in (viewer_user, officer_user):
        with pytest.raises(PermissionDenied):
            consultation_with_questions(user)


def test_likert_questions_get_the_usual_labels_in_both_languages(analyst_user):
    c = consultation_with_questions(analyst_user)
    options = question(c, "coord").options
    assert [o["code"] for o in options] == ["1", "2", "3", "4", "5"]
    assert options[4]["en"] == "Strongly agree"


def test_the_questionnaire_freezes_when_answers_arrive_and_a_change_makes_a_version(
    analyst_user,
):
    c = consultation_with_questions(analyst_user)
    section = c.questionnaire.sections.first()
    answer(c, "workers", {"coord": 4})
    with pytest.raises(ValidationError):
        services.question_save(
            c,
            user=analyst_user,
            section=section,
            code="new",
            type=QuestionType.SHORT_TEXT,
            text_es="Nueva",
        )
    v2 = services.questionnaire_new_version(c, user=analyst_user)
    assert v2.version == 2
    assert sorted(v2.questions.values_list("code", flat=True)) == [
        "channel",
        "coord",
        "prior",
        "staff",
    ]
    services.question_save(
        c,
        user=analyst_user,
        section=v2.sections.first(),
        code="new",
        type=QuestionType.SHORT_TEXT,
        text_es="Nueva",
    )
    # The answer given stays with version 1.
    assert Answer.objects.get().question.questionnaire.version == 1


def test_tokens_are_long_random_and_unknown_ones_lead_nowhere(
    analyst_user, organization=None
):
    c = consultation_with_questions(analyst_user)
    group = c.groups.get(code="government")
    from tests.factories import OrganizationFactory

    orgs = [OrganizationFactory(email=f"o{i}@example.org") for i in range(20)]
    assert (
        services.invite_organizations(
            c, user=analyst_user, group=group, organizations=orgs
        )
        == 20
    )
    # Invited twice: skipped.
    assert (
        services.invite_organizations(
            c, user=analyst_user, group=group, organizations=orgs
        )
        == 0
    )
    tokens = list(Invitation.objects.values_list("token", flat=True))
    assert len(set(tokens)) == 20
    assert all(len(t) >= 43 for t in tokens)  # 256 random bits
    assert (
        services.response_for(tokens[0][:-1] + ("A" if tokens[0][-1] != "A" else "B"))
        is None
    )
    assert services.response_for("") is None
    assert services.response_for("../../etc") is None


def test_a_link_takes_one_submission(analyst_user):
    c = consultation_with_questions(analyst_user)
    response = answer(c, "workers", {"coord": 5})
    again = services.response_for(response.invitation.token)
    with pytest.raises(services.Unavailable) as exc:
        services.check_open(again)
    assert exc.value.reason == "answered"
    with pytest.raises(services.Unavailable):
        services.answers_save(again, {question(c, "coord"): 1})
    with pytest.raises(services.Unavailable):
        services.submit(again)
    assert Answer.objects.get(question__code="coord").number == 5


def test_required_questions_are_needed_to_send(analyst_user):
    c = consultation_with_questions(analyst_user)
    invitation = Invitation.objects.create(
        consultation=c, group=c.groups.first(), token=services.new_token()
    )
    response = services.response_for(invitation.token)
    with pytest.raises(ValidationError):
        services.submit(response)
    assert not Response.objects.get(pk=response.pk).submitted_at


def test_closed_consultations_reject_answers(analyst_user):
    c = consultation_with_questions(analyst_user)
    invitation = Invitation.objects.create(
        consultation=c, group=c.groups.first(), token=services.new_token()
    )
    response = services.response_for(invitation.token)
    services.answers_save(response, {question(c, "coord"): 3})
    services.consultation_close(c, user=analyst_user)
    response.refresh_from_db()
    with pytest.raises(services.Unavailable) as exc:
        services.answers_save(response, {question(c, "coord"): 4})
    assert exc.value.reason == "closed"
    with pytest.raises(services.Unavailable):
        services.submit(response)


def test_past_the_closing_date_the_consultation_is_closed(analyst_user):
    c = consultation_with_questions(analyst_user)
    c.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    c.opens_on = c.closes_on - datetime.timedelta(days=10)
    c.save()
    link = services.open_link_get_or_create(
        c.groups.get(code="workers"), user=analyst_user
    )
    with pytest.raises(services.Unavailable) as exc:
        services.start_anonymous(link)
    assert exc.value.reason == "closed"


def test_open_links_keep_nothing_about_the_person(analyst_user):
    c = consultation_with_questions(analyst_user)
    link = services.open_link_get_or_create(
        c.groups.get(code="workers"), user=analyst_user
    )
    assert (
        services.open_link_get_or_create(
            c.groups.get(code="workers"), user=analyst_user
        )
        == link
    )
    response = services.start_anonymous(link)
    services.answers_save(response, {question(c, "coord"): 2})
    services.submit(response)
    response.refresh_from_db()
    assert response.source == ResponseSource.OPEN_LINK
    assert response.invitation_id is None and response.token is None
    assert response.submitted_at is not None


def test_answers_are_validated(analyst_user):
    c = consultation_with_questions(analyst_user)
    invitation = Invitation.objects.create(
        consultation=c, group=c.groups.first(), token=services.new_token()
    )
    response = services.response_for(invitation.token)
    for code, bad in (
        ("coord", 6),
        ("coord", "2.5"),
        ("channel", "fax"),
        ("staff", "muchos"),
    ):
        with pytest.raises(ValidationError):
            services.answers_save(response, {question(c, code): bad})


def test_people_lists_are_parsed_and_only_admins_invite_people(
    admin_user, analyst_user
):
    people = services.parse_people(
        "Ana Pérez\tana@example.org\nLuis <luis@example.org>\n\n"
    )
    assert people == [("Ana Pérez", "ana@example.org"), ("Luis", "luis@example.org")]
    with pytest.raises(ValidationError):
        services.parse_people("sin correo")
    c = consultation_with_questions(admin_user)
    group = c.groups.get(code="instructors")
    assert services.invite_people(c, user=admin_user, group=group, people=people) == 2
    with pytest.raises(PermissionDenied):
        services.invite_people(c, user=analyst_user, group=group, people=people)


def test_invitations_are_emailed_and_reminded(admin_user, mailoutbox):
    c = consultation_with_questions(admin_user)
    group = c.groups.get(code="instructors")
    services.invite_people(
        c, user=admin_user, group=group, people=[("Ana", "ana@example.org")]
    )
    n = services.send_invitations(
        c, user=admin_user, link_for=lambda t: f"https://x/consulta/{t}/"
    )
    assert n == 1 and len(mailoutbox) == 1
    token = Invitation.objects.get().token
    assert token in mailoutbox[0].body
    assert services.send_invitations(c, user=admin_user, link_for=str) == 0
    assert (
        services.send_invitations(c, user=admin_user, link_for=str, reminders=True) == 1
    )
    assert Invitation.objects.get().reminders == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_make_one_submission(analyst_user):
    c = consultation_with_questions(analyst_user)
    invitation = Invitation.objects.create(
        consultation=c, group=c.groups.first(), token=services.new_token()
    )
    response = services.response_for(invitation.token)
    services.answers_save(response, {question(c, "coord"): 4})
    barrier = threading.Barrier(2)
    outcomes = []

    def send():
        try:
            barrier.wait()
            services.submit(services.response_for(invitation.token))
            outcomes.append("sent")
        except services.Unavailable as exc:
            outcomes.append(exc.reason)
        except Exception as exc:  # SQLite: "database is locked" is a refusal too
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("sent") == 1, outcomes
    assert Response.objects.filter(submitted_at__isnull=False).count() == 1
    invitation.refresh_from_db()
    assert invitation.submitted_at is not None


def test_a_group_with_answers_stays_and_a_consultation_goes_whole(analyst_user):
    c = consultation_with_questions(analyst_user)
    answer(c, "workers", {"coord": 4, "prior": "Más datos"})
    with pytest.raises(ValidationError):
        services.group_delete(c.groups.get(code="workers"), user=analyst_user)
    services.group_delete(c.groups.get(code="government"), user=analyst_user)
    assert c.groups.count() == 6
    c.delete()
    assert not Response.objects.exists() and not Answer.objects.exists()
