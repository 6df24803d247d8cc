"""sync_labels against openFDA in miniature: a local server with a manifest and partitions
built from real label records; downloads resumed, retried and checked; only new or changed
labels imported."""

import fcntl
import hashlib
import io
import json
import threading
import zipfile
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from drugs.labels import fetching, syncing
from drugs.labels.fetching import FeedError, fetch_partition, parse_manifest, size_matches
from drugs.models import Drug, DrugName, LabelSource

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "labels"
FIRST = "drug-label-0001-of-0002.json.zip"
SECOND = "drug-label-0002-of-0002.json.zip"


def record(name: str, **changes) -> dict:
    return json.loads((FIXTURES / name).read_text())["results"][0] | changes


def baclofen(**changes) -> dict:
    return record("baclofen-old-format.json", **{"version": "1", **changes})


def tolvaptan(**changes) -> dict:
    return record("tolvaptan-new-format.json", **{"version": "1", **changes})


def cetirizine(**changes) -> dict:
    return record("cetirizine-otc.json", **changes)


def no_generic_name() -> dict:
    return record("chlorpheniramine-empty-openfda.json")


def partition_zip(name: str, records: list[dict]) -> bytes:
    """A partition as openFDA ships one: a zip holding one JSON file."""
    body = json.dumps({"meta": {"results": {"total": len(records)}}, "results": records})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name.removesuffix(".zip"), body)
    return buffer.getvalue()


