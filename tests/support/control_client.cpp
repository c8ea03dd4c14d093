#include "support/control_client.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "support/process.hpp"

namespace simvx::test {

ControlClient::ControlClient(const std::string& path, double wait_s) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_s);
    while (true) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return;
        ::close(fd_);
        fd_ = -1;
        if (std::chrono::steady_clock::now() > until) throw std::runtime_error("cannot connect to " + path);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

ControlClient::~ControlClient() {
    if (fd_ >= 0) ::close(fd_);
}

void ControlClient::send_raw(const std::string& bytes) { write_all(fd_, bytes.data(), bytes.size()); }

std::string ControlClient::line() {
    while (true) {
        if (const size_t nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string l = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return l;
        }
        char chunk[4096];
        const ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n <= 0) throw std::runtime_error("the server closed the connection");
        buffer_.append(chunk, static_cast<size_t>(n));
    }
}

nlohmann::json ControlClient::ask(nlohmann::json request) {
    request["id"] = ++id_;
    send_raw(request.dump() + "\n");
    while (true) {
        nlohmann::json j = nlohmann::json::parse(line());
        if (j.contains("event")) events.push_back(j);
        else if (j.value("id", 0) == id_) return j;
    }
}

}  // namespace simvx::test
