// What an input that no decoder takes looks like, from its first bytes: the
// name the error message gives it ("an ELF executable", "Ogg Speex audio").
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace simvx::sniff {

// The format when the bytes start with the signature of one simvxplay does
// not decode (executables, images, archives, fonts, documents, other audio
// containers, Ogg streams of other codecs). Such an input is refused before
// MPEG audio is looked for, since chance frame headers hide in any data.
std::optional<std::string> other_format(std::span<const uint8_t> head);

// The description for the "not a supported audio file" message.
std::string describe(std::span<const uint8_t> head);

}  // namespace simvx::sniff
