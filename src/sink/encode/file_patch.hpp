// Bytes of a finished file read and rewritten in place by position, for the
// tags written after the audio (AudioWriter::add_late_tags): through the
// descriptor under the writer's FILE, which is flushed first. Only for the
// file sink's own temporary file (opened for reading and writing).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sink/audio_writer.hpp"

namespace simvx {

class FilePatch {
public:
    explicit FilePatch(const WriterTarget& target);  // throws OutputError when the flush fails

    // Exactly `bytes` from `offset`, or fewer at the end of the file.
    std::vector<uint8_t> read(uint64_t offset, size_t bytes) const;
    void write(uint64_t offset, std::span<const uint8_t> bytes) const;  // throws OutputError
    uint64_t size() const;
    int descriptor() const { return fd_; }
    [[noreturn]] void fail(const std::string& what) const;  // OutputError naming the file

private:
    std::string name_;
    int fd_;
};

}  // namespace simvx
