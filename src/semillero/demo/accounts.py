"""The demo accounts: one per role, each at an organization of the demo registry."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.accounts.models import Role, User
from semillero.accounts.services import SYSTEM, user_create
from semillero.registry.models import Organization

from . import registry
from .context import DemoContext

NAME = "accounts"
TITLE = gettext_lazy("Demo accounts")

# username, role, organization code
ACCOUNTS = [
    ("admin", Role.NATIONAL_ADMIN, registry.LEAD_CODE),
    ("analyst", Role.ANALYST, registry.LEAD_CODE),
    ("centre", Role.DATA_OFFICER, registry.CENTRE_CODE),
    ("company", Role.COMPANY_OFFICER, registry.COMPANY_CODE),
    ("viewer", Role.VIEWER, registry.GOVERNMENT_CODE),
    # The lead institute's planning unit: enters the plan's reported actuals.
    ("planificacion", Role.DATA_OFFICER, registry.LEAD_CODE),
]


class ExistingAccounts(Exception):
    pass


def check() -> None:
    """Refuse to take over accounts the demo did not create."""
    taken = User.objects.filter(username__in=[a[0] for a in ACCOUNTS])
    if taken.exists():
        raise ExistingAccounts(", ".join(taken.values_list("username", flat=True)))


def generate(ctx: DemoContext) -> dict[str, int]:
    rnd = ctx.random(NAME)
    codes = {code for _, _, code in ACCOUNTS}
    orgs = Organization.objects.in_bulk(codes, field_name="code")
    for username, role, code in ACCOUNTS:
        sex = "F" if rnd.chance(0.5) else "M"
        # Through the accounts service, so the demo users are audited and validated
        # like any other; the demo runs as the system actor.
        user_create(
            actor=SYSTEM,
            username=username,
            role=role,
            organization=orgs[code],
            password=ctx.password,
            first_name=rnd.first_name(sex),
            last_name=rnd.last_name(),
        )
    return {"users": len(ACCOUNTS)}


def describe(counts: dict[str, int]) -> str:
    return _("%(users)s accounts") % {"users": counts.get("users", 0)}


def accounts() -> list[User]:
    """The demo accounts that exist, in the order of ACCOUNTS."""
    users = User.objects.select_related("organization").in_bulk(
        [a[0] for a in ACCOUNTS], field_name="username"
    )
    return [users[name] for name, _, _ in ACCOUNTS if name in users]
