// Developer tool used by the tests: decodes FILE with simvxplay's decoders (no
// resampling, no mixing) and writes the native PCM to stdout.
//   simvx-decode-dump --info FILE   rate, channels, bits, lossless, frames, format
//   simvx-decode-dump --s16 FILE    interleaved s16le; integer formats truncated
//                                   to their top 16 bits, float scaled by 32768 and floored
//   simvx-decode-dump --f32 FILE    interleaved f32le
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "decode/registry.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: simvx-decode-dump --info|--s16|--f32 FILE\n");
        return 2;
    }
    const std::string mode = argv[1];
    try {
        auto dec = simvx::open_decoder_file(argv[2]);
        const auto& info = dec->info();
        const size_t ch = info.spec.channels;
        if (mode == "--info") {
            uint64_t frames = 0;
            std::vector<float> buf(4096 * ch);
            while (size_t n = dec->read(buf)) frames += n;
            std::printf("rate=%u\nchannels=%u\nbits=%u\nlossless=%d\nframes=%llu\nformat=%s\n", info.spec.rate,
                        info.spec.channels, info.bits, info.lossless ? 1 : 0,
                        static_cast<unsigned long long>(frames), info.format.c_str());
            return 0;
        }
        if (mode == "--s16" && dec->can_read_int()) {
            std::vector<int32_t> buf(4096 * ch);
            std::vector<int16_t> out(buf.size());
            while (size_t n = dec->read_int(buf)) {
                for (size_t i = 0; i < n * ch; ++i) out[i] = static_cast<int16_t>(buf[i] >> 16);
                std::fwrite(out.data(), 2, n * ch, stdout);
            }
            return 0;
        }
        std::vector<float> buf(4096 * ch);
        std::vector<int16_t> out(buf.size());
        while (size_t n = dec->read(buf)) {
            if (mode == "--f32") {
                std::fwrite(buf.data(), 4, n * ch, stdout);
                continue;
            }
            for (size_t i = 0; i < n * ch; ++i) {
                double v = std::floor(static_cast<double>(buf[i]) * 32768.0);
                out[i] = static_cast<int16_t>(v < -32768 ? -32768 : v > 32767 ? 32767 : v);
            }
            std::fwrite(out.data(), 2, n * ch, stdout);
        }
        return 0;
    } catch (const simvx::Error& e) {
        std::fprintf(stderr, "simvx-decode-dump: %s\n", e.what());
        return static_cast<int>(e.code());
    }
}
