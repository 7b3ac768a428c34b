"""`model register --studio S --name N --backend diffusers|previz [--path P]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import DomainError
from generation.management.console import actor_from, add_actor_argument
from generation.services import model_register_or_get


class Command(BaseCommand):
    help = "Register a model version (a weights folder under MODEL_ROOTS, or previz)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        register = sub.add_parser("register")
        register.add_argument("--studio", required=True)
        register.add_argument("--name", required=True)
        register.add_argument("--backend", choices=["diffusers", "previz"], default="diffusers")
        register.add_argument("--path", default=None)
        add_actor_argument(register)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            model, created = model_register_or_get(actor=actor_from(options), studio_id=options["studio"],
                                                   name=options["name"], backend=options["backend"],
                                                   path=options["path"])
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message} {error.extra or ''}".strip()) from None
        verb = "registered" if created else "already registered as"
        self.stdout.write(f"{verb} {model.name} v{model.version} ({model.id}) fingerprint {model.fingerprint}")
