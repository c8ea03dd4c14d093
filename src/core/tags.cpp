#include "core/tags.hpp"

#include <algorithm>
#include <cctype>

namespace simvx {

void set_tag(Tags& tags, std::string key, std::string value) {
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::toupper(c); });
    for (auto& t : tags)
        if (t.key == key) {
            t.value = std::move(value);
            return;
        }
    tags.push_back({std::move(key), std::move(value)});
}

std::string tag_key_problem(const std::string& key) {
    if (key.empty()) return "a tag needs a name before '='";
    // The Vorbis comment rule (0x20..0x7D without '='), which ID3's TXXX also takes.
    for (unsigned char c : key)
        if (c < 0x20 || c > 0x7D || c == '=')
            return "tag name '" + key + "' may hold only printable ASCII characters, without '=' or '~'";
    return {};
}

}  // namespace simvx
