#include "decode/byte_source.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace simvx {
namespace {

class FileSource final : public ByteSource {
public:
    FileSource(std::FILE* f, std::string name, std::optional<uint64_t> size, bool seekable)
        : ByteSource(std::move(name)), f_(f), size_(size), seekable_(seekable), buffer_(1 << 18) {
        // A large buffer of our own: glibc would read in blocks of st_blksize (a few KiB).
        std::setvbuf(f_, buffer_.data(), _IOFBF, buffer_.size());
    }
    ~FileSource() override { std::fclose(f_); }

    size_t read(void* dst, size_t n) override {
        const size_t got = std::fread(dst, 1, n, f_);
        if (got < n && std::ferror(f_))
            throw InputError(name() + ": read error: " + std::strerror(errno));
        pos_ += got;
        return got;
    }
    bool seek(uint64_t offset) override {
        if (!seekable_) return false;
        if (fseeko(f_, static_cast<off_t>(offset), SEEK_SET) != 0) return false;
        pos_ = offset;
        return true;
    }
    uint64_t tell() const override { return pos_; }
    std::optional<uint64_t> size() const override { return size_; }
    bool seekable() const override { return seekable_; }

private:
    std::FILE* f_;
    std::optional<uint64_t> size_;
    bool seekable_;
    std::vector<char> buffer_;  // stdio's buffer: lives as long as the FILE
    uint64_t pos_ = 0;
};

class MemorySource final : public ByteSource {
public:
    MemorySource(std::vector<uint8_t> bytes, std::string name)
        : ByteSource(std::move(name)), bytes_(std::move(bytes)) {}

    size_t read(void* dst, size_t n) override {
        const size_t avail = pos_ < bytes_.size() ? bytes_.size() - pos_ : 0;
        const size_t got = n < avail ? n : avail;
        if (got) std::memcpy(dst, bytes_.data() + pos_, got);
        pos_ += got;
        return got;
    }
    bool seek(uint64_t offset) override {
        if (offset > bytes_.size()) return false;
        pos_ = offset;
        return true;
    }
    uint64_t tell() const override { return pos_; }
    std::optional<uint64_t> size() const override { return bytes_.size(); }
    bool seekable() const override { return true; }

private:
    std::vector<uint8_t> bytes_;
    uint64_t pos_ = 0;
};

}  // namespace

std::unique_ptr<ByteSource> ByteSource::open_file(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw InputError(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (fstat(fileno(f), &st) != 0) {
        std::fclose(f);
        throw InputError(path + ": cannot stat: " + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        std::fclose(f);
        throw InputError(path + ": is a directory, not an audio file");
    }
    const bool regular = S_ISREG(st.st_mode);
    return std::make_unique<FileSource>(f, path, regular ? std::optional<uint64_t>(st.st_size) : std::nullopt,
                                        regular);
}

std::unique_ptr<ByteSource> ByteSource::from_memory(std::vector<uint8_t> bytes, std::string name) {
    return std::make_unique<MemorySource>(std::move(bytes), std::move(name));
}

}  // namespace simvx
