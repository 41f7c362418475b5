"""Every key of the catalogue, declared once: what it is for, and whether it is said on a beat.

The English catalogue (en.yaml) gives each key its words and so its placeholders; every
other catalogue has the same keys with the same placeholders (tests/test_words.py), and
a program's ``words:`` may replace any of them (checked by ``check_words``). The key
list of docs/program-format.md is generated from this declaration and en.yaml.

Keys said on a beat have ``beat_ms``: the most speech (as ``estimate_speech_ms``
reckons it) the beat leaves them. A phrase on a beat that cannot fit is shortened from
the front at ", " ("Last rep, left, up" -> "Up"), so the word left last must fit on its
own: a program's word for it that cannot is refused at load.
"""

from __future__ import annotations

from dataclasses import dataclass

# The room a beat leaves its words, in ms of estimated speech: the compiler's 1000 ms
# beat, less the marker tone that starts it and the 40 ms gap after it, times the 1.3
# speed-up the renderer may apply (tests/test_words.py derives them from the compiler's
# constants, so a change there shows here).
ROOM_AFTER_PHASE_TONE_MS = 1053  # (1000 - 150 lower/lift tone - 40) x 1.3
ROOM_AFTER_GO_TONE_MS = 923  # (1000 - 250 set_start tone - 40) x 1.3
ROOM_BEFORE_END_TONE_MS = 910  # a hold's "1": (1000 - 300 rest_end tone) x 1.3


@dataclass(frozen=True)
class Key:
    group: str
    doc: str
    beat_ms: int | None = None  # said on a beat: at most this much speech


_GROUPS: dict[str, dict[str, Key]] = {}


def _group(name: str, **docs: str | tuple[str, int]) -> None:
    _GROUPS[name] = {
        key: Key(name, *doc) if isinstance(doc, tuple) else Key(name, doc)
        for key, doc in docs.items()
    }


