"""The spoken form of a phrase: what the engine is given to say for a phrase's text.

Placeholder on this branch: it only reads "&" as "and". The full rules (numbers, ranges,
abbreviations) come from the spoken-form work and replace this module at merge. The
clip cache keys a clip by the phrase's text and ``SPOKEN_FORM_VERSION``, so a change of
rules re-speaks every phrase.
"""

from __future__ import annotations

SPOKEN_FORM_VERSION = 1


def spoken_form(text: str) -> str:
    """The words a speech engine should say for ``text``."""
    return text.replace("&", "and")
