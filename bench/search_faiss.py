"""Look-alike search at scale: the index kinds the app uses beside a NumPy brute-force baseline, same run.

    .venv/bin/python bench/search_faiss.py [--sizes 100000 1000000] [--queries 200]

Vectors are 512-d, L2-normalised and clustered (1,000 centres with noise), as embeddings of a
library are: plain Gaussian noise makes approximate search look falsely bad. Recall@10 is against
exact search; p95 is over single queries (one at a time, as the API asks).
"""

from __future__ import annotations

import argparse
import resource
import time

import faiss
import numpy as np

DIMENSION, K = 512, 10
TRAIN_PER_LIST = 32  # training vectors per IVF list (faiss warns below 39; recall is what the table checks)


def clustered(count: int, rng: np.random.Generator, centres: np.ndarray) -> np.ndarray:
    """Return `count` unit vectors scattered around random centres."""
    vectors = np.empty((count, DIMENSION), dtype=np.float32)
    for start in range(0, count, 100_000):
        stop = min(count, start + 100_000)
        chosen = centres[rng.integers(0, len(centres), stop - start)]
        vectors[start:stop] = chosen + rng.normal(0, 0.06, (stop - start, DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def p95(timings: list[float]) -> str:
    return f"{np.percentile(timings, 95) * 1000:.2f} ms"


def timed_queries(search, queries: np.ndarray) -> tuple[list[float], np.ndarray]:  # type: ignore[no-untyped-def]
    timings, found = [], []
    for query in queries:
        started = time.perf_counter()
        found.append(search(query[None, :]))
        timings.append(time.perf_counter() - started)
    return timings, np.concatenate(found)


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / K for a, b in zip(found, exact, strict=True)]))


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(count: int, queries_count: int) -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 1, (1000, DIMENSION)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    vectors = clustered(count, rng, centres)
    queries = clustered(queries_count, rng, centres)
    ids = np.arange(count, dtype=np.int64)
    print(f"\n### {count:,} vectors x {DIMENSION}-d, {queries_count} single queries, k={K}, "
          f"{faiss.omp_get_max_threads()} threads\n")
    print("| method | build | p95 query | recall@10 vs exact | memory (vectors) | peak RSS |")
    print("|---|---|---|---|---|---|")
    timings, exact = timed_queries(lambda q: np.argsort(-(vectors @ q[0]))[:K][None, :], queries)
    print(f"| NumPy brute force (baseline) | 0 s | {p95(timings)} | 1.000 | {vectors.nbytes / 2**20:,.0f} MiB | "
          f"{rss_mib():,.0f} MiB |")
    started = time.perf_counter()
    flat = faiss.IndexIDMap2(faiss.IndexFlatIP(DIMENSION))
    flat.add_with_ids(vectors, ids)
    build = time.perf_counter() - started
    timings, found = timed_queries(lambda q: flat.search(q, K)[1], queries)
    print(f"| IndexFlatIP (IDMap2) | {build:.1f} s | {p95(timings)} | {recall(found, exact):.3f} | "
          f"{vectors.nbytes / 2**20:,.0f} MiB | {rss_mib():,.0f} MiB |")
    flat.reset()  # frees its vectors before the IVF copy is built
    nlist = int(4 * np.sqrt(count))
    started = time.perf_counter()
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIMENSION), DIMENSION, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors[rng.choice(count, min(count, TRAIN_PER_LIST * nlist), replace=False)])
    index = faiss.IndexIDMap2(ivf)
    index.add_with_ids(vectors, ids)
    build = time.perf_counter() - started
    for nprobe in (8, 16):
        ivf.nprobe = nprobe
        timings, found = timed_queries(lambda q: index.search(q, K)[1], queries)
        print(f"| IVFFlat nlist {nlist}, nprobe {nprobe} (IDMap2) | {build:.1f} s | {p95(timings)} | "
              f"{recall(found, exact):.3f} | {vectors.nbytes / 2**20:,.0f} MiB | {rss_mib():,.0f} MiB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    for count in args.sizes:
        run(count, args.queries)


if __name__ == "__main__":
    main()
