// --record-control FILE: the accepted commands, one JSON line each with the
// frame it took effect at, ready for --control-script. Written under a
// temporary name beside FILE and renamed when the run ends, so an existing
// FILE is never replaced by half a recording; each line is flushed as it is
// written, so a crash leaves what was recorded in the temporary file.
#pragma once
#include <cstdio>
#include <string>

namespace simvx {

class ControlRecord {
public:
    explicit ControlRecord(std::string path);  // throws OutputError when it cannot be created
    ~ControlRecord();                          // finishes, if finish() was not called
    ControlRecord(const ControlRecord&) = delete;
    ControlRecord& operator=(const ControlRecord&) = delete;

    void write(const std::string& line);
    // Closes and renames into place; throws OutputError on failure.
    void finish();

private:
    std::string path_, temp_;
    std::FILE* file_ = nullptr;
    bool failed_ = false;
};

}  // namespace simvx