_group(
    "The session's opening",
    intro_title="The first words: the program and the week ({n}: how many weeks it serves).",
    week_pair="Two weeks that are the same session, as said: {week} in intro_title, outro.",
    week_run="Three or more weeks that are the same session, as said.",
    week_span="A run of weeks as shown: {week} in track_title, track_comment.",
    card_week_span="A run of weeks on a card (the font has no en dash).",
    intro_today="What today holds: {exercises}, {phases} and {minutes} are worded by their keys.",
    intro_tones="How the tempo's tones are heard.",
    intro_ticks="With counts as tones: what the soft tick means.",
    schedule="A schedule that says how often itself (its first letter made small).",
    schedule_times="A schedule that does not: {n} sessions a week first.",
    foundation_focus="The foundation's focus when the program gives none.",
    build_focus="The build's focus when the program gives none.",
    at_top="Said at the top of a rep range when the program gives no `at_top`.",
    weight_increase="Said when the reps start over heavier, when the program gives none.",
)
_group(
    "Counted things",
    exercises="A number of exercises.",
    phases="A number of phases.",
    sets="A number of sets.",
    reps="A number of reps (the training log's amounts).",
    cycles="A number of cycles (the training log's amounts).",
    seconds="A duration under two minutes, or not whole minutes.",
    ninety_seconds="A rest or hold of 90 seconds, said its own way (anderthalb Minuten).",
    minutes="A duration in whole minutes (two or more), and the session's length.",
    kilos="A weight logged in kg.",
    pounds="A weight logged in lb.",
    weight="A weight in any other unit.",
)
_group(
    "Phases and exercises",
    phase="A phase starts.",
    exercise="An exercise starts: its name.",
    sets_of="Sets and the amount of each, no rest.",
    sets_of_rest="Sets, the amount of each, and the rest after each.",
    sets_hold="Sets of a hold, no rest.",
    sets_hold_rest="Sets of a hold and the rest after each.",
    sets_hold_side="Sets of a hold on each side, no rest.",
    sets_hold_side_rest="Sets of a hold on each side and the rest after each.",
    amount_reps="Reps in one set.",
    amount_reps_side="Reps in one set, on each side.",
    amount_cycles="Slow cycles in one set.",
    amount_cycles_side="Slow cycles in one set, on each side.",
    alternate_sides="How alternating reps are counted.",
    target="The muscles worked (full instructions).",
    setup="Before the setup's sentences (full instructions).",
    execution="Before the execution's sentences (full instructions).",
    tempo="The tempo: its phases in the order a rep does them.",
    tempo_lower="The tempo's lowering, {seconds} a number.",
    tempo_bottom="The tempo's pause at the bottom.",
    tempo_lift="The tempo's lifting.",
    tempo_top="The tempo's pause at the top.",
    tempo_joiner="Between the tempo's phases.",
)
_group(
    "Sets: the lead-in and the sides",
    lead_in="Before a set's countdown.",
    lead_in_side="Before a set's countdown, on one side ({side}: `left_side`).",
    lead_in_single="Before the countdown of an exercise's only set.",
    lead_in_single_side="The same, on one side.",
    left_side="The left side, as a lead-in names it.",
    right_side="The right side, as a lead-in names it.",
    switch_sides="The second side of a set ({side}: `right_side`).",
    count=("A count: the countdown's 3, 2, 1 and a tempo's 2, 3, 4 ...", ROOM_BEFORE_END_TONE_MS),
    go=("After the countdown, with the start tone.", ROOM_AFTER_GO_TONE_MS),
)
_group(
    "Reps, said on the beat",
    rep="A rep's number.",
    last_rep="The last rep, instead of its number.",
    two_more="The last but one, instead of its number (sets of 3 or more).",
    left="The left side of an alternating rep.",
    right="The right side of an alternating rep.",
    beat_lower=("The lowering starts.", ROOM_AFTER_PHASE_TONE_MS),
    beat_bottom=("The pause at the bottom starts.", ROOM_AFTER_PHASE_TONE_MS),
    beat_lift=("The lifting starts.", ROOM_AFTER_PHASE_TONE_MS),
    beat_top=("The pause at the top starts.", ROOM_AFTER_PHASE_TONE_MS),
    rep_beat="A rep's first beat: {label} (`rep`, `last_rep`, `two_more`) and {word} (`beat_…`).",
    rep_side_beat="The same for an alternating rep, {side} `left`.",
    rep_side="An alternating rep without a tempo.",
    side_beat="An alternating rep's second side, {side} `right`.",
)
_group(
    "Holds, cycles and rests",
    hold="A hold starts.",
    hold_left="Halfway through a long hold.",
    cycle="A slow cycle starts, {say} its first step.",
    last_cycle="The last slow cycle starts.",
    rest="A rest starts.",
    rest_next="After `rest`: the exercise that follows.",
    rest_next_set="After `rest`, and late in a long rest: the set that follows.",
    rest_next_last_set="The same when it is the last set.",
    rest_halfway="Halfway through a long rest.",
    ten_seconds="Ten seconds before a long rest ends.",
    transition="Between exercises without a rest.",
)
_group(
    "The end",
    outro="The closing words.",
    well_done="The last words, before the session-end tone.",
)
_group(
    "The training log's decisions",
    log_missed="The last session was missed.",
    log_not_done="The exercise was not done last time.",
    log_last="What was done last time ({done}), and one step more today.",
    log_last_sets_short="Fewer sets were done than asked.",
    log_last_short_of="A set fell short of its target ({amount}).",
    log_last_every_set_top="Every set reached the top: heavier today.",
    log_last_top="The top of the range again (no weight to add).",
    log_done_reps="The reps of each set, {numbers} like 10, 10, 9.",
    log_done_hold="The seconds of each hold.",
    log_done_cycles="The cycles of each set.",
    log_weaker_side="Per-side sets that differed: the weaker side's.",
    log_at_weight="With the weight used.",
    log_today="What today asks.",
    log_today_same_weight="What today asks, at the same weight.",
    log_today_heavier="What today asks, a little heavier.",
    log_again="The same amount as last time.",
)
_group(
    "Chapters, the track and the plan's table",
    chapter_intro="The first chapter's title.",
    chapter_exercise="An exercise's chapter title.",
    track_title="The track's title tag.",
    track_comment="The track's comment tag.",
    shown_reps="Reps per set, in the plan's table.",
    shown_reps_side="Reps per side.",
    shown_reps_alternating="Reps per side, alternating.",
    shown_hold="A hold, in seconds.",
    shown_hold_side="A hold per side.",
    shown_cycles="Cycles per set.",
    shown_cycles_side="Cycles per side.",
    shown_seconds="The rest, in seconds.",
    shown_rep_time="A rep's time without a tempo.",
    shown_lift_first="A tempo that starts with the lift.",
    shown_heavier="The note of a week that adds weight.",
    shown_top="The note of a week at the top of the range.",
    plan_col_number="The plan table's column: #.",
    plan_col_exercise="The plan table's column: Exercise.",
    plan_col_sets="The plan table's column: Sets.",
    plan_col_prescription="The plan table's column: Prescription.",
    plan_col_tempo="The plan table's column: Tempo.",
    plan_col_rest="The plan table's column: Rest.",
    plan_col_start="The plan table's column: Start.",
    plan_col_length="The plan table's column: Length.",
    plan_col_note="The plan table's column: Note.",
)
_group(
    "Chapter cards",
    card_intro_heading="The intro card's small line.",
    card_intro_title="The intro card's title.",
    card_intro_line="The intro card's detail ({exercises}: the `exercises` key).",
    card_phase="An exercise card's small line.",
    card_sets="An exercise card's prescription.",
    card_rest="An exercise card's rest.",
    card_raise_weight="An exercise card in a week that adds weight.",
    card_at_top="An exercise card at the top of its range.",
    card_end_heading="The end card's small line.",
    card_end_title="The end card's title.",
    card_end_line="The end card's detail.",
    card_end_quote="The end card's quote.",
    card_footer="Every exercise card's footer.",
    card_subtitle="The intro card's and the cover's subtitle.",
)

