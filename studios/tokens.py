"""API tokens that expire and can be revoked.

A token (rest_framework.authtoken's) expires settings.TOKEN_EXPIRY after it was last used: the
expiry slides with use, so a script that keeps working keeps its token, and one left in an old
config file stops working. Its last use is recorded at most once a minute, so a busy client costs
one write a minute, not one a request. A user's tokens are deleted when their password changes,
however it changes (API, admin, `manage.py changepassword`), since every way saves the user.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from studios.models import TokenUse

_RECORD_EVERY = timedelta(minutes=1)


def token_issue(*, user: Any) -> Token:
    """Return the user's working token, replacing an expired one, and count this as a use."""
    now = timezone.now()
    token = Token.objects.filter(user=user).select_related("use").first()
    if token is not None and _expired(token, now):
        token.delete()
    token, _ = Token.objects.get_or_create(user=user)
    _record_use(token, now)
    return token


def token_revoke(*, token: Token) -> None:
    """Delete a token: requests carrying it get 401 from now on."""
    Token.objects.filter(pk=token.pk).delete()


def revoke_tokens_on_password_change(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """Delete a user's tokens when a save changes their password (a `pre_save` receiver)."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = type(instance)._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing (401) a token unused for longer than settings.TOKEN_EXPIRY."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        token = Token.objects.select_related("user", "use").filter(key=key).first()
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if _expired(token, now):
            token.delete()
            raise AuthenticationFailed("The token has expired: ask for a new one at /api/auth/token/.")
        _record_use(token, now)
        return token.user, token


def _last_used(token: Token) -> datetime:
    try:
        return token.use.last_used_at
    except TokenUse.DoesNotExist:
        return token.created


def _expired(token: Token, now: datetime) -> bool:
    return now - _last_used(token) > settings.TOKEN_EXPIRY


def _record_use(token: Token, now: datetime) -> None:
    if now - _last_used(token) >= _RECORD_EVERY:
        TokenUse.objects.update_or_create(token=token, defaults={"last_used_at": now})
