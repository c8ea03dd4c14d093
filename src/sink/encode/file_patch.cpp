#include "sink/encode/file_patch.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace simvx {

FilePatch::FilePatch(const WriterTarget& target) : name_(target.name), fd_(fileno(target.file)) {
    if (std::fflush(target.file) != 0) throw_write_error(name_, errno);
}

std::vector<uint8_t> FilePatch::read(uint64_t offset, size_t bytes) const {
    std::vector<uint8_t> out(bytes);
    size_t got = 0;
    while (got < bytes) {
        const ssize_t n = ::pread(fd_, out.data() + got, bytes - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(std::string("cannot read back the written file to tag it: ") + std::strerror(errno));
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    out.resize(got);
    return out;
}

void FilePatch::write(uint64_t offset, std::span<const uint8_t> bytes) const {
    size_t put = 0;
    while (put < bytes.size()) {
        const ssize_t n = ::pwrite(fd_, bytes.data() + put, bytes.size() - put, static_cast<off_t>(offset + put));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw_write_error(name_, n < 0 ? errno : EIO);
        put += static_cast<size_t>(n);
    }
}

uint64_t FilePatch::size() const {
    struct stat st {};
    if (fstat(fd_, &st) != 0) fail(std::string("cannot read back the written file to tag it: ") + std::strerror(errno));
    return static_cast<uint64_t>(st.st_size);
}

void FilePatch::fail(const std::string& what) const { throw OutputError(name_ + ": " + what); }

}  // namespace simvx
