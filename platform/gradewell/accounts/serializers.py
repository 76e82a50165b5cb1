"""Serializers for accounts and sign-up."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework_simplejwt.serializers import (
    TokenObtainPairSerializer,
    TokenRefreshSerializer,
)
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken

from gradewell.accounts.models import User
from gradewell.audit import services as audit


class AuditedTokenObtainPairSerializer(TokenObtainPairSerializer):
    """Records each successful sign-in; failures are recorded by a signal."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        data = super().validate(attrs)
        audit.record("signed_in", actor=self.user, target=self.user)
        return data


class AuditedTokenRefreshSerializer(TokenRefreshSerializer):
    """Records each refresh under the token's user."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user_id = RefreshToken(attrs["refresh"]).payload.get(jwt_settings.USER_ID_CLAIM)
        data = super().validate(attrs)
        user = User.objects.filter(pk=user_id).first()
        audit.record("token_refreshed", actor=user, target=user)
        return data


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=150, validators=[UnicodeUsernameValidator()]
    )
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128)
    first_name = serializers.CharField(max_length=150, required=False, default="")
    last_name = serializers.CharField(max_length=150, required=False, default="")

    def validate_username(self, value: str) -> str:
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(
                "This username is taken. Choose another one."
            )
        return value

    def validate_email(self, value: str) -> str:
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(
                "An account with this email exists. Sign in instead."
            )
        return value.lower()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(
            username=attrs["username"],
            email=attrs["email"],
            first_name=attrs["first_name"],
            last_name=attrs["last_name"],
        )
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class EnrollmentSummarySerializer(serializers.Serializer):
    course = serializers.IntegerField(source="course_id")
    course_title = serializers.CharField(source="course.title")
    role = serializers.CharField()


class UserSerializer(serializers.ModelSerializer):
    enrollments = EnrollmentSummarySerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "role",
            "date_joined",
            "enrollments",
        ]
        read_only_fields = fields
