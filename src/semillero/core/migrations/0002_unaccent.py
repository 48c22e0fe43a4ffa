from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL's unaccent for accent-insensitive search (core.search). It is a
    trusted extension, so the database owner may create it; SQLite skips this."""

    dependencies = [("core", "0001_initial")]

    operations = [UnaccentExtension()]
