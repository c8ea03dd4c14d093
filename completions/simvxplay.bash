# bash completion for simvxplay
_simvxplay() {
    local cur prev
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    case "$prev" in
        --render)
            COMPREPLY=($(compgen -f -X '!*.@(wav|flac|opus|ogg|oga|mp3)' -- "$cur") $(compgen -d -- "$cur") $(compgen -W "-" -- "$cur"))
            return ;;
        --plot)
            COMPREPLY=($(compgen -f -X '!*.@(png|svg)' -- "$cur") $(compgen -d -- "$cur")); return ;;
        --expect|--record|--control|--record-control|--control-script)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --render-format)
            COMPREPLY=($(compgen -W "s16 s24 f32" -- "$cur")); return ;;
        --dither)
            COMPREPLY=($(compgen -W "none tpdf" -- "$cur")); return ;;
        --render-codec)
            COMPREPLY=($(compgen -W "wav flac opus vorbis mp3" -- "$cur")); return ;;
        --tag)
            COMPREPLY=($(compgen -W "title= artist= album= comment= date= genre=" -- "$cur")); compopt -o nospace; return ;;
        --replaygain)
            COMPREPLY=($(compgen -W "track album off" -- "$cur")); return ;;
        --normalize)
            COMPREPLY=($(compgen -W "-14 -16 -23 -24" -- "$cur")); return ;;
        --channels)
            COMPREPLY=($(compgen -W "1 2 4 6 8" -- "$cur")); return ;;
        --sample-rate)
            COMPREPLY=($(compgen -W "8000 16000 22050 32000 44100 48000 88200 96000 176400 192000" -- "$cur")); return ;;
        --stream)
            COMPREPLY=($(compgen -f -- "$cur") $(compgen -W "-" -- "$cur")); return ;;
        --stream-format)
            COMPREPLY=($(compgen -W "s16 s24 s32 f32 wav" -- "$cur")); return ;;
        --stream-rate)
            COMPREPLY=($(compgen -W "8000 16000 22050 24000 32000 44100 48000 96000" -- "$cur")); return ;;
        --stream-channels)
            COMPREPLY=($(compgen -W "1 2 3 4 5 6 7 8" -- "$cur")); return ;;
        --device)
            # with --null, the simulated device's modes; otherwise the PulseAudio sinks
            if [[ " ${COMP_WORDS[*]} " == *" --null "* ]]; then
                COMPREPLY=($(compgen -W "realtime untimed jitter stall lost" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$(pactl list short sinks 2>/dev/null | cut -f2)" -- "$cur"))
            fi
            return ;;
        --control-voices)
            COMPREPLY=($(compgen -W "16 64 256 1024" -- "$cur")); return ;;
        --quality|--bitrate|--latency-ms|--duration|--seed|--volume-db|--start-at|--pitch|--tolerance-db|--stream-volume-db|--stream-pan|--stream-buffer-ms|--true-peak-max)
            return ;;
        --list)
            COMPREPLY=($(compgen -W "formats effects keys buses" -- "$cur")); return ;;
        --hrtf)
            # its file is optional: SOFA files, and the scene or files that may follow
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --mute|--solo|--stream-bus)
            # the buses of the scene on the command line, as simvxplay reads them
            local f
            for f in "${COMP_WORDS[@]}"; do
                if [[ -f "$f" && "$f" != -* ]]; then
                    local names
                    names=$("${COMP_WORDS[0]}" "$f" --list buses 2>/dev/null) || continue
                    COMPREPLY=($(compgen -W "$names" -- "$cur"))
                    return
                fi
            done
            return ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "--render --null --render-format --render-codec --quality --bitrate --tag --raw --dither --normalize --true-peak-max --normalize-limit --device --list-devices --latency-ms --sample-rate --channels
            --duration --seed --hrtf --volume-db --mute --solo --loop --mix --start-at --pitch --replaygain --stream --stream-format --stream-rate
            --stream-channels --stream-bus --stream-volume-db --stream-pan --stream-buffer-ms --check --stats --json --watch --record --control --record-control --control-script --control-voices --expect --tolerance-db --plot --plot-buses
            --list --quiet -q --verbose -v --version --help -h" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _simvxplay simvxplay
