"""The full-text index of the catalogue (see policies/search.py): an FTS5 table
and its triggers on SQLite, a GIN index on PostgreSQL; and the group whose
members edit the catalogue (accounts.permissions.CATALOGUE_EDITORS_GROUP)."""

from django.db import migrations

from semillero.policies.search import create_index, drop_index

EDITORS = "catalogue editors"


def create_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=EDITORS)


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(create_editors_group, migrations.RunPython.noop),
    ]
