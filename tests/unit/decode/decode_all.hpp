// Whole-stream decodes for the decoder tests, read in blocks that are no
// codec frame's multiple on purpose (so block boundaries fall mid-frame).
#pragma once
#include <cstdint>
#include <vector>

#include "decode/decoder.hpp"

namespace simvx::test {

inline std::vector<float> decode_float(Decoder& dec) {
    std::vector<float> all, buf(777 * dec.info().spec.channels);
    while (size_t n = dec.read(buf)) all.insert(all.end(), buf.begin(), buf.begin() + n * dec.info().spec.channels);
    return all;
}

inline std::vector<int32_t> decode_int(Decoder& dec) {
    std::vector<int32_t> all, buf(1000 * dec.info().spec.channels);
    while (size_t n = dec.read_int(buf)) all.insert(all.end(), buf.begin(), buf.begin() + n * dec.info().spec.channels);
    return all;
}

}  // namespace simvx::test
