# fish completion for simvxplay
# Options covered (tests/cli/docs_test.cpp checks them against --help):
# --render --null --render-format --render-codec --quality --bitrate --tag --raw --dither --normalize --true-peak-max --normalize-limit --device --list-devices --latency-ms --sample-rate --channels --duration --seed --hrtf --volume-db --mute --solo
# --loop --mix --start-at --pitch --replaygain --stream --stream-format --stream-rate --stream-channels --stream-bus
# --stream-volume-db --stream-pan --stream-buffer-ms --check --stats --json --watch --record --control --record-control --control-script --control-voices --expect --tolerance-db --plot --plot-buses --quiet --verbose --version --help
# --list

# The buses of the scene on the command line, as simvxplay reads them.
function __simvxplay_buses
    set -l words (commandline -opc)
    for f in $words[2..-1]
        if test -f "$f"; and not string match -q -- '-*' $f
            $words[1] $f --list buses 2>/dev/null; and return
        end
    end
end

complete -c simvxplay -l render -r -F -d 'Render offline into a file, encoded by its extension (- = WAV on stdout)'
complete -c simvxplay -l null -d 'Mix in real time and discard the samples'
complete -c simvxplay -l render-format -x -a 's16 s24 f32' -d 'Sample format of a WAV or FLAC render'
complete -c simvxplay -l render-codec -x -a 'wav flac opus vorbis mp3' -d 'Encode the render as this codec'
complete -c simvxplay -l quality -x -d 'Encoder quality: FLAC level, Vorbis quality, MP3 VBR quality'
complete -c simvxplay -l bitrate -x -d 'Encoder bit rate in kbit/s: Opus, Vorbis average, MP3 constant'
complete -c simvxplay -l tag -x -a 'title= artist= album= comment= date= genre=' -d 'Tag the render (KEY=VALUE)'
complete -c simvxplay -l dither -x -a 'none tpdf' -d 'Dither when quantizing to s16/s24'
complete -c simvxplay -l normalize -x -a '-14 -16 -23 -24' -d 'Render twice, the second time at this loudness (LUFS)'
complete -c simvxplay -l true-peak-max -x -d 'The true peak --normalize may reach (dBTP)'
complete -c simvxplay -l normalize-limit -d 'Reach the --normalize target through a true-peak limiter'
complete -c simvxplay -l raw -d 'Render headerless PCM, not a WAV'
complete -c simvxplay -l device -x -n '__fish_seen_argument -l null' -a 'realtime untimed jitter stall lost' -d 'Simulated device of --null'
complete -c simvxplay -l device -x -n 'not __fish_seen_argument -l null' -a '(pactl list short sinks 2>/dev/null | cut -f2)' -d 'PulseAudio sink to play on'
complete -c simvxplay -l list-devices -d 'List every output and its devices and exit'
complete -c simvxplay -l latency-ms -x -d 'Playback target latency and --null period (ms)'
complete -c simvxplay -l sample-rate -x -a '8000 16000 22050 32000 44100 48000 88200 96000 176400 192000' -d 'Engine and output sample rate'
complete -c simvxplay -l channels -x -a '1 2 4 6 8' -d 'Output channels: mono, stereo, quad, 5.1, 7.1'
complete -c simvxplay -l duration -x -d 'Stop after SEC seconds of scene time'
complete -c simvxplay -l seed -x -d 'Seed of the scene\'s random choices'
complete -c simvxplay -l hrtf -F -a '(__fish_complete_suffix .sofa)' -d 'Render 3D sounds binaurally through an HRTF set (file optional)'
complete -c simvxplay -l volume-db -x -d 'Master gain in dB'
complete -c simvxplay -l mute -x -a '(__simvxplay_buses)' -d 'Mute a bus (repeatable)'
complete -c simvxplay -l solo -x -a '(__simvxplay_buses)' -d 'Solo a bus (repeatable)'
complete -c simvxplay -l loop -d 'Loop the file'
complete -c simvxplay -l mix -d 'Layer the files instead of playing them in sequence'
complete -c simvxplay -l start-at -x -d 'Begin SEC seconds into the playlist, mix or scene'
complete -c simvxplay -l pitch -x -d 'Play at X times the speed and pitch (0.01..16)'
complete -c simvxplay -l replaygain -x -a 'track album off' -d 'Play each file at its ReplayGain/R128 tagged level'
complete -c simvxplay -l stream -r -F -d 'Play live PCM from - (stdin) or a FIFO/file'
complete -c simvxplay -l stream-format -x -a 's16 s24 s32 f32 wav' -d 'Sample format of the stream'
complete -c simvxplay -l stream-rate -x -a '8000 16000 22050 24000 32000 44100 48000 96000' -d 'Sample rate of the stream'
complete -c simvxplay -l stream-channels -x -a '1 2 3 4 5 6 7 8' -d 'Channels of the stream'
complete -c simvxplay -l stream-bus -x -a '(__simvxplay_buses)' -d 'Bus the stream mixes into'
complete -c simvxplay -l stream-volume-db -x -d 'Gain of the stream in dB'
complete -c simvxplay -l stream-pan -x -d 'Pan of the stream, -1 left to 1 right'
complete -c simvxplay -l stream-buffer-ms -x -d 'Live input buffered (ms)'
complete -c simvxplay -l check -d 'Validate the inputs, print a summary, exit'
complete -c simvxplay -l stats -d 'Print peaks, loudness and clipped samples per bus at the end'
complete -c simvxplay -l watch -d 'Reload the scene when its file changes'
complete -c simvxplay -l record -r -F -d 'Also write the live output to a WAV file'
complete -c simvxplay -l control -r -F -d 'Take JSON-line commands on a Unix socket (- = stdin)'
complete -c simvxplay -l record-control -r -F -d 'Write accepted commands with their frames'
complete -c simvxplay -l control-script -r -F -d 'Apply commands at their frames'
complete -c simvxplay -l control-voices -x -d 'Voices control may have playing at once (1..1024)'
complete -c simvxplay -l json -d 'Status, events, stats and errors as JSON lines on stdout'
complete -c simvxplay -l expect -r -F -d 'With --render: compare the render with a reference file'
complete -c simvxplay -l tolerance-db -x -d 'Peak residual --expect accepts (dBFS, default -90)'
complete -c simvxplay -l plot -r -a '(__fish_complete_suffix .png .svg)' -d 'At the end: draw waveform, spectrogram and loudness (PNG or SVG)'
complete -c simvxplay -l plot-buses -d 'With --plot: a waveform strip per bus too'
complete -c simvxplay -s q -l quiet -d 'No progress line, no warnings'
complete -c simvxplay -s v -l verbose -d 'Say what is being done'
complete -c simvxplay -l list -x -a 'formats effects keys buses' -d 'List formats, effects, scene keys or a scene\'s buses'
complete -c simvxplay -l version -d 'Print the versions of simvxplay and its libraries'
complete -c simvxplay -s h -l help -d 'Print the options'
