"""The accounts app's event vocabulary: each function writes one audit event.

Permission changes (a new user, a role or organization change, API tokens) and data
exports are audited here. Exports live here rather than in one app because every
list page of every app exports through `core.exports`, and the audit trail is ours.
"""

from .audit import record_event


def user_created_event(*, actor, user):
    return record_event(
        actor=actor,
        action="user_created",
        obj=user,
        summary=f"{user.username}: {user.role}",
        details={
            "username": user.username,
            "role": user.role,
            "organization": user.organization.code if user.organization else None,
        },
    )


def user_role_changed_event(*, actor, user, old_role, old_organization):
    new_org = user.organization.code if user.organization else None
    old_org = old_organization.code if old_organization else None
    return record_event(
        actor=actor,
        action="user_role_changed",
        obj=user,
        summary=f"{user.username}: {old_role} → {user.role}",
        details={
            "username": user.username,
            "old_role": old_role,
            "new_role": user.role,
            "old_organization": old_org,
            "new_organization": new_org,
        },
    )


def api_token_created_event(*, actor, token):
    return record_event(
        actor=actor,
        action="api_token_created",
        obj=token,
        summary=f"{token.user.username}: {token.prefix}… ({token.name})",
        details={"owner": token.user.username, "prefix": token.prefix},
    )


def api_token_revoked_event(*, actor, token):
    return record_event(
        actor=actor,
        action="api_token_revoked",
        obj=token,
        summary=f"{token.user.username}: {token.prefix}… ({token.name})",
        details={"owner": token.user.username, "prefix": token.prefix},
    )


def data_exported_event(*, actor, what: str, file_format: str, rows: int, filters):
    """A list was downloaded: which list, with which filters, how many rows."""
    return record_event(
        actor=actor,
        action="export",
        summary=f"{what} ({file_format}, {rows})",
        details={
            "list": what,
            "format": file_format,
            "rows": rows,
            "filters": filters,
        },
    )
