#include "common/socket.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(Socket, LoopbackAndLocalTransportsAreLocal) {
  for (const char* endpoint :
       {"tcp://127.0.0.1:5570", "tcp://127.0.0.2:1", "tcp://localhost:5570", "tcp://[::1]:5570",
        "tcp://lo:5570", "ipc:///tmp/zpipe.sock", "inproc://hub"}) {
    EXPECT_TRUE(is_local_endpoint(endpoint)) << endpoint;
  }
  for (const char* endpoint : {"tcp://*:5570", "tcp://0.0.0.0:5570", "tcp://10.0.0.5:5570",
                               "tcp://eth0:5570", "tcp://[::]:5570", "tcp://example.org:5570",
                               "tcp://127.0.0.1:9;10.0.0.5:5570", "tcp://127.example.org:5570"}) {
    EXPECT_FALSE(is_local_endpoint(endpoint)) << endpoint;
  }
}

TEST(Socket, WarnsOfAReachableEndpointOnlyInTheClear) {
  const auto warning = exposure_warning("tcp://*:5570", "submit", CurveSetup{});
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("submit endpoint tcp://*:5570"), std::string::npos);
  EXPECT_NE(warning->find("--curve-secret"), std::string::npos);
  EXPECT_FALSE(exposure_warning("tcp://127.0.0.1:5570", "submit", CurveSetup{}));

  CurveSetup curve;
  curve.own = CurveKeyPair{"public", "secret"};
  EXPECT_FALSE(exposure_warning("tcp://*:5570", "submit", curve));
}

}  // namespace
}  // namespace zpipe
