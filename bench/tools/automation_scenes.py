#!/usr/bin/env python3
"""Writes the two scenes bench/automation.sh compares, in the current folder.

static.toml: 64 voices for 60 s (looping tones, each with a pitch stage and a
send), on 16 buses with a lowpass, a 16-band eq, a compressor and a gain
each, a reverb bus and a limiter on Master; every parameter a number.

moving.toml: the same mix with exactly 1,000 parameters following envelopes
(each sound's volume, pan, pitch and send; each bus's volume, send, cutoff,
Q, gain, compressor threshold and its eq bands' gains, frequencies and Qs;
the reverb's room and wet), and 2,000 triggers a minute: half the voices are
short hits repeating (every 0.96 s, jittered, a random pick of files,
pitch and level drawn per trigger) under a voice limit, so that 64 voices
still sound at once.
"""
import sys

BUSES = 16
SOUNDS = 64
HITS = 32          # of the moving scene's voices, the ones that repeat
SECONDS = 60
TARGET = 1000      # automated parameters in the moving scene
EVERY = 0.96       # seconds between a hit's triggers: 32 x 60 / 0.96 = 2,000 a minute


def env(points, curve="linear", loop=False):
    pts = ", ".join("[" + ", ".join(f"{x:g}" for x in p) + "]" for p in points)
    return f'{{ points = [{pts}], curve = "{curve}"' + (", loop = true" if loop else "") + " }"


class Scene:
    def __init__(self, moving):
        self.moving = moving
        self.automated = 0
        self.lines = ["version = 1", "[engine]", "sample_rate = 48000", f"duration = {SECONDS}", "seed = 7"]

    def value(self, constant, points, curve="linear", loop=False):
        """A number in the static scene; an envelope (counted) in the moving one while the budget lasts."""
        if not self.moving or self.automated >= TARGET:
            return f"{constant:g}"
        self.automated += 1
        return env(points, curve, loop)


def write(moving):
    s = Scene(moving)
    L = s.lines
    L += ["[[bus]]", 'name = "Master"', "[[bus.effect]]", 'type = "limiter"', "ceiling_db = -1"]
    L += ["[[bus]]", 'name = "Verb"', "[[bus.effect]]", 'type = "reverb"',
          f"room_size = {s.value(0.6, [[0, 0.3], [30, 0.8], [60, 0.3]])}",
          f"wet = {s.value(0.3, [[0, 0.2], [60, 0.4]])}"]
    for b in range(BUSES):
        L += ["[[bus]]", f'name = "B{b}"',
              f"volume_db = {s.value(-6, [[0, -12], [4 + b % 5, -6]], loop=False)}",
              f'sends = [ {{ bus = "Verb", volume_db = {s.value(-18, [[0, -24], [20, -12], [40, -24]], loop=True)} }} ]',
              "[[bus.effect]]", 'type = "lowpass"',
              f"cutoff_hz = {s.value(6000, [[0, 800], [10 + b % 7, 9000], [30, 800]], 'exponential', True)}",
              f"q = {s.value(0.9, [[0, 0.7], [8, 2.0], [16, 0.7]], loop=True)}",
              "[[bus.effect]]", 'type = "eq"', "bands = ["]
        for k in range(16):
            f0 = 40 * 1.45 ** k
            L.append(f"  {{ freq = {s.value(f0, [[0, f0], [15 + k, f0 * 1.5], [45, f0]], 'exponential', True)}, "
                     f"q = {s.value(1.0, [[0, 0.8], [12, 1.6], [24, 0.8]], loop=True)}, "
                     f"gain_db = {s.value(2.0 if k % 2 else -2.0, [[0, -3], [6 + k, 3], [30, -3]], loop=True)} }},")
        L += ["]", "[[bus.effect]]", 'type = "compressor"',
              f"threshold_db = {s.value(-18, [[0, -24], [30, -12], [60, -24]])}",
              "[[bus.effect]]", 'type = "gain"', f"volume_db = {s.value(0, [[0, -3], [2, 0], [4, -3]], loop=True)}"]
    for i in range(SOUNDS):
        hit = moving and i >= SOUNDS - HITS
        L += ["[[sound]]", f'name = "s{i}"', f'bus = "B{i % BUSES}"']
        if hit:
            L += ['files = ["hit1.wav", "hit2.wav", "hit3.wav"]', 'pick = "shuffle"',
                  f"repeat = {{ every = {EVERY}, jitter = 0.2 }}",
                  "pitch = { random = [0.9, 1.1] }", "volume_db = { random = [-12, -6] }", "max_voices = 1"]
        else:
            L += [f'file = "tone{i % 8}.wav"', "loop = true",
                  f"pitch = {s.value(1.01, [[0, 0.98], [5 + i % 9, 1.04], [20, 0.98]], loop=True)}",
                  f"volume_db = {s.value(-18, [[0, -30], [3, -18], [50, -18], [60, -40]])}",
                  f"pan = {s.value(0.0, [[0, -0.8], [4 + i % 5, 0.8], [8 + 2 * (i % 5), -0.8]], loop=True)}"]
        L.append(f'sends = [ {{ bus = "Verb", volume_db = {s.value(-20, [[0, -30], [10, -14], [20, -30]], loop=True)} }} ]')
    # The moving scene must reach the budget exactly: say so if the mix above is too small for it.
    if moving and s.automated != TARGET:
        sys.exit(f"automation_scenes.py: {s.automated} automated parameters, not {TARGET}")
    with open("moving.toml" if moving else "static.toml", "w") as f:
        f.write("\n".join(L) + "\n")
    return s.automated


if __name__ == "__main__":
    write(False)
    print(f"moving.toml: {write(True)} automated parameters")
