// Tags in a WAV render: RIFF's LIST/INFO chunk, the one tag list WAV readers
// know (ffmpeg, sox, Windows, most editors). It has a fixed set of fields,
// each a four-letter id, so only the keys that have one can be written; the
// front end refuses the others before anything is opened.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tags.hpp"

namespace simvx {

// The INFO field a tag key (any case) goes into (TITLE: INAM, ARTIST: IART,
// ...), or empty when INFO has none.
std::string riff_info_id(const std::string& key);
// The keys INFO takes, for messages: "title, artist, ...".
std::string riff_info_key_names();
// The whole LIST chunk (header included, even length), or nothing without tags.
std::vector<uint8_t> riff_info_chunk(const Tags& tags);

}  // namespace simvx
