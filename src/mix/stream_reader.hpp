// A file read in order for a streamed voice: seeks to its first frame,
// converts through a DecodePipeline, and goes round its loop region through
// the same converter (so the loop seam stays continuous). Shared by the
// streamed sources, so that a stream sounds the same whichever thread decodes it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "decode/decoder.hpp"
#include "mix/decode_pipeline.hpp"

namespace simvx {

struct StreamSetup {
    uint32_t engine_rate = 48000;
    uint64_t from = 0;          // first frame, in engine frames
    bool loop = false;
    uint64_t loop_start = 0;    // engine frames
    uint64_t loop_end = 0;      // engine frames; 0 = end of file
    size_t ring_frames = 1 << 16;
    bool keep_channels = false;  // decoded_channels(): a file's own channels for surround buses
};

class StreamReader {
public:
    // The decoder must outlive the reader. Nothing is read until next().
    StreamReader(Decoder& decoder, const StreamSetup& setup);

    uint32_t channels() const { return pipe_.channels(); }
    bool cheap() const { return pipe_.cheap(); }  // reading costs about a copy (DecodePipeline::cheap)
    // Appends the next converted frames (one decoded chunk) to `out`. At the
    // end, appends what the converter still held and returns false; later
    // calls append nothing. Throws what the decoder throws.
    bool next(SampleVector& out);
    // NaN/inf samples replaced so far.
    uint64_t non_finite() const { return pipe_.non_finite(); }

private:
    Decoder& decoder_;
    StreamSetup setup_;
    DecodePipeline pipe_;
    uint64_t from_, loop_start_, loop_end_;  // native frames
    uint64_t pos_ = 0;
    bool started_ = false, decoded_this_pass_ = false, ended_ = false;
};

}  // namespace simvx
