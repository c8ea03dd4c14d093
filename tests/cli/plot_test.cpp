// --plot and the picture of a failed --expect, read back as pixels: the
// geometry the writer drew with (app/plot/page_layout.hpp) says where a
// 1 kHz row, the column of 2 s or the tolerance line must be.
#include <cairo.h>
#include <gtest/gtest.h>

#include <csignal>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>
#include <thread>

#include "app/plot/page_layout.hpp"
#include "app/plot/plot_style.hpp"
#include "cli_support.hpp"

namespace simvx::test {
namespace {

// A PNG as cairo reads it back.
class Picture {
public:
    explicit Picture(const std::string& path) : s_(cairo_image_surface_create_from_png(path.c_str())) {}
    ~Picture() { cairo_surface_destroy(s_); }
    bool ok() const { return cairo_surface_status(s_) == CAIRO_STATUS_SUCCESS; }
    int width() const { return cairo_image_surface_get_width(s_); }
    int height() const { return cairo_image_surface_get_height(s_); }
    Rgb at(double x, double y) const {
        const auto* row = cairo_image_surface_get_data(s_) + static_cast<ptrdiff_t>(y) * cairo_image_surface_get_stride(s_);
        const uint32_t p = reinterpret_cast<const uint32_t*>(row)[static_cast<int>(x)];
        return {static_cast<uint8_t>(p >> 16), static_cast<uint8_t>(p >> 8), static_cast<uint8_t>(p)};
    }

private:
    cairo_surface_t* s_;
};

bool same(Rgb a, Rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }
// Drawn on a strip: neither its background nor its grid.
bool ink(Rgb c) { return !same(c, plot_colour::strip) && !same(c, plot_colour::grid); }
bool reddish(Rgb c) { return c.r > 150 && c.g < 120 && c.b < 120; }

// Ink pixels in column x of a strip.
int ink_in_column(const Picture& p, const Strip& s, double x) {
    int n = 0;
    for (int y = static_cast<int>(s.top); y < static_cast<int>(s.bottom); ++y) n += ink(p.at(x, y));
    return n;
}

class Plot : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& name) const { return dir / name; }
    std::string stereo(const std::string& name, const std::vector<float>& mono) {
        write_wav(at(name), interleave({mono, mono}, 48000), WavFormat::f32);
        return at(name);
    }
};

// A 4 s, 1 kHz tone at -6 dBFS: the spectrogram's row for 1 kHz is bright
// in every column the tone fills, and every row further than 10 px (about
// 230 Hz at 1 kHz) from it is dark.
TEST_F(Plot, AToneIsABrightRowAtItsFrequencyAndNowhereElse) {
    const auto in = stereo("tone.wav", sine(1000, 48000, 4 * 48000, 0.5));
    RunResult r = simvx({in, "--render", at("out.wav"), "--plot", at("tone.png"), "-v"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("plot: wrote " + at("tone.png")), std::string::npos) << r.err;
    const PageLayout page = plot_page_layout(kDefaultPlotWidth, 4.0, 48000, {});
    Picture p(at("tone.png"));
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p.width(), page.width);
    EXPECT_EQ(p.height(), page.height);
    const Strip& spec = *page.find(StripKind::spectrogram);
    const double row = page.y_of(spec, 1000);
    for (double t = 0.5; t <= 3.5; t += 0.25) {
        const double x = page.x_of(t) + 2;  // beside the time grid line
        EXPECT_GT(brightness(p.at(x, row)), 200) << "t = " << t;
        int bright_elsewhere = 0;
        for (int y = static_cast<int>(spec.top); y < static_cast<int>(spec.bottom); ++y)
            if (std::fabs(y - row) > 10 && brightness(p.at(x, y)) > 60) ++bright_elsewhere;
        EXPECT_EQ(bright_elsewhere, 0) << "t = " << t;
    }
}

// 50 ms of tone at t = 2 s in 4 s of silence: the waveform's columns for
// 2.00..2.05 s reach ±0.5 (half the strip), every other column is the zero line.
TEST_F(Plot, ABurstShowsInTheWaveformsColumnForItsTime) {
    std::vector<float> silence(4 * 48000, 0.0f);
    const auto burst = sine(1000, 48000, 2400, 0.5, std::numbers::pi / 2);
    std::copy(burst.begin(), burst.end(), silence.begin() + 2 * 48000);
    const auto in = stereo("burst.wav", silence);
    RunResult r = simvx({in, "--render", at("out.wav"), "--plot", at("burst.png")});
    ASSERT_EQ(r.status, 0) << r.err;
    const PageLayout page = plot_page_layout(kDefaultPlotWidth, 4.0, 48000, {});
    Picture p(at("burst.png"));
    ASSERT_TRUE(p.ok());
    const Strip& wave = *page.find(StripKind::waveform);
    const double half = (wave.bottom - wave.top) / 2;
    EXPECT_GT(ink_in_column(p, wave, page.x_of(2.025)), half * 0.9);
    for (int x = static_cast<int>(page.left); x < static_cast<int>(page.right); ++x) {
        const double t0 = page.time_at(x), t1 = page.time_at(x + 1);
        if (t1 > 2.0 && t0 < 2.05) continue;  // the burst's columns
        EXPECT_LE(ink_in_column(p, wave, x), 2) << "column " << x << " (" << t0 << " s)";
    }
}

