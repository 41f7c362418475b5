"""The rules a podcast feed must follow, as they are written down, checked one by one.

Each rule names where it is written:

* RSS 2.0 (rssboard.org/rss-specification): a channel's title, link and description;
  an item's title or description; an enclosure's url, length and type; an image's url,
  title and link; dates in RFC 822; a guid that is not a URL says isPermaLink="false".
* Apple Podcasts, "Podcast RSS feed requirements" (podcasters.apple.com/support/823):
  the channel's itunes:image (JPEG or PNG, square, 1400 to 3000 px), language,
  itunes:category by its text attribute from Apple's list, with a subcategory of that
  category inside it, and itunes:explicit true or false; per episode a title, an
  enclosure (audio/mpeg for MP3) and a guid; itunes:duration in seconds or [H:]MM:SS;
  itunes:episode and itunes:season non-zero integers; itunes:episodeType full, trailer
  or bonus; itunes:type episodic or serial.
* Podcasting 2.0 (github.com/Podcastindex-org/podcast-namespace, docs/1.0.md):
  podcast:locked yes or no; podcast:guid a UUIDv5; podcast:chapters a url with type
  application/json+chapters; podcast:transcript a url and a MIME type; podcast:season an
  integer with a name of at most 128 characters.

``violations(xml, fetch)`` returns every rule broken, one line each (an empty list: the
feed follows them all); ``fetch(url)`` returns a referenced file's bytes (the cover).
"""

from __future__ import annotations

import io
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from urllib.parse import urlparse

from PIL import Image

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
# Apple's categories and their subcategories, as far as a training feed can use them.
APPLE_CATEGORIES = {
    "Health & Fitness": {
        "Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality",
    },
    "Sports": {"Running", "Wilderness", "Swimming", "Soccer", "Basketball"},
    "Education": {"Courses", "How To", "Language Learning", "Self-Improvement"},
}  # fmt: skip
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # ISO 639 with a region
DURATION = re.compile(r"^(\d+|(\d+:)?[0-5]?\d:[0-5]\d)$")


