"""Create a teacher account, or promote an existing user to teacher."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gradewell.accounts import services
from gradewell.accounts.models import Role, User


class Command(BaseCommand):
    help = (
        "Create a teacher account or promote an existing user. The password "
        "comes from --password-file, or is asked for when the account is new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-file",
            help="File whose first line is the new account's password.",
        )
        parser.add_argument(
            "--admin", action="store_true", help="Make the user an admin instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role = Role.ADMIN if options["admin"] else Role.TEACHER
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            password = self._read_password(options["password_file"])
            candidate = User(username=options["username"], email=options["email"])
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as exc:
                raise CommandError(
                    "Password rejected: " + " ".join(exc.messages)
                ) from exc
            user = User.objects.create_user(
                username=options["username"],
                email=options["email"],
                password=password,
            )
            verb = "Created"
        else:
            verb = "Promoted"
        services.do_set_role(user, role)
        self.stdout.write(f"{verb} {user.username} as {role.label.lower()}.")

    def _read_password(self, path: str | None) -> str:
        if path:
            try:
                with open(path) as handle:
                    return handle.readline().rstrip("\n")
            except OSError as exc:
                raise CommandError(
                    f"Cannot read --password-file {path}: {exc}"
                ) from exc
        return getpass.getpass("Password: ")
