// The tags of a rendered file (title, artist, ...): key/value pairs in the
// order they are written, keys as Vorbis comments name them (upper case).
// The scene's [engine] keys and --tag fill it; whoever measures loudness may
// add REPLAYGAIN_*/R128_* pairs before the output opens. Each encoder writes
// them in its container's form (Vorbis comments, ID3v2).
#pragma once
#include <string>
#include <vector>

namespace simvx {

struct Tag {
    std::string key;    // upper case, printable ASCII without '='
    std::string value;  // UTF-8
    friend bool operator==(const Tag&, const Tag&) = default;
};
using Tags = std::vector<Tag>;

// Sets `key` (upper-cased) to `value`, replacing an earlier value of that key.
void set_tag(Tags& tags, std::string key, std::string value);
// Why `key` cannot be a tag name (empty, '=', control characters), or empty when it can.
std::string tag_key_problem(const std::string& key);

}  // namespace simvx
