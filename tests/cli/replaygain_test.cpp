// --replaygain: a plain file plays at the level its tags ask for. Fixtures
// are tagged by the Debian tools (metaflac, vorbiscomment, opusenc, ffmpeg's
// ID3v2 TXXX frames on a lame MP3, RVA2 frames written byte by byte); each is rendered with off, track and
// album, and the level difference is measured against the tag.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>
#include <filesystem>
#include <fstream>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

constexpr uint32_t kRate = 48000;

struct Fixture {
    TempDir dir;
    std::string wav = (dir.path() / "tone.wav").string();
    Fixture() {
        // 1 kHz at -12 dBFS peak, 2 s stereo: steady, so RMS differences are the gain.
        const auto tone = sine(1000, kRate, 2 * kRate, 0.25);
        write_wav(wav, interleave({tone, tone}, kRate), WavFormat::s16);
    }
    std::string at(const std::string& name) const { return (dir.path() / name).string(); }
    // The RMS level (dB) of `file` rendered with --replaygain `mode`.
    double level(const std::string& file, const std::string& mode) const {
        const Pcm out = render_f32(file, at("out-" + mode + ".wav"), {"--replaygain", mode});
        return rms_db(out.samples);
    }
    Pcm render(const std::string& file, const std::string& mode) const {
        return render_f32(file, at("out-" + mode + ".wav"), {"--replaygain", mode});
    }
};

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

TEST(ReplayGain, FlacTrackAndAlbumGainsPlayAtTheTaggedLevel) {
    Fixture f;
    const std::string flac = f.at("t.flac");
    sh("flac -s -f " + in_quotes(f.wav) + " -o " + in_quotes(flac));
    sh("metaflac --set-tag='REPLAYGAIN_TRACK_GAIN=-6.00 dB' --set-tag='replaygain_album_gain=+2.50 dB' " +
       in_quotes(flac));
    const double off = f.level(flac, "off");
    EXPECT_NEAR(off, -15.05, 0.05);  // a 0.25 sine: -12.04 dBFS peak, 3.01 dB below in RMS
    EXPECT_NEAR(f.level(flac, "track") - off, -6.00, 0.05);
    EXPECT_NEAR(f.level(flac, "album") - off, 2.50, 0.05);
}

TEST(ReplayGain, TheTaggedPeakHoldsTheGainBelowFullScale) {
    Fixture f;
    const std::string flac = f.at("loud.flac");
    sh("flac -s -f " + in_quotes(f.wav) + " -o " + in_quotes(flac));
    // +20 dB would clip a 0.25 peak; the gain is held at 1/0.25 = +12.04 dB.
    sh("metaflac --set-tag='REPLAYGAIN_TRACK_GAIN=+20.00 dB' --set-tag=REPLAYGAIN_TRACK_PEAK=0.250000 " + in_quotes(flac));
    const double off = f.level(flac, "off");
    const Pcm track = f.render(flac, "track");
    EXPECT_NEAR(rms_db(track.samples) - off, 12.04, 0.05);
    EXPECT_NEAR(peak_db(track.samples), 0.0, 0.05);
    EXPECT_LE(peak_db(track.samples), 0.001);
    // No album gain: album mode falls back to the track's, clamped the same way.
    EXPECT_NEAR(f.level(flac, "album") - off, 12.04, 0.05);
}

