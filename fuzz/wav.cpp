// libFuzzer target: the WAV parser alone, bypassing content sniffing so every
// input reaches the RIFF/RF64 chunk walk (not just those that probe as WAV).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "quiet_log.hpp"
#include "decode/byte_source.hpp"
#include "decode/formats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace simvx;
    try {
        auto dec = formats::open_wav(ByteSource::from_memory(std::vector<uint8_t>(data, data + size), "fuzz.wav"));
        const uint32_t ch = dec->info().spec.channels;
        if (ch == 0) __builtin_trap();
        std::vector<float> buf(size_t{512} * ch);
        for (int i = 0; i < 64; ++i)
            if (dec->read(buf) == 0) break;
        if (dec->can_read_int()) {
            dec->seek(dec->info().frames.value_or(1) / 2);  // seeking lands mid-data
            std::vector<int32_t> ibuf(size_t{512} * ch);
            for (int i = 0; i < 16; ++i)
                if (dec->read_int(ibuf) == 0) break;
        }
    } catch (const InputError&) {
    }
    return 0;
}
