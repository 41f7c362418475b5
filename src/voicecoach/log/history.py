"""What the log shows: a table per exercise, and a picture of reps and weight over time.

Volume is what was moved or held in a session: reps x weight summed over every set (both
sides of an exercise done on each side), or the reps alone when there is no weight; for a
hold, the seconds held; for cycles, the cycles done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicecoach.compiler import counted
from voicecoach.errors import LogError
from voicecoach.log.records import SessionRecord, SetRecord
from voicecoach.outputs import atomic_output
from voicecoach.program import Exercise, Program


@dataclass(frozen=True)
class Row:
    """One exercise in one session."""

    session: int
    date: str
    sets: str  # "3 × 10, 10, 9" or "3 × 10/10, 10/9"
    weight: str
    volume: float
    mean_amount: float  # per set, both sides averaged: what the plot draws
    top_weight: float | None
    weakest: int = 0  # the fewest reps (seconds, cycles) of any set or side
    weight_unit: str = "kg"
    note: str = ""


def exercise_rows(exercise: Exercise, sessions: Sequence[SessionRecord]) -> list[Row]:
    rows = []
    for session in sessions:
        sets = session.sets_of(exercise.name)
        if not sets:
            continue
        rows.append(_row(exercise, session, sets))
    return rows


def _row(exercise: Exercise, session: SessionRecord, sets: Sequence[SetRecord]) -> Row:
    numbers = sorted({s.set_number for s in sets})
    cells = []
    for n in numbers:
        amounts = [str(s.amount) for s in sets if s.set_number == n]
        cells.append("/".join(amounts))
    unit = {"reps": "", "hold": "s", "cycles": ""}[exercise.kind]
    weights = sorted({(s.weight, s.unit) for s in sets if s.weight is not None})
    weight = ", ".join(f"{w:g} {u or 'kg'}" for w, u in weights) or "-"
    if exercise.kind == "reps":
        volume = sum(s.amount * (s.weight if s.weight is not None else 1) for s in sets)
    else:
        volume = sum(s.amount for s in sets)
    return Row(
        session=session.number,
        date=session.date.isoformat(),
        sets=f"{len(numbers)} × " + ", ".join(c + unit for c in cells),
        weight=weight,
        volume=volume,
        mean_amount=sum(s.amount for s in sets) / len(sets),
        top_weight=max((s.weight for s in sets if s.weight is not None), default=None),
        weakest=min(s.amount for s in sets),
        weight_unit=next((s.unit for s in sets if s.unit), "kg"),
        note="; ".join(dict.fromkeys(s.note for s in sets if s.note)),
    )


def history_table(program: Program, sessions: Sequence[SessionRecord]) -> str:
    """Every exercise that has been logged: a line each to read at a glance, then one
    table each, a row per session (skipped and missed sessions too, and the notes)."""
    if not sessions:
        return f"No sessions of {program.title!r} are logged yet."
    missed = sum(1 for s in sessions if s.status == "missed")
    lines = [
        f"{program.title}: {counted(len(sessions) - missed, 'session')} done"
        + (f", {missed} missed" if missed else "")
        + f", {sessions[0].date.isoformat()} to {sessions[-1].date.isoformat()}"
    ]
    logged = [(ex, exercise_rows(ex, sessions)) for ex in program.exercises]
    logged = [(ex, rows) for ex, rows in logged if rows]
    lines += [""] + glance_lines(program, sessions)
    header = ("#", "Date", "Sets × reps", "Weight", "Volume", "Note")
    for exercise, _ in logged:
        cells = [_cells(exercise, session) for session in sessions]
        widths = [max(len(c[i]) for c in [header, *cells]) for i in range(len(header))]
        lines += ["", exercise.name]
        lines.append(_format_row(header, widths))
        lines.append("  ".join("-" * w for w in widths))
        lines += [_format_row(c, widths) for c in cells]
    return "\n".join(lines)


def glance_lines(program: Program, sessions: Sequence[SessionRecord]) -> list[str]:
    """A line per exercise logged, to read at a glance (``history`` and the page)."""
    logged = [(ex, exercise_rows(ex, sessions)) for ex in program.exercises]
    return [glance(ex, rows) for ex, rows in logged if rows]


def glance(exercise: Exercise, rows: Sequence[Row]) -> str:
    """ "Bulgarian Split Squat: 8 → 10 reps/side at 10 kg over 6 sessions; last: 10, 10, 9":
    the weakest set (or side) first and last, the weight, and the last session's sets."""
    first, last = rows[0], rows[-1]
    unit = {"reps": " reps", "hold": " s", "cycles": " cycles"}[exercise.kind]
    unit += "/side" if exercise.per_side else ""
    amounts = f"{first.weakest}{unit}" if first.weakest == last.weakest else (
        f"{first.weakest} → {last.weakest}{unit}"
    )  # fmt: skip
    weights = [r.top_weight for r in (first, last) if r.top_weight is not None]
    weight = ""
    if len(weights) == 2 and weights[0] != weights[1]:
        weight = f" at {weights[0]:g} → {weights[1]:g} {last.weight_unit}"
    elif weights:
        weight = f" at {weights[-1]:g} {last.weight_unit}"
    done = last.sets.split(" × ", 1)[1]
    return f"{exercise.name}: {amounts}{weight} over {counted(len(rows), 'session')}; last: {done}"


def logged_lines(program: Program, session: SessionRecord) -> list[str]:
    """What was logged for one session, a line per exercise as ``history`` shows it:
    "Split Squat: 2 × 10/10, 10/9 at 12 kg; knee ok", "Plank: skipped", or "Missed"."""
    if session.status == "missed":
        return ["Missed: it did not happen (the next session repeats its targets)."]
    lines = []
    for exercise in program.exercises:
        _, _, sets, weight, _, note = _cells(exercise, session)
        if sets == "-":  # not in this session's targets (the program changed since)
            continue
        at = f" at {weight}" if weight not in ("", "-") else ""
        lines.append(f"{exercise.name}: {sets}{at}" + (f"; {note}" if note else ""))
    return lines


