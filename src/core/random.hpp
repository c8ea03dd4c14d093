// Deterministic random numbers for reproducible variation: the same seed
// gives the same numbers on every machine and compiler (the standard
// library's distributions do not promise that, so they are not used).
// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit state, one add and
// three xor-shift-multiplies a number; good enough for sound design, and a
// stream can be started from any 64-bit key.
#pragma once
#include <cstdint>
#include <string_view>

namespace simvx {

// 64-bit FNV-1a of a string: a stable key for a name.
constexpr uint64_t fnv1a(std::string_view s) noexcept {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    return h;
}

class Random {
public:
    explicit constexpr Random(uint64_t seed) noexcept : state_(seed) {}
    // A stream of its own for each key under one seed: streams of different
    // keys do not shift one another.
    constexpr Random(uint64_t seed, std::string_view key) noexcept : state_(mix(seed ^ mix(fnv1a(key)))) {}

    constexpr uint64_t next() noexcept { return mix(state_ += 0x9e3779b97f4a7c15ull); }
    // Uniform in [0, 1), 53 bits.
    constexpr double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform in [lo, hi] (hi reached only when lo == hi).
    constexpr double between(double lo, double hi) noexcept { return lo + (hi - lo) * unit(); }
    // Uniform in 0..n-1 (n > 0).
    constexpr uint64_t below(uint64_t n) noexcept { return static_cast<uint64_t>(unit() * static_cast<double>(n)) % n; }

private:
    static constexpr uint64_t mix(uint64_t z) noexcept {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    uint64_t state_;
};

}  // namespace simvx
