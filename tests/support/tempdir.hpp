// A fresh folder for one test, removed afterwards.
#pragma once
#include <filesystem>
#include <string>

namespace simvx::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// Writes text or bytes to a file (fixtures).
void write_file(const std::string& path, const std::string& contents);
std::string read_file(const std::string& path);

}  // namespace simvx::test
