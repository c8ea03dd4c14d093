// The HRTF set's direction grid against libmysofa itself: at a grid point
// the filters are mysofa_getfilter_float's for that direction, between grid
// points they are the bilinear mix of the four around, directions are read
// in SOFA's axes (azimuth counterclockwise, 90° = left), and a file that is
// not a SOFA set is an InputError naming it.
#include "spatial/hrtf_set.hpp"

#include <gtest/gtest.h>
#include <mysofa.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <numbers>
#include <vector>

#include "core/error.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

Vec3 direction(double azimuth, double elevation) {
    const double a = azimuth * std::numbers::pi / 180, e = elevation * std::numbers::pi / 180;
    return {std::cos(e) * std::cos(a), std::cos(e) * std::sin(a), std::sin(e)};
}

double energy(const std::vector<float>& x) {
    double e = 0;
    for (float v : x) e += double(v) * v;
    return e;
}

class HrtfSetTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { set_ = load_hrtf_set(kDefaultHrtfFile, 48000); }
    static std::shared_ptr<const HrtfSet> set_;
    std::vector<float> l = std::vector<float>(set_->taps()), r = std::vector<float>(set_->taps());
};
std::shared_ptr<const HrtfSet> HrtfSetTest::set_;

TEST_F(HrtfSetTest, AGridPointIsLibmysofasFilter) {
    int length = 0, err = 0;
    MYSOFA_EASY* easy = mysofa_open(kDefaultHrtfFile, 48000, &length, &err);
    ASSERT_NE(easy, nullptr);
    std::vector<float> ml(static_cast<size_t>(length)), mr(static_cast<size_t>(length));
    for (auto [az, el] : {std::pair{0, 0}, {90, 0}, {215, 30}, {340, -40}}) {
        float c[3] = {static_cast<float>(az), static_cast<float>(el), 1.0f};
        mysofa_s2c(c);
        float dl = 0, dr = 0;
        mysofa_getfilter_float(easy, c[0], c[1], c[2], ml.data(), mr.data(), &dl, &dr);
        set_->filter_at(direction(az, el), l.data(), r.data());
        double worst = 0;
        for (size_t k = 0; k < set_->taps(); ++k) {
            const float want_l = k < ml.size() ? ml[k] : 0.0f, want_r = k < mr.size() ? mr[k] : 0.0f;
            worst = std::max({worst, double(std::fabs(l[k] - want_l)), double(std::fabs(r[k] - want_r))});
        }
        EXPECT_LT(worst, 1e-6) << az << "/" << el;
    }
    mysofa_close(easy);
}

TEST_F(HrtfSetTest, BetweenGridPointsTheFiltersAreBilinear) {
    std::vector<float> a(set_->taps()), b(set_->taps()), c(set_->taps()), d(set_->taps()), skip(set_->taps());
    set_->filter_at(direction(30, 10), a.data(), skip.data());
    set_->filter_at(direction(35, 10), b.data(), skip.data());
    set_->filter_at(direction(30, 15), c.data(), skip.data());
    set_->filter_at(direction(35, 15), d.data(), skip.data());
    // 1/5 of the way in azimuth, 3/5 in elevation.
    set_->filter_at(direction(31, 13), l.data(), r.data());
    const float wa = 0.2f, we = 0.6f;
    double worst = 0;
    for (size_t k = 0; k < set_->taps(); ++k) {
        const float want = (1 - wa) * (1 - we) * a[k] + wa * (1 - we) * b[k] + (1 - wa) * we * c[k] + wa * we * d[k];
        worst = std::max(worst, double(std::fabs(l[k] - want)));
    }
    EXPECT_LT(worst, 1e-5);
}

TEST_F(HrtfSetTest, LeftIsCounterclockwiseAndTheSetIsShared) {
    set_->filter_at({0, 1, 0}, l.data(), r.data());  // y: left
    EXPECT_GT(10 * std::log10(energy(l) / energy(r)), 10.0);
    set_->filter_at({0, -1, 0}, l.data(), r.data());
    EXPECT_LT(10 * std::log10(energy(l) / energy(r)), -10.0);
    EXPECT_EQ(load_hrtf_set(kDefaultHrtfFile, 48000).get(), set_.get());  // read once
}

TEST_F(HrtfSetTest, PeakGainBoundsEveryFiltersMagnitude) {
    // A direct DFT of filters on and between grid points, at frequencies off the FFT's bins.
    double worst = 0;
    for (auto [az, el] : {std::pair{0.0, 0.0}, {90.0, 0.0}, {31.0, 13.0}, {250.0, -35.0}}) {
        set_->filter_at(direction(az, el), l.data(), r.data());
        for (double f = 37.3; f < 24000; f *= 1.013)
            for (const auto* h : {&l, &r}) {
                std::complex<double> sum = 0;
                for (size_t k = 0; k < h->size(); ++k) sum += double((*h)[k]) * std::polar(1.0, -2 * std::numbers::pi * f * double(k) / 48000);
                worst = std::max(worst, std::abs(sum));
            }
    }
    EXPECT_GT(set_->peak_gain(), 1.0f);  // normalised KEMAR: the near ear's resonances, 18 dB up
    EXPECT_LT(set_->peak_gain(), 20.0f);
    // Within 0.1 dB: the FFT samples the responses every 11.7 Hz.
    EXPECT_LE(worst, set_->peak_gain() * 1.0116) << 20 * std::log10(worst) << " dB vs " << 20 * std::log10(set_->peak_gain());
    std::printf("peak gain %.2f dB, worst direct DFT %.2f dB\n", 20 * std::log10(set_->peak_gain()), 20 * std::log10(worst));
}

TEST(HrtfSet, NotASofaFileIsAnInputErrorNamingIt) {
    test::TempDir dir;
    const std::string fake = dir / "fake.sofa";
    test::write_file(fake, "nothing like HDF5");
    for (const std::string& path : {fake, std::string(dir / "missing.sofa")}) {
        try {
            HrtfSet set(path, 48000);
            ADD_FAILURE() << path << " was read";
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        }
    }
}

}  // namespace
}  // namespace simvx
