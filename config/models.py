"""The outbox: Dramatiq messages recorded in the transaction of the events that call for them."""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """A message still to be handed to the broker; deleted once the broker has taken it."""

    message = models.JSONField()  # dramatiq.Message.asdict(): its id, queue, actor, arguments and options
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "config_outbox_message"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.message.get('actor_name')} {self.message.get('args')}"
