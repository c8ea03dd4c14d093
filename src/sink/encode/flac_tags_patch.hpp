// Tags added to a finished FLAC file in place (late tags: --stats' loudness,
// known only once the audio is encoded), through libFLAC's metadata chain,
// as metaflac adds them: into the VORBIS_COMMENT block, the PADDING block the
// encoder wrote after it giving up the room, so the audio does not move.
#pragma once
#include "core/tags.hpp"
#include "sink/encode/file_patch.hpp"

namespace simvx {

// The PADDING block the encoder writes when late tags are to come. A new
// VORBIS_COMMENT block needs its vendor string too; the loudness tags take
// about 70 bytes.
constexpr unsigned kFlacTagRoom = 512;

// Throws OutputError when the file's metadata cannot be read or the tags do
// not fit in the padding.
void add_flac_comments(const FilePatch& file, const Tags& tags);

}  // namespace simvx
