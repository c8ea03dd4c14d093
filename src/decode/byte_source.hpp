// Where a decoder's bytes come from: a file or a block of memory. Decoders
// adapt this to their library's I/O callbacks, so every format reads the same
// way and tests can decode from memory.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace simvx {

class ByteSource {
public:
    virtual ~ByteSource() = default;

    // Reads up to n bytes; fewer only at end of input. Throws InputError on an I/O error.
    virtual size_t read(void* dst, size_t n) = 0;
    // Absolute seek; false when out of range or the source cannot seek.
    virtual bool seek(uint64_t offset) = 0;
    virtual uint64_t tell() const = 0;
    // Total size in bytes when known (regular files, memory).
    virtual std::optional<uint64_t> size() const = 0;
    virtual bool seekable() const = 0;
    // The name used in messages: the path as the user gave it.
    const std::string& name() const { return name_; }

    static std::unique_ptr<ByteSource> open_file(const std::string& path);  // throws InputError
    static std::unique_ptr<ByteSource> from_memory(std::vector<uint8_t> bytes, std::string name);

protected:
    explicit ByteSource(std::string name) : name_(std::move(name)) {}

private:
    std::string name_;
};

}  // namespace simvx
