// libFuzzer target: content sniffing plus each decoder's open, read and seek
// paths (the FFmpeg fallback's too).
// The input is a whole "file" handed to the registry from memory, exactly as
// a file on disk would be; a bounded number of frames is decoded so a long
// (or looping) stream cannot turn into a timeout.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "quiet_log.hpp"
#include "decode/byte_source.hpp"
#include "decode/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace simvx;
    try {
        auto dec = open_decoder(ByteSource::from_memory(std::vector<uint8_t>(data, data + size), "fuzz"));
        const uint32_t ch = dec->info().spec.channels;
        if (ch == 0) __builtin_trap();  // a decoder must never report zero channels
        std::vector<float> buf(size_t{1024} * ch);
        // 64 blocks of 1024 frames: enough to cross several codec frames/pages.
        for (int i = 0; i < 64; ++i)
            if (dec->read(buf) == 0) break;
        // A seek part-way (loops and --start-at do this), to a frame the
        // input picks, then a little more decoding from there.
        dec->seek(size_t{data[size / 2]} * 61);
        for (int i = 0; i < 4; ++i)
            if (dec->read(buf) == 0) break;
        if (dec->can_read_int()) {
            // The exact-integer path has its own conversion code: walk it too.
            dec->seek(0);
            std::vector<int32_t> ibuf(size_t{1024} * ch);
            for (int i = 0; i < 16; ++i)
                if (dec->read_int(ibuf) == 0) break;
        }
    } catch (const InputError&) {
        // Rejecting bad input with a message is the expected outcome.
    }
    return 0;
}
