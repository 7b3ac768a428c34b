"""The event table and projection checkpoints now belong to the `eventlog` app; their tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("lineage", "0003_graph")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel("Event"), migrations.DeleteModel("ProjectionCheckpoint")],
        ),
    ]
