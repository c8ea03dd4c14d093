#include "spatial/hrtf_set.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <numbers>

#include "core/error.hpp"
#include "dsp/fft.hpp"
#include "spatial/mysofa_api.hpp"

namespace simvx {
namespace {

std::string why_not_sofa(int err) {
    switch (err) {
        case MYSOFA_READ_ERROR: return "cannot be read as a SOFA (HDF5) file";
        case MYSOFA_INVALID_FORMAT:
        case MYSOFA_UNSUPPORTED_FORMAT: return "not a SOFA file libmysofa can read";
        case MYSOFA_NO_MEMORY: return "out of memory reading it";
        case MYSOFA_INVALID_ATTRIBUTES:
        case MYSOFA_INVALID_DIMENSIONS:
        case MYSOFA_INVALID_DIMENSION_LIST:
        case MYSOFA_INVALID_COORDINATE_TYPE:
        case MYSOFA_ONLY_EMITTER_WITH_ECI_SUPPORTED:
        case MYSOFA_ONLY_DELAYS_WITH_IR_OR_MR_SUPPORTED:
        case MYSOFA_ONLY_THE_SAME_SAMPLING_RATE_SUPPORTED:
        case MYSOFA_RECEIVERS_WITH_RCI_SUPPORTED:
        case MYSOFA_RECEIVERS_WITH_CARTESIAN_SUPPORTED:
        case MYSOFA_INVALID_RECEIVER_POSITIONS:
        case MYSOFA_ONLY_SOURCES_WITH_MC_SUPPORTED:
            return "not a SimpleFreeFieldHRIR set (libmysofa error " + std::to_string(err) + ")";
        default: return "libmysofa error " + std::to_string(err);
    }
}

// Closes the libmysofa handle however the load ends.
struct Easy {
    MYSOFA_EASY* p = nullptr;
    const mysofa_lib::Api& sofa;
    ~Easy() {
        if (p) sofa.mysofa_close(p);
    }
};

}  // namespace

HrtfSet::HrtfSet(const std::string& path, uint32_t rate) : path_(path), rate_(rate) {
    // libmysofa's own errors do not say "no such file": ask the file system first.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw InputError(path + ": cannot open the HRTF set: " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw InputError(path + ": cannot open the HRTF set: it is not a regular file");
    const mysofa_lib::Api& sofa = mysofa_lib::require(path);
    int length = 0, err = 0;
    Easy easy{sofa.mysofa_open(path.c_str(), static_cast<float>(rate), &length, &err), sofa};
    if (!easy.p || err != MYSOFA_OK || length <= 0)
        throw InputError(path + ": not a usable HRTF set: " + why_not_sofa(easy.p ? err : (err ? err : MYSOFA_READ_ERROR)));

    // Each grid point: libmysofa's interpolation between the measured
    // directions around it (a measured direction itself where the grid meets
    // one), with the file's broadband delays put into the responses.
    const auto n = static_cast<size_t>(length);
    std::vector<float> left(n), right(n);
    struct Raw {
        size_t delay_left, delay_right;
    };
    std::vector<Raw> delays(static_cast<size_t>(kAzimuths) * kElevations);
    std::vector<float> raw(delays.size() * 2 * n);
    size_t max_delay = 0;
    for (int e = 0; e < kElevations; ++e)
        for (int a = 0; a < kAzimuths; ++a) {
            float c[3] = {static_cast<float>(a * kAzimuthStep), static_cast<float>(e * kElevationStep - 90), 1.0f};
            sofa.mysofa_s2c(c);
            float dl = 0, dr = 0;
            sofa.mysofa_getfilter_float(easy.p, c[0], c[1], c[2], left.data(), right.data(), &dl, &dr);
            const size_t i = static_cast<size_t>(e) * kAzimuths + static_cast<size_t>(a);
            delays[i] = {static_cast<size_t>(std::lround(std::max(0.0f, dl) * static_cast<float>(rate))),
                         static_cast<size_t>(std::lround(std::max(0.0f, dr) * static_cast<float>(rate)))};
            max_delay = std::max({max_delay, delays[i].delay_left, delays[i].delay_right});
            std::copy(left.begin(), left.end(), raw.begin() + static_cast<std::ptrdiff_t>(i * 2 * n));
            std::copy(right.begin(), right.end(), raw.begin() + static_cast<std::ptrdiff_t>(i * 2 * n + n));
        }
    // A multiple of 8 taps: the convolution's inner loops then need no tail.
    taps_ = (n + max_delay + 7) / 8 * 8;
    grid_.assign(delays.size() * 2 * taps_, 0.0f);
    for (size_t i = 0; i < delays.size(); ++i) {
        const float* src = raw.data() + i * 2 * n;
        float* dst = grid_.data() + i * 2 * taps_;
        std::copy(src, src + n, dst + delays[i].delay_left);
        std::copy(src + n, src + 2 * n, dst + taps_ + delays[i].delay_right);
    }
    RealFft fft(std::max<size_t>(4096, taps_));
    float peak = 0;
    for (size_t f = 0; f < 2 * delays.size(); ++f) {
        const auto input = fft.input();
        std::fill(input.begin(), input.end(), 0.0f);
        std::copy(grid_.data() + f * taps_, grid_.data() + (f + 1) * taps_, input.begin());
        for (const std::complex<float>& bin : fft.forward()) peak = std::max(peak, std::abs(bin));
    }
    peak_gain_ = peak;
}

void HrtfSet::filter_at(const Vec3& dir, float* left, float* right) const noexcept {
    constexpr double kDeg = 180 / std::numbers::pi;
    double azimuth = std::atan2(dir[1], dir[0]) * kDeg;  // counterclockwise from ahead, as SOFA's
    if (azimuth < 0) azimuth += 360;
    const double elevation = std::atan2(dir[2], std::hypot(dir[0], dir[1])) * kDeg;
    const double fa = azimuth / kAzimuthStep, fe = std::clamp((elevation + 90) / kElevationStep, 0.0, kElevations - 1.0);
    const int a0 = std::min(static_cast<int>(fa), kAzimuths - 1), e0 = std::min(static_cast<int>(fe), kElevations - 2);
    const int a1 = (a0 + 1) % kAzimuths, e1 = e0 + 1;
    const auto wa = static_cast<float>(fa - a0), we = static_cast<float>(fe - e0);
    const float w00 = (1 - wa) * (1 - we), w10 = wa * (1 - we), w01 = (1 - wa) * we, w11 = wa * we;
    const float* p00 = node(a0, e0);
    const float* p10 = node(a1, e0);
    const float* p01 = node(a0, e1);
    const float* p11 = node(a1, e1);
    for (size_t k = 0; k < taps_; ++k) {
        left[k] = w00 * p00[k] + w10 * p10[k] + w01 * p01[k] + w11 * p11[k];
        right[k] = w00 * p00[taps_ + k] + w10 * p10[taps_ + k] + w01 * p01[taps_ + k] + w11 * p11[taps_ + k];
    }
}

std::shared_ptr<const HrtfSet> load_hrtf_set(const std::string& path, uint32_t rate) {
    static std::mutex lock;
    static std::map<std::pair<std::string, uint32_t>, std::shared_ptr<const HrtfSet>> sets;
    std::lock_guard guard(lock);
    auto& set = sets[{path, rate}];
    if (!set) set = std::make_shared<const HrtfSet>(path, rate);
    return set;
}

}  // namespace simvx
