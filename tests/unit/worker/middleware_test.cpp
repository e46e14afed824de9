#include "worker/middleware.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

class MiddlewareTest : public ::testing::Test {
 protected:
  HandlerResult run(const Handler& handler) {
    const JobContext context(job_, JobContext::Clock::now() + std::chrono::minutes(1), cancelled_);
    return handler(job_, context);
  }
  // Records "<name> in" and "<name> out" around the rest of the chain.
  Middleware recording(const std::string& name) {
    return [this, name](const Job&, const JobContext&, const Next& next) {
      calls_.push_back(name + " in");
      auto result = next();
      calls_.push_back(name + " out");
      return result;
    };
  }
  Handler recording_handler(const std::string& name) {
    return [this, name](const Job&, const JobContext&) {
      calls_.push_back(name);
      return succeed();
    };
  }

  Job job_{"mx-1", "resize", Payload(), 1, 3, 60'000, 0};
  std::atomic<bool> cancelled_{false};
  std::vector<std::string> calls_;
};

TEST_F(MiddlewareTest, WorkerWideMiddlewareWrapsTheTypesOwnWhichWrapsTheHandlerEachInOrder) {
  const auto handlers = with_middleware(
      {{"resize", recording_handler("resize")}, {"echo", recording_handler("echo")}},
      {recording("wide 1"), recording("wide 2")},
      {{"resize", {recording("resize 1"), recording("resize 2")}}});
  ASSERT_TRUE(run(handlers.at("resize")).error == std::nullopt);
  EXPECT_EQ(calls_, (std::vector<std::string>{"wide 1 in", "wide 2 in", "resize 1 in",
                                              "resize 2 in", "resize", "resize 2 out",
                                              "resize 1 out", "wide 2 out", "wide 1 out"}));
  calls_.clear();
  (void)run(handlers.at("echo"));
  EXPECT_EQ(calls_, (std::vector<std::string>{"wide 1 in", "wide 2 in", "echo", "wide 2 out",
                                              "wide 1 out"}))
      << "another type's middleware stays with its type";
}

TEST_F(MiddlewareTest, WithoutMiddlewareTheHandlerIsLeftAsItIs) {
  using Plain = HandlerResult (*)(const Job&, const JobContext&);
  const Plain plain = [](const Job&, const JobContext&) { return succeed(); };
  const auto handlers = with_middleware({{"resize", plain}}, {}, {{"echo", {recording("x")}}});
  EXPECT_NE(handlers.at("resize").target<Plain>(), nullptr) << "no layer added around it";
}

TEST_F(MiddlewareTest, BeforeRunsFirstAndAfterSeesAndMayChangeTheResult) {
  const auto handler = with_middleware(
      recording_handler("handler"),
      {before([&](const Job& job, const JobContext&) { calls_.push_back("before " + job.id); }),
       after([&](const Job&, const JobContext&, HandlerResult& result) {
         calls_.push_back(result.error ? "after: failed" : "after: succeeded");
         result = fail(Error{ErrorCode::kInvalid, "changed my mind"});
       })});
  const auto result = run(handler);
  EXPECT_EQ(calls_, (std::vector<std::string>{"before mx-1", "handler", "after: succeeded"}));
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->code, ErrorCode::kInvalid);
  EXPECT_EQ(result.error->message, "changed my mind");
}

TEST_F(MiddlewareTest, AHandlersExceptionReachesTheMiddlewareWhichMayTurnItIntoAResult) {
  const Handler throwing = [](const Job&, const JobContext&) -> HandlerResult {
    throw std::out_of_range("no such page");
  };
  const Middleware catching = [&](const Job&, const JobContext&, const Next& next) {
    try {
      return next();
    } catch (const std::out_of_range& e) {
      calls_.push_back(std::string("caught ") + e.what());
      return fail(Error{ErrorCode::kUnavailable, e.what()});
    }
  };
  const auto result = run(with_middleware(throwing, {recording("outer"), catching}));
  EXPECT_EQ(calls_, (std::vector<std::string>{"outer in", "caught no such page", "outer out"}))
      << "the outer middleware sees the result the inner one made";
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->code, ErrorCode::kUnavailable);

  EXPECT_THROW(run(with_middleware(throwing, {recording("outer")})), std::out_of_range)
      << "one no middleware catches goes on (the slot fails the job with it)";
}

TEST_F(MiddlewareTest, OnFailureSeesFailuresReturnedAndThrownAndLetsTheExceptionGoOn) {
  std::vector<std::string> seen;
  const auto watch = on_failure([&](const Job&, const JobContext&, const Error& error) {
    seen.push_back(std::string(to_string(error.code)) + ": " + error.message);
  });
  (void)run(with_middleware([](const Job&, const JobContext&) { return succeed(); }, {watch}));
  (void)run(
      with_middleware([](const Job&, const JobContext&) { return fail("bad page"); }, {watch}));
  const Handler throwing = [](const Job&, const JobContext&) -> HandlerResult {
    throw std::runtime_error("disk on fire");
  };
  EXPECT_THROW(run(with_middleware(throwing, {watch})), std::runtime_error);
  EXPECT_EQ(seen, (std::vector<std::string>{"handler_error: bad page",
                                            "handler_error: handler threw: disk on fire"}));
}

}  // namespace
}  // namespace zpipe
