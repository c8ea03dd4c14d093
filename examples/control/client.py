#!/usr/bin/env python3
"""A simvxplay control client in the Python standard library alone.

Start a mix that waits for commands, then run this:

    simvxplay --control /tmp/mix.sock &          # or add --null to hear nothing
    examples/control/client.py /tmp/mix.sock tone.wav

It loads a sound, plays a loop and sweeps it from left to right and back
while its pitch rises, fires one-shots on a beat scheduled sample-exactly
with "at", prints the voice events as they come, and quits.
"""
import json
import math
import socket
import sys
import time


class Mix:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.file = self.sock.makefile("rw", encoding="utf-8", newline="\n")
        self.next_id = 0
        self.events = []

    def ask(self, cmd, **keys):
        """Sends one request and returns its reply (events met on the way are kept)."""
        self.next_id += 1
        keys.update(cmd=cmd, id=self.next_id)
        self.file.write(json.dumps(keys) + "\n")
        self.file.flush()
        while True:
            line = json.loads(self.file.readline())
            if "event" in line:
                self.events.append(line)
                continue
            if line.get("id") != self.next_id:
                continue
            if not line["ok"]:
                raise RuntimeError(f"{cmd}: {line['error']}")
            return line


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: client.py SOCKET SOUND_FILE")
    mix = Mix(sys.argv[1])
    print("simvxplay", mix.ask("version")["version"])
    mix.ask("subscribe", events=["voice", "underrun"])
    mix.ask("load", name="s", file=sys.argv[2])
    now = mix.ask("get", what="position")["position"]

    # One-shots on a beat, 0.5 s apart, each starting on its exact frame.
    for beat in range(8):
        mix.ask("play", sound="s", at=now + 1.0 + beat * 0.5, volume_db=-12, fade_out=0.05,
                pan=-0.8 if beat % 2 else 0.8)

    # A loop swept across the stereo field while its pitch rises.
    voice = mix.ask("play", sound="s", loop=True, volume_db=-9, pitch=1.0)["voice"]
    for step in range(80):
        t = step / 20
        mix.ask("set", voice=voice, pan=math.sin(t * math.pi), pitch=1 + t / 4, ramp=0.05)
        time.sleep(0.05)
    mix.ask("stop", voice=voice, ramp=0.5)
    time.sleep(1.0)

    for e in mix.events:
        print(json.dumps(e))
    mix.ask("quit")


if __name__ == "__main__":
    main()
