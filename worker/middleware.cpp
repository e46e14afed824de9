#include "worker/middleware.hpp"

#include <utility>

namespace zpipe {

Middleware before(std::function<void(const Job&, const JobContext&)> fn) {
  return [fn = std::move(fn)](const Job& job, const JobContext& context, const Next& next) {
    fn(job, context);
    return next();
  };
}

Middleware after(std::function<void(const Job&, const JobContext&, HandlerResult&)> fn) {
  return [fn = std::move(fn)](const Job& job, const JobContext& context, const Next& next) {
    auto result = next();
    fn(job, context, result);
    return result;
  };
}

Middleware on_failure(std::function<void(const Job&, const JobContext&, const Error&)> fn) {
  return [fn = std::move(fn)](const Job& job, const JobContext& context, const Next& next) {
    HandlerResult result;
    try {
      result = next();
    } catch (...) {
      fn(job, context, *fail_with_current_exception().error);
      throw;
    }
    if (result.error) fn(job, context, *result.error);
    return result;
  };
}

Handler with_middleware(Handler handler, const std::vector<Middleware>& layers) {
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    handler = [middleware = *layer, inner = std::move(handler)](const Job& job,
                                                                const JobContext& context) {
      const auto rest = [&] { return inner(job, context); };
      // A reference_wrapper fits in std::function's own storage: nothing allocated per job.
      return middleware(job, context, Next(std::cref(rest)));
    };
  }
  return handler;
}

std::map<std::string, Handler> with_middleware(
    std::map<std::string, Handler> handlers, const std::vector<Middleware>& every_type,
    const std::map<std::string, std::vector<Middleware>>& by_type) {
  for (auto& [type, handler] : handlers) {
    auto layers = every_type;
    if (const auto own = by_type.find(type); own != by_type.end()) {
      layers.insert(layers.end(), own->second.begin(), own->second.end());
    }
    handler = with_middleware(std::move(handler), layers);
  }
  return handlers;
}

}  // namespace zpipe
