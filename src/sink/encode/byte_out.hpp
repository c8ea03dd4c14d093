// The bytes an encoder produces, to the target's FILE. The codec libraries
// hand them over in C callbacks, which must not throw: a failure is kept
// (with its errno) and thrown by check() once the library call returns.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "sink/audio_writer.hpp"

namespace simvx {

class ByteOut {
public:
    explicit ByteOut(const WriterTarget& target) : target_(target) {}

    bool put(const void* data, size_t bytes) noexcept;  // false once anything failed
    bool seek(uint64_t offset) noexcept;                // only on a seekable target
    bool tell(uint64_t& offset) const noexcept;
    bool failed() const noexcept { return error_ != 0; }
    // Writes nothing more: for a library that flushes when it is destroyed
    // (libFLAC), after the sink may have closed and discarded the file.
    void detach() noexcept { detached_ = true; }
    // Throws the write error kept (ClosedOutputError for a closed pipe), if any.
    void check() const;
    // A failure the library reports without a system error (`what`: its reason).
    [[noreturn]] void fail(const std::string& what) const;
    const WriterTarget& target() const { return target_; }

private:
    WriterTarget target_;
    int error_ = 0;
    bool detached_ = false;
};

}  // namespace simvx
