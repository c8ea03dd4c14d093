// Growable sample storage that leaves new elements uninitialised instead of
// zeroing them. Decoders and converters grow it and write every new sample at
// once, so zeroing first was only an extra pass over memory (4 % of a 32-stem
// render). resize(n, value) still fills; a bare resize(n) must be followed by
// writes to every new element.
#pragma once
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace simvx {

template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
    template <typename U>
    struct rebind {
        using other = DefaultInitAllocator<U>;
    };
    using std::allocator<T>::allocator;

    template <typename U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U;  // default-initialised: no zeroing for float
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

using SampleVector = std::vector<float, DefaultInitAllocator<float>>;

}  // namespace simvx
