from __future__ import annotations

import io

import av
import dramatiq
import opentimelineio as otio
import pytest
from django.core.management import CommandError, call_command

from delivery.models import Export
from delivery.services import EXPORT_QUEUE, export_request


def call(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


@pytest.mark.django_db
def test_the_export_command_writes_every_format_of_a_cut(admin_user, make_cut, tmp_path):
    # given
    cut = make_cut()
    # when
    output = call("export", str(cut.id), "--format", "all", "--output", str(tmp_path), "--user", admin_user.username)
    # then
    assert [line.split()[0] for line in output.splitlines()[2:]] == ["otio", "otioz", "edl", "fcp7xml", "fcpxml", "mp4"]
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".edl", ".fcpxml", ".mp4", ".otio", ".otioz", ".xml"]
    timeline = otio.adapters.read_from_file(str(tmp_path / f"cut-{cut.id}.otio"))
    assert len(list(timeline.find_clips())) == 3
    with av.open(str(tmp_path / f"cut-{cut.id}.mp4")) as container:
        assert sum(1 for _ in container.decode(video=0)) == 84
    assert Export.objects.filter(status="succeeded").count() == 6


@pytest.mark.django_db
def test_the_export_command_names_a_cut_it_cannot_find_and_exits_2(admin_user):
    # when
    with pytest.raises(CommandError) as refused:
        call("export", "ep99-cut1", "--format", "otio", "--user", admin_user.username)
    # then
    assert refused.value.returncode == 2
    assert "ep99-cut1" in str(refused.value)
    assert not Export.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_export_actor_makes_the_file_through_a_real_broker_and_worker(admin_user, make_cut):
    # given a worker on the in-process broker
    cut = make_cut((0.25,))
    broker = dramatiq.get_broker()
    broker.emit_after("process_boot")
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        # when
        export, created = export_request(actor=admin_user, cut_id=str(cut.id), format="mp4")
        broker.join(EXPORT_QUEUE, timeout=60_000)
        worker.join()
    finally:
        worker.stop()
    # then
    export.refresh_from_db()
    assert (created, export.status, export.details["frames"]) == (True, "succeeded", 6)


@pytest.mark.django_db
def test_a_booting_in_process_worker_re_sends_queued_exports(admin_user, make_cut):
    # given an export queued in a process that died with its in-process queue
    from dramatiq.brokers.stub import StubBroker

    from config import outbox
    from config.models import OutboxMessage
    from delivery.services import exports_resume

    cut = make_cut((0.25,))
    export, _created = export_request(actor=admin_user, cut_id=str(cut.id), format="edl")
    OutboxMessage.objects.all().delete()  # sent before the process died: only the export's own record remains
    broker = StubBroker()
    broker.declare_queue(EXPORT_QUEUE)
    # when
    sent = exports_resume()
    outbox.dispatch(broker)  # what this process's dispatcher does once the worker runs
    # then
    message = broker.queues[EXPORT_QUEUE].get_nowait()
    assert (sent, list(dramatiq.Message.decode(message).args)) == (1, [str(export.id)])
