// libFuzzer target: what a control client sends. The input is split into
// lines as the channel splits them; each line is read as a request (JSON,
// nesting bounded, "cmd" and "id"), and every object is also read as the keys
// of a sound (play and load hand them to the scene loader, through TOML
// built from the JSON). A RequestError is the expected answer to a bad line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/control/request.hpp"
#include "app/control/sound_request.hpp"
#include "core/error.hpp"
#include "quiet_log.hpp"
#include "tiny_wav.hpp"

namespace {

const std::string& folder() {
    static const TinyWavFolder made("control", {"a.wav"});
    static const std::string path = made.dir();
    return path;
}

const simvx::Scene& scene() {
    static const simvx::Scene s = [] {
        simvx::Scene sc;
        sc.buses.push_back(simvx::BusDesc{.name = "Master", .send_to = ""});
        sc.buses.push_back(simvx::BusDesc{.name = "Music"});
        return sc;
    }();
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace simvx;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (size_t start = 0; start < text.size();) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        try {
            Request r = Request::parse(line);
            (void)r.command();
            nlohmann::json keys = r.json();
            keys.erase("cmd");
            keys.erase("id");
            (void)read_sound_request(keys, scene(), folder());
        } catch (const RequestError&) {
        } catch (const InputError&) {
        }
    }
    return 0;
}
