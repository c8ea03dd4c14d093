// An effect's parameters as its own typed struct (each effect declares one in
// its .cpp), converted from the scene's EffectConfig on the control thread and
// carried by value to Processor::update() on the audio thread. By value, so a
// live edit owns no memory (a full queue loses nothing, leaks nothing) and the
// audio thread reads no strings or maps and cannot throw: get() copies the
// struct out when it holds that type, and says no otherwise.
#pragma once
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>

namespace simvx {

class EffectParams {
public:
    // Room for the largest struct: the eq's 16 bands of 32 bytes, and a count.
    static constexpr size_t kCapacity = 528;

    EffectParams() noexcept = default;

    template <typename P>
    static EffectParams of(const P& params) noexcept {
        static_assert(std::is_trivially_copyable_v<P>, "carried by memcpy");
        static_assert(sizeof(P) <= kCapacity && alignof(P) <= alignof(std::max_align_t), "raise kCapacity");
        EffectParams e;
        std::memcpy(e.bytes_, &params, sizeof(P));
        e.tag_ = &kTag<P>;
        return e;
    }

    // Copies the struct into `out` when it holds a P; otherwise leaves `out` alone.
    template <typename P>
    bool get(P& out) const noexcept {
        if (tag_ != &kTag<P>) return false;
        std::memcpy(&out, bytes_, sizeof(P));
        return true;
    }

    // The struct where it lies when it holds a P (else nullptr): for a large
    // one read every few frames (an eq's automated bands), without a copy.
    template <typename P>
    const P* view() const noexcept {
        if (tag_ != &kTag<P>) return nullptr;
        return std::launder(reinterpret_cast<const P*>(bytes_));  // of(): memcpy made a P there
    }

    bool empty() const noexcept { return tag_ == nullptr; }

private:
    // One address per type, which names what the bytes hold.
    template <typename P>
    static constexpr char kTag = 0;

    alignas(std::max_align_t) std::byte bytes_[kCapacity] = {};
    const void* tag_ = nullptr;
};

static_assert(std::is_trivially_copyable_v<EffectParams>, "crosses threads through an SpscRing");

}  // namespace simvx
