"""``voicecoach serve``: a published site for phones on the home network.

Built on werkzeug: its ``send_file(..., conditional=True)`` answers byte ranges (206
Partial Content with ``Content-Range``, 416 past the end, ``Accept-Ranges: bytes``;
publish/ranges.py first turns what werkzeug would wrongly refuse, several ranges or an
unknown unit, into "send the whole file", as RFC 9110 allows),
``If-None-Match``/``If-Modified-Since`` with ETag and Last-Modified, and HEAD, which
podcast players rely on to seek; Python's ``http.server`` has none of it, and range
handling written by hand is easy to get subtly wrong.

Private by default, like a private podcast feed: everything lives under
``/<secret>/``, a random path kept in the site's hidden state file (so subscriptions
survive restarts). Anything else is 404. Read-only; only regular, non-hidden files
inside the site folder are served: ``..`` (also percent-encoded), absolute paths,
hidden files (the state file) and symlinks that lead out are 404; there are no
directory listings. The feed is rendered per request with absolute addresses on the
host the phone used, unless ``--base-url`` fixes them; so are the chapter images (``img``)
of every ``X.chapters.json``.

With a training-log database (``serve --db``, else the log's usual place) and a site
that recorded its program file, the page is rendered per request with a "log this
session" form in each section (publish/log_form.py). The form posts to
``/<secret>/log``, the one address that takes a POST (elsewhere: 405 under the secret
path, 404 outside it); bodies over 16 KB get 413. Besides the database, the server
writes only the next session it renders after each one logged, and that job queue
(publish/jobs.py). A POST repeating a field is 400 (the page sends each once). A
connection on which nothing moves for IDLE_TIMEOUT_S is closed.
"""

from __future__ import annotations

import contextlib
import datetime
import hmac
import json
import os
import socket
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urljoin

from werkzeug.exceptions import BadRequest, HTTPException, MethodNotAllowed, NotFound
from werkzeug.security import safe_join
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.utils import redirect, send_file
from werkzeug.wrappers import Request, Response

from voicecoach.errors import VoicecoachError
from voicecoach.naming import CHAPTERS_SUFFIX, FEED_FILE, PAGE_FILE
from voicecoach.publish.feed import feed_xml
from voicecoach.publish.jobs import STYLE as JOB_STYLE
from voicecoach.publish.jobs import NextSessionJobs, status_html
from voicecoach.publish.log_form import (
    DATE_FIELD,
    FORM_PATH,
    MAX_FORM_BYTES,
    NEXT,
    PROGRESS_FILE,
    SESSION_FIELD,
    STYLE,
    LogForm,
    Shown,
)
from voicecoach.publish.page import page_html
from voicecoach.publish.ranges import range_applies, usable_range
from voicecoach.publish.state import Site, ensure_secret, load_site, site_words
from voicecoach.render import RenderSettings

MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".m3u8": "audio/mpegurl",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",
    ".xml": "application/rss+xml",
    ".vtt": "text/vtt",  # the feed's podcast:transcript type (werkzeug adds the charset)
    ".jpg": "image/jpeg",
}
MAX_AGE = 60  # seconds: a phone rechecks soon after a new publish (ETag keeps it cheap)
# A connection is closed once it has been idle this long: no byte received while waiting
# for a request (an idle keep-alive, a request sent in part) and no byte taken by the
# client while a file is sent. It is a timeout on each socket read and write, not on the
# whole request, so a slow download that keeps moving is never cut, however long it takes;
# only a connection on which nothing moves for the whole time is. 30 s is far longer than
# a phone's Wi-Fi stalls for while it still works (a radio waking, a roam between access
# points: a few seconds), and each open connection holds a thread. A player paused for
# longer simply reconnects and asks for the rest with a Range, as players do.
IDLE_TIMEOUT_S = 30.0

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SiteRequest(Request):
    """Requests with a capped body: the log form is all a client may send."""

    max_content_length = MAX_FORM_BYTES
    max_form_memory_size = MAX_FORM_BYTES


@dataclass(frozen=True)
class ServedSite:
    """Where the site is, its secret path and the addresses to print."""

    folder: Path
    secret: str
    base_url: str | None
    log_form: LogForm | None = None  # None: the page is the static index.html
    log_off: str = ""  # why there is no log form, to print on start

    def url(self, host: str, port: int, name: str = "") -> str:
        if self.base_url:
            return self.base_url + name
        return f"http://{host}:{port}/{self.secret}/{name}"


