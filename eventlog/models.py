"""The append-only event table and the projections' checkpoints (table names from when they lived in lineage)."""

from __future__ import annotations

from typing import Any

from django.db import models


class EventStudio(models.Func):
    """An event's studio (its metadata's `studio`) as text, for the (studio, position) index and the reads it serves.

    The key is written into the SQL, not bound as a parameter as Django's JSON key lookups bind it:
    a database uses an expression index only for the very same expression.
    """

    template = "(%(expressions)s ->> 'studio')"
    output_field = models.TextField()

    def __init__(self) -> None:
        super().__init__(models.F("metadata"))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="json_extract(%(expressions)s, '$.studio')", **extra)


class Event(models.Model):
    """One immutable event; UPDATE, DELETE and TRUNCATE are refused by database triggers."""

    position = models.BigIntegerField(primary_key=True)
    stream_id = models.CharField(max_length=200)
    stream_version = models.IntegerField()
    type = models.CharField(max_length=100)
    schema_version = models.IntegerField(default=1)
    data = models.JSONField()
    metadata = models.JSONField()
    recorded_at = models.DateTimeField()
    hash = models.CharField(max_length=64)

    class Meta:
        db_table = "lineage_event"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["stream_id", "stream_version"], name="event_stream_version_unique")
        ]
        indexes = [
            models.Index(fields=["type", "position"], name="event_type_position"),
            # A studio's events in order: reading them costs what they cost, however long the rest of the log.
            models.Index(EventStudio(), "position", name="event_studio_position"),
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.type} {self.stream_id}@{self.stream_version}"


class ProjectionCheckpoint(models.Model):
    """The last event position a projection has applied, written with its read-model rows."""

    name = models.CharField(max_length=100, primary_key=True)
    position = models.BigIntegerField(default=0)

    class Meta:
        db_table = "lineage_projection_checkpoint"
