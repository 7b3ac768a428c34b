"""Take over the event table and projection checkpoints from `lineage`, which created them.

Only Django's model state moves: the tables keep their names, rows and append-only triggers, so a
database made before the move upgrades in place.
"""

from django.db import migrations, models


def _move_content_types(apps, schema_editor):
    # Permissions and admin log entries point at content types: keep them pointing at these models.
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label="lineage", model__in=["event", "projectioncheckpoint"]).update(app_label="eventlog")


class Migration(migrations.Migration):
    initial = True
    dependencies = [("lineage", "0004_event_log_moves_to_eventlog"), ("contenttypes", "0002_remove_content_type_name")]
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name="ProjectionCheckpoint",
                fields=[
                    ("name", models.CharField(max_length=100, primary_key=True, serialize=False)),
                    ("position", models.BigIntegerField(default=0)),
                ],
                options={"db_table": "lineage_projection_checkpoint"},
            ),
            migrations.CreateModel(
                name="Event",
                fields=[
                    ("position", models.BigIntegerField(primary_key=True, serialize=False)),
                    ("stream_id", models.CharField(max_length=200)),
                    ("stream_version", models.IntegerField()),
                    ("type", models.CharField(max_length=100)),
                    ("schema_version", models.IntegerField(default=1)),
                    ("data", models.JSONField()),
                    ("metadata", models.JSONField()),
                    ("recorded_at", models.DateTimeField()),
                    ("hash", models.CharField(max_length=64)),
                ],
                options={
                    "db_table": "lineage_event",
                    "ordering": ["position"],
                    "indexes": [models.Index(fields=["type", "position"], name="event_type_position")],
                    "constraints": [models.UniqueConstraint(fields=("stream_id", "stream_version"),
                                                            name="event_stream_version_unique")],
                },
            ),
        ]),
        migrations.RunPython(_move_content_types, migrations.RunPython.noop),
    ]