def _file_in(root: Path, parts: list[str]) -> Path | None:
    """The regular file ``parts`` names inside ``root``, or None if it is not one."""
    for part in parts:
        if part in ("", ".", "..") or part.startswith(".") or "\\" in part or "\0" in part:
            return None
    joined = safe_join(str(root), *parts)
    if joined is None:
        return None
    real = Path(os.path.realpath(joined))
    if not real.is_relative_to(root) or not real.is_file():  # symlinks out, folders
        return None
    return real


def absolute_images(chapters_file: Path, address: str) -> str:
    """The JSON chapters at ``chapters_file`` (served at ``address``) with every ``img``
    made absolute against it: apps fetch chapter images by absolute URL."""
    try:
        document = json.loads(chapters_file.read_text(encoding="utf-8"))
        for chapter in document.get("chapters", []):
            if isinstance(chapter, dict) and isinstance(chapter.get("img"), str):
                chapter["img"] = urljoin(address, quote(chapter["img"]))
    except (OSError, ValueError, AttributeError):
        raise NotFound() from None
    return json.dumps(document, indent=1, ensure_ascii=False)


def make_app(
    folder: Path,
    base_url: str | None = None,
    db_path: Path | None = None,
    jobs: NextSessionJobs | None = None,
) -> tuple[WsgiApp, ServedSite]:
    """The WSGI application serving ``folder``; raises OutputError if no site is there.
    With ``db_path``, the page gets the log form (if the site knows its program file);
    with ``jobs``, a logged session asks for the next one and the page says how it goes."""
    root = Path(os.path.realpath(folder))
    site = ensure_secret(folder)
    log_form, log_off = None, ""
    if db_path is not None and site.program_file:
        log_form = LogForm(Path(site.program_file), db_path)
    elif db_path is not None:
        log_off = "the site does not record its program file: publish it again"
    served = ServedSite(
        folder, site.secret, base_url.rstrip("/") + "/" if base_url else None, log_form, log_off
    )

    def current_site() -> Site:
        return load_site(folder) or site  # publish may have added episodes meanwhile

    def page(form: LogForm, shown: Shown, logged: int | None = None, status: int = 200) -> Response:
        now = current_site()
        preparing = status_html(jobs.current(), site_words(now)) if jobs is not None else ""
        card, extra = form.view(now, shown, logged, preparing)
        response = Response(
            page_html(
                now,
                week_extra=extra,
                extra_style=STYLE + JOB_STYLE,
                after=form.progress_html(now),
                next_card=card,
            ),
            status,
            mimetype="text/html",
        )
        response.cache_control.no_store = True  # it shows the log as it is now
        return response

    def section_of(request: Request) -> str:
        """The section a form was sent from (``?at=week-3``), else the first one: an
        error or a confirmation always has a form to be shown in."""
        anchors = [NEXT] + [e.anchor for e in current_site().in_order]
        at = request.args.get("at", "")
        return at if at in anchors else NEXT

    def log_session(form: LogForm, request: Request) -> Response:
        submitted = request.form.to_dict()  # 413 here when the body is over the cap
        if DATE_FIELD not in submitted or SESSION_FIELD not in submitted:
            raise BadRequest("not the page's log form")
        at = section_of(request)
        # to_dict() keeps the first of a repeated field: "date=...&date=2099" would log
        # the first date unseen. The page sends each field once, so this is refused.
        repeated = [name for name, values in request.form.lists() if len(values) > 1]
        if repeated:
            error = f"the form has the field {repeated[0]!r} twice; send each field once"
            return page(form, Shown(at=at, error=error, typed=submitted), status=400)
        try:
            record = form.submit(submitted)
        except VoicecoachError as exc:
            # Shown again with the one error line and what was typed; nothing written.
            return page(form, Shown(at=at, error=str(exc), typed=submitted), status=422)
        if jobs is not None:
            jobs.ask()  # at once: the poller would only notice it in a few seconds
        where = f"&at={at}#log-{at}" if at else ""
        return redirect(f"/{site.secret}/?logged={record.number}{where}", code=303)

    def handle(request: Request) -> Response:
        parts = request.path.split("/")[1:]  # werkzeug has percent-decoded the path
        if not parts or not hmac.compare_digest(parts[0].encode(), site.secret.encode()):
            raise NotFound()
        rest = parts[1:]
        if rest == [FORM_PATH] and log_form is not None:
            if request.method != "POST":
                raise MethodNotAllowed(valid_methods=["POST"])
            return log_session(log_form, request)
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowed(valid_methods=["GET", "HEAD"])
        if len(parts) == 1:
            return redirect(f"/{site.secret}/", code=308)
        if rest == [""]:
            rest = [PAGE_FILE]
        if rest == [PAGE_FILE] and log_form is not None:
            logged = request.args.get("logged", "")
            if not logged.isdigit():  # a plain visit: every form folded
                return page(log_form, Shown())
            return page(log_form, Shown(at=section_of(request)), int(logged))
        if rest == [PROGRESS_FILE] and log_form is not None:
            picture = log_form.progress_png()  # drawn from the log as it is now
            if picture is None:
                raise NotFound()
            response = Response(picture, mimetype="image/png")
            response.cache_control.no_store = True
            return response
        if rest == [FEED_FILE]:
            base = served.base_url or f"{request.host_url}{site.secret}/"
            response = Response(feed_xml(current_site(), base), mimetype="application/rss+xml")
            response.add_etag()
            response.cache_control.max_age = MAX_AGE
            return response.make_conditional(request)
        if rest and rest[-1].endswith(CHAPTERS_SUFFIX):
            path = _file_in(root, rest)
            if path is None:
                raise NotFound()
            # The cards' addresses made absolute on the host the phone used, like the feed's.
            base = served.base_url or f"{request.host_url}{site.secret}/"
            response = Response(
                absolute_images(path, base + "/".join(rest)), mimetype="application/json"
            )
            response.add_etag()
            response.cache_control.max_age = MAX_AGE
            return response.make_conditional(request)
        return _send_file(root, rest, request)

    @SiteRequest.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        try:
            return handle(request)
        except HTTPException as exc:
            response = exc.get_response()
            return Response(f"{exc.code} {exc.name}\n", exc.code, headers=response.headers,
                            mimetype="text/plain")  # fmt: skip

    return app, served


