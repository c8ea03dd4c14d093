// The player's terminal side: key parsing and the status line's text.
#include <gtest/gtest.h>

#include "app/ui/status_line.hpp"
#include "app/ui/terminal_keys.hpp"

namespace simvx {
namespace {

std::vector<Key> keys_of(std::string bytes) {
    std::vector<Key> keys;
    size_t used = 0;
    while (!bytes.empty()) {
        const auto k = parse_key(bytes, used);
        if (!used) break;
        if (k) keys.push_back(*k);
        bytes.erase(0, used);
    }
    return keys;
}

TEST(TerminalKeys, ParsesLettersAndArrowSequences) {
    EXPECT_EQ(keys_of(" q\033[A\033[B\033[C\033[D+-"),
              (std::vector<Key>{Key::pause, Key::quit, Key::volume_up, Key::volume_down, Key::seek_forward,
                                Key::seek_back, Key::volume_up, Key::volume_down}));
    EXPECT_EQ(keys_of("\033OC"), std::vector<Key>{Key::seek_forward});  // application cursor mode
    EXPECT_EQ(keys_of("xyz"), std::vector<Key>{});                      // other keys do nothing
}

TEST(TerminalKeys, WaitsForTheRestOfAnEscapeSequence) {
    size_t used = 9;
    EXPECT_FALSE(parse_key("\033[", used));
    EXPECT_EQ(used, 0u);
    EXPECT_EQ(keys_of("\033q"), std::vector<Key>{Key::quit});  // a lone ESC, then q
}

TEST(StatusLine, MeterBarsFollowTheLevelInDecibels) {
    EXPECT_EQ(meter_bar(1.0f, 8), "########");
    EXPECT_EQ(meter_bar(0.0f, 8), "........");
    EXPECT_EQ(meter_bar(0.0631f, 8), "####....");  // -24 dBFS: half of the -48..0 scale
    EXPECT_EQ(meter_bar(1.5f, 8), "#######!");     // went above full scale
}

TEST(StatusLine, ShowsTimeMetersUnderrunsAndFitsTheWidth) {
    StatusInfo info;
    info.position_s = 62.5;
    info.length_s = 180.0;
    info.meters = {{"Master", 1.0f}, {"Music", 0.0631f}};
    info.underruns = 3;
    info.volume_db = -6;
    const std::string wide = format_status(info, 200);
    EXPECT_EQ(wide, "playing 1:02.5 / 3:00.0  Master ########  Music ####....  vol -6 dB  underruns 3");
    const std::string narrow = format_status(info, 50);
    EXPECT_LE(narrow.size(), 50u);
    EXPECT_EQ(narrow.rfind("playing 1:02.5 / 3:00.0", 0), 0u);
    EXPECT_NE(narrow.find("underruns 3"), std::string::npos);  // meters go first, the counts stay
    info.paused = true;
    EXPECT_EQ(format_status(info, 200).rfind("paused  1:02.5", 0), 0u);
}

}  // namespace
}  // namespace simvx
