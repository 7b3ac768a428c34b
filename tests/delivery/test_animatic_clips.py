"""The animatic plays a clip's own frames, where a still is held for the shot's duration."""

from __future__ import annotations

import io
from typing import Any

import av
import numpy as np
import pytest

from generation.rendering import read_blob

pytestmark = pytest.mark.django_db


def test_the_animatic_plays_a_clips_frames_then_holds_its_last(make_cut: Any, exported: Any) -> None:
    # given a cut of a still and a 6-frame clip, each given 0.5 s (12 frames at 24 fps)
    cut = make_cut((0.5, 0.5), frames=(1, 6))
    # when
    export = exported(cut, "mp4")
    # then
    with av.open(io.BytesIO(read_blob(export["blob"])), "r") as container:
        frames = [f.to_ndarray(format="rgb24").astype(np.int16) for f in container.decode(video=0)]
    assert len(frames) == 24

    def change(a: int, b: int) -> float:  # mean absolute difference of two decoded frames (x264 is lossy)
        return float(np.abs(frames[a] - frames[b]).mean())

    held_still, clip_motion, held_last = change(0, 11), change(12, 17), change(17, 23)
    assert clip_motion > 5 * max(held_still, held_last, 0.05)  # the clip moves (previz push-in), then holds


def test_a_clip_gives_one_picture_per_animatic_frame_up_to_its_length() -> None:
    # given a 6-frame clip at 12 fps and a still
    from PIL import Image

    from delivery.animatic import Still, _pictures
    from generation.video import encode_mp4

    pictures = [Image.new("RGB", (16, 16), (40 * i, 0, 0)) for i in range(6)]
    clip = Still(png=b"", frames=24, label="E01_SH020 r1", clip=encode_mp4(pictures, fps=12), clip_fps=12)
    # when: the animatic runs at 24 fps
    played = _pictures(clip, 24)
    # then each clip frame plays twice (12 → 24 fps), 12 pictures in all, the rest of the shot holds
    assert len(played) == 12
    reds = [p.getpixel((8, 8))[0] for p in played]
    assert reds == sorted(reds) and reds[0] == reds[1] and reds[0] < reds[-1]


def test_an_otioz_carries_a_clips_mp4_as_its_media(make_cut: Any, exported: Any, tmp_path: Any) -> None:
    # given
    import zipfile

    cut = make_cut((0.5, 0.5), frames=(1, 6))
    # when
    export = exported(cut, "otioz")
    # then
    bundle = tmp_path / "cut.otioz"
    bundle.write_bytes(read_blob(export["blob"]))
    names = sorted(n.rsplit("/", 1)[-1] for n in zipfile.ZipFile(bundle).namelist() if n.startswith("media/"))
    assert sorted(n.rsplit(".", 1)[-1] for n in names) == ["mp4", "png"]  # the still's PNG, the clip's MP4
