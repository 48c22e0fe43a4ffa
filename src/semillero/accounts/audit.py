"""The one writer of the audit trail; apps call it from their `events.py`."""

from .models import AuditEvent


def record_event(
    *, actor, action: str, obj=None, summary: str = "", details=None
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:500],
        details=details or {},
    )
