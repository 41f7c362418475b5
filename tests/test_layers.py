"""The house rules of the package layout, checked: the core is pure, stages are layered.

Imports are read from the source (the ast), not by importing, so the rule holds for
every module whether or not a test happens to import it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "voicecoach"
AUDIO_LIBRARIES = {"numpy", "scipy", "pydub", "mutagen", "pyttsx3", "piper", "onnxruntime"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


CORE = sorted(p for stage in ("program", "compiler") for p in (SRC / stage).rglob("*.py"))


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(SRC)))
def test_the_core_is_pure(path: Path) -> None:
    """program/ and compiler/ never import audio libraries or the render stage."""
    bad = {
        name
        for name in imported_modules(path)
        if name.split(".")[0] in AUDIO_LIBRARIES
        or name.startswith(("voicecoach.render", "voicecoach.publish", "voicecoach.log"))
    }
    assert bad == set()


def test_program_does_not_know_the_compiler() -> None:
    for path in (SRC / "program").rglob("*.py"):
        assert not any(n.startswith("voicecoach.compiler") for n in imported_modules(path)), path


def test_the_words_know_no_other_stage() -> None:
    """voicecoach.words is a leaf: the program stage checks a file's words with it, the
    compiler and the renderer word their phrases with it; it imports none of them."""
    for path in (SRC / "words").rglob("*.py"):
        others = {
            name
            for name in imported_modules(path)
            if name.startswith("voicecoach.") and not name.startswith("voicecoach.words")
        }
        assert others == set(), path
        assert not {n.split(".")[0] for n in imported_modules(path)} & AUDIO_LIBRARIES


STAGES = ("program", "compiler", "render", "log", "words")


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_other_stages_are_reached_through_their_package(path: Path) -> None:
    """``from voicecoach.compiler import Timeline``, not ``voicecoach.compiler.timeline``,
    from outside the compiler: a stage's __init__ is its public API."""
    own = path.relative_to(SRC).parts[0]
    reaching_in = {
        name
        for name in imported_modules(path)
        if name.startswith("voicecoach.")
        and len(name.split(".")) > 2
        and name.split(".")[1] in STAGES
        and name.split(".")[1] != own
    }
    assert reaching_in == set()


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_names_its_api(stage: str) -> None:
    import importlib

    module = importlib.import_module(f"voicecoach.{stage}")
    assert module.__doc__ and module.__all__
    assert all(hasattr(module, name) for name in module.__all__)