def _send_file(root: Path, rest: list[str], request: Request) -> Response:
    """A file of the site, with byte ranges as players ask for them (publish/ranges.py)."""
    path = _file_in(root, rest)
    if path is None:
        raise NotFound()
    mimetype = MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")
    environ = dict(request.environ)  # werkzeug reads the Range header from here
    if "HTTP_RANGE" in environ:
        stat = path.stat()
        modified = datetime.datetime.fromtimestamp(stat.st_mtime, datetime.timezone.utc)
        usable = usable_range(environ["HTTP_RANGE"], stat.st_size)
        if usable is None or not range_applies(environ.get("HTTP_IF_RANGE"), modified):
            del environ["HTTP_RANGE"]  # If-Range goes with it: it only qualifies a Range
        else:
            environ["HTTP_RANGE"] = usable
    return send_file(path, environ, mimetype=mimetype, conditional=True, max_age=MAX_AGE)


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent), else loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def print_qr(url: str, out: TextIO) -> None:
    import segno

    segno.make(url, error="m").terminal(out=out, compact=True)


def serve(
    folder: Path,
    host: str = "0.0.0.0",
    port: int = 8000,
    base_url: str | None = None,
    out: TextIO = sys.stdout,
    qr: bool = True,
    db_path: Path | None = None,
    idle_timeout_s: float = IDLE_TIMEOUT_S,
    settings: RenderSettings | None = None,
) -> None:
    """Serve the site until interrupted, after printing its addresses and a QR code.
    With ``db_path``, sessions logged on the page go into that training log; with
    ``settings`` too, the log's next session is rendered into the site in the background
    whenever one is logged (publish/jobs.py). A connection on which nothing moves for
    ``idle_timeout_s`` is closed (see IDLE_TIMEOUT_S)."""
    jobs = None
    if db_path is not None and settings is not None:
        site = ensure_secret(folder)
        if site.program_file:
            jobs = NextSessionJobs(folder, db_path, settings)
    app, served = make_app(folder, base_url, db_path, jobs)

    class Handler(WSGIRequestHandler):
        timeout = idle_timeout_s  # socketserver sets it on each connection's socket

    server = make_server(host, port, app, threaded=True, request_handler=Handler)
    shown = lan_address() if host in ("0.0.0.0", "", "::") else host
    page = served.url(shown, server.server_port)
    print(f"Serving {folder} on {host}:{server.server_port}", file=out)
    print(f"Page: {page}", file=out)
    print(f"Feed: {served.url(shown, server.server_port, FEED_FILE)}", file=out)
    if served.log_form is not None:
        print(f"Log: sessions logged on the page go to {served.log_form.db_path}", file=out)
    elif served.log_off:
        print(f"Log: no form on the page: {served.log_off}", file=out)
    if qr:
        print("Scan with the phone to open the page:", file=out)
        print_qr(page, out)
    if jobs is not None:
        print("Next: each session logged is followed by the next one in the feed", file=out)
    print("Press Ctrl-C to stop.", file=out, flush=True)
    try:
        with jobs.running() if jobs is not None else contextlib.nullcontext():
            server.serve_forever()
    finally:
        server.server_close()
