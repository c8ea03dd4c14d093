#include "sink/file_sink.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "core/log.hpp"
#include "sink/encode/make_writer.hpp"

namespace simvx {
namespace {

namespace fs = std::filesystem;

// mkstemp's template for the partial file of `target`, in its folder.
constexpr const char* kPartialMarker = ".partial-";

// A partial file of ours: "." + name + ".partial-" + mkstemp's six characters.
bool is_partial_of(const std::string& file, const std::string& name) {
    const std::string prefix = "." + name + kPartialMarker;
    if (file.size() != prefix.size() + 6 || file.compare(0, prefix.size(), prefix) != 0) return false;
    for (size_t i = prefix.size(); i < file.size(); ++i)
        if (!std::isalnum(static_cast<unsigned char>(file[i]))) return false;
    return true;
}

// A render killed outright (SIGKILL, a crash, a power cut) leaves its partial
// file beside the target. Every writer holds an exclusive flock on its partial
// for as long as it runs, so one that can be locked has no writer left; it is
// also at least a second old, so a file another run has only just created
// (and not yet locked) is never taken for one. Those are removed, and said.
void remove_stale_partials(const fs::path& dir, const std::string& name) {
    std::error_code ec;
    size_t removed = 0;
    uintmax_t bytes = 0;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string file = entry.path().filename().string();
        if (!is_partial_of(file, name) || !entry.is_regular_file(ec)) continue;
        const auto age = fs::file_time_type::clock::now() - entry.last_write_time(ec);
        if (ec || age < std::chrono::seconds(1)) continue;
        const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) continue;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            const uintmax_t size = entry.file_size(ec);
            if (::unlink(entry.path().c_str()) == 0) {
                ++removed;
                bytes += ec ? 0 : size;
            }
        }
        ::close(fd);
    }
    if (removed == 0) return;
    char mb[32];
    std::snprintf(mb, sizeof mb, "%.1f MB", static_cast<double>(bytes) / 1e6);
    log::warn("removed " + std::to_string(removed) + (removed == 1 ? " partial file" : " partial files") + " (" + mb +
              ") that an interrupted render of " + name + " left in " + dir.string());
}

}  // namespace

FileSink::FileSink(std::string target, Encoding encoding, std::optional<uint64_t> expected_frames, bool dither,
                   std::function<Tags()> late_tags)
    : target_(std::move(target)),
      encoding_(std::move(encoding)),
      expected_frames_(expected_frames),
      late_tags_(std::move(late_tags)) {
    const bool integer = !is_lossy(encoding_.codec) && encoding_.format != SampleFormat::f32;
    if (dither && integer) dither_.emplace(encoding_.format == SampleFormat::s16 ? 16 : 24);
}

FileSink::~FileSink() { abort(); }

void FileSink::open(const AudioSpec& spec) {
    constexpr size_t kPeriod = 16384;  // large blocks: one write(2) of 64 KiB or more each
    configure(spec, kPeriod);
    if (dither_) dithered_.resize(kPeriod * spec.channels);
    const fs::path target(target_);
    std::error_code ec;
    const auto status = fs::status(target, ec);
    if (fs::is_directory(status)) throw OutputError(target_ + ": is a directory; give a file name to render to");
    if (target_ == "-" || (fs::exists(status) && !fs::is_regular_file(status))) {
        // Standard output, a FIFO or a device: written in place, never replaced.
        file_ = target_ == "-" ? stdout : std::fopen(target_.c_str(), "wb");
        if (!file_) throw OutputError(target_ + ": cannot open the output: " + std::strerror(errno));
    } else {
        const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
        remove_stale_partials(dir, target.filename().string());
        std::string tmpl = (dir / ("." + target.filename().string() + kPartialMarker + "XXXXXX")).string();
        const int fd = mkstemp(tmpl.data());
        if (fd < 0) throw OutputError(target_ + ": cannot create the output in " + dir.string() + ": " + std::strerror(errno));
        // Held until the file is closed: says "a writer is alive" to the next run.
        flock(fd, LOCK_EX | LOCK_NB);
        temp_ = tmpl;
        file_ = fdopen(fd, "wb");
        if (!file_) {
            ::close(fd);
            discard_temp();
            throw OutputError(target_ + ": cannot open the output: " + std::strerror(errno));
        }
    }
    // Only a regular file can have its header patched at the end.
    struct stat st {};
    const bool seekable = fstat(fileno(file_), &st) == 0 && S_ISREG(st.st_mode) && ftello(file_) == 0;
    // Late tags need the file read back and rewritten: only our own temporary file.
    if (late_tags_ && temp_.empty()) {
        log::info(describe() + ": not a regular file, so it gets no tags measured at the end (loudness)");
        late_tags_ = nullptr;
    }
    writer_ = make_writer(WriterTarget{file_, target_ == "-" ? "standard output" : target_, seekable, spec,
                                       expected_frames_, static_cast<bool>(late_tags_)},
                          encoding_);
}

void FileSink::deliver(std::span<const float> frames) {
    if (!dither_) return writer_->write(frames);
    const std::span<float> d(dithered_.data(), frames.size());
    std::copy(frames.begin(), frames.end(), d.begin());
    dither_->apply(d);
    writer_->write(d);
}

void FileSink::finish() {
    try {
        join();
        writer_->finalize();
        if (late_tags_) writer_->add_late_tags(late_tags_());
    } catch (...) {
        abort();
        throw;
    }
    if (temp_.empty()) {
        if (file_ != stdout && std::fclose(file_) != 0) {
            file_ = nullptr;
            throw OutputError(target_ + ": write failed: " + std::strerror(errno));
        }
        file_ = nullptr;
        return;
    }
    // mkstemp made the file private; give it the permissions a new file gets.
    const mode_t mask = umask(0);
    umask(mask);
    fchmod(fileno(file_), 0666 & ~mask);
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!closed || std::rename(temp_.c_str(), target_.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        discard_temp();
        throw OutputError(target_ + ": cannot complete the output: " + why);
    }
    temp_.clear();
}

void FileSink::abort() noexcept {
    stop_thread();
    discard_temp();
}

void FileSink::discard_temp() noexcept {
    writer_.reset();  // before its file goes
    if (file_ && file_ != stdout) std::fclose(file_);
    file_ = nullptr;
    if (!temp_.empty()) ::unlink(temp_.c_str());
    temp_.clear();
}

std::string FileSink::describe() const {
    return describe_encoding(encoding_) + " to " + (target_ == "-" ? "standard output" : target_);
}

}  // namespace simvx
