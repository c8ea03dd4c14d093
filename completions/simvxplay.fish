# fish completion for simvxplay
# Options covered (tests/cli/docs_test.cpp checks them against --help):
# --render --null --render-format --latency-ms --sample-rate --channels --duration --volume-db --mute --solo
# --loop --mix --start-at --check --expect --tolerance-db --quiet --verbose --version --help
complete -c simvxplay -l render -r -F -d 'Render offline into a WAV file (- = stdout)'
complete -c simvxplay -l null -d 'Mix in real time and discard the samples'
complete -c simvxplay -l render-format -x -a 's16 s24 f32' -d 'Sample format of the rendered WAV'
complete -c simvxplay -l latency-ms -x -d 'Playback target latency and --null period (ms)'
complete -c simvxplay -l sample-rate -x -a '8000 16000 22050 32000 44100 48000 88200 96000 176400 192000' -d 'Engine and output sample rate'
complete -c simvxplay -l channels -x -a '1 2' -d 'Output channels'
complete -c simvxplay -l duration -x -d 'Stop after SEC seconds of scene time'
complete -c simvxplay -l volume-db -x -d 'Master gain in dB'
complete -c simvxplay -l mute -x -d 'Mute a bus (repeatable)'
complete -c simvxplay -l solo -x -d 'Solo a bus (repeatable)'
complete -c simvxplay -l loop -d 'Loop the file'
complete -c simvxplay -l mix -d 'Layer the files instead of playing them in sequence'
complete -c simvxplay -l start-at -x -d 'Begin SEC seconds into the playlist or mix'
complete -c simvxplay -l check -d 'Validate the inputs, print a summary, exit'
complete -c simvxplay -l expect -r -F -d 'With --render: compare the render with a reference file'
complete -c simvxplay -l tolerance-db -x -d 'Peak residual --expect accepts (dBFS, default -90)'
complete -c simvxplay -s q -l quiet -d 'No progress line, no warnings'
complete -c simvxplay -s v -l verbose -d 'Say what is being done'
complete -c simvxplay -l version -d 'Print the versions of simvxplay and its libraries'
complete -c simvxplay -s h -l help -d 'Print the options'
