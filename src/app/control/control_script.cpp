#include "app/control/control_script.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "app/control/request.hpp"
#include "core/error.hpp"

namespace simvx {

ControlScript ControlScript::read(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot read the control script");
    ControlScript script;
    script.path_ = path;
    uint64_t previous = 0;
    size_t line_no = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_no;
        const std::string where = path + ":" + std::to_string(line_no) + ": ";
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines are allowed
        nlohmann::json j;
        try {
            j = Request::parse(line).json();
        } catch (const RequestError& e) {
            throw InputError(where + e.what());
        }
        const auto f = j.find("frame");
        if (f == j.end()) throw InputError(where + "no \"frame\": each line says at which frame it applies");
        if (!f->is_number_unsigned()) throw InputError(where + "\"frame\" must be a whole number from 0, not " + f->dump());
        const uint64_t frame = f->get<uint64_t>();
        if (frame < previous)
            throw InputError(where + "frame " + std::to_string(frame) + " comes before the previous line's " +
                             std::to_string(previous) + ": the lines must be in order");
        previous = frame;
        j.erase("frame");
        script.steps_.push_back({frame, j.dump()});
    }
    if (in.bad()) throw InputError(path + ": read error");
    return script;
}

std::vector<ControlScript::Step> ControlScript::due(uint64_t position) {
    std::vector<Step> out;
    while (next_ < steps_.size() && steps_[next_].frame <= position) out.push_back(steps_[next_++]);
    return out;
}

}  // namespace simvx
