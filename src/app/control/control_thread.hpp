// The control thread of a live run (--control, --control-script without
// --render): it takes request lines from the channel (a socket's clients, or
// standard input) and the script's steps as their frames come, hands them to
// the ControlSession, and sends back replies and events. It ends the mix
// when everything it was given is done: standard input or the script at
// their end and nothing of theirs still playing (a socket waits for "quit").
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "app/control/control_channel.hpp"
#include "app/control/control_script.hpp"
#include "app/control/control_session.hpp"

namespace simvx {

class ControlThread {
public:
    // Opens the channel (throws UsageError for a path that cannot be used)
    // and starts taking requests. `channel_path` empty: the script alone.
    ControlThread(const std::string& channel_path, std::unique_ptr<ControlScript> script, ControlSession::Setup session);
    ~ControlThread();  // stop()
    ControlThread(const ControlThread&) = delete;
    ControlThread& operator=(const ControlThread&) = delete;

    // Stops taking requests and joins the thread: before the engine goes away.
    void stop();
    std::string describe() const;

private:
    void run();
    void handle_channel(std::chrono::milliseconds wait);

    std::unique_ptr<ControlChannel> channel_;
    std::unique_ptr<ControlScript> script_;
    Engine& engine_;  // before session_: taken from its setup before that moves in
    ControlSession session_;
    std::atomic<bool> stop_{false};
    bool ending_ = false;  // the stop that ends the run has been queued
    std::thread thread_;
};

}  // namespace simvx
