"""The `semillero createuser` command goes through accounts.services.user_create."""

import io

import pytest
from django.core.management import CommandError, call_command

from semillero.accounts.models import AuditEvent, Role, User

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("createuser", *args, stdout=out)
    return out.getvalue()


def test_createuser_with_a_password(centre):
    output = run(
        "rosa",
        "--role",
        "data_officer",
        "--organization",
        "CFP-001",
        "--password",
        "una clave bastante larga",
        "--email",
        "rosa@example.org",
    )
    user = User.objects.get(username="rosa")
    assert (user.role, user.organization, user.email) == (
        Role.DATA_OFFICER,
        centre,
        "rosa@example.org",
    )
    assert user.check_password("una clave bastante larga")
    assert "Password:" not in output
    event = AuditEvent.objects.get(action="user_created")
    assert event.actor_username == "system"


def test_createuser_generates_and_prints_a_password():
    output = run("jefa", "--role", "national_admin", "--no-input")
    password = output.split("Password: ")[1].strip()
    assert User.objects.get(username="jefa").check_password(password)


def test_createuser_reports_errors_clearly(centre):
    with pytest.raises(CommandError, match="organization"):
        run("x", "--role", "company_officer", "--no-input")
    with pytest.raises(CommandError, match="NOPE"):
        run("x", "--role", "viewer", "--organization", "NOPE", "--no-input")
    assert not User.objects.filter(username="x").exists()
