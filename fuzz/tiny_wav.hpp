// Shared by the fuzz targets that name sound files: a tiny valid WAV, so
// that inputs naming it get past "no such file" into the rest of the checks,
// in a temporary folder that goes when the fuzzer exits.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <initializer_list>
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

// A folder /tmp/simvx-fuzz-NAME-XXXXXX holding tiny WAVs of these names,
// removed at exit (a function-local static's destructor), so fuzz runs
// leave nothing behind in /tmp but after a crash.
class TinyWavFolder {
public:
    TinyWavFolder(const std::string& name, std::initializer_list<const char*> wavs) {
        std::string pattern = "/tmp/simvx-fuzz-" + name + "-XXXXXX";
        if (::mkdtemp(pattern.data())) path_ = pattern;
        for (const char* wav : wavs) write_tiny_wav(dir() + "/" + wav);
    }
    ~TinyWavFolder() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }
    TinyWavFolder(const TinyWavFolder&) = delete;
    TinyWavFolder& operator=(const TinyWavFolder&) = delete;

    // The folder ("/tmp" when it could not be made: the inputs then fail on "no such file").
    std::string dir() const { return path_.empty() ? "/tmp" : path_; }

private:
    std::string path_;
};

}  // namespace
