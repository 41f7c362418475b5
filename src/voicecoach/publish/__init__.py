"""The publish stage: sessions become a private podcast and a page a phone can open.

site     what a published site holds; ``publish`` renders what changed and rewrites it
feed     the RSS 2.0 feed (iTunes and Podcasting 2.0 namespaces)
page     index.html: players, tappable chapters, plans; ``week_extra`` adds to a week
log_form the served page's "log this session" form and what a submission does
cover    the square cover image
server   ``voicecoach serve``: the site under a secret path, with byte ranges
jobs     serve's background renders of the log's next session (a Huey task queue)
"""

from voicecoach.publish.cover import draw_cover, write_cover
from voicecoach.publish.feed import feed_xml
from voicecoach.publish.page import WeekExtra, page_html
from voicecoach.publish.server import ServedSite, make_app, serve
from voicecoach.publish.site import PublishResult, SessionTrack, publish
from voicecoach.publish.state import Episode, Site, load_site

__all__ = [
    "Episode",
    "PublishResult",
    "ServedSite",
    "SessionTrack",
    "Site",
    "WeekExtra",
    "draw_cover",
    "feed_xml",
    "load_site",
    "make_app",
    "page_html",
    "publish",
    "serve",
    "write_cover",
]
