"""What every command for people shares: who acts, readable tables, `--json`, and one meaning of exit codes.

Exit codes: 0 done; 1 refused (a rule, a role, a stale version, a failed check); 2 usage (a bad
option, or an argument that names nothing or several things in the user's studios).
A command subclasses `ConsoleCommand`, implements `run()` returning a `Result`, and raises
`DomainError` / `LookupFailed` freely: `handle()` turns them into the message and the exit code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import DomainError
from config.types import Actor
from studios.lookup import LookupFailed

DONE, REFUSED, USAGE = 0, 1, 2
USER_HELP = ("username to act as; without it $CONTINUITY_USER, else the first superuser "
             "(the command says which it chose)")


@dataclass
class Result:
    """What a command shows: text lines for people, `data` for --json, and whether it was refused."""

    lines: list[str] = field(default_factory=list)
    data: Any = None
    refused: str = ""  # a one-line reason: the command exits 1 after showing the rest


class ConsoleCommand(BaseCommand):
    """A management command with --json, readable errors and the exit codes above."""

    acts_as_user = True

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = "Exit codes: 0 done, 1 refused, 2 usage (bad option, or an argument that names nothing)."
        return parser

    def add_common(self, parser: CommandParser) -> None:
        """Add --json (and --user when the command acts as a user) to a parser or subparser."""
        parser.add_argument("--json", action="store_true", help="print the machine-readable form (JSON)")
        if self.acts_as_user:
            parser.add_argument("--user", default=None, help=USER_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self.run(**options)
        except LookupFailed as failure:
            raise CommandError("\n  ".join([failure.message, *failure.candidates]), returncode=USAGE) from None
        except DomainError as error:
            raise CommandError(refusal(error), returncode=REFUSED) from None
        if options.get("json"):
            self.stdout.write(json.dumps(result.data, indent=2, default=str))
        else:
            for line in result.lines:
                self.stdout.write(line)
        if result.refused:
            raise CommandError(result.refused, returncode=REFUSED)

    def run(self, **options: Any) -> Result:
        raise NotImplementedError

    def actor(self, options: dict[str, Any]) -> Actor:
        """Return the user this command acts as, and say on stderr how it was chosen."""
        user, how = actor_choose(options.get("user"))
        if not options.get("json"):
            self.stderr.write(f"acting as {user.username} ({how})", style_func=str)
        return user


def actor_choose(username: str | None) -> tuple[Actor, str]:
    """Return the acting user and how it was chosen: --user, else $CONTINUITY_USER, else the first superuser."""
    User = get_user_model()
    env = os.environ.get("CONTINUITY_USER", "")
    for name, how in ((username, "--user"), (env, "$CONTINUITY_USER")):
        if name:
            user = User.objects.filter(username=name).first()
            if user is None:
                raise LookupFailed(f"No user named {name!r} (from {how}).")
            return user, how
    user = User.objects.filter(is_superuser=True).order_by("id").first()
    if user is None:
        raise LookupFailed("No user to act as: pass --user NAME or set CONTINUITY_USER (no superuser exists).")
    return user, "the first superuser: no --user or $CONTINUITY_USER"


def refusal(error: DomainError) -> str:
    """Return a domain refusal as one readable paragraph (its code, message and field errors)."""
    lines = [f"refused ({error.code}): {error.message}"]
    for name, problems in (error.extra or {}).get("fields", {}).items():
        lines.append(f"  {name}: {' '.join(str(p) for p in problems) if isinstance(problems, list) else problems}")
    return "\n".join(lines)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """Return rows as aligned text columns under a header line (the last column is not padded)."""
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(value.ljust(widths[i]) for i, value in enumerate(row)).rstrip() for row in cells]
    return [lines[0], "  ".join("-" * w for w in widths), *lines[1:]]


def versions(old: Any, new: Any) -> str:
    """Return a version change as `v1 → v2`."""
    return f"v{old} → v{new}"
