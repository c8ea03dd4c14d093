// Scene → everything the engine needs: each file opened once to learn its
// format, short or looping sounds decoded into memory (in parallel, each file
// once), long ones streamed from disk, timing checked against the real
// lengths, voices set up in frames.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "decode/decoder.hpp"
#include "mix/engine.hpp"
#include "mix/sample_buffer.hpp"
#include "scene/scene.hpp"

namespace simvx {

// What --check and -v say about a file.
struct FileSummary {
    std::string format;
    uint32_t rate = 0, channels = 0;
    std::optional<double> seconds;
    bool streamed = false;
};

struct PreparedScene {
    EngineConfig config;
    std::vector<VoiceSetup> voices;
    std::unique_ptr<RenderPlan> plan;          // the bus graph, compiled
    std::map<std::string, FileSummary> files;  // by path
    // The length rule over every sound, those a skip (--start-at) passed
    // included, in frames; none when a sound loops without a duration.
    std::optional<uint64_t> full_length;
    // An offline render waits for streamed sources this many frames at a time
    // (no more than any of them promises to buffer).
    size_t offline_chunk_frames = 4096;
};

// What makes a sound's timing impossible in a file of `len` frames at `unit`
// Hz (from_position or the loop region past its end), worded for the user;
// empty when it can play. The render and --check share it.
std::string timing_problem(const SoundDesc& s, uint64_t len, uint32_t unit);

// `stream = "auto"` streams sounds longer than this (looping ones only when
// much longer: a short loop is decoded once and looped from memory).
inline constexpr double kStreamAutoSeconds = 20.0;
inline constexpr double kStreamAutoLoopSeconds = 120.0;

// Who decodes streamed sounds: a thread of their own each (live playback,
// where the audio thread must never wait), or the thread that renders, just
// before it needs the frames (an offline render: no deadline to protect).
// `none` is for --check: nothing will play, so a streamed sound is only
// opened to learn its format and length (no thread, no buffer, no source: its
// voice has a null source), and no decoder stays open past that.
enum class StreamDecoding { own_threads, render_thread, none };

// Sounds decoded into memory, kept from one prepare_scene() to the next on
// the same files: a seek in the player prepares the scene again from the new
// point, and decoding every file again made each key press wait for it.
// Keyed by path and rate; lives as long as the playback (files are not
// re-read if they change meanwhile).
class DecodedSounds {
public:
    // A file decoded at `rate` into `channels` (decoded_channels(): a surround
    // mix keeps a file's own, a pitched sound takes it downmixed).
    SharedBuffer find(const std::string& path, uint32_t rate, uint32_t channels) const;
    void keep(const std::string& path, uint32_t rate, SharedBuffer buffer);  // under the buffer's own channels
    size_t reused() const { return reused_; }  // how many finds hit
    // What opening the file said of it: a sound played again from memory
    // needs no second look at its file (live control's one-shots).
    const DecoderInfo* find_info(const std::string& path) const;
    void keep_info(const std::string& path, const DecoderInfo& info) { infos_[path] = info; }

private:
    std::map<std::tuple<std::string, uint32_t, uint32_t>, SharedBuffer> buffers_;  // path, rate, channels
    std::map<std::string, DecoderInfo, std::less<>> infos_;
    mutable size_t reused_ = 0;
};

// Throws InputError listing every sound that cannot be used (file:line:col
// first). With `decoded`, sounds found there are not decoded again, and those
// decoded are kept there.
// `with_plan` false leaves the plan out: what live control wants when it
// plays one more sound into a running mix (its buses are already built).
// A bus's fader gain as its plan holds it: 0 muted, 1 when an envelope
// carries its volume (the plan applies that per sample), else its volume.
// What a live edit ramps the fader to (--watch, control), and what a rebuilt
// plan starts from.
float bus_fader_gain(const BusDesc& b);

PreparedScene prepare_scene(const Scene& scene, StreamDecoding streams = StreamDecoding::own_threads,
                            DecodedSounds* decoded = nullptr, bool with_plan = true);

}  // namespace simvx
