// Seeking prepares the scene again from a new point; what was decoded the
// first time is reused, and the voices play the same samples either way.
#include <gtest/gtest.h>

#include <filesystem>

#include "app/input_scene.hpp"
#include "assemble/prepare.hpp"
#include "core/error.hpp"
#include "support/audio.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

std::vector<float> render(PreparedScene p) {
    Engine e(p.config, std::move(p.voices), std::move(p.plan));
    const size_t ch = e.spec().channels;
    std::vector<float> out, buf(ch * 1000);
    while (size_t n = e.render(buf)) out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(ch * n));
    return out;
}

TEST(DecodedSounds, ASeekReusesWhatWasDecodedAndPlaysTheSameFrames) {
    test::TempDir dir;
    const std::string a = dir / "a.wav", b = dir / "b.wav";
    const auto l = test::sine(440, 44100, 44100, 0.5), r = test::sine(660, 44100, 44100, 0.25);
    test::write_wav(a, test::interleave({l, r}, 44100), test::WavFormat::s16);
    test::write_wav(b, test::interleave({std::vector<float>(r.begin(), r.begin() + 22050), std::vector<float>(l.begin(), l.begin() + 22050)}, 44100),
                    test::WavFormat::s16);
    Options o;
    o.inputs = {a, b};
    Scene scene = scene_from_options(o);

    DecodedSounds decoded;
    const auto whole = render(prepare_scene(scene, StreamDecoding::own_threads, &decoded));
    EXPECT_EQ(decoded.reused(), 0u);
    ASSERT_EQ(whole.size(), 2u * (44100 + 22050));

    scene.skip = 0.75;  // as the arrow keys do: from three quarters into the first file
    const auto cached = render(prepare_scene(scene, StreamDecoding::own_threads, &decoded));
    EXPECT_EQ(decoded.reused(), 2u) << "both files came from the cache";
    const auto fresh = render(prepare_scene(scene));
    EXPECT_EQ(cached, fresh);
    ASSERT_EQ(cached.size(), whole.size() - 2 * 33075);
    // The same frames, after the few milliseconds a start mid-sound fades in over.
    EXPECT_TRUE(std::equal(cached.begin() + 2 * 2000, cached.end(), whole.begin() + 2 * (33075 + 2000)));
}

// Live control plays a loaded sound again and again: once decoded, its file
// is not opened again (not even for its format), so a one-shot costs no I/O.
TEST(DecodedSounds, ASoundPlayedAgainDoesNotOpenItsFile) {
    test::TempDir dir;
    const std::string a = dir / "a.wav";
    test::write_wav(a, test::interleave({test::sine(440, 48000, 4800, 0.5)}, 48000), test::WavFormat::s16);
    Options o;
    o.inputs = {a};
    const Scene scene = scene_from_options(o);
    DecodedSounds decoded;
    const auto first = render(prepare_scene(scene, StreamDecoding::own_threads, &decoded));
    std::filesystem::remove(a);  // opening it again would fail
    const auto again = render(prepare_scene(scene, StreamDecoding::own_threads, &decoded));
    EXPECT_EQ(again, first);
    EXPECT_THROW(prepare_scene(scene), Error) << "without the cache the file is gone";
}

}  // namespace
}  // namespace simvx
