#include "core/thread_priority.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace simvx {

std::string raise_audio_thread_priority() {
    // A modest real-time priority: above every normal thread, below the
    // sound server's own (PulseAudio asks for 5..20) and the kernel's.
    sched_param param{};
    param.sched_priority = 10;
    if (pthread_setschedparam(pthread_self(), SCHED_FIFO | SCHED_RESET_ON_FORK, &param) == 0) return "SCHED_FIFO 10";
    // Linux applies nice per thread when given the thread's id.
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    if (setpriority(PRIO_PROCESS, tid, -11) == 0) return "nice -11";
    return "normal priority";
}

}  // namespace simvx
