// Bounded single-producer single-consumer ring of trivially copyable items.
// Wait-free on both sides: the audio thread may push or pop without blocking.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <type_traits>

namespace simvx {

template <typename T>
class SpscRing {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    // Capacity is rounded up to a power of two.
    explicit SpscRing(size_t capacity) {
        size_t c = 1;
        while (c < capacity) c <<= 1;
        mask_ = c - 1;
        data_ = std::make_unique<T[]>(c);
    }

    size_t capacity() const { return mask_ + 1; }
    size_t readable() const { return tail_.load(std::memory_order_acquire) - head_.load(std::memory_order_relaxed); }
    size_t writable() const { return capacity() - (tail_.load(std::memory_order_relaxed) - head_.load(std::memory_order_acquire)); }

    // Producer side: copies as many items as fit; returns how many.
    size_t push(std::span<const T> items) {
        const size_t tail = tail_.load(std::memory_order_relaxed);
        const size_t free = capacity() - (tail - head_.load(std::memory_order_acquire));
        const size_t n = items.size() < free ? items.size() : free;
        copy_in(tail & mask_, items.data(), n);
        tail_.store(tail + n, std::memory_order_release);
        return n;
    }
    bool push(const T& item) { return push(std::span<const T>(&item, 1)) == 1; }

    // Consumer side: copies up to out.size() items; returns how many.
    size_t pop(std::span<T> out) {
        const size_t head = head_.load(std::memory_order_relaxed);
        const size_t avail = tail_.load(std::memory_order_acquire) - head;
        const size_t n = out.size() < avail ? out.size() : avail;
        copy_out(head & mask_, out.data(), n);
        head_.store(head + n, std::memory_order_release);
        return n;
    }
    bool pop(T& item) { return pop(std::span<T>(&item, 1)) == 1; }

    // Consumer side without a copy: up to `most` of the readable items, those
    // before the storage wraps (the rest come at the next call). They stay
    // the consumer's until consume() frees them.
    std::span<const T> peek(size_t most) const {
        const size_t head = head_.load(std::memory_order_relaxed);
        const size_t at = head & mask_;
        size_t n = tail_.load(std::memory_order_acquire) - head;
        n = n < capacity() - at ? n : capacity() - at;
        return {data_.get() + at, n < most ? n : most};
    }
    // Frees the first n readable items (n no more than peek() gave).
    void consume(size_t n) { head_.store(head_.load(std::memory_order_relaxed) + n, std::memory_order_release); }

private:
    // At most two contiguous pieces: up to the end of the storage, then from its start.
    void copy_in(size_t at, const T* src, size_t n) {
        const size_t first = n < capacity() - at ? n : capacity() - at;
        std::memcpy(data_.get() + at, src, first * sizeof(T));
        std::memcpy(data_.get(), src + first, (n - first) * sizeof(T));
    }
    void copy_out(size_t at, T* dst, size_t n) const {
        const size_t first = n < capacity() - at ? n : capacity() - at;
        std::memcpy(dst, data_.get() + at, first * sizeof(T));
        std::memcpy(dst + first, data_.get(), (n - first) * sizeof(T));
    }

    std::unique_ptr<T[]> data_;
    size_t mask_ = 0;
    alignas(64) std::atomic<size_t> head_{0};
    alignas(64) std::atomic<size_t> tail_{0};
};

}  // namespace simvx
