#include "app/control/control_thread.hpp"

#include <pthread.h>

#include "core/log.hpp"

namespace simvx {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(2);  // a request waits at most this long besides the audio's own latency

}  // namespace

ControlThread::ControlThread(const std::string& channel_path, std::unique_ptr<ControlScript> script,
                             ControlSession::Setup session)
    : script_(std::move(script)), engine_(*session.engine), session_(std::move(session)) {
    if (!channel_path.empty()) channel_ = open_control_channel(channel_path);
    thread_ = std::thread([this] { run(); });
}

ControlThread::~ControlThread() { stop(); }

void ControlThread::stop() {
    stop_.store(true);
    if (channel_) channel_->wake();
    if (thread_.joinable()) {
        thread_.join();
        session_.flush();
    }
}

std::string ControlThread::describe() const {
    std::string s = channel_ ? channel_->describe() : "";
    if (script_) s += (s.empty() ? "" : " and ") + std::string("the script ") + script_->path();
    return s;
}

void ControlThread::handle_channel(std::chrono::milliseconds wait) {
    for (auto& e : channel_->poll(wait)) {
        switch (e.kind) {
            case ControlChannel::Event::Kind::line: channel_->send(e.client, session_.handle(e.client, e.text)); break;
            case ControlChannel::Event::Kind::too_long:
                channel_->send(e.client, R"({"ok":false,"error":"the line is too long (more than 1 MiB): skipped"})");
                break;
            case ControlChannel::Event::Kind::disconnected:
            case ControlChannel::Event::Kind::dropped: session_.client_gone(e.client); break;
            case ControlChannel::Event::Kind::connected: break;
        }
    }
}

void ControlThread::run() {
    pthread_setname_np(pthread_self(), "simvx-control");  // for top, perf and bench/control.sh
    while (!stop_.load()) {
        try {
            if (channel_) handle_channel(kPoll);
            else std::this_thread::sleep_for(kPoll);
            if (script_) session_.run_due_steps(*script_);
            for (auto& out : session_.poll())
                if (channel_) channel_->send(out.client, out.line);
        } catch (const std::exception& e) {
            log::error(std::string("control: ") + e.what() + "; commands are no longer taken");
            return;
        }
        // Everything given is done: standard input (or the script) has ended
        // and what it played has ended too.
        const bool inputs_done = (!channel_ || channel_->input_ended()) && (!script_ || script_->done());
        if (!ending_ && !session_.quit_requested() && inputs_done && session_.idle()) {
            ending_ = true;
            if (!engine_.queue_stop()) engine_.request_stop();
        }
    }
}

}  // namespace simvx
