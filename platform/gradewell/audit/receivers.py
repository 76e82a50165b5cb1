"""Signal receivers that write audit records."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from gradewell.audit import services


@receiver(user_login_failed)
def record_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # Django masks the password in ``credentials``; only the username is kept.
    services.record(
        "sign_in_failed",
        target_type="accounts.user",
        details={"username": str(credentials.get("username", ""))[:150]},
    )
