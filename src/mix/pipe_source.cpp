#include "mix/pipe_source.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "mix/decode_pipeline.hpp"

namespace simvx {
namespace {

constexpr size_t kMaxReadBytes = 64 * 1024;
constexpr size_t kHeaderReadBytes = 4096;  // before a WAV header is through, the frame size is unknown
constexpr size_t kWavMagicBytes = 12;      // "RIFF" size "WAVE": enough to tell a WAV stream from raw PCM
constexpr double kFadeSeconds = 0.005;     // the fades around a gap: no click, too short to hear as a fade

std::string describe_source(const std::string& source) {
    return source == "-" ? "stream - (standard input)" : "stream " + source;
}

}  // namespace

PipeSource::PipeSource(const PipeSetup& setup)
    : setup_(setup),
      name_(describe_source(setup.source)),
      buffer_frames_(std::max<size_t>(setup.buffer_frames, 2)),
      resume_frames_(buffer_frames_ / 2),
      ring_(buffer_frames_ * 2),
      fade_frames_(std::max<uint32_t>(1, static_cast<uint32_t>(setup.engine_rate * kFadeSeconds))),
      fade_out_pos_(fade_frames_),
      fade_in_pos_(fade_frames_) {
    if (setup.source == "-") {
        fd_ = STDIN_FILENO;
    } else {
        // Non-blocking, so that opening a FIFO does not wait for its writer;
        // poll() then waits for the writer's data.
        fd_ = ::open(setup.source.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd_ < 0) throw InputError(name_ + ": cannot open: " + std::strerror(errno));
        own_fd_ = true;
        struct stat st {};
        if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
            ::close(fd_);
            throw InputError(name_ + ": cannot open: it is a directory");
        }
    }
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
    if (wake_fd_ < 0) {
        if (own_fd_) ::close(fd_);
        throw Error(ExitCode::internal, name_ + ": eventfd: " + std::strerror(errno));
    }
    if (setup.format != PcmFormat::wav) channels_.store(setup.channels == 1 ? 1 : 2);
    thread_ = std::thread([this] { read_loop(); });
}

PipeSource::~PipeSource() {
    stop_.store(true);
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t w = ::write(wake_fd_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    ::close(wake_fd_);
    if (own_fd_) ::close(fd_);
}

void PipeSource::read_loop() noexcept {
    try {
        read_all();
    } catch (const std::exception& e) {
        error_ = e.what();
    }
    finished_.store(true, std::memory_order_release);
}

// True when the first bytes of a stream are a RIFF or RF64 WAVE header.
static bool starts_like_wav(std::span<const uint8_t> head) {
    if (head.size() < kWavMagicBytes) return false;
    return (std::memcmp(head.data(), "RIFF", 4) == 0 || std::memcmp(head.data(), "RF64", 4) == 0) &&
           std::memcmp(head.data() + 8, "WAVE", 4) == 0;
}

void PipeSource::read_all() {
    // Until the format is settled (the first 12 bytes seen, unless it is
    // wav), the bytes wait in `head`.
    std::optional<PcmFramer> framer;
    std::vector<uint8_t> head;
    std::optional<DecodePipeline> convert;
    uint32_t ch = 2;
    auto start_converting = [&] {
        DecoderInfo info;
        info.spec = AudioSpec{framer->rate(), framer->channels()};
        info.bits = framer->bits();
        convert.emplace(info, setup_.engine_rate);
        ch = convert->channels();
        channels_.store(ch, std::memory_order_release);  // before the first push: pull() relies on it
    };
    SampleVector frames, out;
    // Settles the format from what `head` holds (all of the input, at its end).
    auto settle = [&] {
        PcmFormat format = setup_.format;
        if (format != PcmFormat::wav && starts_like_wav(head)) {
            if (setup_.format_given)
                log::warn(name_ + ": the input starts with a WAV header but is read as raw " + pcm_format_name(format) +
                          " as --stream-format/format says; leave the format out (or give wav) to read its header");
            else
                format = PcmFormat::wav;
        }
        framer.emplace(format, setup_.rate, setup_.channels, name_);
        if (framer->ready()) start_converting();
        framer->feed(head, frames);
        head.clear();
        if (!convert && framer->ready()) start_converting();
    };
    if (setup_.format == PcmFormat::wav) settle();  // otherwise the first 12 bytes decide, or warn

    std::vector<uint8_t> bytes(kMaxReadBytes);
    bool any_input = false;
    while (!stop_.load(std::memory_order_relaxed)) {
        pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            throw InputError(name_ + ": cannot wait for input: " + std::strerror(errno));
        }
        if (fds[1].revents) return;  // stopping
        // Read about what the ring has room for: the rest stays in the pipe,
        // which pushes back on the producer while playback catches up.
        size_t want = framer ? kHeaderReadBytes : kWavMagicBytes - head.size();
        if (convert) {
            const size_t used = (ring_.capacity() - ring_.writable()) / ch;
            const size_t room = buffer_frames_ > used ? buffer_frames_ - used : 0;
            const size_t frame_bytes = size_t{framer->channels()} * (framer->bits() ? framer->bits() : 32) / 8;
            const double native = static_cast<double>(room) * framer->rate() / setup_.engine_rate;
            want = std::clamp<size_t>(static_cast<size_t>(native + 1) * frame_bytes, frame_bytes, kMaxReadBytes);
        }
        const ssize_t got = ::read(fd_, bytes.data(), want);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            throw InputError(name_ + ": read error: " + std::strerror(errno));
        }
        if (got == 0) break;  // end of input
        any_input = true;
        frames.clear();
        if (!framer) {
            head.insert(head.end(), bytes.begin(), bytes.begin() + got);
            if (head.size() < kWavMagicBytes) continue;
            settle();
        } else {
            framer->feed(std::span<const uint8_t>(bytes.data(), static_cast<size_t>(got)), frames);
            if (!convert && framer->ready()) start_converting();
        }
        if (frames.empty()) continue;
        out.clear();
        convert->convert(frames, out);
        if (!push(out, ch)) return;
    }
    if (stop_.load(std::memory_order_relaxed)) return;
    if (!any_input) log::warn(name_ + ": the input was empty (no bytes before its end)");
    if (!framer) {  // the input ended within its first 12 bytes
        frames.clear();
        settle();
        if (convert && !frames.empty()) {
            out.clear();
            convert->convert(frames, out);
            if (!push(out, ch)) return;
        }
    }
    if (const size_t partial = framer->finish())
        log::warn(name_ + ": the input ended inside a frame; its last " + std::to_string(partial) +
                  " byte(s) were dropped");
    if (!convert) return;  // finish() threw for a WAV header that never completed; raw formats always convert
    out.clear();
    convert->finish(out);
    push(out, ch);
    if (convert->non_finite())
        log::warn(name_ + ": " + std::to_string(convert->non_finite()) + " NaN or infinite samples replaced by silence");
}

