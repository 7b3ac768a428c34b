"""The `eventsourcing` library's own recorder contract tests, run against the project's event log.

The library's test cases are imported as a module (not by name) so that pytest does not collect
the abstract base classes themselves. Cases that need several connections writing at once run
on PostgreSQL only: the SQLite test database is an in-memory, single-writer one.
"""

from __future__ import annotations

import unittest

import eventsourcing.tests.persistence as contract
from django.db import connection
from django.test import TestCase, TransactionTestCase

from tests.eventlog.eventsourcing_recorder import (
    DjangoAggregateRecorder,
    DjangoApplicationRecorder,
    DjangoProcessRecorder,
    DjangoTrackingRecorder,
)

ON_POSTGRES = connection.vendor == "postgresql"
needs_postgres = unittest.skipUnless(
    ON_POSTGRES, "concurrent writers need PostgreSQL (the SQLite test database is in memory and single-writer)"
)


class TestAggregateRecorderContract(contract.AggregateRecorderTestCase, TestCase):
    def create_recorder(self) -> DjangoAggregateRecorder:
        return DjangoAggregateRecorder()


class TestApplicationRecorderContract(contract.ApplicationRecorderTestCase, TransactionTestCase):
    # Transactional: the concurrency cases write from threads with their own connections.
    def create_recorder(self) -> DjangoApplicationRecorder:
        return DjangoApplicationRecorder()

    test_concurrent_no_conflicts = needs_postgres(contract.ApplicationRecorderTestCase.test_concurrent_no_conflicts)
    test_concurrent_throughput = needs_postgres(contract.ApplicationRecorderTestCase.test_concurrent_throughput)

    @needs_postgres
    def test_insert_subscribe(self) -> None:
        self.optional_test_insert_subscribe()


@needs_postgres
class TestNonInterleavingNotificationIds(contract.NonInterleavingNotificationIDsBaseCase, TransactionTestCase):
    def create_recorder(self) -> DjangoApplicationRecorder:
        return DjangoApplicationRecorder()


class TestTrackingRecorderContract(contract.TrackingRecorderTestCase, TestCase):
    def create_recorder(self) -> DjangoTrackingRecorder:
        recorder = DjangoTrackingRecorder()
        recorder.create_table()
        return recorder


class TestProcessRecorderContract(contract.ProcessRecorderTestCase, TestCase):
    def create_recorder(self) -> DjangoProcessRecorder:
        recorder = DjangoProcessRecorder()
        recorder.create_table()
        return recorder
