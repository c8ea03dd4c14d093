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
    ScriptClock previous;
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
        auto whole = [&](const char* key, bool required) -> uint64_t {
            const auto f = j.find(key);
            if (f == j.end()) {
                if (required) throw InputError(where + "no \"" + key + "\": each line says at which frame it applies");
                return 0;
            }
            if (!f->is_number_unsigned())
                throw InputError(where + "\"" + key + "\" must be a whole number from 0, not " + f->dump());
            const uint64_t n = f->get<uint64_t>();
            j.erase(f);
            return n;
        };
        ScriptClock at{previous.seeks, whole("frame", true), 0};
        at.held = whole("held", false);
        if (at < previous)
            throw InputError(where + "frame " + std::to_string(at.frame) +
                             (at.held ? " (held " + std::to_string(at.held) + ")" : "") + " comes before the previous line's " +
                             std::to_string(previous.frame) + (previous.held ? " (held " + std::to_string(previous.held) + ")" : "") +
                             ": the lines must be in order");
        previous = at;
        const auto cmd = j.find("cmd");
        const bool seek = cmd != j.end() && cmd->is_string() && cmd->get<std::string>() == "seek";
        if (seek) previous = {at.seeks + 1, 0, 0};  // later lines count from where it went
        script.steps_.push_back({at, j.dump(), seek});
    }
    if (in.bad()) throw InputError(path + ": read error");
    return script;
}

std::vector<ControlScript::Step> ControlScript::due(const ScriptClock& now) {
    std::vector<Step> out;
    while (next_ < steps_.size() && steps_[next_].at <= now) out.push_back(steps_[next_++]);
    return out;
}

uint64_t ControlScript::frames_until_next(const ScriptClock& now) const {
    const Step* s = next();
    if (!s) return UINT64_MAX;
    if (s->at <= now) return 0;
    if (s->at.seeks > now.seeks) return UINT64_MAX;
    if (s->at.frame > now.frame) return s->at.frame - now.frame;
    return s->at.held - now.held;  // the same frame: the mix stands still there
}

void ControlScript::seek_refused() {
    for (size_t i = next_; i < steps_.size(); ++i)
        if (steps_[i].at.seeks > 0) --steps_[i].at.seeks;
}

}  // namespace simvx
