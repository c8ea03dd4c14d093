#!/bin/sh
# A voice agent's background audio driven live: on call_start the bed fades
# in, the agent's voice (piped to --stream) ducks it through the Music bus's
# sidechain compressor, and on call_end the bed fades out and the mix quits.
#   examples/control/voice-agent.sh            (SIMVX_OUT=--null to hear nothing)
# Needs the demo assets (scripts/make-demo-assets) and socat; speaks with
# espeak-ng when it is installed, else a tone stands in for the voice.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sock=${XDG_RUNTIME_DIR:-/tmp}/simvx-call-$$.sock
send() { echo "$1" | socat -t 1 - "UNIX-CONNECT:$sock"; }  # prints the reply
voice() {
  if command -v espeak-ng >/dev/null; then espeak-ng --stdout "Hello. Your order is on its way, and should arrive tomorrow."
  else sox -n -t wav - synth 3 sine 300-900 tremolo 6 80 gain -10; fi
}

# The agent's voice arrives on standard input two seconds into the call.
( sleep 2; voice ) |
  simvxplay ${SIMVX_OUT:-} "$here/call.toml" --stream - --stream-format wav --stream-bus Voice --control "$sock" &
player=$!
while [ ! -S "$sock" ]; do sleep 0.05; done

# call_start: the bed fades in; the reply names its voice.
reply=$(send '{"cmd":"play","file":"'"$here"'/../assets/bed.flac","bus":"Music","loop":true,"fade_in":1.0}')
echo "call_start: $reply"
bed=$(echo "$reply" | sed -n 's/.*"voice":\([0-9]*\).*/\1/p')
sleep 7
echo "call_end: $(send '{"cmd":"stop","voice":'"$bed"',"ramp":2.0}')"  # the bed fades out over 2 s
sleep 2.2
send '{"cmd":"quit"}' >/dev/null
wait "$player"