// Pushes whole frames, never more than buffer_frames in the ring, waiting
// (on this thread) for room. False when asked to stop meanwhile.
bool PipeSource::push(std::span<const float> samples, uint32_t ch) {
    const size_t limit = buffer_frames_ * ch;
    auto pause = std::chrono::microseconds(50);
    while (!samples.empty()) {
        if (stop_.load(std::memory_order_relaxed)) return false;
        const size_t used = ring_.capacity() - ring_.writable();
        const size_t room = used < limit ? (limit - used) / ch * ch : 0;
        // Wait for a useful amount of room (half the buffer, or all that is left):
        // a few large pushes rather than one per rendered block.
        if (room >= std::min(samples.size(), limit / 2 / ch * ch) && room > 0) {
            samples = samples.subspan(ring_.push(samples.first(std::min(room, samples.size()))));
            pause = std::chrono::microseconds(50);
            continue;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(1000));
    }
    return true;
}

// Fills frames [from, frames) of a gap: the last frame played decays to zero
// over fade_frames (continuing a decay already under way), then silence.
void PipeSource::fill_gap(float* out, size_t from, size_t frames, uint32_t ch) noexcept {
    for (size_t i = from; i < frames; ++i) {
        float g = 0.0f;
        if (fade_out_pos_ < fade_frames_) g = 1.0f - static_cast<float>(++fade_out_pos_) / static_cast<float>(fade_frames_);
        for (uint32_t c = 0; c < ch; ++c) out[i * ch + c] = last_[c] * g;
    }
}

size_t PipeSource::pull(float* out, size_t frames) noexcept {
    const bool finished = finished_.load(std::memory_order_acquire);  // before reading the ring: no frame missed
    const size_t avail = ring_.readable();
    const uint32_t ch = channels_.load(std::memory_order_acquire);    // final once frames are in the ring
    const bool waiting = waiting_.load(std::memory_order_relaxed);
    size_t got = 0;
    if (!waiting || finished || avail >= resume_frames_ * ch) {
        got = ring_.pop(std::span<float>(out, std::min(frames * ch, avail / ch * ch))) / ch;
        if (got && waiting) {
            waiting_.store(false, std::memory_order_relaxed);
            if (started_) fade_in_pos_ = 0;  // back after a gap: fade in (the very start plays as it is)
            started_ = true;
        }
    }
    if (got && (fade_in_pos_ < fade_frames_ || fade_out_pos_ < fade_frames_)) {
        // Resuming: fade the audio in while what is left of the decay fades out.
        const float f = static_cast<float>(fade_frames_);
        for (size_t i = 0; i < got; ++i) {
            const float gin = fade_in_pos_ < fade_frames_ ? static_cast<float>(++fade_in_pos_) / f : 1.0f;
            const float gout = fade_out_pos_ < fade_frames_ ? 1.0f - static_cast<float>(++fade_out_pos_) / f : 0.0f;
            for (uint32_t c = 0; c < ch; ++c) out[i * ch + c] = out[i * ch + c] * gin + last_[c] * gout;
        }
    }
    if (got) std::copy_n(out + (got - 1) * ch, ch, last_);
    if (got == frames || finished) return got;  // finished: all that was buffered has played

    if (!started_) {
        // Nothing played yet (the channel count may still change): silence in either layout.
        std::memset(out, 0, frames * 2 * sizeof(float));
        return frames;
    }
    if (!waiting_.load(std::memory_order_relaxed)) {
        // The producer is late: a gap begins. Counted once, played as silence.
        waiting_.store(true, std::memory_order_relaxed);
        underruns_.fetch_add(1, std::memory_order_relaxed);
        fade_out_pos_ = 0;
    }
    fill_gap(out, got, frames, ch);
    return frames;
}

bool PipeSource::ready(size_t frames) const noexcept {
    if (finished_.load(std::memory_order_acquire)) return true;
    const uint32_t ch = channels_.load(std::memory_order_acquire);
    const size_t want = waiting_.load(std::memory_order_relaxed) ? resume_frames_ : std::min(frames, resume_frames_);
    return ring_.readable() >= want * ch;
}

std::string PipeSource::error() const {
    return finished_.load(std::memory_order_acquire) ? error_ : std::string();
}

}  // namespace simvx
