"""The page's coach screen: what to do now, under each track's player, read off the track's
timeline (its ``.timeline.json``) at ``audio.currentTime``.

Plain HTML, CSS and a few dozen lines of script, no framework: the script fetches the
timeline when the track is first played or seeked, then on every ``timeupdate``,
``seeked`` and animation frame while playing finds the segment at the player's time (a
binary search) and shows the exercise (outside one, the chapter's title), "Set x of y",
the side, "Rep n of m", the phase (down / pause / up / hold) with its count, in a rest
the seconds left and what comes next, and the coach's last words (the last phrase
said, counts aside). It keeps no state of its own between updates, so seeking, pausing
and chapter jumps are always right. The words are the catalogue's ``coach_…`` keys in the
site's language, handed to the script, and the screen says the time it shows in
``data-ms`` (the browser test reads it). The whole panel is a play/pause button, so a
thumb can use it without aiming at the player's small icon (the player stays the control
for keyboards and screen readers).
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from voicecoach.words import KEYS, Catalogue

PREFIX = "coach_"  # the screen's catalogue keys (voicecoach.words): coach_lower, ...


def coach_words(words: Catalogue) -> dict[str, str]:
    """What the screen says, by key without the prefix; {placeholders} are left for the
    script to fill in."""
    return {
        key.removeprefix(PREFIX): str(words.entries[key]) for key in KEYS if key.startswith(PREFIX)
    }

STYLE = """
.coach { border: 2px solid var(--accent); border-radius: .6rem; padding: .8rem 1rem;
         cursor: pointer; user-select: none; -webkit-tap-highlight-color: transparent;
         margin: .25rem 0 .75rem; background: #14534a12; min-height: 12.5rem; }
.coach .c-top { font-size: 1.05rem; opacity: .8; margin: 0; min-height: 1.4em; }
.coach .c-exercise { font-size: 1.6rem; font-weight: 700; line-height: 1.15; margin: .1rem 0; }
.coach .c-where { font-size: 1.25rem; margin: .1rem 0; min-height: 1.5em;
                  font-variant-numeric: tabular-nums; }
.coach .c-now { font-size: 3.2rem; font-weight: 800; line-height: 1.05; margin: .2rem 0;
                color: var(--accent); font-variant-numeric: tabular-nums; min-height: 1.1em; }
.coach .c-next { font-size: 1.2rem; margin: .1rem 0; min-height: 1.4em; }
.coach .c-said { font-size: 1.05rem; font-style: italic; opacity: .85; margin: .3rem 0 0;
                 min-height: 2.6em; }
@media (prefers-color-scheme: dark) { .coach .c-now { color: #f4c430; } }
"""

SCRIPT = """
const COACH = JSON.parse(document.getElementById("coach-words").textContent);
const fill = (key, values) => COACH[key].replace(/\\{(\\w+)\\}/g, (_, k) => values[k]);
const isCount = (text) => /^\\d+\\.?$/.test(text.trim());
const TEMPO = new Set(["lower", "bottom", "lift", "top"]);
function lastBefore(items, ms) {  // the index of the last item starting at or before ms
  let lo = 0, hi = items.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].start_ms <= ms) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}
function prepareTimeline(doc) {
  const chapters = doc.chapters;
  const chapterAt = (ms) => Math.max(0, lastBefore(chapters, ms));
  const sets = new Map(), reps = new Map();  // most sets by chapter, most reps by set/side
  for (const s of doc.segments) {
    const c = chapterAt(s.start_ms), k = `${c}/${s.set}/${s.side}`;
    if (s.set) sets.set(c, Math.max(sets.get(c) || 0, s.set));
    if (s.rep) reps.set(k, Math.max(reps.get(k) || 0, s.rep));
  }
  const said = doc.cues.filter((c) => c.kind === "speech" && c.text && !isCount(c.text));
  const titles = chapters.map((c) => c.title);
  return { segs: doc.segments, said, chapterAt, sets, reps, titles };
}
function coachState(t, ms) {
  const i = Math.max(0, lastBefore(t.segs, ms)), s = t.segs[i];
  const c = t.chapterAt(s.start_ms), sets = t.sets.get(c);
  const reps = t.reps.get(`${c}/${s.set}/${s.side}`);
  // Between exercises (a phase's intro) the chapter says what is coming.
  const state = { top: s.phase || "", exercise: s.exercise || t.titles[c], where: "", now: "",
                  next: "", said: "" };
  const where = [];
  if (s.set) where.push(fill("set", { set: s.set, sets }));
  if (s.side) where.push(COACH[s.side]);
  if (s.rep && s.activity !== "cycle") where.push(fill("rep", { rep: s.rep, reps }));
  state.where = where.join(" · ");
  const count = Math.floor((ms - s.start_ms) / 1000) + 1;
  const left = fill("seconds_left", { seconds: Math.ceil((s.end_ms - ms) / 1000) });
  if (TEMPO.has(s.activity)) state.now = `${COACH[s.activity]} ${count}`;
  else if (s.activity === "rep") state.now = COACH.rep_activity;
  else if (s.activity === "hold") { state.now = `${COACH.hold} ${count}`; state.next = left; }
  else if (s.activity === "cycle") state.now = fill("cycle", { rep: s.rep, reps });
  else if (s.activity === "rest") {
    state.now = `${COACH.rest} ${Math.ceil((s.end_ms - ms) / 1000)} s`;
    const after = t.segs.slice(i + 1).find((n) => n.set);
    if (after && t.chapterAt(after.start_ms) === c) {
      state.next = fill("next_set", { set: after.set, sets });
    } else if (after) state.next = fill("next_exercise", { exercise: after.exercise });
    else state.next = COACH.done;
  } else state.now = COACH[s.activity] || "";
  if (s.activity === "switch" || s.activity === "setup") state.next = left;
  const w = lastBefore(t.said, ms);
  if (w >= 0) state.said = t.said[w].text;
  return state;
}
for (const screen of document.querySelectorAll(".coach[data-timeline]")) {
  const audio = document.getElementById(screen.dataset.audio);
  let timeline = null, loading = null, frame = 0;
  const show = () => {
    if (!timeline) return;
    const ms = Math.round(audio.currentTime * 1000);
    const state = coachState(timeline, ms);
    for (const [name, text] of Object.entries(state)) {
      const element = screen.querySelector(`.c-${name}`);
      if (element.textContent !== text) element.textContent = text;
    }
    screen.dataset.ms = String(ms);
  };
  const load = () => {
    loading ??= fetch(screen.dataset.timeline).then((r) => r.json())
      .then((doc) => { timeline = prepareTimeline(doc); show(); });
  };
  const tick = () => { show(); frame = audio.paused ? 0 : requestAnimationFrame(tick); };
  for (const name of ["play", "seeking", "loadeddata"]) audio.addEventListener(name, load);
  for (const name of ["timeupdate", "seeked", "pause"]) audio.addEventListener(name, show);
  audio.addEventListener("playing", () => { if (!frame) frame = requestAnimationFrame(tick); });
  // The whole panel is the play/pause button: one thumb, no aiming at the player's icon.
  screen.addEventListener("click", () => {
    if (audio.paused) audio.play().catch(() => {}); else audio.pause();
  });
}
"""


def coach_html(audio_id: str, timeline_file: str, words: Catalogue) -> str:
    """The coach screen under the player ``audio_id``, reading ``timeline_file``."""
    return (
        f'<div class="coach" data-audio="{audio_id}" data-timeline="{quote(timeline_file)}">'
        f'<p class="c-top"></p><p class="c-exercise">{escape(words.say("coach_loading"))}</p>'
        '<p class="c-where"></p><p class="c-now"></p><p class="c-next"></p>'
        '<p class="c-said"></p></div>'
    )


def coach_words_json(words: Catalogue) -> str:
    """The catalogue for the script, safe inside a ``<script type="application/json">``."""
    return json.dumps(coach_words(words), ensure_ascii=False).replace("<", "\\u003c")
