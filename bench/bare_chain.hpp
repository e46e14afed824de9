// BareChain: the yardstick. A three-process ZeroMQ chain with no guarantees at all:
// ventilator PUSH -> worker PULL/PUSH -> sink PULL over loopback TCP, each job a msgpack map of
// the same shape and payload size as a zpipe job, decoded and re-encoded by the worker as an
// outcome, decoded by the sink. No journal, no acks, no events, no store.
#pragma once

#include <cstdint>
#include <vector>

namespace zpipe::bench {

struct BareChainResult {
  double seconds = 0;                    // throughput run: first send to last receipt
  std::vector<std::int64_t> latency_ns;  // latency runs: send (or due) time to sink receipt
};

// `jobs` jobs as fast as the chain takes them, through `workers` worker processes.
BareChainResult bare_chain_throughput(std::uint64_t jobs, int workers);
// `jobs` jobs one at a time: the next goes when the sink has the last.
BareChainResult bare_chain_latency_one_in_flight(std::uint64_t jobs);
// `jobs` jobs sent at `per_second`, each timed from when it was due to be sent.
BareChainResult bare_chain_latency_at_rate(std::uint64_t jobs, double per_second);

}  // namespace zpipe::bench
