"""kill -9 of Vigil while its rollup processor works through a backlog in small batches: after the
restart the aggregates equal the ground truth (no double count, no gap)."""

from test_summary import check_against_truth, price_table, send_spans, total_count
from vigil_e2e import wait_until


def test_kill_minus_nine_in_the_middle_of_processing(start_vigil, cli, database):
    ingest = cli.create_key("crash", "ingest")
    read = cli.create_key("crash", "read")
    collector = start_vigil("collector", VIGIL_ONLY="collector")
    sent = send_spans(collector.url, ingest, seed=99, count=3000)
    collector.stop()
    assert database.scalar("SELECT count(*) FROM events WHERE kind = 'span'") == str(len(sent))
    assert database.scalar("SELECT coalesce(max(seq), 0) FROM consumer_offsets WHERE consumer = 'rollup'") in ("", "0")

    processor = start_vigil("slow-processor", VIGIL_PROCESSOR_BATCH="25")
    head = int(database.scalar("SELECT max(seq) FROM events"))

    def under_way():
        offset = database.scalar("SELECT coalesce(max(seq), 0) FROM consumer_offsets WHERE consumer = 'rollup'")
        return 0 < int(offset or 0) < head * 0.6

    wait_until(under_way, 60, "the processor to be part-way through the backlog", interval=0.005)
    processor.kill()
    offset = int(database.scalar("SELECT seq FROM consumer_offsets WHERE consumer = 'rollup'"))
    assert 0 < offset < head, "killed in the middle"
    counted = int(database.scalar("SELECT coalesce(sum(count), 0) FROM rollup_minute"))
    spans_through_offset = int(database.scalar(f"SELECT count(*) FROM events WHERE kind = 'span' AND seq <= {offset}"))
    assert counted == spans_through_offset, "the rollups hold exactly what the committed offset says"

    restarted = start_vigil("restarted")
    wait_until(lambda: total_count(restarted, read, sent) == len(sent), 120, "the restarted processor to finish")
    # >=: the alert evaluator may have logged transitions of the shipped example rules since.
    assert int(database.scalar("SELECT seq FROM consumer_offsets WHERE consumer = 'rollup'")) >= head
    assert total_count(restarted, read, sent) == len(sent)
    assert check_against_truth(restarted, read, sent, price_table()) > 20
