"""A speech command that notes what it was asked to say, then says it with espeak-ng.

usage: recording.py OUTPUT TEXT_FILE LOG   (appends the text, one line per phrase, to LOG)
"""

import subprocess
import sys

output, text_file, log = sys.argv[1:4]
with open(text_file, encoding="utf-8") as handle:
    text = handle.read()
with open(log, "a", encoding="utf-8") as handle:  # one short O_APPEND write per phrase
    handle.write(text.replace("\n", " ") + "\n")
subprocess.run(["espeak-ng", "-w", output, "-f", text_file], check=True)