def _cells(exercise: Exercise, session: SessionRecord) -> tuple[str, ...]:
    number, date = str(session.number), session.date.isoformat()
    if session.status == "missed":
        return (number, date, "missed", "", "", "")
    sets = session.sets_of(exercise.name)
    if not sets:
        what = "skipped" if exercise.name in session.targets else "-"
        return (number, date, what, "", "", "")
    row = _row(exercise, session, sets)
    return (number, date, row.sets, row.weight, f"{row.volume:g}", row.note)


def _format_row(row: tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(
        c.rjust(w) if i in (0, 4) else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))
    ).rstrip()


def plot_history(program: Program, sessions: Sequence[SessionRecord], path: Path) -> Path:
    """Draw each exercise's progress, one panel under the other (a phone's column): every
    set as a dot, the weakest set as the line, the program's range shaded, missed
    sessions marked, and the weight on its own axis in its unit."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display: a file, on any machine
        import matplotlib.pyplot as plt
    except ImportError:
        raise LogError("--plot needs matplotlib: pip install 'voicecoach[plot]'") from None
    series = [(ex, exercise_rows(ex, sessions)) for ex in program.exercises]
    series = [(ex, rows) for ex, rows in series if rows]
    if not series:
        raise LogError(f"no sessions of {program.title!r} are logged yet; nothing to plot")
    missed = [s.number for s in sessions if s.status == "missed"]
    # Constrained layout, not tight_layout: it keeps room for the title above the first
    # panel however tall the column is (tight_layout let 14 panels overlap it).
    figure, axes = plt.subplots(
        len(series), 1, figsize=(4.3, 2.4 * len(series)), squeeze=False, layout="constrained"
    )
    for panel, (exercise, rows) in zip(axes[:, 0], series):
        _draw_panel(panel, exercise, rows, sessions, missed)
    figure.suptitle(f"{program.title}: progress", fontsize=12)
    with atomic_output(path) as temporary:
        figure.savefig(temporary, format="png", dpi=150)
    plt.close(figure)
    return path


def _draw_panel(
    panel: Any,
    exercise: Exercise,
    rows: Sequence[Row],
    sessions: Sequence[SessionRecord],
    missed: list[int],
) -> None:
    per_second = 1000 if exercise.kind == "hold" else 1
    label = {"reps": "reps", "hold": "seconds", "cycles": "cycles"}[exercise.kind]
    label += " per side" if exercise.per_side else ""
    low, high = exercise.amount.low / per_second, exercise.amount.high / per_second
    panel.axhspan(low, high, color="tab:blue", alpha=0.12, lw=0)  # the program's range
    panel.text(0.01, high, f" range {low:g}-{high:g}", transform=panel.get_yaxis_transform(),
               va="bottom", fontsize=8, color="tab:blue")  # fmt: skip
    by_number = {s.number: s for s in sessions}
    for row in rows:  # every set (and side) as a dot
        amounts = [s.amount for s in by_number[row.session].sets_of(exercise.name)]
        panel.plot([row.session] * len(amounts), amounts, ".", color="tab:blue", alpha=0.35)
    x = [r.session for r in rows]
    panel.plot(x, [r.weakest for r in rows], "o-", color="tab:blue", label="weakest set")
    for number in missed:
        panel.axvline(number, color="0.55", ls=":", lw=1.2)
    skipped = [s.number for s in sessions if s.status != "missed" and
               exercise.name in s.targets and not s.sets_of(exercise.name)]  # fmt: skip
    if skipped:
        panel.plot(skipped, [0] * len(skipped), "x", color="0.3", clip_on=False,
                   label="skipped")  # fmt: skip
    if missed:
        panel.text(missed[0], 0.98, " missed", transform=panel.get_xaxis_transform(),
                   va="top", fontsize=8, color="0.4")  # fmt: skip
    panel.set_title(exercise.name, fontsize=11, loc="left")
    panel.set_ylabel(label, fontsize=9, color="tab:blue")
    top = max(high, max(r.weakest for r in rows), *(max_set(by_number[r.session], exercise)
                                                    for r in rows))  # fmt: skip
    panel.set_ylim(0, top * 1.15 + 1)
    panel.set_xlim(0.5, max(s.number for s in sessions) + 0.5)
    panel.xaxis.get_major_locator().set_params(integer=True)
    panel.yaxis.get_major_locator().set_params(integer=True)  # reps, seconds: whole
    panel.set_xlabel("session", fontsize=9)
    panel.tick_params(labelsize=8)
    weights = [(r.session, r.top_weight) for r in rows if r.top_weight is not None]
    if weights:
        unit = rows[-1].weight_unit
        twin = panel.twinx()
        values = [w for _, w in weights]
        twin.step([n for n, _ in weights], values, "s--", where="post", color="tab:orange")
        # A range around the weights with room: a constant 10 kg reads 7.5-12.5, not
        # 9.6-10.4, and the line sits in the middle of the panel.
        spread = max(max(values) - min(values), 0.25 * max(values), 1.0)
        twin.set_ylim(min(values) - spread, max(values) + spread)
        twin.set_ylabel(f"weight ({unit})", fontsize=9, color="tab:orange")
        twin.tick_params(labelsize=8)


def max_set(session: SessionRecord, exercise: Exercise) -> int:
    return max((s.amount for s in session.sets_of(exercise.name)), default=0)