// A reference that differs by -80 dBFS throughout and by a 20 ms burst of
// 0.05 at 1.7 s: the failed --expect draws out.diff.png beside the render;
// its residual line is highest in the column of 1.7 s, and the dashed
// tolerance line crosses the strip at -90 dBFS.
TEST_F(Plot, AFailedExpectDrawsTheResidualWhereItPeaks) {
    const size_t n = 3 * 48000;
    const auto program = sine(440, 48000, n, 0.3);
    auto ref = program;
    const auto hum = sine(3000, 48000, n, 1e-4);
    for (size_t i = 0; i < n; ++i) ref[i] += hum[i];
    const auto burst = sine(5000, 48000, 960, 0.05);
    for (size_t i = 0; i < burst.size(); ++i) ref[i + 81600] += burst[i];  // 1.7 s
    const auto in = stereo("in.wav", program);
    const auto reference = stereo("ref.wav", ref);
    RunResult r = simvx({in, "--render", at("out.wav"), "--render-format", "f32", "--expect", reference});
    ASSERT_EQ(r.status, 6) << r.err;
    EXPECT_NE(r.err.find(at("out.diff.png")), std::string::npos) << r.err;
    Picture p(at("out.diff.png"));
    ASSERT_TRUE(p.ok());
    const PageLayout page = diff_page_layout(kDefaultPlotWidth, 3.0, 48000, -90);
    EXPECT_EQ(p.width(), page.width);
    EXPECT_EQ(p.height(), page.height);
    const Strip& res = *page.find(StripKind::residual);
    int best_x = -1;
    double best_y = res.bottom;
    for (int x = static_cast<int>(page.left); x < static_cast<int>(page.right); ++x)
        for (int y = static_cast<int>(res.top); y < static_cast<int>(res.bottom); ++y)
            if (reddish(p.at(x, y))) {
                if (y < best_y) best_y = y, best_x = x;
                break;
            }
    ASSERT_GE(best_x, 0) << "no residual line";
    EXPECT_NEAR(page.time_at(best_x + 0.5), 1.71, 0.015);
    EXPECT_NEAR(page.value_at(res, best_y), -26.0, 2.0);  // 0.05 peak
    // Elsewhere the line lies at -80 dBFS (the hum's peak).
    for (double t : {0.5, 1.0, 2.5}) {
        int top = -1;
        for (int y = static_cast<int>(res.top); y < static_cast<int>(res.bottom) && top < 0; ++y)
            if (reddish(p.at(page.x_of(t) + 2, y))) top = y;
        EXPECT_NEAR(page.value_at(res, top), -80.0, 1.5) << "t = " << t;
    }
    // The tolerance line: dark dashes along the row of -90 dBFS.
    const double tol = std::round(page.y_of(res, -90));
    int dark = 0;
    for (int x = static_cast<int>(page.left) + 200; x < static_cast<int>(page.right); ++x) dark += brightness(p.at(x, tol)) < 80;
    EXPECT_GT(dark, (page.right - page.left - 200) * 0.4);

    // With --plot FILE, the diff picture goes beside it; and a passing --expect draws none.
    r = simvx({in, "--render", at("out2.wav"), "--render-format", "f32", "--expect", reference, "--plot", at("p.png")});
    EXPECT_EQ(r.status, 6) << r.err;
    EXPECT_TRUE(std::filesystem::exists(at("p.png")));
    EXPECT_TRUE(std::filesystem::exists(at("p.diff.png")));
    r = simvx({in, "--render", at("same.wav"), "--render-format", "f32", "--expect", at("out.wav")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_FALSE(std::filesystem::exists(at("same.diff.png")));
}

// --plot-buses: one more waveform strip per bus, each showing its own bus.
TEST_F(Plot, PlotBusesAddsAStripPerBus) {
    stereo("a.wav", sine(500, 48000, 48000, 0.5));
    stereo("b.wav", sine(700, 48000, 48000, 0.5));
    std::ofstream(at("buses.toml")) << R"(version = 1
[engine]
duration = 2.0
[[bus]]
name = "Master"
[[bus]]
name = "First"
[[bus]]
name = "Second"
[[sound]]
name = "a"
file = "a.wav"
bus = "First"
[[sound]]
name = "b"
file = "b.wav"
bus = "Second"
start = 1.0
)";
    RunResult r = simvx({at("buses.toml"), "--render", at("out.wav"), "--plot", at("b.png"), "--plot-buses"});
    ASSERT_EQ(r.status, 0) << r.err;
    const PageLayout page = plot_page_layout(kDefaultPlotWidth, 2.0, 48000, {"First", "Second"});
    EXPECT_EQ(page.count(StripKind::waveform), 3u);  // the output and two buses
    Picture p(at("b.png"));
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p.height(), page.height);
    const Strip& first = page.strips[3];
    const Strip& second = page.strips[4];
    EXPECT_EQ(first.label, "Bus First");
    EXPECT_GT(ink_in_column(p, first, page.x_of(0.5) + 2), 40);
    EXPECT_LE(ink_in_column(p, first, page.x_of(1.5) + 2), 2);
    EXPECT_LE(ink_in_column(p, second, page.x_of(0.5) + 2), 2);
    EXPECT_GT(ink_in_column(p, second, page.x_of(1.5) + 2), 40);
    // Without --plot-buses the page has the three strips of the output only.
    ASSERT_EQ(simvx({at("buses.toml"), "--render", at("out.wav"), "--plot", at("o.png")}).status, 0);
    EXPECT_EQ(Picture(at("o.png")).height(), plot_page_layout(kDefaultPlotWidth, 2.0, 48000, {}).height);
}

