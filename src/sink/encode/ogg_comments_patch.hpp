// Tags added to a finished Ogg Vorbis or Ogg Opus file in place (late tags:
// --stats' loudness, known only once the audio is encoded). The comment
// header is the packet that begins the stream's second page; its encoder left
// zeros after the comments (libopusenc's padding; the Vorbis encoder's own,
// after the framing bit), and the new comments go there, so no byte after
// the packet moves. Its pages get new checksums.
#pragma once
#include <string_view>

#include "core/tags.hpp"
#include "sink/encode/file_patch.hpp"

namespace simvx {

// The room the Vorbis encoder keeps after its comment header (the loudness
// tags take about 70 bytes).
constexpr size_t kVorbisCommentRoom = 160;

// `magic`: the packet's first bytes ("\x03vorbis", "OpusTags"). `framing`:
// Vorbis ends the comment list with a framing byte, which moves after the
// new comments. Throws OutputError when the file is not as written or the
// tags do not fit.
void add_ogg_comments(const FilePatch& file, std::string_view magic, bool framing, const Tags& tags);

}  // namespace simvx
