// The flag a sink's thread sets when it has finished and the main thread
// waits on with a timeout.
#include "core/done_flag.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace simvx {
namespace {

using namespace std::chrono_literals;

TEST(DoneFlag, WaitTimesOutWhenNobodySetsIt) {
    DoneFlag f;
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(f.wait_for(30ms));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 30ms);
    EXPECT_FALSE(f.is_set());
}

TEST(DoneFlag, AnotherThreadsSetWakesTheWaiter) {
    for (int round = 0; round < 200; ++round) {
        DoneFlag f;
        std::thread setter([&] { f.set(); });
        EXPECT_TRUE(f.wait_for(10s));  // never the timeout: the set is not lost
        EXPECT_TRUE(f.is_set());
        setter.join();
    }
}

TEST(DoneFlag, SetBeforeTheWaitReturnsAtOnce) {
    DoneFlag f;
    f.set();
    EXPECT_TRUE(f.wait_for(0ms));
}

}  // namespace
}  // namespace simvx
