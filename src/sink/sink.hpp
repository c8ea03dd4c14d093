// Where rendered audio goes. Every sink pulls from the same engine render
// function: a WAV file as fast as possible, the null device at the pace of a
// clock, PulseAudio at the pace of the server.
#pragma once
#include <functional>
#include <span>
#include <string>

#include "core/audio_spec.hpp"
#include "core/done_flag.hpp"

namespace simvx {

// Fills the span (interleaved); returns the frames written, fewer = the end.
using PullFn = std::function<size_t(std::span<float>)>;

class Sink {
public:
    virtual ~Sink() = default;
    // Prepares the output for this format; throws Error (output or device) on failure.
    virtual void open(const AudioSpec& spec) = 0;
    // Starts pulling on the sink's own thread (or the server's).
    virtual void start(PullFn pull) = 0;
    // True once the pull function has reported the end and everything it gave
    // has been delivered, or the sink has failed.
    bool done() const { return done_.is_set(); }
    // Waits up to `timeout` for done(); returns done().
    bool wait_done(std::chrono::milliseconds timeout) { return done_.wait_for(timeout); }
    // Waits for done() and completes the output (drain, file finalized and in
    // place). Throws OutputError when anything went wrong while writing.
    virtual void finish() = 0;
    // Stops at once and discards what is unfinished (a failed run).
    virtual void abort() noexcept = 0;
    // Stops waiting for the output to play what it was given, so that
    // finish() returns at once: after Ctrl-C once the fade has been handed
    // over, or when a server stops answering at the end. Sinks that pull at
    // their own pace (a file, the null clock) end by themselves: nothing to do.
    virtual void cut_short() noexcept {}
    // How far ahead of the listener the output holds audio (the server's
    // buffer): what must play out before a fade just handed over is heard.
    virtual double latency_seconds() const { return 0; }
    // Frames delivered so far.
    virtual uint64_t frames_written() const = 0;
    virtual std::string describe() const = 0;  // for -v
    // Times the device ran dry because rendering fell behind (PulseAudio).
    virtual uint64_t underruns() const { return 0; }
    // Times playback resumed on a server that had gone away (PulseAudio).
    virtual uint64_t reconnects() const { return 0; }
    // The server went away and the sink is trying to get it back.
    virtual bool reconnecting() const { return false; }
    // Before start(): says when the mix is paused and has faded out. A device
    // that runs dry then plays nothing it should have: paused time is never
    // counted as an underrun (a starved machine still runs dry meanwhile).
    void set_quiet_probe(std::function<bool()> probe) { quiet_ = std::move(probe); }

protected:
    bool quiet() const { return quiet_ && quiet_(); }
    DoneFlag done_;

private:
    std::function<bool()> quiet_;
};

}  // namespace simvx
