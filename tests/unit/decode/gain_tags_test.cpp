// The ReplayGain/R128 tag parser: what the decoders hand to --replaygain.
#include <gtest/gtest.h>

#include "decode/gain_tags.hpp"

namespace simvx {
namespace {

TEST(GainTags, ReplayGainCommentsInAnyCaseWithOrWithoutTheUnit) {
    GainTags t;
    read_replaygain_comment("REPLAYGAIN_TRACK_GAIN=-6.50 dB", t);
    read_replaygain_comment("replaygain_track_peak=0.988525", t);
    read_replaygain_comment("ReplayGain_Album_Gain=+3.2dB", t);
    read_replaygain_comment("REPLAYGAIN_ALBUM_PEAK= 1.000000 ", t);
    EXPECT_DOUBLE_EQ(*t.track_gain_db, -6.5);
    EXPECT_DOUBLE_EQ(*t.track_peak, 0.988525);
    EXPECT_DOUBLE_EQ(*t.album_gain_db, 3.2);
    EXPECT_DOUBLE_EQ(*t.album_peak, 1.0);
    EXPECT_FALSE(t.empty());
}

TEST(GainTags, UnreadableValuesAndOtherCommentsAreIgnored) {
    GainTags t;
    read_replaygain_comment("REPLAYGAIN_TRACK_GAIN=loud", t);
    read_replaygain_comment("REPLAYGAIN_TRACK_GAIN=-6 dB extra", t);
    read_replaygain_comment("REPLAYGAIN_ALBUM_GAIN=-200 dB", t);  // beyond any real gain
    read_replaygain_comment("REPLAYGAIN_TRACK_PEAK=-1", t);
    read_replaygain_comment("REPLAYGAIN_TRACK_GAIN", t);  // no value
    read_replaygain_comment("TITLE=-6 dB", t);
    read_replaygain_comment("R128_TRACK_GAIN=-256", t);   // not a Vorbis/FLAC tag
    EXPECT_TRUE(t.empty());
    EXPECT_FALSE(t.track_peak);
}

TEST(GainTags, Id3FieldsTakeTheKeyApart) {
    GainTags t;
    read_replaygain_field("replaygain_track_gain", "-1.25 dB", t);
    EXPECT_DOUBLE_EQ(*t.track_gain_db, -1.25);
}

TEST(GainTags, R128GainsAreQ78DecibelsFiveBelowReplayGain) {
    GainTags t;
    read_r128_comment("R128_TRACK_GAIN=-2560", t);  // -10 dB to -23 LUFS = -5 dB to -18 LUFS
    read_r128_comment("r128_album_gain=384", t);    // +1.5 dB
    EXPECT_DOUBLE_EQ(*t.track_gain_db, -5.0);
    EXPECT_DOUBLE_EQ(*t.album_gain_db, 6.5);
    GainTags bad;
    read_r128_comment("R128_TRACK_GAIN=-6.5", bad);    // must be an integer
    read_r128_comment("R128_ALBUM_GAIN=40000", bad);   // beyond Q7.8
    read_r128_comment("REPLAYGAIN_TRACK_GAIN=-6 dB", bad);  // RFC 7845 forbids it in Opus
    EXPECT_TRUE(bad.empty());
}

}  // namespace
}  // namespace simvx
