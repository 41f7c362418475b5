"""A speech command for fault tests: speaks through espeak-ng, but misbehaves on cue.

usage: misbehaving.py MODE OUTPUT TEXT_FILE STATE_DIR
  fail         exit 3 on any phrase containing "Cat"
  hang         on any phrase containing "Cat": note its pid in STATE_DIR/hung.pid and
               sleep until it is killed
  silent-once  write a silent WAV the first time it sees a phrase containing "Cat"
"""

import hashlib
import os
import subprocess
import sys
import time
import wave

mode, output, text_file, state = sys.argv[1:5]
with open(text_file, encoding="utf-8") as handle:
    text = handle.read()
if "Cat" in text:
    if mode == "fail":
        print("the synthesizer exploded", file=sys.stderr)
        sys.exit(3)
    if mode == "hang":
        with open(os.path.join(state, "hung.pid"), "w") as note:
            note.write(str(os.getpid()))
        while True:
            time.sleep(60)
    if mode == "silent-once":
        marker = os.path.join(state, hashlib.sha1(text.encode()).hexdigest())
        if not os.path.exists(marker):
            open(marker, "w").close()
            with wave.open(output, "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(22050)
                out.writeframes(b"\0\0" * 22050)
            sys.exit(0)
subprocess.run(["espeak-ng", "-w", output, "-f", text_file], check=True)
