// The audio thread is sacred: across Engine::render, on a scene that uses
// every effect, a sidechain, varispeed, 3D with doppler and a path, a sound
// streamed from disk, a looped one and a live PCM stream, automation (sound
// volume and pan, a bus volume, a filter's cutoff, the reverb's room size,
// every curve and a loop), and while live edits
// and a crossfaded plan swap arrive, the rendering thread allocates nothing,
// frees nothing and takes no mutex. Counted, not assumed: this binary replaces
// the global operator new/delete and pthread_mutex_lock, and counts the calls
// made by the thread that renders, only while it is inside render().
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <thread>

#include "assemble/prepare.hpp"
#include "scene/loader.hpp"
#include "support/audio.hpp"
#include "support/tempdir.hpp"

namespace {

thread_local bool t_counting = false;  // this thread is inside Engine::render
std::atomic<uint64_t> g_allocations{0}, g_frees{0}, g_locks{0};

void* counted_alloc(size_t n, size_t align = 0) {
    if (t_counting) g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (n == 0) n = 1;
    void* p = align > alignof(std::max_align_t) ? std::aligned_alloc(align, (n + align - 1) / align * align) : std::malloc(n);
    if (!p) throw std::bad_alloc();
    return p;
}

void counted_free(void* p) noexcept {
    if (p && t_counting) g_frees.fetch_add(1, std::memory_order_relaxed);
    std::free(p);
}

}  // namespace

