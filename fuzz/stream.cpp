// libFuzzer target: the --stream framer (decode/pcm_framer.hpp). The first
// bytes choose the format, rate/channels and the write split sizes, so the
// fuzzer explores headers and frames cut at every possible point, the way a
// pipe delivers them.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/error.hpp"
#include "quiet_log.hpp"
#include "decode/pcm_framer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace simvx;
    if (size < 4) return 0;
    static constexpr PcmFormat kFormats[] = {PcmFormat::s16, PcmFormat::s24, PcmFormat::s32, PcmFormat::f32,
                                             PcmFormat::wav};
    const PcmFormat format = kFormats[data[0] % 5];
    const uint32_t channels = 1 + data[1] % 8;                 // the CLI accepts 1-8
    const uint32_t rate = data[2] & 1 ? 44100 : 48000;         // raw rate only labels the samples
    const uint8_t split_seed = data[3];
    std::span<const uint8_t> rest(data + 4, size - 4);
    try {
        PcmFramer framer(format, rate, channels, "stream fuzz");
        SampleVector out;
        // Split sizes from a tiny LCG seeded by the input: 1..64 bytes, so
        // one-byte writes and header splits are common.
        uint32_t state = split_seed;
        while (!rest.empty()) {
            state = state * 1103515245u + 12345u;
            const size_t n = std::min<size_t>(rest.size(), 1 + (state >> 16) % 64);
            framer.feed(rest.first(n), out);
            rest = rest.subspan(n);
            if (framer.ready() && (framer.channels() == 0 || out.size() % framer.channels() != 0))
                __builtin_trap();  // only whole frames may come out
            out.clear();
        }
        (void)framer.finish();
    } catch (const InputError&) {
    }
    return 0;
}