TEST(ReplayGain, AFileWithoutTagsPlaysUnchanged) {
    Fixture f;
    const std::string flac = f.at("plain.flac");
    sh("flac -s -f " + in_quotes(f.wav) + " -o " + in_quotes(flac));
    const Pcm off = f.render(flac, "off");
    const Pcm track = f.render(flac, "track");
    EXPECT_EQ(off.samples, track.samples);  // bit-exact
    const RunResult r = simvx({flac, "-v", "--replaygain", "album", "--render", f.at("v.wav")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("no ReplayGain or R128 gain tag"), std::string::npos) << r.err;
}

TEST(ReplayGain, VorbisCommentsInAnyCase) {
    Fixture f;
    const std::string ogg = f.at("t.ogg");
    sh("oggenc -Q " + in_quotes(f.wav) + " -o " + in_quotes(ogg));
    sh("vorbiscomment -a -t 'replaygain_track_gain=-4.50 dB' -t 'REPLAYGAIN_ALBUM_GAIN=-8.00 dB' " + in_quotes(ogg));
    const double off = f.level(ogg, "off");
    EXPECT_NEAR(f.level(ogg, "track") - off, -4.50, 0.1);
    EXPECT_NEAR(f.level(ogg, "album") - off, -8.00, 0.1);
}

TEST(ReplayGain, OpusR128GainsAreFiveDecibelsBelowReplayGain) {
    Fixture f;
    const std::string opus = f.at("t.opus");
    // R128 gains aim at -23 LUFS, ReplayGain's at -18: -10 dB in R128 plays at -5 dB.
    sh("opusenc --quiet --comment R128_TRACK_GAIN=-2560 --comment R128_ALBUM_GAIN=-1280 " + in_quotes(f.wav) + " " +
       in_quotes(opus));
    const double off = f.level(opus, "off");
    EXPECT_NEAR(off, -15.05, 0.1);  // opusenc writes no header gain
    EXPECT_NEAR(f.level(opus, "track") - off, -5.00, 0.1);
    EXPECT_NEAR(f.level(opus, "album") - off, 0.00, 0.1);
}

TEST(ReplayGain, Mp3Id3v2TxxxFrames) {
    Fixture f;
    const std::string plain = f.at("plain.mp3"), mp3 = f.at("t.mp3");
    sh("lame --quiet " + in_quotes(f.wav) + " " + in_quotes(plain));
    // ffmpeg writes tags it has no ID3 frame for as TXXX frames.
    sh("ffmpeg -nostdin -loglevel error -y -i " + in_quotes(plain) +
       " -c copy -metadata 'REPLAYGAIN_TRACK_GAIN=-6.00 dB' -metadata REPLAYGAIN_TRACK_PEAK=0.3 " + in_quotes(mp3));
    const double off = f.level(mp3, "off");
    EXPECT_NEAR(f.level(mp3, "track") - off, -6.00, 0.1);
    EXPECT_NEAR(f.level(mp3, "album") - off, -6.00, 0.1);
}

// An ID3v2.4 tag of RVA2 frames (identification, master volume in 1/512 dB,
// a 16-bit peak: the tone's 0.25), written here byte by byte, before a lame MP3; and one that
// also has a TXXX track gain, which wins over the RVA2 one.
std::string id3v24_tag(const std::vector<std::pair<std::string, double>>& rva2, const std::string& txxx_track_gain = "") {
    auto syncsafe = [](std::string& b, size_t n) {
        for (int shift : {21, 14, 7, 0}) b.push_back(static_cast<char>((n >> shift) & 0x7F));
    };
    auto frame = [&](std::string& body, const char* id, const std::string& content) {
        body += id;
        syncsafe(body, content.size());
        body += std::string(2, '\0');
        body += content;
    };
    std::string body;
    for (const auto& [id, db] : rva2) {
        const auto v = static_cast<uint16_t>(static_cast<int16_t>(std::lround(db * 512)));
        std::string c = id + std::string(1, '\0');
        c += {'\x01', static_cast<char>(v >> 8), static_cast<char>(v & 0xFF), '\x10', '\x20', '\x00'};  // peak 0.25
        frame(body, "RVA2", c);
    }
    if (!txxx_track_gain.empty())
        frame(body, "TXXX", std::string(1, '\x03') + "REPLAYGAIN_TRACK_GAIN" + std::string(1, '\0') + txxx_track_gain);
    body += std::string(64, '\0');  // padding
    std::string tag = "ID3\x04";
    tag += std::string(2, '\0');
    syncsafe(tag, body.size());
    return tag + body;
}

TEST(ReplayGain, Mp3Id3v2Rva2Frames) {
    Fixture f;
    const std::string plain = f.at("plain.mp3"), mp3 = f.at("rva2.mp3"), both = f.at("both.mp3");
    sh("lame --quiet " + in_quotes(f.wav) + " " + in_quotes(plain));
    const std::string audio = read_file(plain);
    std::ofstream(mp3, std::ios::binary) << id3v24_tag({{"track", -7.25}, {"album", 3.5}}) << audio;
    std::ofstream(both, std::ios::binary) << id3v24_tag({{"track", -7.25}}, "-2.00 dB") << audio;
    const double off = f.level(mp3, "off");
    const double track = f.level(mp3, "track") - off, album = f.level(mp3, "album") - off;
    EXPECT_NEAR(track, -7.25, 0.05);
    EXPECT_NEAR(album, 3.50, 0.05);
    std::printf("RVA2: track %+.3f dB (tag -7.25), album %+.3f dB (tag +3.50)\n", track, album);
    EXPECT_NEAR(f.level(both, "track") - f.level(both, "off"), -2.00, 0.05);
}

TEST(ReplayGain, IsForAudioFilesNotScenes) {
    Fixture f;
    const std::string scene = f.at("s.toml");
    std::ofstream(scene) << "[[sound]]\nfile = \"tone.wav\"\n";
    const RunResult r = simvx({scene, "--replaygain", "track", "--render", f.at("s.wav")});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--replaygain applies to audio-file inputs"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(f.at("s.wav")));
}

}  // namespace
}  // namespace simvx::test
