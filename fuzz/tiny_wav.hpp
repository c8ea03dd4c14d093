// Shared by the fuzz targets that name sound files: a tiny valid WAV, so
// that inputs naming it get past "no such file" into the rest of the checks.
#pragma once
#include <cstdio>
#include <string>

namespace {

// 44-byte header plus 4 frames of 16-bit mono silence at 48 kHz.
void write_tiny_wav(const std::string& path) {
    static const unsigned char wav[] = {
        'R', 'I', 'F', 'F', 44, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ', 16, 0, 0, 0, 1, 0, 1, 0,
        0x80, 0xBB, 0, 0, 0x00, 0x77, 1, 0, 2, 0, 16, 0, 'd', 'a', 't', 'a', 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(wav, 1, sizeof wav, f);
        std::fclose(f);
    }
}

}  // namespace
