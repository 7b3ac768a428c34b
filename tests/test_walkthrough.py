"""The README's walkthrough, run as it stands: a served demo (what `make run` starts), then its shell block."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, "manage.py"]


def walkthrough_block() -> str:
    """Return the shell block that follows the README's walkthrough marker."""
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- walkthrough:[^>]*-->\n```sh\n(.*?)\n```", readme, re.DOTALL)
    assert match, "the README has no walkthrough block"
    return match[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen([*MANAGE, "serve", "--port", env["PORT"]], cwd=ROOT, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert server.stdout is not None
    seen, deadline = [], time.monotonic() + 180
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line and server.poll() is not None:
            break
        seen.append(line)
        if line.startswith("sign in as "):
            return server, "".join(seen)
    server.kill()
    raise AssertionError("the server did not say it was ready:\n" + "".join(seen))


def test_the_readme_walkthrough_runs_end_to_end_and_the_redesign_shows(tmp_path: Path) -> None:
    # given: a fresh embedded database and media folder, served as `make run` serves them
    port = str(_free_port())
    env = {**os.environ, "PORT": port, "DATABASE_URL": f"sqlite:///{tmp_path / 'continuity.sqlite3'}",
           "CONTINUITY_VAR_DIR": str(tmp_path), "DEMO": "1", "DEBUG": "1"}
    for name in ("CONTINUITY_USER", "DRAMATIQ_BROKER_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT"):
        env.pop(name, None)
    subprocess.run([*MANAGE, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    server, started = _serve(env)
    download = ROOT / "var" / "ep01-sh01-r2.png"
    download.unlink(missing_ok=True)
    try:
        # when
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", walkthrough_block()], cwd=ROOT, env=env, text=True,
                             capture_output=True, timeout=300)
    finally:
        server.terminate()
        server.wait(timeout=30)
    # then
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert f"Continuity is ready: open http://127.0.0.1:{port}/" in started
    assert "sign in as demo-admin (admin), demo-supervisor (supervisor), demo-artist (artist)" in started
    assert re.search(r"^ep01-sh01  1\.1 Mei waits on the pier  r1 .* [0-9a-f]{64}$", out, re.MULTILINE)
    assert "identical 5, different 0" in out
    assert re.search(r"^v2 +draft ", out, re.MULTILINE)
    assert '"removed":{}' in out.replace(" ", "") and "yellow knitted scarf" in out  # the diff: nothing lost
    assert "Mei (character): 6 shot(s) in 2 episode(s) pin a version older than v2." in out
    assert re.search(r"^ep01-sh01 +1\.1 Mei waits on the pier +r1 +v1 → v2$", out, re.MULTILINE)
    assert "(rerender): succeeded, 6/6 shot(s)" in out
    assert "ok   image hash" in out and "of ep01-sh01 '1.1 Mei waits on the pier' revision 2" in out
    assert "ok: live read models equal a rebuild from position 0" in out
    assert "acting as demo-artist ($CONTINUITY_USER)" in run.stderr
    # the re-rendered shot downloads under its readable name, and it is not the v1 picture
    after = download.read_bytes()
    download.unlink()
    before = next(p for p in (tmp_path / "media" / "blobs" / "sha256").rglob("*")
                  if p.is_file() and p.name in _first_render_hash(out))
    assert after[:8] == b"\x89PNG\r\n\x1a\n" and after != before.read_bytes()


def _first_render_hash(out: str) -> str:
    line = next(line for line in out.splitlines() if line.startswith("ep01-sh01  1.1 Mei waits on the pier  r1 "))
    return line.split()[-1]


def test_the_readmes_before_and_after_pictures_are_small_pngs() -> None:
    # given
    readme = (ROOT / "README.md").read_text()
    pictures = re.findall(r"!\[[^\]]+\]\((docs/walkthrough/[^)]+\.png)\)", readme)
    # then
    assert pictures == ["docs/walkthrough/ep01-sh01-r1.png", "docs/walkthrough/ep01-sh01-r2.png"]
    for picture in pictures:
        data = (ROOT / picture).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 200 * 1024
