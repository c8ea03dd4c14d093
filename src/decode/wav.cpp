// Placeholder until the decoder lands: probes nothing.
#include "core/error.hpp"
#include "decode/formats.hpp"
namespace simvx::formats {
bool probe_wav(std::span<const uint8_t>) { return false; }
std::unique_ptr<Decoder> open_wav(std::unique_ptr<ByteSource> src) { throw DecodeError(src->name() + ": not implemented"); }
}
