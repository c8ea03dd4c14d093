#include "core/log.hpp"

#include <atomic>
#include <cstdio>

namespace simvx::log {
namespace {
std::atomic<Level> g_level{Level::normal};
std::atomic<WarningHook> g_warning_hook{nullptr};

void emit(const char* prefix, const std::string& message) {
    std::fprintf(stderr, "simvxplay: %s%s\n", prefix, message.c_str());
}
}  // namespace

void set_level(Level level) { g_level.store(level); }
Level level() { return g_level.load(); }

void warn(const std::string& message) {
    if (WarningHook hook = g_warning_hook.load()) hook(message);  // even when quiet: a program asked for them
    if (g_level.load() >= Level::normal) emit("warning: ", message);
}

void set_warning_hook(WarningHook hook) { g_warning_hook.store(hook); }
void info(const std::string& message) {
    if (g_level.load() >= Level::verbose) emit("", message);
}
void note(const std::string& message) {
    if (g_level.load() >= Level::normal) emit("", message);
}
void error(const std::string& message) { emit("error: ", message); }

}  // namespace simvx::log
