"""publish and serve, used as a person would: the CLI, a real server process, real HTTP,
feedparser reading the feed, the MP3s decoded and measured."""

from __future__ import annotations

import http.client
import io
import json
import os
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import numpy as np
import podcastparser
import pytest

from audiotools import decode, ffprobe_chapters
from feedrules import violations
from publishing import publish, served
from voicecoach.compiler import clock

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(published_site: Path) -> Path:
    return published_site


@pytest.fixture(scope="module")
def page_url(site: Path):  # type: ignore[no-untyped-def]
    with served(site) as (url, printed):
        assert f"Page: {url}" in printed and f"Feed: {url}feed.xml" in printed
        yield url


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET"):  # type: ignore[no-untyped-def]
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_feed_has_every_field(site: Path, page_url: str) -> None:
    status, headers, body = get(page_url + "feed.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    channel = feed.feed
    assert channel.title == "Tempo Basic"
    assert channel.language == "en"
    assert channel.author == "voicecoach"
    assert channel.description
    assert channel.image.href == page_url + "cover.png"
    # feedparser reads only "yes"/"clean" here; Apple asks for "true"/"false" now.
    explicit = ElementTree.fromstring(body).findall(f".//{{{ITUNES}}}explicit")
    assert [e.text for e in explicit] == ["false"] * 3
    assert sorted(t.term for t in channel.tags) == ["Fitness", "Health & Fitness"]
    # The category is named by its text attribute (Apple files a show by it), the
    # subcategory inside it; feedparser took either, gPodder's parser takes only this.
    category = ElementTree.fromstring(body).find(f"./channel/{{{ITUNES}}}category")
    assert category is not None and category.attrib == {"text": "Health & Fitness"}
    assert not (category.text or "").strip()
    assert [c.attrib for c in category] == [{"text": "Fitness"}]
    parsed = podcastparser.parse(page_url + "feed.xml", io.BytesIO(body))
    assert parsed["itunes_categories"] == [["Health & Fitness", "Fitness"]]
    assert parsed["title"] == "Tempo Basic" and len(parsed["episodes"]) == 2
    # Newest week first; the episode number keeps the order.
    assert [e.itunes_episode for e in feed.entries] == ["2", "1"]
    for entry in feed.entries:
        week = int(entry.itunes_episode)
        assert entry.title == f"Tempo Basic — week {week}"
        assert entry.id == f"voicecoach:tempo-basic:week-{week}"
        assert entry.description == {1: "Learn the movement.", 2: "Add reps."}[week]
        (enclosure,) = entry.enclosures
        name = f"tempo-basic-week-{week:02d}.mp3"
        assert enclosure.href == page_url + name
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == (site / name).stat().st_size
        samples = len(decode(str(site / name)))
        h, m, s = (int(x) for x in entry.itunes_duration.split(":"))
        # The same whole seconds the page and the command line show (clock cuts, not rounds).
        assert h * 3600 + m * 60 + s == samples // 24000
        assert f"{h * 60 + m}:{s:02d}" == clock(samples // 24)
        assert entry.published_parsed is not None
        chapters = entry.podcast_chapters
        assert chapters["url"] == page_url + name.replace(".mp3", ".chapters.json")
        assert chapters["type"] == "application/json+chapters"
        status, _, document = get(chapters["url"])
        assert status == 200 and json.loads(document)["chapters"][0]["title"] == "Introduction"


def fetched(url: str) -> bytes:
    status, _, body = get(url)
    assert status == 200, url
    return body  # type: ignore[no-any-return]


def test_the_feed_follows_the_rss_apple_and_podcasting_2_rules(page_url: str) -> None:
    """Every rule written down for RSS 2.0, Apple Podcasts and Podcasting 2.0 that a
    feed like this one meets (tests/feedrules.py names where each is written)."""
    feed = get(page_url + "feed.xml")[2].decode()
    assert violations(feed, fetched) == []
    # And the check is real: the category this feed once had is caught, as is a
    # relative enclosure, a missing guid and artwork too small for Apple.
    broken = feed.replace(
        '<itunes:category text="Health &amp; Fitness">',
        "<itunes:category>Health &amp; Fitness<itunes:category>Fitness</itunes:category>"
        "</itunes:category><itunes:category text=\"Health &amp; Fitness\">",
    )
    assert "Apple: itunes:category has no text content" in violations(broken, fetched)
    relative = feed.replace(f'url="{page_url}tempo-basic-week-01.mp3"', 'url="w1.mp3"')
    assert any("enclosure url is absolute" in v for v in violations(relative, fetched))
    small = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (300, 300)).save(small, format="PNG")
    assert "Apple: the artwork is square, 1400 to 3000 px" in violations(
        feed, lambda url: small.getvalue()
    )


def test_feed_follows_the_host_and_base_url_wins(site: Path, page_url: str) -> None:
    via_localhost = page_url.replace("127.0.0.1", "localhost")
    feed = feedparser.parse(get(via_localhost + "feed.xml")[2])
    assert feed.entries[0].enclosures[0].href.startswith(via_localhost)
    with served(site, "--base-url", "https://coach.example.org/private") as (local, printed):
        feed = feedparser.parse(get(local + "feed.xml")[2])
    assert "Page: https://coach.example.org/private/" in printed
    assert feed.entries[0].enclosures[0].href == (
        "https://coach.example.org/private/tempo-basic-week-02.mp3"
    )


def test_range_request_returns_exactly_those_bytes(site: Path, page_url: str) -> None:
    name = "tempo-basic-week-01.mp3"
    whole = (site / name).read_bytes()
    status, headers, body = get(page_url + name, {"Range": "bytes=1000-1999"})
    assert status == 206
    assert headers["Content-Range"] == f"bytes 1000-1999/{len(whole)}"
    assert headers["Accept-Ranges"] == "bytes"
    assert body == whole[1000:2000]
    status, headers, body = get(page_url + name, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) == len(whole)
    assert headers["Content-Type"] == "audio/mpeg"
    status, _, _ = get(page_url + name, {"If-None-Match": headers["ETag"]})
    assert status == 304
    status, _, _ = get(page_url + name, {"Range": f"bytes={len(whole) + 10}-"})
    assert status == 416


WEEK_1 = "tempo-basic-week-01.mp3"


@pytest.mark.parametrize(
    "header",
    [
        "bytes=0-10,20-30",  # several ranges: the whole file, not multipart (server.py says why)
        "bytes=0-10, 5-8",
        "bytes=99999999-,0-10",  # one of them past the end: still the whole file
        "items=0-10",  # a unit the server does not know: the Range header is ignored
        "none",
        "bytes=10-5",  # invalid (last before first): ignored, not "unsatisfiable"
        "bytes=abc",
        "bytes=--5",
        "bytes=",
    ],
)
def test_ranges_it_does_not_serve_as_asked_get_the_whole_file(
    site: Path, page_url: str, header: str
) -> None:
    whole = (site / WEEK_1).read_bytes()
    status, headers, body = get(page_url + WEEK_1, {"Range": header})
    assert status == 200, (status, body[:100])
    assert body == whole and int(headers["Content-Length"]) == len(whole)
    assert "Content-Range" not in headers and headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    ("header", "first", "end"),  # end: one past the last byte; negative: from the end
    [
        ("bytes=1000-1999", 1000, 2000),
        ("bytes=0-0", 0, 1),
        ("BYTES=5-9", 5, 10),  # the unit is case-insensitive
        ("bytes=1000-", 1000, 0),
        ("bytes=1000-99999999", 1000, 0),  # a last byte past the end is the end
        ("bytes=-500", -500, 0),
        ("bytes=-99999999", 0, 0),  # a suffix longer than the file is the whole file
        ("bytes=100-199,", 100, 200),  # an empty list element is no second range
    ],
)
def test_one_range_is_exactly_those_bytes(
    site: Path, page_url: str, header: str, first: int, end: int
) -> None:
    whole = (site / WEEK_1).read_bytes()
    first, end = first % len(whole), end or len(whole)
    status, headers, body = get(page_url + WEEK_1, {"Range": header})
    assert status == 206, (status, body[:100])
    assert headers["Content-Range"] == f"bytes {first}-{end - 1}/{len(whole)}"
    assert body == whole[first:end] and int(headers["Content-Length"]) == end - first


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{size}", "bytes=-0"])
def test_a_range_past_the_end_is_416_with_the_size(site: Path, page_url: str, header: str) -> None:
    size = (site / WEEK_1).stat().st_size
    status, headers, _ = get(page_url + WEEK_1, {"Range": header.format(size=size)})
    assert status == 416 and headers["Content-Range"] == f"bytes */{size}"