// .svg: well-formed XML of the page's size, the spectrogram as its one image.
TEST_F(Plot, SvgIsWellFormedWithTheStrips) {
    if (!have_tool("xmllint")) GTEST_SKIP() << "xmllint not installed";
    const auto in = stereo("tone.wav", sine(1000, 48000, 48000, 0.5));
    RunResult r = simvx({in, "--render", at("out.wav"), "--plot", at("p.svg")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(run({"xmllint", "--noout", at("p.svg")}).status, 0);
    std::stringstream text;
    text << std::ifstream(at("p.svg")).rdbuf();
    const std::string svg = text.str();
    const PageLayout page = plot_page_layout(kDefaultPlotWidth, 1.0, 48000, {});
    EXPECT_NE(svg.find("width=\"" + std::to_string(page.width) + "pt\""), std::string::npos);
    EXPECT_NE(svg.find("height=\"" + std::to_string(page.height) + "pt\""), std::string::npos);
    size_t images = 0;
    for (size_t at = 0; (at = svg.find("<image", at)) != std::string::npos; ++at) ++images;
    EXPECT_EQ(images, 1u);
}

// --null plays through the live path (a metering thread behind a ring):
// the same picture, written when playback ends.
TEST_F(Plot, LivePlaybackDrawsToo) {
    const auto in = stereo("tone.wav", sine(1000, 48000, 48000, 0.5));
    RunResult r = simvx({in, "--null", "--plot", at("live.png")});
    ASSERT_EQ(r.status, 0) << r.err;
    Picture p(at("live.png"));
    ASSERT_TRUE(p.ok());
    const PageLayout page = plot_page_layout(kDefaultPlotWidth, 1.0, 48000, {});
    EXPECT_EQ(p.height(), page.height);
    const Strip& spec = *page.find(StripKind::spectrogram);
    EXPECT_GT(brightness(p.at(page.x_of(0.5) + 2, page.y_of(spec, 1000))), 200);
}

// Ctrl-C ends a live run: the picture of what played is still written, and the run exits 130.
TEST_F(Plot, AnInterruptedRunIsDrawnToo) {
    const auto in = stereo("tone.wav", sine(1000, 48000, 48000, 0.5));
    Child play({bin(), in, "--loop", "--duration", "36000", "--null", "--plot", at("int.png"), "-v"}, at("log.txt"));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    auto log_text = [&] {
        std::stringstream t;
        t << std::ifstream(at("log.txt")).rdbuf();
        return t.str();
    };
    while (log_text().find("output:") == std::string::npos && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // some of it played
    EXPECT_EQ(play.stop(SIGINT, 20), 130);
    EXPECT_NE(log_text().find("plot: wrote " + at("int.png")), std::string::npos) << log_text();
    Picture p(at("int.png"));
    ASSERT_TRUE(p.ok());
    const PageLayout page = plot_page_layout(kDefaultPlotWidth, 1.0, 48000, {});
    EXPECT_EQ(p.height(), page.height);
    const Strip& spec = *page.find(StripKind::spectrogram);
    EXPECT_GT(brightness(p.at((page.left + page.right) / 2, page.y_of(spec, 1000))), 200);
}

TEST_F(Plot, RefusesWhatItCannotDraw) {
    const auto in = stereo("tone.wav", sine(1000, 48000, 4800, 0.5));
    RunResult r = simvx({in, "--render", at("out.wav"), "--plot", at("p.jpg")});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(".png or .svg"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(at("out.wav")));
    r = simvx({in, "--render", at("out.wav"), "--plot-buses"});
    EXPECT_EQ(r.status, 2) << r.err;
    // A folder that does not exist: the output error names the file, and no partial picture is left.
    r = simvx({in, "--render", at("out.wav"), "--plot", at("nowhere/p.png")});
    EXPECT_EQ(r.status, 5) << r.err;
    EXPECT_NE(r.err.find(at("nowhere/p.png")), std::string::npos) << r.err;
}

}  // namespace
}  // namespace simvx::test
