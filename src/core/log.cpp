#include "core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <unordered_set>

namespace simvx::log {
namespace {
std::atomic<Level> g_level{Level::normal};
std::atomic<WarningHook> g_warning_hook{nullptr};
std::atomic<bool> g_line_in_place{false};

// The warnings already given. A file opened twice (to learn its format, then
// to decode it; at two rates) finds the same damage twice: said once is enough.
bool first_time(const std::string& message) {
    static std::mutex lock;
    static std::unordered_set<std::string> seen;
    std::lock_guard guard(lock);
    if (seen.size() >= 10000) return true;  // bounded: past that, repeats are possible but memory is not spent
    return seen.insert(message).second;
}

void emit(const char* prefix, const std::string& message) {
    const bool erase = g_line_in_place.exchange(false);
    std::fprintf(stderr, "%ssimvxplay: %s%s\n", erase ? "\r\033[K" : "", prefix, message.c_str());
}
}  // namespace

void set_level(Level level) { g_level.store(level); }
Level level() { return g_level.load(); }

void warn(const std::string& message) {
    if (!first_time(message)) return;
    if (WarningHook hook = g_warning_hook.load()) hook(message);  // even when quiet: a program asked for them
    if (g_level.load() >= Level::normal) emit("warning: ", message);
}

void set_warning_hook(WarningHook hook) { g_warning_hook.store(hook); }
void set_line_in_place(bool drawn) { g_line_in_place.store(drawn); }
void info(const std::string& message) {
    if (g_level.load() >= Level::verbose) emit("", message);
}
void info_once(const std::string& message) {
    if (g_level.load() >= Level::verbose && first_time(message)) emit("", message);
}
void note(const std::string& message) {
    if (g_level.load() >= Level::normal) emit("", message);
}
void error(const std::string& message) { emit("error: ", message); }

}  // namespace simvx::log
