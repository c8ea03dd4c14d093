#include "sink/pulse_channel_map.hpp"

#include "core/speakers.hpp"

namespace simvx {

pa_channel_position_t pulse_position(uint32_t speaker_bit) {
    switch (speaker_bit) {
        case speaker::FL: return PA_CHANNEL_POSITION_FRONT_LEFT;
        case speaker::FR: return PA_CHANNEL_POSITION_FRONT_RIGHT;
        case speaker::FC: return PA_CHANNEL_POSITION_FRONT_CENTER;
        case speaker::LFE: return PA_CHANNEL_POSITION_LFE;
        // WAV's "back" is PulseAudio's "rear"; its "side" is the same word.
        case speaker::BL: return PA_CHANNEL_POSITION_REAR_LEFT;
        case speaker::BR: return PA_CHANNEL_POSITION_REAR_RIGHT;
        case speaker::FLC: return PA_CHANNEL_POSITION_FRONT_LEFT_OF_CENTER;
        case speaker::FRC: return PA_CHANNEL_POSITION_FRONT_RIGHT_OF_CENTER;
        case speaker::BC: return PA_CHANNEL_POSITION_REAR_CENTER;
        case speaker::SL: return PA_CHANNEL_POSITION_SIDE_LEFT;
        case speaker::SR: return PA_CHANNEL_POSITION_SIDE_RIGHT;
        default: return PA_CHANNEL_POSITION_AUX0;
    }
}

pa_channel_map pulse_channel_map(uint32_t channels) {
    pa_channel_map map{};
    map.channels = static_cast<uint8_t>(channels);
    if (channels == 1) {
        map.map[0] = PA_CHANNEL_POSITION_MONO;
        return map;
    }
    const uint32_t mask = speaker::default_mask(channels);
    int aux = 0;
    for (uint32_t c = 0; c < channels && c < PA_CHANNELS_MAX; ++c) {
        const uint32_t bit = speaker::speaker_of(mask, c);
        map.map[c] = bit ? pulse_position(bit) : static_cast<pa_channel_position_t>(PA_CHANNEL_POSITION_AUX0 + aux++);
    }
    return map;
}

}  // namespace simvx
