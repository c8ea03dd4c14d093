// The engine's output through its limiter (EngineConfig::output_limiter),
// with the limiter's lookahead hidden. The scene runs latency() frames ahead
// of the output: before the first frame goes out, the scene's first
// latency() frames go in (and the limiter's silent first outputs are
// dropped); after the scene's end, latency() frames of zeros push its last
// frames out. So the output has the scene's length and timing, and
// render() still returns fewer frames than asked only at the end.
// The listener (BusTap) hears each block's buses when the scene renders them
// and the output when it leaves the limiter: the lead's buses alone, the
// last frames' output alone.
#include <algorithm>

#include "mix/engine.hpp"

namespace simvx {

void Engine::deliver_block(float* block, size_t frames) noexcept {
    if (limiter_) {
        limiter_->process(block, frames);
        if (!leading_) count_overs(block, frames * config_.output.channels);
    }
    if (!tap_) return;
    if (leading_) tap_->buses(*plan_, frames);
    else tap_->block(*plan_, block, frames);
}

size_t Engine::render_limited(std::span<float> out) noexcept {
    const uint32_t ch = config_.output.channels;
    const size_t want = out.size() / ch, room = limiter_scratch_.size() / ch;
    while (lead_left_ > 0 && !finished_.load(std::memory_order_relaxed)) {
        const size_t n = std::min(lead_left_, room);
        leading_ = true;
        const size_t got = render_scene(std::span<float>(limiter_scratch_.data(), n * ch));
        leading_ = false;
        lead_left_ -= got;
        dropped_left_ -= got;
        if (got < n) break;
    }
    size_t done = 0;
    if (!finished_.load(std::memory_order_relaxed)) done = render_scene(out);
    // After the scene's end: zeros push out what the lookahead still holds
    // (dropping what is left of the silent first outputs, for a scene shorter than the lookahead).
    while (done < want && flush_left_ > 0) {
        const size_t n = std::min({flush_left_, room, dropped_left_ + want - done});
        float* z = limiter_scratch_.data();
        std::fill_n(z, n * ch, 0.0f);
        limiter_->process(z, n);
        flush_left_ -= n;
        const size_t drop = std::min(dropped_left_, n);
        dropped_left_ -= drop;
        const size_t real = n - drop;
        std::copy_n(z + drop * ch, real * ch, out.data() + done * ch);
        count_overs(z + drop * ch, real * ch);
        if (tap_ && real) tap_->output(out.data() + done * ch, real);
        done += real;
    }
    return done;
}

}  // namespace simvx