def test_if_range_sends_the_range_only_if_the_file_is_unchanged(
    site: Path, page_url: str
) -> None:
    whole = (site / WEEK_1).read_bytes()
    _, headers, _ = get(page_url + WEEK_1, method="HEAD")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    for same in (etag, modified):
        status, _, body = get(page_url + WEEK_1, {"Range": "bytes=10-19", "If-Range": same})
        assert status == 206 and body == whole[10:20], same
    later = "Fri, 01 Jan 2100 00:00:00 GMT"  # If-Range dates match exactly, not "since"
    for changed in ('"another-etag"', "W/" + etag, "Mon, 01 Jan 2001 00:00:00 GMT", later):
        asked = {"Range": "bytes=10-19", "If-Range": changed}
        status, headers, body = get(page_url + WEEK_1, asked)
        assert status == 200 and body == whole and "Content-Range" not in headers, changed
    # If-Range qualifies a range the server serves; with several, the whole file anyway.
    status, _, body = get(page_url + WEEK_1, {"Range": "bytes=0-1,5-6", "If-Range": etag})
    assert status == 200 and body == whole


def seconds_until_closed(connection: socket.socket) -> float:
    """How long the server takes to close ``connection`` (reading anything it sends)."""
    started = time.monotonic()
    connection.settimeout(120)  # generous: a loaded machine is slow, never early
    try:
        while connection.recv(65536):
            pass
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def test_idle_connections_are_closed_and_slow_downloads_are_not(
    site: Path, tmp_path: Path
) -> None:
    timeout = 4.0
    copy = tmp_path / "site"
    shutil.copytree(site, copy, symlinks=True)
    big = os.urandom(24 * 1024 * 1024)  # well over what the socket buffers hold
    (copy / "big.mp3").write_bytes(big)
    with served(copy, idle_timeout_s=timeout) as (page_url, _):
        port = int(page_url.split(":")[2].split("/")[0])
        path = "/" + page_url.split("/", 3)[3]
        silent = socket.create_connection(("127.0.0.1", port))
        partial = socket.create_connection(("127.0.0.1", port))
        partial.sendall(f"GET {path}feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        # (No idle keep-alive to time out: werkzeug closes the connection after a response.)
        waits: dict[str, float] = {}
        idle = {"silent": silent, "partial": partial}
        threads = [
            threading.Thread(target=lambda n=n, s=s: waits.__setitem__(n, seconds_until_closed(s)))
            for n, s in idle.items()
        ]
        for thread in threads:
            thread.start()
        # Meanwhile a slow download: 2.5 MB/s, ~10 s in all, more than twice the timeout,
        # with something taken every tenth of a second. It must arrive whole.
        slow = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        slow.request("GET", path + "big.mp3")
        response = slow.getresponse()
        assert response.status == 200
        received, started = bytearray(), time.monotonic()
        while chunk := response.read(256 * 1024):
            received += chunk
            time.sleep(0.1)
        took = time.monotonic() - started
        for thread in threads:
            thread.join(timeout=120)
        for connection in (silent, partial, slow):
            connection.close()
    assert bytes(received) == big and took > 2 * timeout
    # Closed, and not before the timeout: the server's clock starts after our connect.
    assert set(waits) == set(idle), waits
    for name, waited in waits.items():
        assert timeout * 0.9 < waited < 100, (name, waited)


@pytest.mark.parametrize(
    "path",
    [
        "../.voicecoach-site.json",
        "%2e%2e/site/feed.xml",
        "%2E%2E%2F.voicecoach-site.json",
        ".voicecoach-site.json",
        "/etc/passwd",
        "%2fetc%2fpasswd",
        "escape.mp3",
        "tempo-basic-week-01/",
        "..%5c..%5cetc%5cpasswd",
        "nothing-here.mp3",
    ],
)
def test_nothing_outside_the_site_is_reachable(page_url: str, path: str) -> None:
    status, _, body = get(page_url + path)
    assert status == 404, body[:200]


def test_the_secret_path_is_required(site: Path, page_url: str) -> None:
    origin = page_url.rsplit("/", 2)[0]
    secret = page_url.rstrip("/").rsplit("/", 1)[1]
    assert len(secret) >= 20
    for path in ["/", "/feed.xml", "/index.html", "/tempo-basic-week-01.mp3", "/x/feed.xml",
                 f"/{secret[:-1]}/feed.xml"]:  # fmt: skip
        assert get(origin + path)[0] == 404, path
    assert get(page_url + "tempo-basic-week-01/01-introduction.mp3")[0] == 200
    # The secret is kept in the site: a restarted server has the same addresses.
    with served(site) as (again, _):
        assert get(again.rsplit("/", 2)[0] + f"/{secret}/feed.xml")[0] == 200


def test_chapters_json_equals_the_mp3_chapters(site: Path) -> None:
    for mp3 in sorted(site.glob("*.mp3")):
        if mp3.is_symlink():
            continue
        document = json.loads(mp3.with_name(mp3.stem + ".chapters.json").read_text())
        listed = [c for c in document["chapters"] if c.get("toc", True)]  # not the end card
        from_json = [(round(c["startTime"] * 1000), c["title"]) for c in listed]
        from_id3 = [(start, title) for start, _end, title in ffprobe_chapters(str(mp3))]
        assert from_json == from_id3 and len(from_json) == 2


def test_split_parts_are_the_week_to_the_sample(site: Path) -> None:
    week = site / "tempo-basic-week-01.mp3"
    timeline = json.loads((site / "tempo-basic-week-01.timeline.json").read_text())
    parts_dir = site / "tempo-basic-week-01"
    playlist = (parts_dir / "tempo-basic-week-01.m3u8").read_text().splitlines()
    names = [line for line in playlist if line and not line.startswith("#")]
    assert names == ["01-introduction.mp3", "02-goblet-squat.mp3"]
    parts = [decode(str(parts_dir / name)) for name in names]
    starts = [c["start_ms"] * 24 for c in timeline["chapters"]] + [timeline["duration_ms"] * 24]
    assert [len(p) for p in parts] == [b - a for a, b in zip(starts, starts[1:])]
    joined, whole = np.concatenate(parts), decode(str(week))
    assert len(joined) == len(whole) == timeline["duration_ms"] * 24
    # Same mix, encoded in pieces: what differs is MP3 coding noise, far below the signal.
    noise = np.sqrt(np.mean((joined - whole) ** 2))
    signal = np.sqrt(np.mean(whole**2))
    assert 20 * np.log10(noise / signal) < -15
    tags = [ffprobe_tags(parts_dir / name) for name in names]
    assert [t["track"] for t in tags] == ["1/2", "2/2"]
    assert {t["album"] for t in tags} == {"Tempo Basic — week 1"}
    assert [t["title"] for t in tags] == ["Introduction", "1. Goblet Squat"]


def ffprobe_tags(path: Path) -> dict[str, str]:
    import subprocess

    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out)["format"]["tags"]


def test_publishing_is_incremental_and_later_weeks_add_episodes(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy, symlinks=True)
    cache = site.parent / "cache"
    mp3 = copy / "tempo-basic-week-01.mp3"
    before = mp3.stat().st_mtime_ns
    again = publish(copy, cache, "1-2", "--split")
    assert "0 rendered, 2 unchanged" in again.stdout
    assert mp3.stat().st_mtime_ns == before
    more = publish(copy, cache, "3")
    assert "Published 3 episodes" in more.stdout and "1 rendered, 2 unchanged" in more.stdout
    feed = feedparser.parse((copy / "feed.xml").read_text())
    assert [e.itunes_episode for e in feed.entries] == ["3", "2", "1"]
    assert mp3.stat().st_mtime_ns == before
    # A changed setting renders the week again.
    louder = publish(copy, cache, "1", "--loudness", "-17")
    assert "1 rendered" in louder.stdout and mp3.stat().st_mtime_ns != before
    assert not list(copy.glob(".*.part"))
