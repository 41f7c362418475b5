"""The podcast feed: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces.

One item per file, newest first (``itunes:episode`` keeps the order): a run of weeks
that are the same session is one item, and a session from the log that shares a week's
file is that week's item (``Site.feed_episodes``). Each has a stable guid, the
week's focus as description, its duration, an ``audio/mpeg``
enclosure whose length is the file's byte size, and ``podcast:chapters`` pointing at
the week's JSON chapters and ``podcast:transcript`` at its WebVTT transcript
(``text/vtt``). Sessions made from the training log (``publish --next``)
come after every week: the weeks are season 1, numbered by week; the sessions are
season 2, numbered by the log's session number, with guids of their own
(``...:session-7``). So publishing more weeks or more sessions never renumbers an
episode. Addresses are made absolute against ``base_url``: the one given to
``publish --base-url``, or per request the address a phone used to reach
``voicecoach serve``. Without either, they stay relative to the feed.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import quote

from voicecoach.naming import COVER_FILE, PAGE_FILE, slugify
from voicecoach.publish.state import Episode, Site, site_words

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
TRANSCRIPT_TYPE = "text/vtt"  # WebVTT: the transcript format Apple Podcasts ingests
CATEGORY, SUBCATEGORY = "Health & Fitness", "Fitness"
# podcast:guid is a UUIDv5 in this namespace (Podcasting 2.0, docs/1.0.md).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

ET.register_namespace("itunes", ITUNES)
ET.register_namespace("podcast", PODCAST)
ET.register_namespace("atom", ATOM)


def hms(ms: int) -> str:
    """``itunes:duration`` as H:MM:SS, whole seconds cut as ``clock`` cuts them (the page
    and the command line say 94:31; the feed says 1:34:31, not 1:34:32)."""
    seconds = ms // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


WEEKS_SEASON, SESSIONS_SEASON = 1, 2
SEASON_KEYS = {WEEKS_SEASON: "feed_season_weeks", SESSIONS_SEASON: "feed_season_log"}


def guid(site: Site, episode: Episode) -> str:
    """Stable across re-renders: a podcast app keeps its place in a re-rendered week."""
    return f"voicecoach:{slugify(site.title)}:{episode.anchor}"


def feed_guid(site: Site) -> str:
    """The show's podcast:guid. The namespace derives it from the feed's address, but a
    served feed's address is whatever host the phone used; the secret path is the part
    that never changes, so the guid is made from it (stable across hosts and restarts)."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, f"voicecoach/{site.secret}/feed.xml"))


def season_and_number(episode: Episode) -> tuple[int, int]:
    """Weeks are season 1 numbered by week; the log's sessions season 2 by session."""
    if episode.session is not None:
        return SESSIONS_SEASON, episode.session
    return WEEKS_SEASON, episode.week


def feed_xml(site: Site, base_url: str | None) -> str:
    base = base_url or ""
    words = site_words(site)

    def url(path: str) -> str:
        return base + quote(path)

    # ``content`` is the element's text; keyword arguments are its attributes (so
    # ``text=`` is the attribute itunes:category is named by, not its content).
    def sub(parent: ET.Element, tag: str, content: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, tag, attrs)
        if content is not None:
            element.text = content
        return element

    rss = ET.Element("rss", {"version": "2.0"})
    channel = sub(rss, "channel")
    sub(channel, "title", site.title)
    sub(channel, "link", url(PAGE_FILE) if base else PAGE_FILE)
    sub(channel, "description", site.description)
    sub(channel, "language", site.language)
    sub(channel, "generator", "voicecoach")
    if base:
        sub(
            channel, f"{{{ATOM}}}link", href=url("feed.xml"), rel="self", type="application/rss+xml"
        )
    sub(channel, f"{{{ITUNES}}}author", site.author)
    sub(channel, f"{{{ITUNES}}}summary", site.description)
    sub(channel, f"{{{ITUNES}}}type", "episodic")
    sub(channel, f"{{{ITUNES}}}image", href=url(COVER_FILE))
    category = sub(channel, f"{{{ITUNES}}}category", text=CATEGORY)
    sub(category, f"{{{ITUNES}}}category", text=SUBCATEGORY)
    sub(channel, f"{{{ITUNES}}}explicit", "false")
    image = sub(channel, "image")
    sub(image, "url", url(COVER_FILE))
    sub(image, "title", site.title)
    sub(image, "link", url(PAGE_FILE))
    sub(channel, f"{{{PODCAST}}}locked", "yes")  # a private feed: not to be imported elsewhere
    sub(channel, f"{{{PODCAST}}}guid", feed_guid(site))
    for episode in site.feed_episodes:
        item = sub(channel, "item")
        sub(item, "title", episode.title)
        sub(item, "description", episode.focus)
        sub(item, "guid", guid(site, episode), isPermaLink="false")
        sub(item, "pubDate", format_datetime(datetime.fromisoformat(episode.published)))
        sub(item, "enclosure", url=url(episode.file), length=str(episode.size_bytes),
            type="audio/mpeg")  # fmt: skip
        sub(item, f"{{{ITUNES}}}title", episode.title)
        season, number = season_and_number(episode)
        sub(item, f"{{{ITUNES}}}season", str(season))
        sub(item, f"{{{ITUNES}}}episode", str(number))
        sub(item, f"{{{ITUNES}}}episodeType", "full")
        sub(item, f"{{{ITUNES}}}duration", hms(episode.duration_ms))
        sub(item, f"{{{ITUNES}}}explicit", "false")
        sub(item, f"{{{PODCAST}}}chapters", url=url(episode.chapters_file),
            type="application/json+chapters")  # fmt: skip
        if episode.transcript_file:
            sub(item, f"{{{PODCAST}}}transcript", url=url(episode.transcript_file),
                type=TRANSCRIPT_TYPE)  # fmt: skip
        sub(item, f"{{{PODCAST}}}season", str(season), name=words.say(SEASON_KEYS[season]))
    ET.indent(rss, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"
