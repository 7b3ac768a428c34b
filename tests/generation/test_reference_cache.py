"""A worker keeps reference images in memory between renders, within a byte budget."""

from __future__ import annotations

import pytest

from generation import rendering


@pytest.fixture
def reads(monkeypatch):
    """Stand-in storage: every read is counted; 'missing' fails."""
    counted: list[str] = []

    def read_blob(sha256: str) -> bytes:
        counted.append(sha256)
        if sha256 == "missing":
            raise FileNotFoundError(sha256)
        return sha256.encode() * 10

    monkeypatch.setattr(rendering, "read_blob", read_blob)
    return counted


def test_a_reference_is_read_from_storage_once(reads):
    # given
    references = rendering._References()
    # when
    first, second = references("aa"), references("aa")
    # then
    assert first == second == b"aa" * 10
    assert reads == ["aa"]


def test_the_least_recently_used_reference_leaves_first_when_the_budget_is_full(reads, monkeypatch):
    # given a budget for two 20-byte references
    monkeypatch.setattr(rendering, "REFERENCE_CACHE_BYTES", 40)
    references = rendering._References()
    references("aa"), references("bb"), references("aa")
    # when a third arrives
    references("cc")
    # then "bb", the least recently used, was dropped and is read again; "aa" was kept
    references("aa"), references("bb")
    assert reads == ["aa", "bb", "cc", "bb"]


def test_a_reference_larger_than_the_budget_is_returned_but_not_kept(reads, monkeypatch):
    # given a budget for one 20-byte reference, holding it
    monkeypatch.setattr(rendering, "REFERENCE_CACHE_BYTES", 20)
    references = rendering._References()
    references("aa")
    # when a 30-byte reference is asked for twice
    first, second = references("bbb"), references("bbb")
    # then it is read both times, and what was kept stays
    references("aa")
    assert first == second == b"bbb" * 10
    assert reads == ["aa", "bbb", "bbb"]


def test_a_reference_that_cannot_be_read_is_not_remembered(reads):
    # given
    references = rendering._References()
    # when
    for _ in range(2):
        with pytest.raises(FileNotFoundError):
            references("missing")
    # then
    assert reads == ["missing", "missing"]
