#include "decode/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace simvx {
namespace {

// Reads through a 256 KiB buffer of its own (small reads, as parsers and
// codec libraries make, cost no system call each), but large reads go
// straight into the caller's memory: a streamed WAV's 16 KiB blocks are read
// into a buffer still in cache instead of being copied twice, through a
// buffer per open file that no cache holds when dozens of stems stream.
class FileSource final : public ByteSource {
public:
    FileSource(int fd, std::string name, std::optional<uint64_t> size, bool seekable)
        : ByteSource(std::move(name)), fd_(fd), size_(size), seekable_(seekable), buffer_(kBufferBytes) {}
    ~FileSource() override { ::close(fd_); }

    size_t read(void* dst, size_t n) override {
        auto* out = static_cast<uint8_t*>(dst);
        size_t done = std::min(n, end_ - begin_);
        std::memcpy(out, buffer_.data() + begin_, done);
        begin_ += done;
        while (done < n) {
            if (n >= kDirectBytes) {  // the rest too, even if short: the buffer is only refilled by small reads
                const size_t got = read_some(out + done, n - done);
                if (got == 0) break;
                done += got;
                continue;
            }
            begin_ = 0;
            end_ = read_some(buffer_.data(), buffer_.size());
            if (end_ == 0) break;
            const size_t take = std::min(n - done, end_);
            std::memcpy(out + done, buffer_.data(), take);
            begin_ = take;
            done += take;
        }
        pos_ += done;
        return done;
    }
    bool seek(uint64_t offset) override {
        if (!seekable_) return false;
        if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) return false;
        begin_ = end_ = 0;
        pos_ = offset;
        return true;
    }
    uint64_t tell() const override { return pos_; }
    std::optional<uint64_t> size() const override { return size_; }
    bool seekable() const override { return seekable_; }

private:
    static constexpr size_t kBufferBytes = 256 * 1024;
    static constexpr size_t kDirectBytes = 16 * 1024;

    // One read(2), retried when interrupted; 0 at the end.
    size_t read_some(uint8_t* dst, size_t n) {
        for (;;) {
            const ssize_t got = ::read(fd_, dst, n);
            if (got >= 0) return static_cast<size_t>(got);
            if (errno != EINTR) throw InputError(name() + ": read error: " + std::strerror(errno));
        }
    }

    int fd_;
    std::optional<uint64_t> size_;
    bool seekable_;
    std::vector<uint8_t> buffer_;
    size_t begin_ = 0, end_ = 0;  // the unread bytes of buffer_
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
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        throw InputError(path + ": cannot stat: " + std::strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw InputError(path + ": is a directory, not an audio file");
    }
    const bool regular = S_ISREG(st.st_mode);
    return std::make_unique<FileSource>(fd, path, regular ? std::optional<uint64_t>(st.st_size) : std::nullopt,
                                        regular);
}

std::unique_ptr<ByteSource> ByteSource::from_memory(std::vector<uint8_t> bytes, std::string name) {
    return std::make_unique<MemorySource>(std::move(bytes), std::move(name));
}

}  // namespace simvx
