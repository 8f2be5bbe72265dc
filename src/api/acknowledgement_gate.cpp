#include "api/acknowledgement_gate.hpp"

#include <vector>

namespace kontalk::api {

struct AcknowledgementHold::Token {
  std::weak_ptr<AcknowledgementGate> gate;
  std::uint64_t id = 0;
  ~Token();
};

// Friend access goes through the gate: the token only knows which hold it ends.
struct GateRelease {
  static void release(AcknowledgementGate& gate, std::uint64_t id);
};

AcknowledgementHold::Token::~Token() {
  if (auto owner = gate.lock()) GateRelease::release(*owner, id);
}

std::shared_ptr<AcknowledgementGate> AcknowledgementGate::create() {
  return std::shared_ptr<AcknowledgementGate>(new AcknowledgementGate());
}

AcknowledgementHold AcknowledgementGate::hold() {
  auto token = std::make_shared<AcknowledgementHold::Token>();
  token->gate = weak_from_this();
  {
    std::lock_guard lock(mutex_);
    token->id = nextId_++;
    held_.insert(token->id);
  }
  return AcknowledgementHold(std::move(token));
}

void AcknowledgementGate::whenOpen(std::function<void()> done) {
  {
    std::lock_guard lock(mutex_);
    if (!held_.empty()) {
      waiting_.emplace_back(nextId_, std::move(done));
      return;
    }
  }
  done();
}

std::size_t AcknowledgementGate::holdsOutstanding() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

void AcknowledgementGate::release(std::uint64_t id) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex_);
    held_.erase(id);
    // A waiter may go once no hold older than its call is out; waiters are in call order.
    while (!waiting_.empty() && (held_.empty() || *held_.begin() >= waiting_.front().first)) {
      ready.push_back(std::move(waiting_.front().second));
      waiting_.pop_front();
    }
  }
  for (auto& done : ready) done();
}

void GateRelease::release(AcknowledgementGate& gate, std::uint64_t id) {
  gate.release(id);
}

}  // namespace kontalk::api
