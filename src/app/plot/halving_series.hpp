// A value per stretch of time in bounded memory, however long the signal:
// cells of a fixed length are appended, and when their count reaches the
// bound, neighbours merge pairwise and each cell covers twice as long. A
// six-hour render keeps as many cells as a six-second one, each longer.
// `Cell` has `void merge(const Cell&)` (associative; both cover equal time).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace simvx {

template <class Cell>
class HalvingSeries {
public:
    // Cell i covers frames [i·cell_frames() − offset, (i+1)·cell_frames() − offset).
    HalvingSeries(uint64_t base_frames, size_t max_cells, uint64_t offset = 0)
        : base_frames_(base_frames), cell_frames_(base_frames), max_cells_(max_cells & ~size_t{1}), offset_(offset) {
        if (base_frames == 0 || max_cells_ < 2) throw std::invalid_argument("HalvingSeries: empty cells or no room");
        cells_.reserve(max_cells_);
    }

    // One cell of `base_frames`, the next in time.
    void push(Cell c) {
        if (pending_n_ == 0) pending_ = std::move(c);
        else pending_.merge(c);
        if (++pending_n_ < cell_frames_ / base_frames_) return;
        cells_.push_back(std::move(pending_));
        pending_n_ = 0;
        if (cells_.size() < max_cells_) return;
        for (size_t i = 0; i < max_cells_ / 2; ++i) {
            cells_[i] = std::move(cells_[2 * i]);
            cells_[i].merge(cells_[2 * i + 1]);
        }
        cells_.resize(max_cells_ / 2);
        cell_frames_ *= 2;
    }

    uint64_t cell_frames() const noexcept { return cell_frames_; }
    // Complete cells, and the one still filling (it covers less time).
    size_t size() const noexcept { return cells_.size() + (pending_n_ ? 1 : 0); }
    const Cell& operator[](size_t i) const { return i < cells_.size() ? cells_[i] : pending_; }

    // The cells that overlap frames [from, to), merged; none when none do.
    std::optional<Cell> over(uint64_t from, uint64_t to) const {
        if (to <= from || size() == 0) return std::nullopt;
        const uint64_t first = (from + offset_) / cell_frames_;
        const uint64_t last = std::min<uint64_t>((to - 1 + offset_) / cell_frames_, size() - 1);
        if (first > last) return std::nullopt;
        Cell out = (*this)[first];
        for (uint64_t i = first + 1; i <= last; ++i) out.merge((*this)[i]);
        return out;
    }

private:
    uint64_t base_frames_, cell_frames_;
    size_t max_cells_;
    uint64_t offset_;
    std::vector<Cell> cells_;
    Cell pending_{};
    size_t pending_n_ = 0;
};

}  // namespace simvx
