"""Benchmarks on PostgreSQL: `python -m bench` (or `make bench`) runs every module and prints tables.

Each benchmark reports a rate beside a baseline measured in the same run, as a ratio; none of
them is a timed test. They need `DATABASE_URL=postgres://…`: the harness creates and drops its
own database (`continuity_bench_<pid>`) on that server.
"""
