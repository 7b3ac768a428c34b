"""Index the log by (studio, position), so reading a studio's events costs what they cost."""

import eventlog.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("eventlog", "0001_initial")]
    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(eventlog.models.EventStudio(), models.F("position"), name="event_studio_position"),
        ),
    ]
