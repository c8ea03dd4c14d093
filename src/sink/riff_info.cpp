#include "sink/riff_info.hpp"

#include <cctype>

namespace simvx {
namespace {

struct Field {
    const char* key;  // as Vorbis comments name it
    const char* id;   // the RIFF INFO id (Exif 2.3's and ffmpeg's mapping)
};
constexpr Field kFields[] = {
    {"TITLE", "INAM"},     {"ARTIST", "IART"},      {"ALBUM", "IPRD"},     {"COMMENT", "ICMT"},
    {"DATE", "ICRD"},      {"GENRE", "IGNR"},       {"TRACKNUMBER", "ITRK"}, {"COPYRIGHT", "ICOP"},
    {"ENCODER", "ISFT"},   {"LANGUAGE", "ILNG"},
};

void le32(std::vector<uint8_t>& b, size_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_id(std::vector<uint8_t>& b, const char* id) { b.insert(b.end(), id, id + 4); }

}  // namespace

std::string riff_info_id(const std::string& key) {
    std::string upper = key;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const Field& f : kFields)
        if (upper == f.key) return f.id;
    return {};
}

std::string riff_info_key_names() {
    std::string names;
    for (const Field& f : kFields) {
        if (!names.empty()) names += ", ";
        for (const char* c = f.key; *c; ++c) names += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
    }
    return names;
}

// Each field a zero-terminated UTF-8 string (ffmpeg writes and reads UTF-8
// there), padded to an even length as every RIFF chunk is.
std::vector<uint8_t> riff_info_chunk(const Tags& tags) {
    std::vector<uint8_t> body;
    put_id(body, "INFO");
    bool any = false;
    for (const Tag& t : tags) {
        const std::string id = riff_info_id(t.key);
        if (id.empty()) continue;
        any = true;
        put_id(body, id.c_str());
        le32(body, t.value.size() + 1);
        body.insert(body.end(), t.value.begin(), t.value.end());
        body.push_back(0);
        if (body.size() & 1) body.push_back(0);
    }
    if (!any) return {};
    std::vector<uint8_t> chunk;
    put_id(chunk, "LIST");
    le32(chunk, body.size());
    chunk.insert(chunk.end(), body.begin(), body.end());
    return chunk;
}

}  // namespace simvx
