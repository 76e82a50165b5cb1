"""JWT authentication that answers 401 for any token it cannot use."""

from __future__ import annotations

from typing import Any

import structlog
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed


class StrictJWTAuthentication(JWTAuthentication):
    """Reject tokens whose user id is malformed instead of failing with 500.

    simplejwt looks the user up with the claim as given, so a signed token
    carrying ``"user_id": "abc"`` would raise ValueError in the query.
    """

    def get_user(self, validated_token: Any) -> Any:
        try:
            user = super().get_user(validated_token)
        except (ValueError, TypeError) as exc:
            raise AuthenticationFailed(
                "The token's user id is invalid.", code="token_not_valid"
            ) from exc
        # Every later log line of this request carries the user id.
        structlog.contextvars.bind_contextvars(user_id=user.pk)
        return user