class Feed:
    """download.json and its partitions over HTTP on 127.0.0.1, as openFDA serves them:
    an ETag, Range requests (If-Range honoured). Faults are queued per path: "cut" sends
    half the file and closes the connection; a number answers with that status."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.faults: dict[str, list] = defaultdict(list)
        self.requests: list[tuple[str, str]] = []  # (path, Range header)
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                feed.serve(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        # A short poll, so that shutdown() at the end of each test returns at once (the
        # default half second is idle time in every test).
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def manifest_url(self) -> str:
        return f"{self.base}/download.json"

    def publish(self, export_date: str, partitions: dict[str, list[dict]], **sizes: str) -> None:
        """An export: its partitions, and a manifest listing them in openFDA's layout
        (https://open.fda.gov/apis/download-api-fields/)."""
        listed = []
        for name, records in partitions.items():
            self.files[f"/drug/label/{name}"] = content = partition_zip(name, records)
            listed.append(
                {
                    "size_mb": sizes.get(name, f"{len(content) / 1e6:.2f}"),
                    "records": len(records),
                    "display_name": f"All drug labels (part {len(listed) + 1})",
                    "file": f"{self.base}/drug/label/{name}",
                }
            )
        manifest = {
            "meta": {"last_updated": export_date},
            "results": {
                "device": {"event": {"export_date": export_date, "partitions": []}},
                "drug": {
                    "label": {
                        "total_records": sum(len(r) for r in partitions.values()),
                        "export_date": export_date,
                        "partitions": listed,
                    }
                },
            },
        }
        self.files["/download.json"] = json.dumps(manifest).encode()

    def partition_requests(self) -> list[tuple[str, str]]:
        return [request for request in self.requests if request[0] != "/download.json"]

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        path, wanted = handler.path, handler.headers.get("Range", "")
        self.requests.append((path, wanted))
        if path not in self.files:
            handler.send_error(404)
            return
        content = self.files[path]
        fault = self.faults[path].pop(0) if self.faults[path] else None
        if isinstance(fault, int):
            handler.send_error(fault)
            return
        etag = f'"{hashlib.sha256(content).hexdigest()[:16]}"'
        start = 0
        if wanted and handler.headers.get("If-Range", etag) == etag:
            start = int(wanted.removeprefix("bytes=").removesuffix("-"))
            if start >= len(content):
                handler.send_response(416)
                handler.send_header("Content-Range", f"bytes */{len(content)}")
                handler.end_headers()
                return
            handler.send_response(206)
            handler.send_header("Content-Range", f"bytes {start}-{len(content) - 1}/{len(content)}")
        else:
            handler.send_response(200)
        handler.send_header("ETag", etag)
        handler.send_header("Content-Length", str(len(content) - start))
        handler.end_headers()
        body = content[start:]
        handler.wfile.write(body[: len(body) // 2] if fault == "cut" else body)


@pytest.fixture
def feed():
    feed = Feed()
    feed.thread.start()
    yield feed
    feed.server.shutdown()
    feed.server.server_close()


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(fetching, "BACKOFF_SECONDS", 0)


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def sync(feed: Feed, cache: Path, *options: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(
        "sync_labels",
        "--manifest",
        feed.manifest_url,
        "--cache-dir",
        str(cache),
        *options,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def first_export(feed: Feed) -> None:
    feed.publish(
        "20260701",
        {FIRST: [baclofen(), tolvaptan()], SECOND: [cetirizine(), no_generic_name()]},
    )


def stored() -> list[dict]:
    return list(LabelSource.objects.order_by("set_id").values())


# A first sync ------------------------------------------------------------------------------


def test_a_first_sync_resumes_a_cut_off_partition_and_imports_every_label(feed, cache):
    first_export(feed)
    feed.faults[f"/drug/label/{SECOND}"] = ["cut"]
    out, err = sync(feed, cache)

    assert "Labels: 3 new, 0 changed, 0 unchanged, 1 broken." in out
    assert "Partitions: 2 read, 0 unchanged since the last sync, 0 failed" in out
    assert f"{SECOND}: the connection closed at" in out
    half = len(feed.files[f"/drug/label/{SECOND}"]) // 2
    assert feed.partition_requests() == [
        (f"/drug/label/{FIRST}", ""),
        (f"/drug/label/{SECOND}", ""),
        (f"/drug/label/{SECOND}", f"bytes={half}-"),
    ]
    assert f"{SECOND}/drug-label-0002-of-0002.json record 2: skipped, no generic name" in err
    assert sorted(Drug.objects.values_list("generic_name", flat=True)) == [
        "Baclofen",
        "Cetirizine",
        "Tolvaptan",
    ]
    assert not list(cache.glob("*.zip*")), "imported partitions leave the cache"


def test_a_second_sync_of_the_same_export_fetches_nothing_and_imports_nothing(feed, cache):
    first_export(feed)
    sync(feed, cache)
    before = stored()
    feed.requests.clear()

    out, _err = sync(feed, cache)
    assert feed.requests == [("/download.json", "")]
    assert "Partitions: 0 read, 2 unchanged since the last sync, 0 failed; 0.0 MB" in out
    assert "Labels: 0 new, 0 changed, 0 unchanged, 0 broken." in out
    assert "Interactions from" not in out
    assert stored() == before


def test_a_new_export_imports_the_label_whose_version_changed_and_no_other(feed, cache):
    first_export(feed)
    sync(feed, cache)
    baclofen_before = LabelSource.objects.get(generic_name_raw="baclofen")

    newer = tolvaptan(id="spl-tolvaptan-2", version="2", boxed_warning=["The newer wording."])
    feed.publish(
        "20260708", {FIRST: [baclofen(), newer], SECOND: [cetirizine(), no_generic_name()]}
    )
    out, _err = sync(feed, cache)

    assert "Labels: 0 new, 1 changed, 2 unchanged, 1 broken." in out
    assert f"{FIRST}: 2 labels: 0 new, 1 changed, 1 unchanged, 0 broken" in out
    source = LabelSource.objects.get(set_id=newer["set_id"])
    assert (source.spl_id, source.version) == ("spl-tolvaptan-2", "2")
    assert source.sections["boxed_warning"] == "The newer wording."
    baclofen_after = LabelSource.objects.get(generic_name_raw="baclofen")
    assert baclofen_after.imported_at == baclofen_before.imported_at, "not written again"
    assert "Interactions from 1 FDA labels" in out, "only the changed label is read again"


def test_an_older_version_than_the_one_stored_is_not_imported(feed, cache):
    feed.publish("20260701", {FIRST: [tolvaptan(id="spl-tolvaptan-2", version="2")]})
    sync(feed, cache)
    feed.publish("20260708", {FIRST: [tolvaptan()]})
    out, _err = sync(feed, cache)
    assert "Labels: 0 new, 0 changed, 1 unchanged, 0 broken." in out
    assert LabelSource.objects.get().version == "2"


def test_recheck_catches_a_change_to_a_label_within_one_version(feed, cache):
    first_export(feed)
    sync(feed, cache)
    renamed = cetirizine()
    renamed["openfda"]["brand_name"] = ["Zyrtec Allergy Melts"]
    feed.publish("20260708", {FIRST: [baclofen(), tolvaptan()], SECOND: [renamed]})

    out, _err = sync(feed, cache)
    assert "Labels: 0 new, 0 changed, 3 unchanged, 0 broken." in out
    out, _err = sync(feed, cache, "--recheck")
    assert "Labels: 0 new, 1 changed, 2 unchanged, 0 broken." in out
    assert DrugName.objects.filter(name="Zyrtec Allergy Melts").exists()


# A dry run ---------------------------------------------------------------------------------


def test_a_dry_run_says_what_it_would_import_and_changes_nothing(feed, cache):
    first_export(feed)
    out, err = sync(feed, cache, "--dry-run")
    assert "Labels: 3 new, 0 changed, 0 unchanged, 1 broken." in out
    assert "Dry run: nothing was imported." in out
    assert "record 2: skipped, no generic name" in err
    assert not Drug.objects.exists()
    assert not (cache / syncing.STATE_FILE).exists()

    feed.requests.clear()
    out, _err = sync(feed, cache)
    assert feed.partition_requests() == [], "the dry run's downloads are used"
    assert f"{FIRST}: 0.0 MB, found in the cache" in out
    assert "Labels: 3 new, 0 changed, 0 unchanged, 1 broken." in out

    feed.publish(
        "20260708",
        {FIRST: [baclofen(), tolvaptan(id="spl-2", version="2")], SECOND: [cetirizine()]},
    )
    before = stored()
    out, _err = sync(feed, cache, "--dry-run")
    assert "Labels: 0 new, 1 changed, 2 unchanged, 0 broken." in out
    assert stored() == before


# Faults ------------------------------------------------------------------------------------


def test_server_errors_are_retried_and_a_partition_given_up_after_the_last(feed, cache):
    first_export(feed)
    feed.faults[f"/drug/label/{FIRST}"] = [503, 502]
    out, _err = sync(feed, cache)
    assert f"{FIRST}: HTTP 503; trying again from byte 0" in out
    assert "Labels: 3 new" in out

    feed.publish("20260708", {FIRST: [baclofen()], SECOND: [cetirizine()]})
    feed.faults[f"/drug/label/{SECOND}"] = [503] * 10
    with pytest.raises(CommandError, match=f"Not imported, left for the next sync: {SECOND}"):
        sync(feed, cache, "--retries", "2")
    assert len(feed.faults[f"/drug/label/{SECOND}"]) == 10 - 3


def test_a_damaged_partition_is_downloaded_again_then_left_for_the_next_sync(feed, cache):
    first_export(feed)
    path = f"/drug/label/{SECOND}"
    good = feed.files[path]
    damaged = bytearray(good)
    damaged[60] ^= 0xFF  # inside the deflated JSON
    feed.files[path] = bytes(damaged)

    out = StringIO()
    with pytest.raises(CommandError, match=f"Not imported, left for the next sync: {SECOND}"):
        call_command(
            "sync_labels",
            f"--manifest={feed.manifest_url}",
            f"--cache-dir={cache}",
            stdout=out,
            stderr=StringIO(),
        )
    assert f"{SECOND}: not read," in out.getvalue()
    assert len([r for r in feed.requests if r[0] == path]) == 2, "downloaded once more"
    assert Drug.objects.filter(generic_name="Baclofen").exists(), "the good partition is in"

    feed.files[path] = good
    out, _err = sync(feed, cache)
    assert "Partitions: 1 read, 1 unchanged since the last sync, 0 failed" in out
    assert Drug.objects.filter(generic_name="Cetirizine").exists()


def test_a_partition_unlike_the_manifest_is_not_imported(feed, cache):
    feed.publish("20260701", {FIRST: [baclofen()]}, **{FIRST: "5.00"})
    out = StringIO()
    with pytest.raises(CommandError, match="Not imported"):
        call_command(
            "sync_labels",
            f"--manifest={feed.manifest_url}",
            f"--cache-dir={cache}",
            stdout=out,
        )
    assert "bytes where the manifest says 5.00 MB" in out.getvalue()
    assert not Drug.objects.exists()


def test_a_killed_download_resumes_and_starts_over_if_the_file_changed(feed, cache):
    feed.publish("20260701", {FIRST: [baclofen()]})
    path = f"/drug/label/{FIRST}"
    partition = parse_manifest(json.loads(feed.files["/download.json"])).partitions[0]
    feed.faults[path] = ["cut", 503]
    with pytest.raises(FeedError, match="HTTP 503"):
        fetch_partition(partition, cache_dir=cache, retries=0)
    half = len(feed.files[path]) // 2
    assert (cache / f"{FIRST}.part").stat().st_size == half

    fetched = fetch_partition(partition, cache_dir=cache)
    assert feed.requests[-1] == (path, f"bytes={half}-")
    assert (fetched.resumed_at, fetched.path.read_bytes()) == (half, feed.files[path])

    # Killed after the last byte came, before the file was checked: none is fetched again.
    fetched.path.rename(cache / f"{FIRST}.part")
    (cache / f"{FIRST}.about.json").rename(cache / f"{FIRST}.part.about.json")
    fetched = fetch_partition(partition, cache_dir=cache)
    assert feed.requests[-1] == (path, f"bytes={len(feed.files[path])}-")
    assert (fetched.downloaded, fetched.path.read_bytes()) == (0, feed.files[path])

    # Killed again half-way, then openFDA replaces the file: If-Range gets the whole new one.
    fetched.path.unlink()
    feed.faults[path] = ["cut", 503]
    with pytest.raises(FeedError):
        fetch_partition(partition, cache_dir=cache, retries=0)
    feed.publish("20260701", {FIRST: [baclofen(), tolvaptan()]})
    partition = parse_manifest(json.loads(feed.files["/download.json"])).partitions[0]
    fetched = fetch_partition(partition, cache_dir=cache)
    assert fetched.path.read_bytes() == feed.files[path]


def test_a_sync_killed_before_refreshing_interactions_refreshes_them_next_time(
    feed, cache, monkeypatch
):
    first_export(feed)

    def killed(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(syncing, "refresh_label_interactions", killed)
    with pytest.raises(KeyboardInterrupt):
        sync(feed, cache)
    monkeypatch.undo()
    monkeypatch.setattr(fetching, "BACKOFF_SECONDS", 0)

    out, _err = sync(feed, cache)
    assert "Partitions: 0 read, 2 unchanged since the last sync" in out
    assert "Interactions from 3 FDA labels" in out


def test_a_manifest_without_drug_labels_or_out_of_reach_fails_the_command(feed, cache):
    feed.files["/download.json"] = json.dumps({"meta": {}, "results": {"device": {}}}).encode()
    with pytest.raises(CommandError, match="lists no drug label partitions"):
        sync(feed, cache)
    feed.server.shutdown()
    feed.server.server_close()
    with pytest.raises(CommandError, match="cannot connect"):
        sync(feed, cache, "--retries", "0")


def test_two_syncs_cannot_share_a_cache(feed, cache):
    first_export(feed)
    cache.mkdir()
    with (cache / syncing.LOCK_FILE).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(CommandError, match="another sync is running"):
            sync(feed, cache)


# Without the network -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "size_mb", "matches"),
    [
        (1_000_000, "1.00", True),
        (1_048_576, "1.00", True),  # the manifest does not say which megabyte it means
        (118_680_000, "118.68", True),
        (2_000_000, "1.00", False),
        (100, "0.00", True),
        (100, "", True),  # no size to check against
    ],
)
def test_a_partition_size_is_checked_against_the_manifest(size, size_mb, matches):
    assert size_matches(size, size_mb) is matches


def test_the_manifest_gives_the_drug_label_partitions_only():
    manifest = parse_manifest(
        {
            "results": {
                "device": {"event": {"partitions": [{"file": "https://x/device.json.zip"}]}},
                "drug": {
                    "label": {
                        "export_date": "2026-07-15",
                        "total_records": 2,
                        "partitions": [
                            {
                                "size_mb": "0.01",
                                "records": 2,
                                "display_name": "part 1",
                                "file": "https://download.open.fda.gov/drug/label/a.json.zip",
                            }
                        ],
                    }
                },
            }
        }
    )
    [partition] = manifest.partitions
    assert (partition.name, partition.export_date, partition.records) == (
        "a.json.zip",
        "2026-07-15",
        2,
    )
    with pytest.raises(FeedError, match="not an http"):
        parse_manifest({"results": {"drug": {"label": {"partitions": [{"file": "file:///x"}]}}}})
