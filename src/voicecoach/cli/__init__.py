"""The command line: options in, one library call, errors out as one line (exit 2).

options   the options commands share, declared once, and the RenderSettings they become
tracks    validate, plan, build, voices, tones: a program's sessions as timelines and MP3s
site      publish, serve: the podcast feed and page, and the server for the phone
log       log, history, log-export, log-import: the training log
authoring import, schema, new: writing a program (from a table, in an editor)

The group turns every VoicecoachError into ``error: ...`` and its exit code, and an
interruption (Ctrl-C, or SIGTERM, which ``main`` turns into one) into ``interrupted``
and 130, so a new command cannot forget to.
"""

from __future__ import annotations

from typing import Any

import click

from voicecoach import __version__
from voicecoach.cli import authoring, log, site, tracks
from voicecoach.errors import VoicecoachError


class VoicecoachGroup(click.Group):
    """The group whose ``invoke`` holds the error handling of every command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VoicecoachError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(
    cls=VoicecoachGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="voicecoach")
def cli() -> None:
    """Turn a training program (YAML) into a voice-guided MP3 you train to, hands-free.

    \b
    Examples:
      voicecoach validate programs/alleviating-back-pain.yaml
      voicecoach plan programs/alleviating-back-pain.yaml --week 3
      voicecoach build programs/alleviating-back-pain.yaml --week 1
      voicecoach build programs/alleviating-back-pain.yaml --weeks 1-12 --out-dir out/
      voicecoach publish programs/alleviating-back-pain.yaml --weeks 1-4 --site site/
      voicecoach serve site/
    """


# Every command, in the order `voicecoach --help` lists them (click sorts them by name).
COMMANDS = [*tracks.COMMANDS, *authoring.COMMANDS, *site.COMMANDS, *log.COMMANDS]
for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    """The console entry point: ``voicecoach`` (voicecoach/__main__.py calls it)."""
    cli(prog_name="voicecoach")
