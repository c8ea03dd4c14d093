#!/usr/bin/env python3
"""A 3D source orbiting the listener, driven over simvxplay's control socket.

    simvxplay --control /tmp/mix.sock &          # or add --null to hear nothing
    examples/control/orbit.py /tmp/mix.sock loop.wav [--laps 2] [--period 4] [--radius 3]

The sound starts in front of the listener (-z is ahead, +x to the right) and
goes round clockwise seen from above: right, behind, left, front again. Each
step sends its position and its velocity (the tangent of the circle), so the
engine pans it by the listener's ears and its doppler follows the motion; the
orbit is an ellipse, twice as long as it is wide, so the source comes and goes
and the pitch rises and falls with it. After the laps the listener turns to
face the other way for one more lap (left and right swap), then the sound
fades out and the mix quits.
"""
import argparse
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from client import Mix  # noqa: E402  (the example client beside this file)

STEPS_PER_SECOND = 20  # position updates; the engine ramps between them


def orbit_point(t, period, radius):
    """Position and velocity at time t on an ellipse: `radius` across, twice that front to back."""
    w = 2 * math.pi / period
    a, b = radius, 2 * radius  # x and z half-axes
    angle = w * t
    position = [a * math.sin(angle), 0.0, -b * math.cos(angle)]
    velocity = [a * w * math.cos(angle), 0.0, b * w * math.sin(angle)]
    return position, velocity


def fly(mix, voice, laps, period, radius):
    start = time.monotonic()
    step = 0
    while True:
        t = step / STEPS_PER_SECOND
        if t > laps * period:
            return
        position, velocity = orbit_point(t, period, radius)
        mix.ask("set", voice=voice, position=position, velocity=velocity)
        step += 1
        # Paced by the clock, not by the replies, so the orbit keeps its period.
        time.sleep(max(0.0, start + step / STEPS_PER_SECOND - time.monotonic()))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("socket")
    p.add_argument("sound")
    p.add_argument("--laps", type=float, default=2)
    p.add_argument("--period", type=float, default=4, help="seconds per lap")
    p.add_argument("--radius", type=float, default=3, help="metres to the side")
    args = p.parse_args()

    mix = Mix(args.socket)
    mix.ask("subscribe", events=["voice", "underrun"])
    position, velocity = orbit_point(0, args.period, args.radius)
    voice = mix.ask("play", file=os.path.abspath(args.sound), loop=True, volume_db=-6,
                    spatial={"position": position, "velocity": velocity, "min_distance": 1,
                             "doppler": 1})["voice"]
    print(f"voice {voice} orbiting at scene time {mix.ask('get', what='position')['position']:.3f} s")
    fly(mix, voice, args.laps, args.period, args.radius)

    mix.ask("listener", direction=[0, 0, 1])  # turned round: the orbit now runs the other way
    fly(mix, voice, 1, args.period, args.radius)
    mix.ask("stop", voice=voice, ramp=0.5)
    time.sleep(0.8)
    mix.ask("ping")  # reads the events sent meanwhile (the voice's end)
    for e in mix.events:
        print(json.dumps(e))
    mix.ask("quit")


if __name__ == "__main__":
    main()
