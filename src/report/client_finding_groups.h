#pragma once
// Folds the findings of the connections clients made to the listener into one
// finding per (id, client host, certificate): a busy SBC that connects every
// 30 s for OPTIONS pings reads as one line with a connection count, not a
// thousand. (FindingGroups groups a capture's findings by server and frame;
// a listener is always the server and its frames restart at 1 on every
// connection, so it needs its own key.)
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/connection.h"
#include "model/finding.h"

namespace tc {

class ClientFindingGroups {
 public:
  explicit ClientFindingGroups(size_t examples_per_group = 5) : examples_per_group_(examples_per_group) {}
  // `ordinal` identifies the connection (1, 2, …), so a connection raising an
  // id twice counts once.
  void add(const Finding& finding, const Connection& connection, uint64_t ordinal);
  const std::map<std::string, uint64_t>& connections_per_id() const { return per_id_; }
  Findings findings() const;

 private:
  struct Group {
    Finding first;
    std::string client_host;
    uint64_t connections = 0;
    uint64_t last_ordinal = 0;
    std::vector<std::string> examples;  // client addr:port
  };
  size_t examples_per_group_;
  std::map<std::string, Group> groups_;
  std::map<std::string, uint64_t> per_id_;
  std::map<std::string, uint64_t> last_ordinal_per_id_;
};

// "192.0.2.1" of "192.0.2.1:5061", "2001:db8::1" of "[2001:db8::1]:5061".
std::string host_of(const std::string& address);

}  // namespace tc
