#include "options.hpp"

namespace kontalk::bench {

const char* scenarioName(Scenario scenario) {
  switch (scenario) {
    case Scenario::LoginStorm:
      return "login-storm";
    case Scenario::IdleDensity:
      return "idle-density";
    case Scenario::Throughput:
      return "throughput";
    case Scenario::Latency:
      return "latency";
    case Scenario::S2sThroughput:
      return "s2s-throughput";
  }
  return "unknown";
}

const char* mechanismName(Mechanism mechanism) {
  switch (mechanism) {
    case Mechanism::ScramSha1:
      return "SCRAM-SHA-1";
    case Mechanism::Plain:
      return "PLAIN";
    case Mechanism::External:
      return "EXTERNAL";
  }
  return "unknown";
}

}  // namespace kontalk::bench
