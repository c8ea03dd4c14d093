#include "sink/encode/byte_out.hpp"

#include <cerrno>
#include <cstdio>

#include "core/error.hpp"

namespace simvx {

bool ByteOut::put(const void* data, size_t bytes) noexcept {
    if (error_ || detached_) return false;
    if (bytes && std::fwrite(data, 1, bytes, target_.file) != bytes) error_ = errno ? errno : EIO;
    return !error_;
}

bool ByteOut::seek(uint64_t offset) noexcept {
    if (error_ || detached_ || !target_.seekable) return false;
    if (fseeko(target_.file, static_cast<off_t>(offset), SEEK_SET) != 0) error_ = errno ? errno : EIO;
    return !error_;
}

bool ByteOut::tell(uint64_t& offset) const noexcept {
    if (!target_.seekable) return false;
    const off_t at = ftello(target_.file);
    if (at < 0) return false;
    offset = static_cast<uint64_t>(at);
    return true;
}

void ByteOut::check() const {
    if (error_) throw_write_error(target_.name, error_);
}

void ByteOut::fail(const std::string& what) const {
    check();
    throw OutputError(target_.name + ": " + what);
}

}  // namespace simvx
