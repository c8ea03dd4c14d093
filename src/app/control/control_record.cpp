#include "app/control/control_record.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "core/log.hpp"

namespace simvx {

ControlRecord::ControlRecord(std::string path) : path_(std::move(path)) {
    const std::filesystem::path p(path_);
    temp_ = (p.parent_path() / ("." + p.filename().string() + ".partial-" + std::to_string(::getpid()))).string();
    file_ = std::fopen(temp_.c_str(), "wx");
    if (!file_) throw OutputError("--record-control " + path_ + ": cannot create " + temp_ + ": " + std::strerror(errno));
}

ControlRecord::~ControlRecord() {
    try {
        finish();
    } catch (const std::exception& e) {
        log::error(e.what());
    }
}

void ControlRecord::write(const std::string& line) {
    if (!file_ || failed_) return;
    if (std::fputs(line.c_str(), file_) < 0 || std::fputc('\n', file_) == EOF || std::fflush(file_) != 0) {
        failed_ = true;
        log::error("--record-control " + path_ + ": write failed: " + std::strerror(errno));
    }
}

void ControlRecord::finish() {
    if (!file_) return;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!closed || failed_) throw OutputError("--record-control " + path_ + ": not written in full; what was recorded is in " + temp_);
    if (std::rename(temp_.c_str(), path_.c_str()) != 0)
        throw OutputError("--record-control " + path_ + ": cannot rename " + temp_ + " into place: " + std::strerror(errno));
}

}  // namespace simvx
