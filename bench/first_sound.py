#!/usr/bin/env python3
"""Time from starting a command to its first sound at the sink.

Records the monitor of the default PulseAudio sink with a 5 ms latency, starts
COMMAND, and reports when the first non-silent sample arrives (an upper bound:
it includes the monitor's own latency). Prints the median over RUNS in ms.
  first_sound.py RUNS COMMAND...
"""
import statistics
import subprocess
import sys
import threading
import time


def one_run(cmd):
    rec = subprocess.Popen(
        ["parec", "--device=simvx_bench.monitor", "--latency-msec=5", "--format=s16le",
         "--rate=48000", "--channels=2", "--raw"], stdout=subprocess.PIPE)
    first = []

    def reader():
        while True:
            chunk = rec.stdout.read(192)  # 1 ms
            if not chunk:
                return
            if not first and any(abs(int.from_bytes(chunk[i:i + 2], "little", signed=True)) > 64
                                 for i in range(0, len(chunk) - 1, 2)):
                first.append(time.monotonic())

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    time.sleep(0.5)  # the recorder is running and its buffer drained
    t0 = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    time.sleep(0.2)
    rec.terminate()
    rec.wait()
    return (first[0] - t0) * 1000 if first else float("nan")


def main():
    runs = int(sys.argv[1])
    cmd = sys.argv[2:]
    print("%.1f" % statistics.median(one_run(cmd) for _ in range(runs)))


main()
