"""Time `manage.py asset import` on a generated library of assets with small reference PNGs.

Usage: `python bench/asset_import.py [--count 500]`. It runs against the database kind named by
DATABASE_URL, in a throwaway database of its own: PostgreSQL gets `continuity_bench_import`
(created and dropped on the same server), SQLite a file in a temporary folder. Blobs go to a
temporary folder too. Prints the first import's rate and time, and a second, unchanged re-import.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "continuity_bench_import"


def library_write(folder: Path, count: int) -> None:
    """Write `count` assets (costumes, props, scenes pinning props, characters pinning costumes) and PNGs."""
    entries = []
    quarter = max(1, count // 5)
    for index in range(count):
        kind = ("costume", "prop", "scene", "character", "character")[min(index // quarter, 4)]
        name = f"{kind} {index:04d}"
        refs = []
        for shot in range(1 + index % 2):
            image = Image.new("RGB", (48, 32), (index % 256, (index * 7) % 256, (shot * 97) % 256))
            image.putpixel((index % 48, shot), (255, 255, 255))
            path = folder / kind / f"{index:04d}-{shot}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            image.save(path, format="PNG")
            refs.append(str(path.relative_to(folder)))
        entry = {"kind": kind, "name": name, "references": refs, "attributes": _attributes(kind, index)}
        if kind == "character":
            entry["components"] = [{"name": f"costume {index % quarter:04d}", "kind": "costume"}]
        if kind == "scene":
            entry["components"] = [{"name": f"prop {quarter + index % quarter:04d}", "kind": "prop"}]
        entries.append(entry)
    (folder / "assets.yaml").write_text(yaml.safe_dump({"assets": entries}, sort_keys=False))


def _attributes(kind: str, index: int) -> dict:
    palette = [f"#{index % 256:02x}{(index * 3) % 256:02x}{(index * 5) % 256:02x}"]
    return {
        "character": {"description": f"Character number {index}", "palette": palette, "personality": ["curious"],
                      "age_range": {"min": 20, "max": 30 + index % 20}},
        "costume": {"garments": ["coat", "boots"], "palette": palette, "materials": ["wool"]},
        "prop": {"description": f"Prop {index}", "dimensions": {"width": 10, "height": 5, "unit": "cm"}},
        "scene": {"setting": f"Harbour {index}", "time_of_day": "dusk", "lighting": "low sun", "palette": palette},
    }[kind]


@contextmanager
def throwaway_database(url: str, tmp: Path) -> Iterator[str]:
    """Yield a DATABASE_URL for a fresh database of the configured kind, dropped afterwards."""
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def run(count: int) -> None:
    """Generate the library, migrate the throwaway database, and time two imports."""
    with tempfile.TemporaryDirectory(prefix="bench-asset-import-") as name:
        tmp = Path(name)
        with throwaway_database(os.environ.get("DATABASE_URL", ""), tmp) as url:
            os.environ.update(DATABASE_URL=url, DATABASE_POOL="0", MEDIA_ROOT=str(tmp / "media"),
                              STORAGE_BACKEND="filesystem", LOG_LEVEL="WARNING")
            _setup_django()
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            studio_id = _studio()
            library = tmp / "library"
            library.mkdir()
            library_write(library, count)
            for label in ("import", "re-import (unchanged)"):
                started = time.perf_counter()
                out = io.StringIO()
                call_command("asset", "import", str(library), "--studio", studio_id, "--no-progress", stdout=out)
                elapsed = time.perf_counter() - started
                print(f"{url.split(':')[0]:>10} {label:<22} {count} assets in {elapsed:.2f}s = "
                      f"{count / elapsed:.1f} assets/s  ({out.getvalue().strip()})")


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _studio() -> str:
    from django.contrib.auth import get_user_model

    from studios.services import studio_create

    root = get_user_model().objects.create_superuser(username="bench", password="bench-password-1", email="")
    return str(studio_create(actor=root, name="Bench Studio").id)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    run(parser.parse_args().count)