void* operator new(size_t n) { return counted_alloc(n); }
void* operator new[](size_t n) { return counted_alloc(n); }
void* operator new(size_t n, std::align_val_t a) { return counted_alloc(n, static_cast<size_t>(a)); }
void* operator new[](size_t n, std::align_val_t a) { return counted_alloc(n, static_cast<size_t>(a)); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
    try {
        return counted_alloc(n);
    } catch (...) {
        return nullptr;
    }
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, size_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { counted_free(p); }

// std::mutex, std::condition_variable's wait and most of libc's locking go
// through pthread_mutex_lock: this one counts, then calls libc's, found once
// before main (no thread exists yet, and dlsym takes no pthread mutex).
namespace {
using MutexLock = int (*)(pthread_mutex_t*);
MutexLock g_real_lock = nullptr;
__attribute__((constructor(101))) void find_real_lock() {
    g_real_lock = reinterpret_cast<MutexLock>(dlsym(RTLD_NEXT, "pthread_mutex_lock"));
}
}  // namespace

extern "C" int pthread_mutex_lock(pthread_mutex_t* m) {
    if (t_counting) g_locks.fetch_add(1, std::memory_order_relaxed);
    if (!g_real_lock) find_real_lock();
    return g_real_lock(m);
}

namespace simvx {
namespace {

struct Counts {
    uint64_t allocations = 0, frees = 0, locks = 0;
};

Counts counts() { return {g_allocations.load(), g_frees.load(), g_locks.load()}; }

TEST(Realtime, TheCountersSeeAllocationsAndLocks) {
    // The hooks are live in this binary (not bypassed by an inlined allocator).
    const Counts before = counts();
    t_counting = true;
    auto* p = new std::vector<int>(100);
    std::mutex m;
    m.lock();
    m.unlock();
    delete p;
    t_counting = false;
    const Counts after = counts();
    EXPECT_EQ(after.allocations - before.allocations, 2u);  // the vector and its elements
    EXPECT_EQ(after.frees - before.frees, 2u);
    EXPECT_GE(after.locks - before.locks, 1u);
}

const char* kEverything = R"(version = 1
[engine]
sample_rate = 48000
duration = 3.0
latency_ms = 20

[listener]
position = [0, 0, 0]

[[bus]]
name = "Master"
[[bus.effect]]
type = "limiter"
ceiling_db = -1.0

[[bus]]
name = "Music"
sends = [ { bus = "Verb", volume_db = -6.0 } ]
[[bus.effect]]
type = "compressor"
threshold_db = -30
ratio = 6
sidechain = "Voice"
[[bus.effect]]
type = "eq"
bands = [ { type = "peaking", freq = 1000, q = 1.0, gain_db = 3.0 }, { type = "lowshelf", freq = 120, q = 0.7, gain_db = -2.0 } ]
[[bus.effect]]
type = "lowpass"
cutoff_hz = { points = [[0, 8000], [0.5, 500, "exponential"], [1, 8000, "target", 0.1]], loop = true }
[[bus.effect]]
type = "highpass"
cutoff_hz = 40
[[bus.effect]]
type = "bandpass"
cutoff_hz = 1000
q = 0.5
[[bus.effect]]
type = "notch"
cutoff_hz = 3000

[[bus]]
name = "Verb"
volume_db = { points = [[0, -6], [0.5, 0, "step"], [1, -3]] }
[[bus.effect]]
type = "reverb"
room_size = { points = [[0, 0.8], [1, 0.3]] }
[[bus.effect]]
type = "delay"
time_seconds = 0.2
[[bus.effect]]
type = "softclip"
drive = 3
[[bus.effect]]
type = "gain"
volume_db = -3

[[bus]]
name = "Voice"

[[sound]]
name = "bed"
file = "bed.wav"
bus = "Music"
loop = true
fade_in = 0.2
volume_db = { points = [[0, -20], [0.3, -3, "exponential"]] }
pan = { points = [[0, -1], [0.25, 1], [0.5, -1]], loop = true }

[[sound]]
name = "long"
file = "long.wav"
bus = "Music"
stream = true
from_position = 0.5

[[sound]]
name = "pitched"
file = "tone.wav"
bus = "Voice"
pitch = 1.37
start = 0.3

[[sound]]
name = "flyby"
file = "tone.wav"
bus = "Verb"
loop = true
volume_db = { points = [[0, 0], [2, -12]] }
[sound.spatial]
path = [ [0.0, -20.0, 0.0, -2.0], [3.0, 20.0, 0.0, -2.0] ]
attenuation = "inverse"

[[stream]]
source = "voice.raw"
format = "s16"
rate = 16000
channels = 1
bus = "Voice"
)";

// Renders `scene_text` (kEverything, or a variant) with live edits between
// blocks, counting allocations, frees and locks inside Engine::render.
void expect_rendering_allocates_nothing(const std::string& scene_text) {
    test::TempDir dir;
    test::write_wav(dir / "bed.wav", test::interleave({test::sine(220, 44100, 44100), test::sine(330, 44100, 44100)}, 44100),
                    test::WavFormat::s16);
    test::write_wav(dir / "long.wav", test::interleave({test::sine(440, 48000, 4 * 48000)}, 48000), test::WavFormat::f32);
    test::write_wav(dir / "tone.wav", test::interleave({test::sine(550, 22050, 22050)}, 22050), test::WavFormat::s16);
    test::write_file(dir / "voice.raw", test::to_s16le(test::sine(300, 16000, 3 * 16000)));
    test::write_file(dir / "all.toml", scene_text);

    const Scene scene = load_scene_file(dir / "all.toml");
    PreparedScene p = prepare_scene(scene, StreamDecoding::own_threads);
    PreparedScene again = prepare_scene(scene, StreamDecoding::own_threads);  // a reload, as --watch makes
    Engine engine(p.config, std::move(p.voices), std::move(p.plan));
    const size_t ch = engine.spec().channels;
    std::vector<float> block(ch * 960), out;
    out.reserve(ch * 4 * 48000);

    auto id_of = [&](const std::string& name) {
        for (size_t i = 0; i < scene.sounds.size(); ++i)
            if (scene.sounds[i].name == name) return i;
        ADD_FAILURE() << "no sound " << name;
        return size_t{0};
    };
    const size_t flyby = id_of("flyby");

    const Counts before = counts();
    size_t blocks = 0;
    for (;;) {
        // Live edits from this (control) thread, between blocks: a bus fade, a
        // voice fade, a release, a crossfaded plan swap, and live control's.
        bool queued = true;
        if (blocks == 20) queued = engine.ramp_bus_gain(1, 0.5f, 2400);
        if (blocks == 30) queued = engine.ramp_voice_gain(0, 0.7f, 960);
        if (blocks == 40) engine.replace_plan(std::move(again.plan), 4800);
        if (blocks == 100) queued = engine.release_voice(3, 4800);
        // Live control's edits: pan, pitch and a pause of a voice; a 3D
        // source and the listener moved (their paths emptied, not freed).
        if (blocks == 50) queued = engine.ramp_voice_pan(0, {0.3f, 0.9f}, 480) && engine.pause_voice(0, true, 480);
        if (blocks == 60) queued = engine.pause_voice(0, false, 480) && engine.set_voice_ratio(flyby, 1.1);
        if (blocks == 70) queued = engine.move_voice(flyby, {3, 0, -1}, {0, 0, 2});
        if (blocks == 80) queued = engine.move_listener({0, 0, 1}, {0, 0, 0}, {0, 0, -1}, {0, 1, 0});
        EXPECT_TRUE(queued) << "block " << blocks;
        t_counting = true;
        const size_t n = engine.render(block);
        t_counting = false;
        if (n == 0) break;
        out.insert(out.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n * ch));
        ++blocks;
        engine.collect_retired();
        // Live pace, roughly: the decoding and stream threads keep up as they would.
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    const Counts after = counts();

    EXPECT_EQ(after.allocations - before.allocations, 0u);
    EXPECT_EQ(after.frees - before.frees, 0u);
    EXPECT_EQ(after.locks - before.locks, 0u);
    // And it did render the scene: three seconds, with sound in them.
    EXPECT_EQ(out.size(), ch * 3 * 48000);
    EXPECT_GT(test::rms_db(out), -40.0);
}

TEST(Realtime, RenderingAllocatesNothingAndTakesNoLock) { expect_rendering_allocates_nothing(kEverything); }

// Binaural 3D: the fly-by's ears' filters are interpolated from the HRTF
// set's grid and crossfaded every block, into buffers made at setup.
TEST(Realtime, BinauralRenderingAllocatesNothingAndTakesNoLock) {
    std::string scene = kEverything;
    const std::string engine = "latency_ms = 20\n";
    scene.replace(scene.find(engine), engine.size(), engine + "spatial = \"hrtf\"\nair_absorption = 1\n");
    expect_rendering_allocates_nothing(scene);
}

}  // namespace
}  // namespace simvx