_group(
    "The page (publish/)",
    page_subscribe_antennapod="The page's subscribe button for AntennaPod.",
    page_subscribe_other="The page's subscribe button for other apps (podcast://).",
    page_iphone="What an iPhone should do.",
    page_feed_address="Before the feed's address.",
    page_playlist="Before the playlist's link.",
    page_weeks="How many weeks the site has.",
    page_sessions="How many sessions from the log it has.",
    page_in_all="The length of every episode together.",
    page_download="The download link.",
    page_download_note="After the download link ({megabytes}: its size).",
    page_parts="With --split: the per-exercise tracks.",
    page_parts_playlist="Their playlist's link.",
    page_plan="The folded plan table.",
    page_chapters="The top card's folded chapters.",
    page_next="The top card: the next session.",
    page_next_weeks="The top card's weeks ({n}: how many; {week} as week_span).",
    page_foundation="The foundation stage, as the page names it.",
    page_build="The build stage.",
    page_earlier="The heading of the sessions logged before.",
    page_log_sessions="The static page's heading of the log's sessions.",
    page_program_weeks="The heading of the program's weeks.",
    page_session="A logged session with no track.",
    page_session_title="A session's title, in the feed and the page.",
    page_first_session="What changed, before the first session.",
    page_missed_again="What changed after a missed session.",
    page_foundation_as_written="What changed in the foundation.",
    page_same_as_last="The exercises whose targets stay.",
    page_same_targets="When no target moved.",
    page_was="A target that moved, and what it was.",
    page_heavier="A target with a little more weight and no weight logged.",
    page_progress="The progress section's heading.",
    page_progress_note="Under the glance lines.",
    page_progress_alt="The progress picture's description.",
    page_preparing="While the next session's track is made.",
    page_failed="When it could not be made ({error}: the one line).",
)
_group(
    "The page's log form",
    form_log_session="The top card's form, and every form's button.",
    form_trained_to_track="A program week's folded form.",
    form_what_next="What the top card's form logs.",
    form_what_track="What a program week's form logs.",
    form_help="How to fill the form (the examples after it are the log's grammar).",
    form_help_reps="After 10,10,9.",
    form_help_sides="After 10/10,10/9.",
    form_help_hold="After 30s.",
    form_help_weight="After @12kg.",
    form_date="The date's label.",
    form_as_prescribed="An empty box's placeholder.",
    form_missed="The missed checkbox.",
    form_logged_on="Before what was logged for an earlier session.",
    form_logged="After a session was logged.",
    form_logged_missed="After a missed session was logged.",
    form_unavailable="When the form cannot be shown ({reason}: why).",
)
_group(
    "The feed",
    feed_season_weeks="The feed's season of the program's weeks.",
    feed_season_log="The feed's season of the log's sessions.",
)
_group(
    "The page's coach screen",
    coach_lower="The coach screen: the lowering.",
    coach_bottom="The pause at the bottom.",
    coach_lift="The lift.",
    coach_top="The hold at the top.",
    coach_rep_activity="A rep with no tempo.",
    coach_hold="A hold.",
    coach_cycle="A slow cycle ({rep}, {reps}: filled in by the page).",
    coach_setup="Before a set.",
    coach_switch="Between the sides.",
    coach_rest="A rest.",
    coach_transition="Between exercises.",
    coach_talk="While the coach talks.",
    coach_set="Which set.",
    coach_rep="Which rep.",
    coach_left="The left side.",
    coach_right="The right side.",
    coach_seconds_left="In a hold or a setup.",
    coach_next_set="In a rest: the next set.",
    coach_next_exercise="In a rest: the next exercise.",
    coach_done="After the session.",
    coach_loading="Before the track plays.",
)

KEYS: dict[str, Key] = {key: spec for group in _GROUPS.values() for key, spec in group.items()}
"""Every key, in the order the docs list them."""

GROUPS: tuple[str, ...] = tuple(_GROUPS)
