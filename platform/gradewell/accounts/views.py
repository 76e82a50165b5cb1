"""Sign-up, JWT sign-in and sign-out, and the current user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from gradewell.accounts import services
from gradewell.accounts.lockout import lockout_response
from gradewell.accounts.models import User
from gradewell.accounts.serializers import (
    LogoutSerializer,
    RegisterSerializer,
    UserSerializer,
)
from gradewell.api.errors import ApiError
from gradewell.audit import services as audit
from gradewell.conf import gradewell_setting


def _token_pair(user: User) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {"refresh": str(refresh), "access": str(refresh.access_token)}


class RegisterView(APIView):
    """Create a student account and return it with a token pair."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: inline_serializer(
                "Registration",
                {
                    "user": UserSerializer(),
                    "tokens": inline_serializer(
                        "TokenPair",
                        {
                            "refresh": serializers.CharField(),
                            "access": serializers.CharField(),
                        },
                    ),
                },
            )
        },
    )
    def post(self, request: Request) -> Response:
        if not gradewell_setting("SELF_SIGNUP"):
            raise ApiError(
                "Self sign-up is turned off on this platform. Ask your teacher "
                "or an administrator for an account.",
                code="registration_closed",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.do_register_student(**serializer.validated_data)
        body = {"user": UserSerializer(user).data, "tokens": _token_pair(user)}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenObtainView(TokenObtainPairView):
    """Exchange a username and password for an access and refresh token."""

    authentication_classes: list[Any] = []

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            # django-axes marks the DRF request it was given, which its own
            # middleware never sees, so the lockout answer is sent from here.
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request)
            raise


class TokenRefreshRotateView(TokenRefreshView):
    """Exchange a refresh token for a new pair; the old one is blacklisted."""

    authentication_classes: list[Any] = []

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except (ObjectDoesNotExist, KeyError, ValueError, TypeError) as exc:
            # The token was valid but names a deleted user or lacks a claim.
            raise InvalidToken(
                {
                    "detail": "The refresh token is no longer valid.",
                    "code": "token_not_valid",
                }
            ) from exc


class LogoutView(APIView):
    """Blacklist a refresh token so that it can never be used again."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []

    def get_authenticate_header(self, request: Request) -> str:
        # Without a header DRF would turn the 401 for a bad token into 403.
        return 'Bearer realm="api"'

    @extend_schema(request=LogoutSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token = RefreshToken(serializer.validated_data["refresh"])
            token.blacklist()
            user_id = token.payload.get(jwt_settings.USER_ID_CLAIM)
            user = User.objects.filter(pk=user_id).first()
            audit.record("signed_out", actor=user, target=user)
        except TokenError as exc:
            raise InvalidToken({"detail": str(exc), "code": "token_not_valid"}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(generics.RetrieveAPIView):
    serializer_class = UserSerializer

    def get_object(self) -> User:
        return User.objects.prefetch_related("enrollments__course").get(
            pk=self.request.user.pk
        )
