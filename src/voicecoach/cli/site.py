"""The site for the phone: ``publish`` (feed, page, episodes) and ``serve`` (on the LAN)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from voicecoach.cli.options import (
    Bars,
    clean_folder,
    db_option,
    parse_weeks,
    quiet_option,
    render_options,
)
from voicecoach.compiler import clock, counted
from voicecoach.errors import OutputError
from voicecoach.log import LogStore, describe_next, next_in_log, resolve_db_path
from voicecoach.program import load_program
from voicecoach.render import RenderSettings


@click.command()
@click.argument("program", type=click.Path(dir_okay=True))
@click.option("--weeks", "weeks_text", metavar="RANGE", help="Weeks to publish, e.g. 1-12.")
@click.option(
    "--next",
    "from_log",
    is_flag=True,
    help="Also publish the training log's next session as an episode (after the weeks).",
)
@click.option(
    "--site",
    type=click.Path(file_okay=False),
    required=True,
    help="The site folder: MP3s, feed.xml, index.html, cover.png (any web server can host it).",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Where the site will be hosted, e.g. https://example.org/coach/: makes feed.xml's "
    "addresses absolute (`voicecoach serve` fills them in by itself).",
)
@db_option
@render_options
@quiet_option
def publish(
    program: str,
    weeks_text: str | None,
    from_log: bool,
    site: str,
    base_url: str | None,
    db: str | None,
    settings: RenderSettings,
    quiet: bool,
) -> None:
    """Publish weeks as a private podcast feed and a page to play them on a phone.

    Renders only the weeks whose timeline or settings changed (the rest are kept), then
    rewrites feed.xml, index.html and the playlist. Weeks that are the same session
    (the foundation weeks) are one episode. Publishing more weeks later adds them as
    new episodes. With --next, the training log's next session becomes an episode too
    (season 2 of the feed, numbered by session), unless it is the same session as one
    already there, whose track it then shares. The newest 12 sessions are kept. Also
    takes build's speech and audio options.

    \b
    Examples:
      voicecoach publish programs/alleviating-back-pain.yaml --weeks 1-4 --site site/
      voicecoach serve site/
      voicecoach publish programs/alleviating-back-pain.yaml --next --site site/
      voicecoach publish programs/alleviating-back-pain.yaml --weeks 1-12 --site site/ \\
          --base-url https://example.org/coach/ --split
    """
    from voicecoach.publish import SessionTrack
    from voicecoach.publish import publish as publish_site

    if not (weeks_text or from_log):
        raise click.UsageError("give --weeks RANGE, --next, or both")
    loaded = load_program(program)
    weeks = parse_weeks(weeks_text) if weeks_text else []
    upcoming = session = None
    if from_log:
        with LogStore(resolve_db_path(db), readonly=True) as store:
            upcoming = next_in_log(store, loaded)
        session = SessionTrack(upcoming.number, upcoming.week)
    started = time.monotonic()
    clean_folder(Path(site))
    result = publish_site(
        loaded, weeks, Path(site), settings, base_url, Bars(quiet), session=session
    )
    episodes = result.site.feed_episodes  # one per track: a shared session is not twice
    total = sum(e.duration_ms for e in episodes)
    click.echo(
        f"Published {counted(len(episodes), 'episode')} ({clock(total)} of audio) to {site}: "
        # Every episode is one or the other: those not rendered now were kept as they were.
        f"{len(result.rendered)} rendered, {len(episodes) - len(result.rendered)} unchanged, "
        f"in {time.monotonic() - started:.1f} s"
    )
    for shared in result.shared:
        click.echo(
            f"Session {shared.session} is the same session as {shared.weeks}: "
            f"it shares {shared.file}"
        )
    if not result.site.base_url:
        click.echo(
            f"Serve it with: voicecoach serve {site}   (or host the folder and publish again "
            "with --base-url, so feed.xml has absolute addresses)"
        )
    if upcoming:
        click.echo(describe_next(loaded, upcoming))


@click.command()
@click.argument("site", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--host",
    default="0.0.0.0",
    show_default=True,
    help="Address to listen on (0.0.0.0: every network of this machine).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--base-url", metavar="URL", help="Public address of the site (a tunnel, a proxy) for the feed."
)
@click.option("--no-qr", is_flag=True, help="Do not print the QR code.")
@click.option(
    "--no-render-next",
    is_flag=True,
    help="Do not render the log's next session after each one logged (see docs/publish.md).",
)
@db_option
@render_options
def serve(
    site: str,
    host: str,
    port: int,
    base_url: str | None,
    no_qr: bool,
    no_render_next: bool,
    db: str | None,
    settings: RenderSettings,
) -> None:
    """Serve a published site to phones on the same network, under a secret path.

    Prints the page's and the feed's addresses and a QR code to scan with the phone.
    The secret path is kept in the site folder, so subscriptions survive restarts.
    The page has a "log this session" form; what it logs goes into the training log
    (--db). Each session logged (on the page, or with `voicecoach log` against the same
    --db) makes the server render the log's next session into the site in the
    background, as `publish --next` would, with build's speech and audio options.

    \b
    Examples:
      voicecoach serve site/
      voicecoach serve site/ --port 8080
      voicecoach serve site/ --db ~/training-log.sqlite3
      voicecoach serve site/ --base-url https://coach.example.org/
    """
    from voicecoach.publish import serve as serve_site

    try:
        serve_site(
            Path(site), host, port, base_url, qr=not no_qr, db_path=resolve_db_path(db),
            settings=None if no_render_next else settings,
        )  # fmt: skip
    except OSError as exc:
        raise OutputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


COMMANDS = [publish, serve]
