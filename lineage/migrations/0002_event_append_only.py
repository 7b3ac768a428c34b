"""Make lineage_event append-only in the database itself (UPDATE/DELETE/TRUNCATE refused)."""

from __future__ import annotations

from django.db import migrations

from eventlog.immutability import install_triggers, remove_triggers


class Migration(migrations.Migration):
    dependencies = [("lineage", "0001_initial")]
    operations = [migrations.RunPython(install_triggers, remove_triggers)]
