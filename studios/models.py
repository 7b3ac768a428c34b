"""Read models for studios and memberships (built from events by studios.projections)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer"
    ARTIST = "artist"
    SUPERVISOR = "supervisor"
    RIGHTS_MANAGER = "rights_manager"
    ADMIN = "admin"


class Studio(models.Model):
    """A studio: every piece of IP belongs to exactly one."""

    id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in a studio; the primary key is "<studio>:<user id>"."""

    id = models.CharField(max_length=80, primary_key=True)
    studio = models.ForeignKey(Studio, on_delete=models.DO_NOTHING, db_constraint=False, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "studio"], name="membership_user_studio")]


class TokenUse(models.Model):
    """When an API token was last used; it expires settings.TOKEN_EXPIRY later (studios.tokens).

    Not a read model: like the token itself (rest_framework.authtoken) it is credentials, not history.
    """

    token = models.OneToOneField("authtoken.Token", primary_key=True, on_delete=models.CASCADE, related_name="use")
    last_used_at = models.DateTimeField()
