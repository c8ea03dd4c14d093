// A --control client for tests: connects to the socket (waiting for it to
// appear), sends requests with ids and returns their replies; events met on
// the way are kept in `events`.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace simvx::test {

class ControlClient {
public:
    explicit ControlClient(const std::string& path, double wait_s = 10);  // throws when it cannot connect
    ~ControlClient();
    ControlClient(const ControlClient&) = delete;
    ControlClient& operator=(const ControlClient&) = delete;

    void send_raw(const std::string& bytes);
    // The next line from the server (events included); throws once it has closed.
    std::string line();
    // Sends a request and returns its reply.
    nlohmann::json ask(nlohmann::json request);
    std::vector<nlohmann::json> events;

private:
    int fd_ = -1;
    int id_ = 0;
    std::string buffer_;
};

}  // namespace simvx::test
