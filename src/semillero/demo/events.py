"""The demo's event vocabulary. Generating demo data is written to the audit trail,
which also tells a later run which parts of the dataset a database already holds."""

from semillero.accounts.audit import record_event
from semillero.accounts.models import AuditEvent

DEMO_GENERATED = "demo_generated"


def demo_data_generated_event(*, module: str, seed: int, scale: str, counts: dict):
    return record_event(
        actor=None,
        action=DEMO_GENERATED,
        summary=f"demo {module}: seed {seed}, scale {scale}",
        details={"module": module, "seed": seed, "scale": scale, "counts": counts},
    )


def demo_generated(module: str) -> AuditEvent | None:
    """The event of an earlier generation of this module, if any."""
    return (
        AuditEvent.objects.filter(action=DEMO_GENERATED, details__module=module)
        .order_by("created_at")
        .first()
    )
