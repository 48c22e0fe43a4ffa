from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_editors_group(sender, using="default", **kwargs):
    """The group whose members edit the catalogue exists in every database (also
    after a flush, which tests do)."""
    from django.contrib.auth.models import Group

    from semillero.accounts.permissions import CATALOGUE_EDITORS_GROUP

    Group.objects.using(using).get_or_create(name=CATALOGUE_EDITORS_GROUP)


class PoliciesConfig(AppConfig):
    name = "semillero.policies"
    label = "policies"
    verbose_name = _("Policy catalogue")

    def ready(self):
        post_migrate.connect(ensure_editors_group, sender=self)
