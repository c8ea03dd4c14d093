#include "mix/stream_reader.hpp"

#include <algorithm>
#include <cmath>

namespace simvx {
namespace {

constexpr size_t kChunkFrames = 4096;  // native frames decoded per step

uint64_t to_native(uint64_t engine_frames, uint32_t native_rate, uint32_t engine_rate) {
    return static_cast<uint64_t>(std::llround(static_cast<double>(engine_frames) * native_rate / engine_rate));
}

}  // namespace

StreamReader::StreamReader(Decoder& decoder, const StreamSetup& setup)
    : decoder_(decoder),
      setup_(setup),
      pipe_(decoder, setup.engine_rate, setup.keep_channels),
      from_(to_native(setup.from, decoder.info().spec.rate, setup.engine_rate)),
      loop_start_(to_native(setup.loop_start, decoder.info().spec.rate, setup.engine_rate)),
      loop_end_(setup.loop_end ? to_native(setup.loop_end, decoder.info().spec.rate, setup.engine_rate) : 0) {}

bool StreamReader::next(SampleVector& out) {
    if (ended_) return false;
    if (!started_) {
        started_ = true;
        if (from_) decoder_.seek(from_);
        pos_ = from_;
    }
    for (;;) {
        size_t want = kChunkFrames;
        if (setup_.loop && loop_end_) want = static_cast<size_t>(std::min<uint64_t>(want, loop_end_ > pos_ ? loop_end_ - pos_ : 0));
        const size_t n = want ? pipe_.step(out, want) : 0;
        if (n > 0) {
            decoded_this_pass_ = true;
            pos_ += n;
            return true;
        }
        // An empty loop region would spin forever.
        if (!setup_.loop || !decoded_this_pass_) break;
        decoder_.seek(loop_start_);
        pos_ = loop_start_;
        decoded_this_pass_ = false;
    }
    ended_ = true;
    pipe_.finish(out);
    return false;
}

}  // namespace simvx
