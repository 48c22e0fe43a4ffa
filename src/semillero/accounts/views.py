"""Account pages: users for administrators, API tokens for everyone.

Login, logout and password change are Django's own views (see urls.py).
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from semillero.core.listing import Column, Filter, Listing
from semillero.registry.selectors import organization_choices

from . import selectors, services
from .forms import ApiTokenForm, UserCreateForm, UserRoleForm
from .models import Role
from .permissions import can_manage_users

USER_COLUMNS = [
    Column("username", gettext_lazy("Username"), sort=("username",)),
    Column(
        "name",
        gettext_lazy("Name"),
        sort=("last_name", "first_name"),
        value="get_full_name",
    ),
    Column("email", gettext_lazy("E-mail"), sort=("email",)),
    Column(
        "organization",
        gettext_lazy("Organization"),
        sort=("organization__name",),
        value="organization.name",
    ),
    Column("role", gettext_lazy("Role"), sort=("role",), value="get_role_display"),
    Column("is_active", gettext_lazy("Active"), sort=("is_active",)),
    Column("last_login", gettext_lazy("Last login"), sort=("last_login",)),
]
USER_FILTERS = [
    Filter("role", gettext_lazy("Role"), Role.choices),
    Filter("organization", gettext_lazy("Organization"), organization_choices),
]


def _require_user_manager(user) -> None:
    if not can_manage_users(user):
        raise PermissionDenied


@login_required
@require_GET
def user_list(request):
    _require_user_manager(request.user)
    listing = Listing(
        request,
        name="users",
        title=_("Users"),
        columns=USER_COLUMNS,
        filters=USER_FILTERS,
        default_sort="username",
    )
    rows = selectors.user_list(actor=request.user, **listing.selector_kwargs())
    return listing.respond(
        rows,
        "accounts/user_list.html",
        "accounts/_user_results.html",
        {"listing": listing},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    _require_user_manager(request.user)
    initial = {}
    if request.GET.get("organization", "").isdigit():
        initial["organization"] = int(request.GET["organization"])
    form = UserCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        given_password = data.pop("password")
        password = given_password or services.generate_password()
        try:
            user = services.user_create(actor=request.user, password=password, **data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if given_password:
                messages.success(
                    request,
                    _("User %(username)s created.") % {"username": user.username},
                )
                return redirect("accounts:user_list")
            # A generated password is shown once, on this response, and never stored
            # in clear: not in a message, not in the session.
            return render(
                request,
                "accounts/user_created.html",
                {"new_user": user, "password": password},
            )
    return render(
        request, "accounts/user_form.html", {"form": form, "title": _("New user")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_role(request, pk):
    _require_user_manager(request.user)
    try:
        account = selectors.user_get(actor=request.user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    form = UserRoleForm(
        request.POST or None,
        initial={"role": account.role, "organization": account.organization_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_role(
                actor=request.user,
                user=account,
                role=form.cleaned_data["role"],
                organization=form.cleaned_data["organization"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Role of %(username)s saved.") % {"username": account.username},
            )
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "account": account,
            "title": _("Role of %(username)s") % {"username": account.username},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    """The user's API tokens; creating one shows its key on this response only."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            form = ApiTokenForm()
    response = render(
        request,
        "accounts/token_list.html",
        {
            "form": form,
            "tokens": list(selectors.api_token_list(user=request.user)),
            "new_key": new_key,
        },
    )
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    try:
        token = selectors.api_token_get(user=request.user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(
        request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix}
    )
    return redirect("accounts:token_list")


# -- the audit trail -------------------------------------------------------------

AUDIT_COLUMNS = [
    Column("created_at", gettext_lazy("When"), sort=("created_at",)),
    Column("actor_username", gettext_lazy("User"), sort=("actor_username",)),
    Column("action", gettext_lazy("Action"), sort=("action",)),
    Column("summary", gettext_lazy("Summary")),
    Column("object_type", gettext_lazy("Object"), table=False),
    Column("object_id", gettext_lazy("Object ID"), table=False),
    Column(
        "details",
        gettext_lazy("Details"),
        value=lambda e: json.dumps(e.details, ensure_ascii=False, sort_keys=True),
        table=False,
    ),
]


def _audit_filters() -> list[Filter]:
    return [
        Filter(
            "family",
            gettext_lazy("Kind of action"),
            lambda: [(f, f) for f in selectors.audit_action_families()],
        ),
        Filter(
            "period",
            gettext_lazy("Period"),
            [
                ("7", gettext_lazy("Last 7 days")),
                ("30", gettext_lazy("Last 30 days")),
                ("365", gettext_lazy("Last 12 months")),
            ],
        ),
    ]


@login_required
@require_GET
def audit_trail(request):
    """Who imported, exported, changed or published what: the audit trail for
    administrators, searchable, filterable, downloadable (the download itself is
    audited as an export)."""
    _require_user_manager(request.user)
    listing = Listing(
        request,
        name="audit_trail",
        title=_("Audit trail"),
        columns=AUDIT_COLUMNS,
        filters=_audit_filters(),
        default_sort="-created_at",
    )
    who = request.GET.get("who", "")[:150]
    rows = selectors.audit_event_list(
        actor=request.user, who=who or None, **listing.selector_kwargs()
    )
    return listing.respond(
        rows,
        "accounts/audit_trail.html",
        "accounts/_audit_results.html",
        {"listing": listing, "who": who},
    )
