"""Separation of drawn characters by the default embedder, verdict accuracy, and scoring throughput.

    .venv/bin/python bench/consistency_separation.py [--characters 12] [--variations 3]

Characters are drawn by demo/art.py (each its own palette, skin, hair and hair style); every
drawing of one is varied in pose (mirrored, moved), scale, light and background. ROC AUC is over
all same-character vs different-character pairs of drawings (whole images). Verdicts run the real
scoring (grid of windows, baseline from augmentations, floor from the other characters): a drawing
of the pinned character should come out on_model, a drawing of another one off_model.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def drawing(identity: int, variation: int) -> Image.Image:
    """Return one drawing of a character: its portrait varied in pose, scale, light and background."""
    from demo import art

    rng = random.Random(f"identity-{identity}-{variation}")
    palette_rng = random.Random(f"palette-{identity}")
    palette = [f"#{palette_rng.randrange(0x1000000):06x}" for _ in range(3)]
    with Image.open(io.BytesIO(art.character_portrait(f"character {identity}", palette, identity))) as image:
        figure = image.convert("RGB")
    if rng.random() < 0.5:
        figure = ImageOps.mirror(figure)
    figure = ImageEnhance.Brightness(figure).enhance(rng.uniform(0.75, 1.25))
    side = int(256 * rng.uniform(0.6, 0.95))
    figure = figure.resize((side, side), Image.Resampling.BILINEAR)
    canvas = Image.new("RGB", (256, 256), tuple(rng.randrange(256) for _ in range(3)))
    canvas.paste(figure, (rng.randint(0, 256 - side), rng.randint(0, 256 - side)))
    return canvas


def roc_auc(positives: np.ndarray, negatives: np.ndarray) -> float:
    """Return the probability that a random positive outscores a random negative (ties count half)."""
    scores = np.concatenate([positives, negatives])
    ranks = scores.argsort().argsort() + 1.0
    pos_ranks = ranks[: len(positives)].sum()
    return float((pos_ranks - len(positives) * (len(positives) + 1) / 2) / (len(positives) * len(negatives)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--characters", type=int, default=12)
    parser.add_argument("--variations", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    import torch

    from consistency.embedders import image_embedder
    from consistency.scoring import Thresholds, augmentations, baseline, best_match, relative, verdict, windows

    embedder = image_embedder()
    drawings = {(i, v): drawing(i, v) for i in range(args.characters) for v in range(args.variations + 1)}
    # variation 0 is each character's reference; the others are "renders" of it
    keys = sorted(drawings)
    whole = dict(zip(keys, embedder.embed([drawings[k] for k in keys]), strict=True))
    same, different = [], []
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            pairs = same if keys[a][0] == keys[b][0] else different
            pairs.append(float(whole[keys[a]] @ whole[keys[b]]))
    auc = roc_auc(np.array(same), np.array(different))
    refs = {i: whole[(i, 0)][None, :] for i in range(args.characters)}
    bases = {i: baseline(refs[i], embedder.embed(augmentations(drawings[(i, 0)]))) for i in range(args.characters)}
    thresholds, right, total, outcomes = Thresholds(), 0, 0, {"on": 0, "drift": 0, "off": 0}
    started = time.perf_counter()
    crops, own, other = 0, [], []
    for i in range(args.characters):
        for v in range(1, args.variations + 1):
            frames = embedder.embed(windows(drawings[(i, v)]))
            crops += len(frames)
            for pinned in (i, (i + 1) % args.characters):
                score = best_match(frames, refs[pinned])
                floor = max(best_match(frames, refs[o]) for o in refs if o != pinned)
                rel = relative(score, bases[pinned], floor)
                (own if pinned == i else other).append(rel)
                found = verdict(rel, thresholds)
                expected = "on_model" if pinned == i else "off_model"
                right += found == expected
                total += 1
                outcomes[{"on_model": "on", "drifting": "drift", "off_model": "off"}[found]] += 1
    seconds = time.perf_counter() - started
    print(f"### Separation ({args.characters} characters x {args.variations + 1} drawings, {embedder.name})\n")
    print("| measure | value |\n|---|---|")
    print(f"| ROC AUC same vs different (whole drawings, {len(same)} + {len(different)} pairs) | {auc:.3f} |")
    print(f"| verdicts right (on_model for its own character, off_model for another) | {right}/{total} "
          f"({right / total:.1%}) |")
    print(f"| verdicts given (on / drifting / off) | {outcomes['on']} / {outcomes['drift']} / {outcomes['off']} |")
    print(f"| scoring time for {args.characters * args.variations} renders ({crops} windows) | {seconds:.1f} s |")
    print(f"| relative score, own character: median {np.median(own):.3f}, 10th percentile "
          f"{np.percentile(own, 10):.3f} | other character: median {np.median(other):.3f}, 90th percentile "
          f"{np.percentile(other, 90):.3f} |")
    print("\n### Verdict accuracy by on_model threshold (drifting counted wrong)\n")
    print("| on_model | drifting | right |\n|---|---|---|")
    for on_model, drifting in ((0.0, -0.05), (0.05, 0.0), (0.1, 0.0), (0.15, 0.05)):
        t = Thresholds(on_model=on_model, drifting=drifting)
        ok = sum(verdict(r, t) == "on_model" for r in own) + sum(verdict(r, t) == "off_model" for r in other)
        print(f"| {on_model} | {drifting} | {ok}/{len(own) + len(other)} |")
    print("\n### Scoring throughput (windows of one 384x216 frame, images/s)\n")
    print("| torch threads | images/s |\n|---|---|")
    frame = Image.new("RGB", (384, 216), (90, 120, 160))
    frame.paste(drawings[(0, 1)].resize((108, 108)), (20, 90))
    batch = windows(frame)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        embedder.embed(batch)  # warm
        started = time.perf_counter()
        for _ in range(3):
            embedder.embed(batch)
        print(f"| {threads} | {3 * len(batch) / (time.perf_counter() - started):.1f} |")


if __name__ == "__main__":
    main()
