#include "report/ladder_svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "policy/alert_registry.h"
#include "policy/cipher_registry.h"
#include "report/markup_escape.h"

namespace tc {

namespace {

constexpr int kWidth = 960;
constexpr int kClientX = 230;
constexpr int kServerX = 790;
constexpr int kTop = 78;
constexpr int kLineHeight = 15;

enum class Tone { normal, warn, fail, muted };

const char* tone_class(Tone tone) {
  switch (tone) {
    case Tone::warn: return "warn";
    case Tone::fail: return "fail";
    case Tone::muted: return "muted";
    default: return "normal";
  }
}

// A piece of a detail line: text and whether it is highlighted.
struct Span {
  std::string text;
  Tone tone = Tone::normal;
};
using Line = std::vector<Span>;

struct Event {
  bool from_client = true;
  uint64_t frame = 0;
  std::string label;
  Tone tone = Tone::normal;
  std::vector<Line> details;
  std::string note;  // e.g. "rejected" next to the arrow's label
  bool dashed = false;
  int order = 0;     // messages before alerts within one frame
};

std::string str(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string eku_text(const nlohmann::json& certificate) {
  auto eku = certificate.find("eku");
  if (eku == certificate.end() || eku->is_null()) return "no EKU extension (any purpose)";
  std::vector<std::string> names;
  for (const auto& value : *eku) {
    if (value.is_string()) names.push_back(value.get<std::string>());
  }
  return names.empty() ? "EKU empty" : "EKU " + fmt::format("{}", fmt::join(names, ", "));
}

bool has_client_auth(const nlohmann::json& certificate) {
  auto eku = certificate.find("eku");
  if (eku == certificate.end() || eku->is_null()) return true;  // no extension: any purpose
  for (const auto& value : *eku) {
    if (value == "clientAuth" || value == "anyExtendedKeyUsage") return true;
  }
  return false;
}

std::vector<Line> chain_lines(const nlohmann::json& chain, bool client_side) {
  std::vector<Line> lines;
  if (!chain.is_array() || chain.empty()) return lines;
  const auto& leaf = chain.front();
  lines.push_back({{fmt::format("{} certificate{}; leaf {}", chain.size(), chain.size() == 1 ? "" : "s",
                                truncate_utf8(str(leaf, "subject"), 70))}});
  Line eku{{eku_text(leaf)}};
  if (client_side && !has_client_auth(leaf)) eku.push_back({" — no clientAuth", Tone::fail});
  lines.push_back(std::move(eku));
  return lines;
}

// The suites offered, wrapped, deprecated ones highlighted.
std::vector<Line> offer_lines(const nlohmann::json& offer, const LadderOptions& options) {
  std::vector<Line> lines;
  if (!offer.is_array()) return lines;
  std::vector<std::string> codes;
  for (const auto& code : offer) {
    if (code.is_string()) codes.push_back(code.get<std::string>());
  }
  size_t deprecated = 0;
  for (const auto& code : codes) deprecated += options.deprecated_suites.count(code);
  lines.push_back({{fmt::format("offers {} suites{}", codes.size(), deprecated ? ", deprecated marked *" : "")}});
  constexpr size_t kPerLine = 11;
  constexpr size_t kMax = 44;
  Line line;
  for (size_t i = 0; i < codes.size() && i < kMax; ++i) {
    bool is_deprecated = options.deprecated_suites.count(codes[i]) > 0;
    line.push_back({codes[i] + (is_deprecated ? "*" : ""), is_deprecated ? Tone::warn : Tone::normal});
    line.push_back({" "});
    if (line.size() == kPerLine * 2) {
      lines.push_back(std::move(line));
      line.clear();
    }
  }
  if (codes.size() > kMax) line.push_back({fmt::format("… {} more", codes.size() - kMax), Tone::muted});
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

bool certificate_alert(int description) {
  // bad_certificate … unknown_ca, access_denied, certificate_required.
  return (description >= 42 && description <= 48) || description == 49 || description == 116;
}

std::string render_line(const Line& line) {
  std::string out;
  for (const auto& span : line) {
    if (span.tone == Tone::normal) {
      out += markup_escape(span.text);
    } else {
      out += fmt::format("<tspan class=\"{}\">{}</tspan>", tone_class(span.tone), markup_escape(span.text));
    }
  }
  return out;
}

std::string line_text(const Line& line) {
  std::string out;
  for (const auto& span : line) out += span.text;
  return out;
}

}  // namespace

std::string truncate_utf8(const std::string& text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars) return text.substr(0, i) + "…";
    ++chars;
  }
  return text;
}

std::pair<std::string, std::string> ladder_roles(const std::string& direction) {
  if (direction == "outbound") return {"platform (calling out)", "customer endpoint"};
  if (direction == "inbound") return {"customer endpoint", "platform"};
  return {"client", "server"};
}

std::string render_ladder_svg(const nlohmann::json& connection, const LadderOptions& options) {
  std::vector<Event> events;
  const bool established = connection.value("established", false);
  const nlohmann::json empty_array = nlohmann::json::array();
  const nlohmann::json& messages = connection.contains("messages") ? connection["messages"] : empty_array;
  const nlohmann::json& alerts = connection.contains("alerts") ? connection["alerts"] : empty_array;
  std::string cipher = str(connection, "cipher");
  bool cipher_deprecated = !cipher.empty() && options.deprecated_suites.count(cipher) > 0;

  for (const auto& message : messages) {
    Event event;
    event.from_client = str(message, "from") == "client";
    event.frame = message.value("frame", uint64_t{0});
    std::string type = str(message, "type");
    event.label = type;
    if (type == "ClientHello") {
      event.details = offer_lines(connection.value("client_offer", empty_array), options);
      std::string sni = str(connection, "sni");
      event.details.push_back({{"SNI " + (sni.empty() ? std::string("(none)") : truncate_utf8(sni, 60))}});
    } else if (type == "ServerHello") {
      std::string version = str(connection, "version");
      if (!cipher.empty()) {
        auto code = parse_suite(cipher);
        std::string name = code ? describe_suite(*code) : cipher;
        Line line{{"chosen "}, {name, cipher_deprecated ? Tone::warn : Tone::normal}};
        if (cipher_deprecated) line.push_back({" — deprecated", Tone::warn});
        event.details.push_back(std::move(line));
        if (cipher_deprecated) event.tone = Tone::warn;
      }
      if (!version.empty()) event.details.push_back({{version}});
    } else if (type == "Certificate") {
      if (event.from_client) {
        auto count = connection.find("client_certificates");
        bool empty = count != connection.end() && count->is_number() && count->get<int64_t>() == 0;
        if (empty) {
          event.details.push_back({{"empty: no client certificate sent", Tone::warn}});
        } else {
          event.details = chain_lines(connection.value("client_chain", empty_array), true);
        }
        event.label = "Certificate (client)";
      } else {
        event.details = chain_lines(connection.value("server_chain", empty_array), false);
        event.label = "Certificate (server)";
      }
    } else if (type == "CertificateRequest") {
      event.tone = Tone::warn;
      event.details.push_back({{"the server asks for a client certificate (mutual TLS)", Tone::warn}});
      auto names = connection.find("certificate_request_ca_names");
      if (names != connection.end() && names->is_array() && !names->empty()) {
        event.details.push_back({{fmt::format("{} acceptable CA name{}", names->size(), names->size() == 1 ? "" : "s")}});
      }
    } else if (type == "encrypted") {
      event.label = "Encrypted handshake message (Finished)";
      event.tone = Tone::muted;
      event.dashed = true;
    } else if (type.empty()) {
      event.label = "handshake message";
    }
    events.push_back(std::move(event));
  }
  for (const auto& alert : alerts) {
    Event event;
    event.from_client = str(alert, "from") == "client";
    event.frame = alert.value("frame", uint64_t{0});
    event.order = 1;
    auto description = alert.find("description");
    if (description == alert.end() || !description->is_number()) {
      event.label = "Encrypted Alert";
      event.tone = established ? Tone::muted : Tone::fail;
      event.dashed = true;
      event.details.push_back({{established ? "after the handshake (usually close_notify)"
                                            : "encrypted: the handshake had failed by then"}});
    } else {
      int code = description->get<int>();
      int level = alert.value("level", 0);
      std::string name = str(alert, "name");
      if (name.empty()) name = alert_name(static_cast<uint8_t>(code));
      event.label = fmt::format("Alert ({}): {} {}", level == 2 ? "fatal" : level == 1 ? "warning" : "level ?", code, name);
      event.tone = code == 0 ? Tone::muted : level == 2 ? Tone::fail : Tone::warn;  // 0: close_notify
    }
    events.push_back(std::move(event));
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.frame != b.frame) return a.frame < b.frame;
    return a.order < b.order;
  });
  // The failing message: a fatal alert that follows the other side's
  // Certificate (after a CertificateRequest, or any certificate alert)
  // rejects that Certificate; handshake_failure/protocol_version before any
  // ServerHello rejects the ClientHello.
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& alert = events[i];
    if (alert.order != 1 || alert.tone != Tone::fail) continue;
    auto description = alert.label.find(": ");
    int code = description == std::string::npos ? -1 : std::atoi(alert.label.c_str() + description + 2);
    bool server_hello_seen = false, certificate_requested = false;
    Event* certificate = nullptr;
    Event* client_hello = nullptr;
    for (size_t k = 0; k < i; ++k) {
      Event& earlier = events[k];
      if (earlier.label == "ServerHello") server_hello_seen = true;
      if (earlier.label == "CertificateRequest") certificate_requested = true;
      if (earlier.label == "ClientHello") client_hello = &earlier;
      if (earlier.from_client != alert.from_client && earlier.label.starts_with("Certificate (")) certificate = &earlier;
    }
    bool client_certificate = certificate != nullptr && certificate->label == "Certificate (client)";
    Event* culprit = nullptr;
    if (certificate != nullptr && (certificate_alert(code) || (code == 40 && client_certificate && certificate_requested))) {
      culprit = certificate;
    } else if (!server_hello_seen && (code == 40 || code == 70 || code == 71) && !alert.from_client) {
      culprit = client_hello;
    }
    if (culprit != nullptr) {
      culprit->tone = Tone::fail;
      culprit->note = "rejected";
    }
  }
  std::vector<std::string> anomalies;
  if (auto list = connection.find("anomalies"); list != connection.end() && list->is_array()) {
    for (const auto& anomaly : *list) {
      if (anomaly.is_string()) anomalies.push_back(anomaly.get<std::string>());
    }
  }

  // Geometry.
  std::vector<int> row_top;
  int y = kTop + 18;
  for (const auto& event : events) {
    row_top.push_back(y);
    y += 34 + kLineHeight * static_cast<int>(event.details.size());
  }
  bool ended_badly = !established && (alerts.empty() || events.empty());
  int end_y = y;
  if (ended_badly || events.empty()) y += 40;
  int height = y + 10;

  auto [client_role, server_role] = ladder_roles(str(connection, "direction"));
  const std::string id = markup_escape(options.id.empty() ? "ladder" : options.id);
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" "
      "role=\"img\" aria-label=\"TLS handshake ladder diagram\">\n"
      "<defs>"
      "<marker id=\"{2}-a\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"11\" markerHeight=\"11\" markerUnits=\"userSpaceOnUse\" "
      "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"head normal\"/></marker>"
      "<marker id=\"{2}-w\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"11\" markerHeight=\"11\" markerUnits=\"userSpaceOnUse\" "
      "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"head warn\"/></marker>"
      "<marker id=\"{2}-f\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"11\" markerHeight=\"11\" markerUnits=\"userSpaceOnUse\" "
      "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"head fail\"/></marker>"
      "<marker id=\"{2}-m\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"11\" markerHeight=\"11\" markerUnits=\"userSpaceOnUse\" "
      "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"head muted\"/></marker>"
      "</defs>\n",
      kWidth, height, id);
  // Lifeline heads.
  for (auto [x, role, address] : {std::tuple{kClientX, client_role, str(connection, "client")},
                                  std::tuple{kServerX, server_role, str(connection, "server")}}) {
    out += fmt::format(
        "<rect x=\"{}\" y=\"8\" width=\"300\" height=\"52\" rx=\"6\" class=\"lifehead\"/>"
        "<text x=\"{}\" y=\"29\" class=\"role\" text-anchor=\"middle\">{}</text>"
        "<text x=\"{}\" y=\"48\" class=\"addr\" text-anchor=\"middle\">{}</text>\n"
        "<line x1=\"{}\" y1=\"60\" x2=\"{}\" y2=\"{}\" class=\"lifeline\"/>\n",
        x - 150, x, markup_escape(x == kClientX ? "client: " + role : "server: " + role), x,
        markup_escape(truncate_utf8(address, 46)), x, x, height - 6);
  }
  out += fmt::format("<text x=\"8\" y=\"{}\" class=\"framehead\">frame</text>\n", kTop + 4);
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& event = events[i];
    int top = row_top[i];
    int arrow_y = top + 16;
    int x1 = event.from_client ? kClientX : kServerX;
    int x2 = event.from_client ? kServerX : kClientX;
    const char* tone = tone_class(event.tone);
    char marker = event.tone == Tone::warn ? 'w' : event.tone == Tone::fail ? 'f' : event.tone == Tone::muted ? 'm' : 'a';
    std::string title = event.label;
    for (const auto& line : event.details) title += "\n" + line_text(line);
    out += fmt::format("<g class=\"msg {}\" data-frame=\"{}\"><title>{}</title>\n", tone, event.frame,
                       markup_escape(title));
    if (event.tone == Tone::fail) {
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" class=\"failbox\"/>\n", 70,
                         top - 6, kWidth - 80, 30 + kLineHeight * static_cast<int>(event.details.size()));
    }
    out += fmt::format("<text x=\"8\" y=\"{}\" class=\"frame\">{}</text>\n", arrow_y + 4, event.frame);
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"arrow {}{}\" marker-end=\"url(#{}-{})\"/>\n",
                       x1 + (event.from_client ? 2 : -2), arrow_y, x2 + (event.from_client ? -2 : 2), arrow_y, tone,
                       event.dashed ? " dashed" : "", id, marker);
    int mid = (kClientX + kServerX) / 2;
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"label {}\">{}{}</text>\n", mid,
                       arrow_y - 5, tone, markup_escape(event.label),
                       event.note.empty() ? "" : " <tspan class=\"fail\">✗ " + markup_escape(event.note) + "</tspan>");
    for (size_t k = 0; k < event.details.size(); ++k) {
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"detail\">{}</text>\n", mid,
                         arrow_y + 14 + kLineHeight * static_cast<int>(k), render_line(event.details[k]));
    }
    out += "</g>\n";
  }
  if (events.empty()) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"label muted\">no handshake message "
                       "seen</text>\n",
                       (kClientX + kServerX) / 2, end_y + 16);
  }
  if (ended_badly) {
    std::string why = anomalies.empty() ? std::string("connection ended before the handshake completed")
                                        : "ended: " + truncate_utf8(anomalies.front(), 90);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"label fail\">✗ {}</text>\n",
                       (kClientX + kServerX) / 2, end_y + (events.empty() ? 34 : 16), markup_escape(why));
  }
  out += "</svg>\n";
  return out;
}

}  // namespace tc
