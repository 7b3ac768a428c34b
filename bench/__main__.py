"""Run every benchmark module in this package (or those named) and print their tables.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench [module …]

A benchmark module has `run(url) -> Table`; it gets a freshly migrated database of its own.
Modules in this folder without one are stand-alone scripts and are listed, not run.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import platform
import time
from types import ModuleType

import bench
from bench.harness import bench_database, fresh_database

_NOT_BENCHMARKS = {"harness", "__main__"}


def modules() -> list[str]:
    """Return the modules of this package that may be benchmarks, in name order."""
    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name not in _NOT_BENCHMARKS)


def is_benchmark(module: ModuleType) -> bool:
    """Tell whether a module follows the harness protocol: `run(url) -> Table`."""
    run = getattr(module, "run", None)
    return callable(run) and "url" in inspect.signature(run).parameters


def main() -> None:
    """Create the bench database, run the chosen benchmarks, print one markdown table each."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {', '.join(modules())})")
    names = parser.parse_args().names or modules()
    unknown = sorted(set(names) - set(modules()))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    started = time.perf_counter()
    with bench_database() as url:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        print(f"Command: DATABASE_URL=postgres://… python -m bench {' '.join(names)}".rstrip())
        print(f"PostgreSQL {server}, Python {platform.python_version()}, {platform.machine()}\n")
        first = True
        for name in names:
            module = importlib.import_module(f"bench.{name}")
            if not is_benchmark(module):
                print(f"(bench/{name}.py is a stand-alone script, not run here: python bench/{name}.py)\n")
                continue
            if not first:
                fresh_database()  # each benchmark starts from an empty, migrated database
            first = False
            print(module.run(url).markdown(), end="\n\n", flush=True)
    print(f"(all benchmarks took {time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    main()
