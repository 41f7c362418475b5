"""The site's page: the next session on top, then every session with a player, its
chapters and its plan, for a phone.

One self-contained HTML file: inline CSS and a few lines of script, no external
fonts, scripts or stylesheets, so it works on a phone that reaches nothing but the
server. Tapping a chapter moves that week's player to the chapter's start and plays.
The feed's address is filled in from the page's own address, so it is right on
whatever host serves the page. Under each player, the coach screen (publish/coach.py)
shows what to do now, read off the track's timeline at the player's time.

The order is the order of training: the next session to train (``NextCard``, when
the server knows the training log: its number, week and stage, what the log changed,
its player and its own log form, all before anything else), then the log's earlier
sessions, newest first, then the program's weeks. Other features add to each section
(the server's forms and what was logged, publish/log_form.py) through
``page_html(site, week_extra=..., extra_style=...)``: a function from an Episode to an
HTML fragment placed at the end of its section, and the CSS it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

from voicecoach.naming import COVER_FILE, FEED_FILE, playlist_file_name
from voicecoach.publish.coach import SCRIPT as COACH_SCRIPT
from voicecoach.publish.coach import STYLE as COACH_STYLE
from voicecoach.publish.coach import coach_html, coach_words_json
from voicecoach.publish.state import Episode, Site, site_words
from voicecoach.report import clock
from voicecoach.words import Catalogue

WeekExtra = Callable[[Episode], str]

STYLE = """
:root { color-scheme: light dark; --accent: #14534a; }
* { box-sizing: border-box; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 0 auto; max-width: 46rem; padding: 1rem; }
header { display: flex; gap: 1rem; align-items: center; }
header img { width: 5.5rem; height: 5.5rem; border-radius: .5rem; }
h1 { font-size: 1.35rem; margin: 0; }
h2 { font-size: 1.15rem; margin: 0 0 .25rem; }
.meta { opacity: .75; font-size: .9rem; margin: .2rem 0; }
.subscribe { background: var(--accent); color: #fff; padding: .55rem .9rem;
             border-radius: .4rem; text-decoration: none; display: inline-block;
             margin: 0 .4rem .4rem 0; }
code { word-break: break-all; font-size: .85rem; }
section.week { border-top: 1px solid #8884; padding: 1rem 0; }
section.next { border: 2px solid var(--accent); border-radius: .6rem; padding: .8rem;
               margin: 1rem 0; }
section.next h2 { font-size: 1.3rem; }
ul.changes { margin: .4rem 0; padding-left: 1.1rem; font-size: .92rem; }
ul.changes li { margin: .15rem 0; }
h2.list { font-size: 1rem; text-transform: uppercase; letter-spacing: .05em; opacity: .7;
          margin: 1.6rem 0 0; }
details.chapters > summary { padding: .3rem 0; cursor: pointer; }
audio { width: 100%; margin: .5rem 0; }
ol.chapters { list-style: none; padding: 0; margin: 0; }
ol.chapters button { width: 100%; text-align: left; font: inherit; padding: .6rem .5rem;
                     margin: .15rem 0; border: 1px solid #8886; border-radius: .35rem;
                     background: transparent; color: inherit; display: flex; gap: .6rem; }
ol.chapters button[aria-current="true"] { border-color: var(--accent);
                                          box-shadow: inset .3rem 0 0 var(--accent); }
ol.chapters .at { font-variant-numeric: tabular-nums; opacity: .7; min-width: 3.2rem; }
details { margin-top: .6rem; }
table { border-collapse: collapse; font-size: .85rem; width: 100%; display: block;
        overflow-x: auto; }
th, td { padding: .25rem .4rem; border-bottom: 1px solid #8884; text-align: left;
         white-space: nowrap; }
"""

SCRIPT = """
const feed = new URL("FEED", location.href);
document.getElementById("feed-url").textContent = feed.href;
// podcast:// is what Apple Podcasts and Downcast document; it drops the scheme (the app
// guesses it), and Apple's app fetches the feed through Apple's servers, so it cannot
// reach a feed on a home network. AntennaPod documents an app link that keeps the whole
// address and is fetched by the phone itself.
document.getElementById("subscribe").href = "podcast://" + feed.host + feed.pathname;
document.getElementById("subscribe-antennapod").href =
  "https://antennapod.org/deeplink/subscribe?url=" + encodeURIComponent(feed.href) +
  "&title=" + encodeURIComponent(document.title);
// The lock screen and a headset's buttons (Media Session API, where the browser has it):
// the track's title and cover, and next / previous meaning the next / previous chapter.
const voicecoach = {
  chapterStarts(audio) {
    return [...document.querySelectorAll(`button[data-audio="${audio.id}"]`)]
      .map(b => Number(b.dataset.start));
  },
  nextChapter(audio) {
    const next = this.chapterStarts(audio).find(t => t > audio.currentTime + 0.5);
    if (next !== undefined) audio.currentTime = next;
  },
  previousChapter(audio) {
    // Within 3 s of a chapter's start, the one before it; else back to this one's start.
    const starts = this.chapterStarts(audio).filter(t => t < audio.currentTime - 3);
    audio.currentTime = starts.length ? starts[starts.length - 1] : 0;
  },
  playing: null,
  announce(audio) {
    this.playing = audio;
    if (!("mediaSession" in navigator)) return;
    const cover = new URL("COVER", location.href).href;
    navigator.mediaSession.metadata = new MediaMetadata({
      title: audio.dataset.title, artist: audio.dataset.artist, album: document.title,
      artwork: [{src: cover, sizes: "1400x1400", type: "image/png"}],
    });
    const on = (action, handler) => {
      try { navigator.mediaSession.setActionHandler(action, handler); } catch (e) {}
    };
    on("nexttrack", () => this.nextChapter(this.playing));
    on("previoustrack", () => this.previousChapter(this.playing));
    on("seekforward", () => { this.playing.currentTime += 10; });
    on("seekbackward", () => { this.playing.currentTime -= 10; });
  },
};
for (const audio of document.querySelectorAll("audio")) {
  audio.addEventListener("play", () => voicecoach.announce(audio));
}
window.voicecoach = voicecoach;
for (const button of document.querySelectorAll("button[data-start]")) {
  button.addEventListener("click", () => {
    const audio = document.getElementById(button.dataset.audio);
    audio.currentTime = Number(button.dataset.start);
    audio.play().catch(() => {});
  });
}
for (const audio of document.querySelectorAll("audio")) {
  const buttons = [...document.querySelectorAll(`button[data-audio="${audio.id}"]`)];
  audio.addEventListener("timeupdate", () => {
    let current = null;
    for (const b of buttons) if (Number(b.dataset.start) <= audio.currentTime + 0.05) current = b;
    for (const b of buttons) b.setAttribute("aria-current", String(b === current));
  });
}
"""


@dataclass(frozen=True)
class NextCard:
    """The session to train next, as the top of the page shows it (the server makes it
    from the training log: publish/log_form.py)."""

    number: int  # its number in the log
    week: int  # the week it is in, or the first of the run of weeks its track serves
    through: int | None  # the run's last week (None: one week)
    foundation: bool  # its stage
    changes: list[str] = field(default_factory=list)  # what the log changed, per exercise
    episode: Episode | None = None  # its track, once the site has it
    form: str = ""  # its log form
    status: str = ""  # the track being prepared, or why it could not be
    earlier: list[Earlier] = field(default_factory=list)  # the sessions logged, newest first


@dataclass(frozen=True)
class Earlier:
    """A session logged before, under the next one: its track if the site has one."""

    number: int
    logged: str  # what was logged, as HTML
    episode: Episode | None = None


def _chapters(episode: Episode, audio_id: str) -> str:
    return "\n".join(
        f'<li><button type="button" data-audio="{audio_id}" '
        f'data-start="{chapter["start_ms"] / 1000:g}"><span class="at">'
        f"{clock(chapter['start_ms'])}</span><span>{escape(chapter['title'])}</span>"
        f"</button></li>"
        for chapter in episode.chapters
    )


def _plan(episode: Episode) -> str:
    header, *rows = episode.plan or [[]]
    return (
        "<table><thead><tr>"
        + "".join(f"<th>{escape(cell)}</th>" for cell in header)
        + "</tr></thead><tbody>"
        + "".join(
            "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
        )
        + "</tbody></table>"
    )


def megabytes(words: Catalogue, size_bytes: int) -> str:
    """A file's size to one decimal, with the language's decimal sign ("1.2", "1,2")."""
    whole, tenth = divmod(round(size_bytes / 100_000), 10)
    return f"{whole}{words.number(1.5)[1]}{tenth}"


def _player(episode: Episode, audio_id: str, artist: str, folded: bool, words: Catalogue) -> str:
    """The player, its download link, the coach screen, the chapters and the plan."""
    say = words.say
    parts = ""
    if episode.parts:
        links = " · ".join(
            f'<a href="{quote(p)}">{escape(p.rsplit("/", 1)[-1])}</a>' for p in episode.parts
        )
        playlist = quote(episode.parts_playlist or "")
        parts = (
            f"<details><summary>{escape(say('page_parts'))} "
            f'(<a href="{playlist}">{escape(say("page_parts_playlist"))}</a>)'
            f"</summary><p>{links}</p></details>"
        )
    chapters = f'<ol class="chapters">\n{_chapters(episode, audio_id)}\n</ol>'
    if folded:  # the top card: its form comes before a long list of chapters
        summary = say("page_chapters", count=len(episode.chapters))
        chapters = (
            f'<details class="chapters"><summary>{escape(summary)}</summary>{chapters}</details>'
        )
    size = say("page_download_note", megabytes=megabytes(words, episode.size_bytes))
    return f"""<audio id="{audio_id}" controls preload="metadata" src="{quote(episode.file)}"
 data-title="{escape(episode.title)}" data-artist="{escape(artist)}"></audio>
<p class="meta"><a href="{quote(episode.file)}" download>{escape(say("page_download"))}</a>
{escape(size)}</p>
{coach_html(audio_id, episode.timeline_file, words)}
{chapters}
<details><summary>{escape(say("page_plan"))}</summary>{_plan(episode)}</details>
{parts}"""


def _week(episode: Episode, extra: WeekExtra | None, artist: str, words: Catalogue) -> str:
    # Weeks keep their short ids (audio-3): links and tests made before sessions use them.
    audio_id = f"audio-{episode.week}" if episode.session is None else f"audio-{episode.anchor}"
    return f"""<section class="week" id="{episode.anchor}">
<h2>{escape(episode.title)}</h2>
<p class="meta">{escape(episode.focus)} · {clock(episode.duration_ms)}</p>
{_player(episode, audio_id, artist, False, words)}
{extra(episode) if extra else ""}
</section>"""


def _earlier(session: Earlier, artist: str, words: Catalogue) -> str:
    """A session logged before: what was logged first, then its track (chapters folded)."""
    episode = session.episode
    if episode is None:
        return f"""<section class="week" id="session-{session.number}">
<h2>{escape(words.say("page_session", number=session.number))}</h2>
{session.logged}
</section>"""
    return f"""<section class="week" id="session-{session.number}">
<h2>{escape(episode.title)}</h2>
<p class="meta">{clock(episode.duration_ms)}</p>
{session.logged}
{_player(episode, f"audio-session-{session.number}", artist, True, words)}
</section>"""


def stage_words(words: Catalogue, foundation: bool) -> str:
    return words.say("page_foundation" if foundation else "page_build")


def _next_card(card: NextCard, artist: str, words: Catalogue) -> str:
    length = f" · {clock(card.episode.duration_ms)}" if card.episode else ""
    weeks = words.say("page_next_weeks", **words.weeks(card.week, card.through, "shown"))
    changes = "".join(f"<li>{escape(line)}</li>" for line in card.changes)
    player = (
        _player(card.episode, "audio-next", artist, True, words) if card.episode else ""
    )
    return f"""<section class="next" id="next" aria-labelledby="next-title">
<h2 id="next-title">{escape(words.say("page_next", number=card.number))}</h2>
<p class="meta">{escape(weeks)} · {escape(stage_words(words, card.foundation))}{length}</p>
<ul class="changes">{changes}</ul>
{card.status}
{player}
{card.form}
</section>"""


def page_html(
    site: Site,
    week_extra: WeekExtra | None = None,
    extra_style: str = "",
    after: str = "",
    next_card: NextCard | None = None,
) -> str:
    """The page for ``site``, in its language; ``next_card`` on top; ``week_extra(episode)``
    may add HTML to each section below it (with ``extra_style``, CSS for it); ``after`` is
    HTML after them (the progress picture)."""
    words = site_words(site)
    say = words.say
    weeks = sum((e.through or e.week) - e.week + 1 for e in site.episodes.values())
    count = say("page_weeks", n=weeks)
    if site.sessions:
        count += " · " + say("page_sessions", n=len(site.sessions))
    total = sum(e.duration_ms for e in site.feed_episodes)
    program = sorted(site.episodes.values(), key=lambda e: e.week)
    sections = []
    # The next session comes first, right under the title: it is what the page is for
    # on a training day; how to subscribe follows it.
    top = _next_card(next_card, site.author, words) if next_card is not None else ""
    if next_card is not None:
        if next_card.earlier:
            sections.append(f'<h2 class="list">{escape(say("page_earlier"))}</h2>')
            sections += [_earlier(e, site.author, words) for e in next_card.earlier]
    else:  # the static page knows no log: the sessions it has, newest first
        sessions = [e for e in reversed(site.in_order) if e.session is not None]
        if sessions:
            sections.append(f'<h2 class="list">{escape(say("page_log_sessions"))}</h2>')
            sections += [_week(e, week_extra, site.author, words) for e in sessions]
    if program:
        sections.append(f'<h2 class="list">{escape(say("page_program_weeks"))}</h2>')
        sections += [_week(e, week_extra, site.author, words) for e in program]
    body = "\n".join(sections)
    playlist = quote(playlist_file_name(site.title))
    return f"""<!doctype html>
<html lang="{escape(site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(site.title)}</title>
<link rel="icon" href="{COVER_FILE}">
<link rel="apple-touch-icon" href="{COVER_FILE}">
<meta name="apple-mobile-web-app-capable" content="yes">
<meta name="mobile-web-app-capable" content="yes">
<meta name="apple-mobile-web-app-title" content="{escape(site.title)}">
<meta name="theme-color" content="#14534a">
<link rel="alternate" type="application/rss+xml" title="{escape(site.title)}" href="{FEED_FILE}">
<style>{STYLE}{COACH_STYLE}{extra_style}</style>
</head>
<body>
<header>
<img src="{COVER_FILE}" alt="">
<div>
<h1>{escape(site.title)}</h1>
<p class="meta">{escape(count)} · {escape(say("page_in_all", length=clock(total)))} · \
{escape(site.author)}</p>
</div>
</header>
{top}
<p>{escape(site.description)}</p>
<section class="subscribe-box" id="subscribe-box">
<p><a class="subscribe" id="subscribe-antennapod" href="{FEED_FILE}">\
{escape(say("page_subscribe_antennapod"))}</a> <a class="subscribe" id="subscribe" \
href="{FEED_FILE}">{escape(say("page_subscribe_other"))}</a></p>
<p class="meta">{escape(say("page_iphone"))}</p>
<p class="meta">{escape(say("page_feed_address"))}<br>
<code id="feed-url">{FEED_FILE}</code><br>
{escape(say("page_playlist"))} <a href="{playlist}">{escape(playlist_file_name(site.title))}</a></p>
</section>
{body}
{after}
<script type="application/json" id="coach-words">{coach_words_json(words)}</script>
<script>{SCRIPT.replace("FEED", FEED_FILE).replace("COVER", COVER_FILE)}{COACH_SCRIPT}</script>
</body>
</html>
"""
