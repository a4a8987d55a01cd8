#pragma once
// Folds per-connection findings into one finding per (id, server or
// certificate, direction), counting connections and keeping a few example
// frames, so a capture of 100,000 connections reads in a few lines.
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/connection.h"
#include "model/finding.h"

namespace tc {

class FindingGroups {
 public:
  explicit FindingGroups(size_t examples_per_group = 5) : examples_per_group_(examples_per_group) {}
  void add(const Finding& finding, const Connection& connection);
  // For a finding shared by many connections (judged once per chain): only a
  // new group keeps a copy, completed by `complete` with what is the
  // connection's own (its subject, its evidence); the rest are only counted.
  void add(const Finding& finding, const Connection& connection, const std::function<void(Finding&)>& complete);
  // The group a connection's finding joins: its id, then its certificate
  // (evidence "sha256") or else the server, then the direction. Only the
  // first finding of a group is kept whole; later ones need only their id.
  static void group_key(const Finding& finding, const Connection& connection, std::string& key);
  // Connections per finding id (each connection counted once per id).
  std::map<std::string, uint64_t> connections_per_id() const;
  // One finding per group, subject naming the count and example frames.
  Findings findings() const;

 private:
  struct Group {
    Finding first;
    uint64_t connections = 0;
    std::vector<nlohmann::json> examples;
    uint64_t last_connection_frame = 0;
  };
  size_t examples_per_group_;
  // Looked up once per finding of every connection; sorted only by findings().
  std::unordered_map<std::string, Group> groups_;
  std::string key_;  // reused: no allocation per lookup
  struct IdCount {
    uint64_t connections = 0;
    uint64_t last_connection_frame = 0;
  };
  // Few distinct ids (the catalogue's); one lookup per finding.
  std::unordered_map<std::string, IdCount> per_id_;
};

}  // namespace tc
