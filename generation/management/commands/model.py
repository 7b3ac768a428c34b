"""`model register --studio S --name N --backend diffusers|previz [--path P]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from generation.services import model_register_or_get
from studios.console import ConsoleCommand, Result
from studios.lookup import studio_find


class Command(ConsoleCommand):
    help = "Register a model version (a weights folder under MODEL_ROOTS, or previz)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        register = sub.add_parser("register", help="register a model folder (under MODEL_ROOTS) or previz")
        register.add_argument("--studio", required=True, help="studio id or name")
        register.add_argument("--name", required=True)
        register.add_argument("--backend", choices=["diffusers", "previz"], default="diffusers")
        register.add_argument("--path", default=None, help="the diffusers pipeline folder (under MODEL_ROOTS)")
        self.add_common(register)

    def run(self, **options: Any) -> Result:
        actor = self.actor(options)
        studio = studio_find(actor, options["studio"])
        model, created = model_register_or_get(actor=actor, studio_id=str(studio.id), name=options["name"],
                                               backend=options["backend"], path=options["path"])
        verb = "registered" if created else "already registered as"
        return Result(lines=[f"{verb} {model.name} v{model.version} ({model.id}) fingerprint {model.fingerprint}"],
                      data={"id": str(model.id), "name": model.name, "version": model.version,
                            "backend": model.backend, "fingerprint": model.fingerprint, "created": created})
