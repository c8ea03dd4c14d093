#!/bin/sh
# simvxplay driven from a shell with socat: a mix that waits for commands,
# one-shots scheduled on exact frames, a bus faded down, then quit.
#   examples/control/socat.sh SOUND_FILE    (add SIMVX_OUT=--null to hear nothing)
set -eu
sound=${1:?usage: socat.sh SOUND_FILE}
sock=${XDG_RUNTIME_DIR:-/tmp}/simvx-example-$$.sock
simvxplay ${SIMVX_OUT:-} --control "$sock" &
player=$!
while [ ! -S "$sock" ]; do sleep 0.05; done

say() { echo "$1" | socat -t 1 - "UNIX-CONNECT:$sock"; }

say '{"cmd":"load","name":"hit","file":"'"$sound"'"}'
say '{"cmd":"play","sound":"hit","at":0.5}'
say '{"cmd":"play","sound":"hit","at":1.0,"pan":-1}'
say '{"cmd":"play","sound":"hit","at":1.5,"pan":1,"pitch":1.5}'
sleep 2.5
say '{"cmd":"bus","bus":"Master","volume_db":-12,"ramp":1}'
say '{"cmd":"get","what":"engine"}'
say '{"cmd":"quit"}'
wait "$player"