def violations(xml: str, fetch: Callable[[str], bytes]) -> list[str]:
    root = ET.fromstring(xml)
    found: list[str] = []

    def rule(ok: bool, text: str) -> None:
        if not ok:
            found.append(text)

    rule(root.tag == "rss" and root.get("version") == "2.0", "RSS: the root is <rss version=2.0>")
    channels = root.findall("channel")
    rule(len(channels) == 1, "RSS: exactly one <channel>")
    channel = channels[0]

    def text(parent: ET.Element, tag: str) -> str:
        element = parent.find(tag)
        return (element.text or "").strip() if element is not None else ""

    for tag in ("title", "link", "description"):
        rule(bool(text(channel, tag)), f"RSS: the channel has a <{tag}>")
    rule(bool(LANGUAGE.match(text(channel, "language"))), "Apple: <language> is an ISO 639 code")
    image = channel.find("image")
    rule(image is not None and all(text(image, t) for t in ("url", "title", "link")),
         "RSS: <image> has url, title and link")  # fmt: skip
    artwork = channel.find(f"{ITUNES}image")
    href = artwork.get("href", "") if artwork is not None else ""
    rule(urlparse(href).scheme in ("http", "https"), "Apple: itunes:image href is absolute")
    if href:
        picture = Image.open(io.BytesIO(fetch(href)))
        rule(picture.format in ("PNG", "JPEG"), "Apple: the artwork is JPEG or PNG")
        rule(picture.width == picture.height and 1400 <= picture.width <= 3000,
             "Apple: the artwork is square, 1400 to 3000 px")  # fmt: skip
        rule(picture.mode in ("RGB", "P", "L"), "Apple: the artwork is in an RGB colour space")
    categories = channel.findall(f"{ITUNES}category")
    rule(bool(categories), "Apple: the channel has an itunes:category")
    for category in categories:
        name = category.get("text", "")
        rule(not (category.text or "").strip(), "Apple: itunes:category has no text content")
        rule(name in APPLE_CATEGORIES, f"Apple: {name!r} is one of Apple's categories")
        for sub in category.findall(f"{ITUNES}category"):
            rule(sub.get("text", "") in APPLE_CATEGORIES.get(name, set()),
                 f"Apple: {sub.get('text')!r} is a subcategory of {name!r}")  # fmt: skip
    rule(text(channel, f"{ITUNES}explicit") in ("true", "false"), "Apple: itunes:explicit")
    rule(text(channel, f"{ITUNES}type") in ("", "episodic", "serial"), "Apple: itunes:type")
    rule(text(channel, f"{PODCAST}locked") in ("yes", "no"), "Podcasting 2.0: podcast:locked")
    guid = text(channel, f"{PODCAST}guid")
    try:
        rule(uuid.UUID(guid).version == 5, "Podcasting 2.0: podcast:guid is a UUIDv5")
    except ValueError:
        rule(False, "Podcasting 2.0: the channel has a podcast:guid (a UUIDv5)")

    guids = []
    for item in channel.findall("item"):
        title = text(item, "title")
        rule(bool(title or text(item, "description")), "RSS: an item has a title or description")
        rule(bool(title), "Apple: every episode has a title")
        enclosure = item.find("enclosure")
        rule(enclosure is not None, f"Apple: {title!r} has an enclosure")
        if enclosure is not None:
            rule(urlparse(enclosure.get("url", "")).scheme in ("http", "https"),
                 f"RSS: {title!r}'s enclosure url is absolute http(s)")  # fmt: skip
            rule((enclosure.get("length") or "").isdigit() and int(enclosure.get("length", 0)) > 0,
                 f"RSS: {title!r}'s enclosure length is its size in bytes")  # fmt: skip
            rule(enclosure.get("type") == "audio/mpeg", f"Apple: {title!r} is audio/mpeg")
        element = item.find("guid")
        rule(element is not None and bool((element.text or "").strip()),
             f"Apple: {title!r} has a guid")  # fmt: skip
        if element is not None:
            guids.append(element.text)
            is_url = urlparse(element.text or "").scheme in ("http", "https")
            rule(is_url or element.get("isPermaLink") == "false",
                 f"RSS: {title!r}'s guid is not a URL, so isPermaLink is false")  # fmt: skip
        try:
            parsedate_to_datetime(text(item, "pubDate"))
        except (TypeError, ValueError):
            rule(False, f"RSS: {title!r}'s pubDate is an RFC 822 date")
        rule(bool(DURATION.match(text(item, f"{ITUNES}duration"))),
             f"Apple: {title!r}'s itunes:duration is seconds or [H:]MM:SS")  # fmt: skip
        for tag in ("episode", "season"):
            value = text(item, f"{ITUNES}{tag}")
            rule(value.isdigit() and int(value) > 0, f"Apple: {title!r}'s itunes:{tag} > 0")
        rule(text(item, f"{ITUNES}episodeType") in ("", "full", "trailer", "bonus"),
             f"Apple: {title!r}'s itunes:episodeType")  # fmt: skip
        chapters = item.find(f"{PODCAST}chapters")
        if chapters is not None:
            rule(bool(chapters.get("url")) and chapters.get("type") == "application/json+chapters",
                 f"Podcasting 2.0: {title!r}'s podcast:chapters url and type")  # fmt: skip
        for transcript in item.findall(f"{PODCAST}transcript"):
            rule(bool(transcript.get("url")) and "/" in (transcript.get("type") or ""),
                 f"Podcasting 2.0: {title!r}'s podcast:transcript url and MIME type")  # fmt: skip
        season = item.find(f"{PODCAST}season")
        if season is not None:
            rule((season.text or "").strip().isdigit() and len(season.get("name", "")) <= 128,
                 f"Podcasting 2.0: {title!r}'s podcast:season")  # fmt: skip
    rule(len(guids) == len(set(guids)), "Apple: every episode's guid is its own")
    return found
