// SIP message parsing, stream framing, URIs and builders (RFC 3261 §7, §18.3,
// §19.1, §20; RFC 5626 keep-alives). Fixtures imitate what Kamailio, SIPp,
// Cisco CUBE and AudioCodes Mediant send; they are written with "\n" and
// turned into CRLF lines by crlf().
#include "wire/sip_message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tc::wire {
namespace {

std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

SipMessage parse_ok(std::string_view text, const SipLimits& limits = {}) {
  std::string error;
  std::optional<SipMessage> message = parse_sip_message(text, &error, limits);
  EXPECT_TRUE(message.has_value()) << error;
  return message.value_or(SipMessage{});
}

std::string parse_error(std::string_view text, const SipLimits& limits = {}) {
  std::string error;
  std::optional<SipMessage> message = parse_sip_message(text, &error, limits);
  EXPECT_FALSE(message.has_value()) << "parsed: " << text;
  return error;
}

// Kamailio dispatcher keep-alive probe.
const std::string kKamailioOptions = crlf(
    "OPTIONS sip:sbc.example.net:5061;transport=tls SIP/2.0\n"
    "Via: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK4f1a.1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f.0\n"
    "To: <sip:sbc.example.net:5061;transport=tls>\n"
    "From: <sip:dispatcher@192.0.2.10>;tag=8c2b1c5a3e4d7f7a1b2c3d4e5f6a7b8c-2b7e\n"
    "CSeq: 10 OPTIONS\n"
    "Call-ID: 6a4c2b1d3f5e7a9b-12345@192.0.2.10\n"
    "Max-Forwards: 70\n"
    "Content-Length: 0\n"
    "User-Agent: kamailio (5.7.4 (x86_64/linux))\n"
    "\n");

// Cisco CUBE answering an OPTIONS.
const std::string kCiscoOk = crlf(
    "SIP/2.0 200 OK\n"
    "Via: SIP/2.0/TLS 198.51.100.7:5061;branch=z9hG4bK1a2b3c4d5e;rport\n"
    "From: <sip:trunkcheck@198.51.100.7>;tag=abc123\n"
    "To: <sip:cube.example.com>;tag=4F2E1A0-1D4\n"
    "Date: Mon, 09 Mar 2026 12:00:00 GMT\n"
    "Call-ID: 7c2a9e@198.51.100.7\n"
    "Server: Cisco-SIPGateway/IOS-17.6.5\n"
    "CSeq: 1 OPTIONS\n"
    "Supported: timer,resource-priority,replaces,sdp-anat\n"
    "Allow: INVITE, OPTIONS, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, SUBSCRIBE, NOTIFY, INFO, REGISTER\n"
    "Accept: application/sdp\n"
    "Allow-Events: telephone-event\n"
    "Content-Length: 0\n"
    "\n");

// AudioCodes Mediant rejecting an OPTIONS it does not like.
const std::string kAudioCodesForbidden = crlf(
    "SIP/2.0 403 Forbidden\n"
    "Via: SIP/2.0/TLS 203.0.113.5:5061;branch=z9hG4bKac1234567\n"
    "From: <sip:ping@203.0.113.5>;tag=1c1234\n"
    "To: <sip:10.1.1.1;transport=tls>;tag=1c987654321\n"
    "Call-ID: 1234567890@203.0.113.5\n"
    "CSeq: 1 OPTIONS\n"
    "Server: Mediant SW/v.7.40A.500.775\n"
    "Reason: Q.850 ;cause=21 ;text=\"call rejected\"\n"
    "Content-Length: 0\n"
    "\n");

const std::string kSdp = crlf(
    "v=0\n"
    "o=user1 53655765 2353687637 IN IP4 127.0.0.1\n"
    "s=-\n"
    "c=IN IP4 127.0.0.1\n"
    "t=0 0\n"
    "m=audio 6000 RTP/AVP 0\n"
    "a=rtpmap:0 PCMU/8000\n");

// SIPp's built-in uac scenario over TLS.
std::string sipp_invite() {
  return crlf(
             "INVITE sip:service@127.0.0.1:5061 SIP/2.0\n"
             "Via: SIP/2.0/TLS 127.0.0.1:5062;branch=z9hG4bK-12345-1-0\n"
             "From: sipp <sip:sipp@127.0.0.1:5062>;tag=12345SIPpTag001\n"
             "To: service <sip:service@127.0.0.1:5061>\n"
             "Call-ID: 1-12345@127.0.0.1\n"
             "CSeq: 1 INVITE\n"
             "Contact: sip:sipp@127.0.0.1:5062\n"
             "Max-Forwards: 70\n"
             "Subject: Performance Test\n"
             "Content-Type: application/sdp\n") +
         "Content-Length:   " + std::to_string(kSdp.size()) + "\r\n\r\n" + kSdp;
}

// Compact header names (RFC 3261 §7.3.3), as in the RFC 4475 torture tests.
const std::string kCompactInvite = crlf(
    "INVITE sip:bob@biloxi.example.com SIP/2.0\n"
    "v: SIP/2.0/TLS pc33.atlanta.example.com;branch=z9hG4bKnashds8\n"
    "f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
    "t: Bob <sip:bob@biloxi.example.com>\n"
    "i: a84b4c76e66710@pc33.atlanta.example.com\n"
    "CSeq: 314159 INVITE\n"
    "m: <sips:alice@pc33.atlanta.example.com>\n"
    "k: 100rel\n"
    "s: lunch\n"
    "c: application/sdp\n"
    "l: 0\n"
    "\n");

// --- parse_sip_message ---------------------------------------------------------

TEST(SipParse, KamailioOptions) {
  const SipMessage m = parse_ok(kKamailioOptions);
  EXPECT_TRUE(m.is_request);
  EXPECT_EQ(m.method, "OPTIONS");
  EXPECT_EQ(m.request_uri, "sip:sbc.example.net:5061;transport=tls");
  EXPECT_EQ(m.version, "SIP/2.0");
  ASSERT_EQ(m.headers.size(), 8u);
  EXPECT_EQ(m.headers[0].first, "Via");
  EXPECT_EQ(m.headers[7],
            (std::pair<std::string, std::string>{"User-Agent", "kamailio (5.7.4 (x86_64/linux))"}));
  EXPECT_EQ(m.header("call-id"), "6a4c2b1d3f5e7a9b-12345@192.0.2.10");
  EXPECT_EQ(m.header("CSEQ"), "10 OPTIONS");
  EXPECT_EQ(m.header("i"), "6a4c2b1d3f5e7a9b-12345@192.0.2.10");
  EXPECT_EQ(m.header("Contact"), std::nullopt);
  EXPECT_TRUE(m.body.empty());
}

TEST(SipParse, SippInviteWithSdpBody) {
  const SipMessage m = parse_ok(sipp_invite());
  EXPECT_EQ(m.method, "INVITE");
  EXPECT_EQ(m.header("Content-Length"), std::to_string(kSdp.size()));  // leading spaces trimmed
  EXPECT_EQ(m.body, kSdp);
  EXPECT_EQ(m.header("Subject"), "Performance Test");
  EXPECT_EQ(header_uri(*m.header("Contact")), "sip:sipp@127.0.0.1:5062");
}

TEST(SipParse, CiscoResponse) {
  const SipMessage m = parse_ok(kCiscoOk);
  EXPECT_FALSE(m.is_request);
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.reason, "OK");
  EXPECT_EQ(m.header("Server"), "Cisco-SIPGateway/IOS-17.6.5");
  // A Date holds a comma but is one row.
  EXPECT_EQ(m.all("Date"), std::vector<std::string>{"Mon, 09 Mar 2026 12:00:00 GMT"});
  const std::vector<std::string> allow = split_header_list(*m.header("Allow"));
  ASSERT_EQ(allow.size(), 12u);
  EXPECT_EQ(allow.front(), "INVITE");
  EXPECT_EQ(allow.back(), "REGISTER");
  EXPECT_EQ(header_param(*m.header("To"), "tag"), "4F2E1A0-1D4");
}

TEST(SipParse, AudioCodesReasonPhraseAndQuotedParameters) {
  const SipMessage m = parse_ok(kAudioCodesForbidden);
  EXPECT_EQ(m.status, 403);
  EXPECT_EQ(m.reason, "Forbidden");
  EXPECT_EQ(m.header("Reason"), "Q.850 ;cause=21 ;text=\"call rejected\"");
  const SipMessage multiword = parse_ok(crlf("SIP/2.0 488 Not Acceptable Here\nContent-Length: 0\n\n"));
  EXPECT_EQ(multiword.reason, "Not Acceptable Here");
}

TEST(SipParse, CompactFormsResolveBothWays) {
  const SipMessage m = parse_ok(kCompactInvite);
  EXPECT_EQ(m.header("Via"), "SIP/2.0/TLS pc33.atlanta.example.com;branch=z9hG4bKnashds8");
  EXPECT_EQ(m.header("from"), "Alice <sip:alice@atlanta.example.com>;tag=1928301774");
  EXPECT_EQ(m.header("To"), "Bob <sip:bob@biloxi.example.com>");
  EXPECT_EQ(m.header("Call-ID"), "a84b4c76e66710@pc33.atlanta.example.com");
  EXPECT_EQ(m.header("Contact"), "<sips:alice@pc33.atlanta.example.com>");
  EXPECT_EQ(m.header("Supported"), "100rel");
  EXPECT_EQ(m.header("Subject"), "lunch");
  EXPECT_EQ(m.header("Content-Type"), "application/sdp");
  EXPECT_EQ(m.header("Content-Length"), "0");
  EXPECT_EQ(m.headers[0].first, "v");  // names stay as sent
  // And the other way round: a long name found through its letter, upper-case letters too.
  const SipMessage k = parse_ok(kKamailioOptions);
  EXPECT_EQ(k.header("v"), k.header("Via"));
  EXPECT_EQ(k.header("L"), "0");
  EXPECT_EQ(canonical_header_name("M"), "Contact");
  EXPECT_EQ(canonical_header_name("X-Custom"), "X-Custom");
  EXPECT_EQ(canonical_header_name("z"), "z");
}

TEST(SipParse, AllReturnsRowsInOrderAcrossCompactAndLongNames) {
  const SipMessage m = parse_ok(
      crlf("SIP/2.0 100 Trying\n"
           "Via: SIP/2.0/TLS proxy2.example.com;branch=z9hG4bK2\n"
           "v: SIP/2.0/TLS proxy1.example.com;branch=z9hG4bK1, SIP/2.0/TLS ua.example.com;branch=z9hG4bK0\n"
           "VIA: SIP/2.0/TLS last.example.com;branch=z9hG4bKx\n"
           "Content-Length: 0\n\n"));
  const std::vector<std::string> vias = m.all("Via");
  ASSERT_EQ(vias.size(), 3u);
  EXPECT_EQ(vias[0], "SIP/2.0/TLS proxy2.example.com;branch=z9hG4bK2");
  EXPECT_EQ(split_header_list(vias[1]).size(), 2u);
  EXPECT_EQ(vias[2], "SIP/2.0/TLS last.example.com;branch=z9hG4bKx");
}

TEST(SipParse, FoldedLinesAreJoinedWithOneSpace) {
  // RFC 3261 §7.3.1 still allows folding (LWS holds a CRLF); RFC 4475 §3.1.1.1 uses it.
  const SipMessage m =
      parse_ok(crlf("OPTIONS sip:sbc.example.net SIP/2.0\n"
                    "Subject: I know you're there,\n"
                    "         pick up the phone\n"
                    "\tand talk to me!\n"
                    "Via: SIP/2.0/TLS 192.0.2.1;\n"
                    "  branch=z9hG4bK1\n"
                    "Content-Length: 0\n\n"));
  EXPECT_EQ(m.header("Subject"), "I know you're there, pick up the phone and talk to me!");
  EXPECT_EQ(m.header("Via"), "SIP/2.0/TLS 192.0.2.1; branch=z9hG4bK1");
  EXPECT_EQ(m.headers.size(), 3u);
}

TEST(SipParse, ToleratedOddities) {
  // Whitespace before the colon (HCOLON), an empty value, no reason phrase, lower-case version, leading
  // CRLFs.
  const SipMessage m =
      parse_ok(crlf("\n\nsip/2.0 180\nTo\t : <sip:a@example.com>\nSubject:\nContent-Length: 0\n\n"));
  EXPECT_EQ(m.status, 180);
  EXPECT_EQ(m.reason, "");
  EXPECT_EQ(m.version, "sip/2.0");
  EXPECT_EQ(m.header("to"), "<sip:a@example.com>");
  EXPECT_EQ(m.header("Subject"), "");
  // No Content-Length in a single message: the body is the rest.
  const SipMessage datagram =
      parse_ok(crlf("MESSAGE sip:a@example.com SIP/2.0\nContent-Type: text/plain\n\nhello"));
  EXPECT_EQ(datagram.body, "hello");
  // A method nobody registered is still a token.
  EXPECT_EQ(parse_ok(crlf("X-PING sips:a@example.com SIP/2.0\n\n")).method, "X-PING");
  // UTF-8 in a display name.
  EXPECT_EQ(
      parse_ok(crlf("SIP/2.0 200 OK\nFrom: \"J\xc3\xbcrgen\" <sip:j@example.de>;tag=1\n\n")).header("f"),
      "\"J\xc3\xbcrgen\" <sip:j@example.de>;tag=1");
}

TEST(SipParse, RejectsMalformedInput) {
  auto expect_error = [](std::string_view text, std::string_view fragment) {
    const std::string error = parse_error(text);
    EXPECT_NE(error.find(fragment), std::string::npos) << "error: " << error << "\ninput: " << text;
  };
  expect_error("", "empty");
  expect_error("\r\n\r\n", "empty");
  expect_error("OPTIONS sip:a SIP/2.0\nVia: x\n\n", "bare LF");
  expect_error("OPTIONS sip:a SIP/2.0\r\nVia: x\rFrom: y\r\n\r\n", "CR not followed by LF");
  expect_error(crlf("OPTIONS sip:a SIP/2.0\nContent-Length: 0\n"), "does not end with an empty line");
  expect_error(crlf("OPTIONS sip:a SIP/2.0\nVia SIP/2.0/TLS a\n\n"), "without a colon");
  expect_error(crlf("OPTIONS sip:a SIP/2.0\n folded: first\n\n"), "continuation line before any header");
  expect_error(crlf("OPTIONS sip:a SIP/2.0\nBad Name: x\n\n"), "malformed header name");
  expect_error(crlf("OPTIONS sip:a SIP/2.0\n: x\n\n"), "malformed header name");
  expect_error(crlf("OPTIONS sip:a SIP/2.0\nVia: a\x01"
                    "b\n\n"),
               "control character");
  static constexpr char kNul[] = "OPTIONS sip:a SIP/2.0\r\nVia: a\0b\r\n\r\n";
  expect_error(std::string(kNul, sizeof kNul - 1), "control character");
  expect_error(crlf("OPTIONS  sip:a SIP/2.0\n\n"), "malformed request line");
  expect_error(crlf("OPTIONS sip:a\n\n"), "malformed request line");
  expect_error(crlf("OPTIONS sip:a SIP/2\n\n"), "malformed request line");
  expect_error(crlf("OPTIONS sip:a HTTP/1.1\n\n"), "malformed request line");
  expect_error(crlf("OPT@ONS sip:a SIP/2.0\n\n"), "malformed request line");
  expect_error(crlf("OPTIONS a.example.com SIP/2.0\n\n"), "malformed request line");
  expect_error(crlf("GET / HTTP/1.1\nHost: a\n\n"), "malformed request line");
  expect_error(crlf("SIP/2.0 099 Early\n\n"), "outside 100-699");
  expect_error(crlf("SIP/2.0 700 Late\n\n"), "outside 100-699");
  expect_error(crlf("SIP/2.0 2000 OK\n\n"), "malformed status line");
  expect_error(crlf("SIP/2.0 20 OK\n\n"), "malformed status line");
  expect_error(crlf("SIP/2.0\n\n"), "malformed status line");
  expect_error(crlf("SIP/2.0 200 OK\nContent-Length: 12a\n\n"), "malformed Content-Length");
  expect_error(crlf("SIP/2.0 200 OK\nContent-Length: -1\n\n"), "malformed Content-Length");
  expect_error(crlf("SIP/2.0 200 OK\nContent-Length: 0\nl: 5\n\nhello"), "conflicting Content-Length");
  expect_error(crlf("SIP/2.0 200 OK\nContent-Length: 10\n\nhello"),
               "body has 5 bytes, Content-Length says 10");
  expect_error(crlf("SIP/2.0 200 OK\nContent-Length: 2\n\nhello"), "3 bytes after the body");
  expect_error(crlf("SIP/2.0 200 OK\nContent-Length: 99999999999999999999999999\n\n"),
               "exceeds the 65536-byte body limit");
}

TEST(SipParse, RepeatedEqualContentLengthIsAccepted) {
  const SipMessage m = parse_ok(crlf("SIP/2.0 200 OK\nContent-Length: 5\nl: 05\n\nhello"));
  EXPECT_EQ(m.body, "hello");
}

TEST(SipParse, LimitsAreEnforced) {
  SipLimits limits;
  limits.max_headers = 3;
  EXPECT_EQ(parse_error(crlf("SIP/2.0 200 OK\nA: 1\nB: 2\nC: 3\nD: 4\n\n"), limits),
            "more than 3 header fields");
  EXPECT_EQ(parse_ok(crlf("SIP/2.0 200 OK\nA: 1\nB: 2\nC: 3\n\n"), limits).headers.size(), 3u);

  limits = SipLimits{};
  limits.max_header_bytes = 64;
  const std::string exactly_64 = crlf("SIP/2.0 200 OK\nX: ") + std::string(64 - 23, 'a') + "\r\n\r\n";
  ASSERT_EQ(exactly_64.size(), 64u);
  EXPECT_EQ(parse_ok(exactly_64, limits).status, 200);
  EXPECT_EQ(parse_error(crlf("SIP/2.0 200 OK\nX: ") + std::string(42, 'a') + "\r\n\r\n", limits),
            "header section exceeds 64 bytes");

  limits = SipLimits{};
  limits.max_body = 4;
  EXPECT_EQ(parse_error(crlf("SIP/2.0 200 OK\nContent-Length: 5\n\nhello"), limits),
            "Content-Length \"5\" exceeds the 4-byte body limit");
  EXPECT_EQ(parse_error(crlf("SIP/2.0 200 OK\n\nhello"), limits), "body exceeds the 4-byte limit");
}

// --- SipStreamReader ---------------------------------------------------------------

std::vector<SipMessage> drain(SipStreamReader& reader) {
  std::vector<SipMessage> out;
  while (std::optional<SipMessage> message = reader.next()) out.push_back(std::move(*message));
  return out;
}

// A ping, a request, a pong, a response with a body, a ping.
std::string sample_stream() { return "\r\n\r\n" + kKamailioOptions + "\r\n" + sipp_invite() + "\r\n\r\n"; }

TEST(SipStream, FramesMessagesAndSkipsKeepAlives) {
  SipStreamReader reader;
  reader.feed(sample_stream());
  EXPECT_FALSE(reader.failed()) << reader.error();
  const std::vector<SipMessage> messages = drain(reader);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0], parse_ok(kKamailioOptions));
  EXPECT_EQ(messages[1], parse_ok(sipp_invite()));
  EXPECT_EQ(messages[1].body, kSdp);
  EXPECT_EQ(reader.keepalive_crlfs(), 5u);
  EXPECT_FALSE(reader.partial());
}

TEST(SipStream, SameResultWhateverTheSplitPoint) {
  const std::string stream = sample_stream();
  SipStreamReader whole;
  whole.feed(stream);
  const std::vector<SipMessage> expected = drain(whole);
  ASSERT_EQ(expected.size(), 2u);
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    SipStreamReader reader;
    reader.feed(std::string_view(stream).substr(0, cut));
    std::vector<SipMessage> got = drain(reader);
    reader.feed(std::string_view(stream).substr(cut));
    for (SipMessage& m : drain(reader)) got.push_back(std::move(m));
    EXPECT_EQ(got, expected) << "cut at " << cut;
    EXPECT_FALSE(reader.failed()) << "cut at " << cut << ": " << reader.error();
    EXPECT_EQ(reader.keepalive_crlfs(), 5u) << "cut at " << cut;
  }
}

TEST(SipStream, ByteByByte) {
  const std::string stream = sample_stream() + kCompactInvite + kCiscoOk;
  SipStreamReader reader;
  std::vector<SipMessage> got;
  for (char c : stream) {
    reader.feed(std::string_view(&c, 1));
    for (SipMessage& m : drain(reader)) got.push_back(std::move(m));
  }
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[2].header("Call-ID"), "a84b4c76e66710@pc33.atlanta.example.com");
  EXPECT_EQ(got[3].status, 200);
  EXPECT_FALSE(reader.partial());
}

TEST(SipStream, ManyPipelinedMessagesInOneFeedLargerThanTheBuffer) {
  SipLimits limits;
  limits.max_header_bytes = 1024;
  limits.max_body = 0;
  std::string stream;
  for (int i = 0; i < 1000; ++i) {
    stream += crlf("OPTIONS sip:a.example.com SIP/2.0\nCSeq: " + std::to_string(i) +
                   " OPTIONS\nContent-Length: 0\n\n");
  }
  ASSERT_GT(stream.size(), 10 * limits.max_header_bytes);
  SipStreamReader reader(limits);
  reader.feed(stream);
  const std::vector<SipMessage> messages = drain(reader);
  ASSERT_EQ(messages.size(), 1000u);
  EXPECT_EQ(messages[999].header("CSeq"), "999 OPTIONS");
  EXPECT_FALSE(reader.failed()) << reader.error();
}

TEST(SipStream, BodyMayHoldAnEmptyLine) {
  const std::string body = "first\r\n\r\nOPTIONS sip:not.a.message SIP/2.0\r\n\r\n";
  const std::string stream = crlf("MESSAGE sip:a@example.com SIP/2.0\nContent-Type: text/plain\nl: ") +
                             std::to_string(body.size()) + "\r\n\r\n" + body + kCiscoOk;
  SipStreamReader reader;
  reader.feed(stream);
  const std::vector<SipMessage> messages = drain(reader);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].body, body);
  EXPECT_EQ(messages[1].status, 200);
}

TEST(SipStream, ContentLengthIsRequired) {
  SipStreamReader reader;
  reader.feed(crlf("OPTIONS sip:a.example.com SIP/2.0\nVia: SIP/2.0/TLS b\n\n"));
  EXPECT_TRUE(reader.failed());
  EXPECT_EQ(reader.error(), "no Content-Length header (required on stream transports, RFC 3261 §18.3)");
  EXPECT_FALSE(reader.next());
}

TEST(SipStream, EndlessHeadersFailWithinTheLimit) {
  SipStreamReader reader;
  const std::string line = "X-Padding: " + std::string(50, 'p') + "\r\n";
  reader.feed(std::string_view("OPTIONS sip:a.example.com SIP/2.0\r\n"));
  size_t fed = 0;
  while (!reader.failed() && fed < 10'000'000) {
    reader.feed(line);
    fed += line.size();
  }
  ASSERT_TRUE(reader.failed());
  EXPECT_LE(fed, SipLimits{}.max_header_bytes + line.size());
  EXPECT_EQ(reader.error(), "header section exceeds 16384 bytes");
  EXPECT_FALSE(reader.partial());  // buffer released
}

TEST(SipStream, ManyShortHeadersHitTheCountLimit) {
  SipStreamReader reader;
  std::string text = "OPTIONS sip:a.example.com SIP/2.0\r\n";
  for (int i = 0; i < 200; ++i) text += "A: b\r\n";
  reader.feed(text + "Content-Length: 0\r\n\r\n");
  EXPECT_EQ(reader.error(), "more than 128 header fields");
}

TEST(SipStream, HugeContentLengthFailsAtOnce) {
  SipStreamReader reader;
  reader.feed(crlf("SIP/2.0 200 OK\nContent-Length: 4294967296\n\n"));
  EXPECT_TRUE(reader.failed());
  EXPECT_EQ(reader.error(), "Content-Length \"4294967296\" exceeds the 65536-byte body limit");
  SipStreamReader just_over;
  just_over.feed(crlf("SIP/2.0 200 OK\nContent-Length: 65537\n\n"));
  EXPECT_TRUE(just_over.failed());
  SipStreamReader at_limit;
  at_limit.feed(crlf("SIP/2.0 200 OK\nContent-Length: 65536\n\n"));
  at_limit.feed(std::string(65536, 'b'));
  EXPECT_FALSE(at_limit.failed()) << at_limit.error();
  EXPECT_EQ(at_limit.next()->body.size(), 65536u);
}

TEST(SipStream, FailureIsStickyButEarlierMessagesRemain) {
  SipStreamReader reader;
  reader.feed(kKamailioOptions + "GARBAGE\r\n\r\n" + kCiscoOk);
  EXPECT_TRUE(reader.failed());
  EXPECT_EQ(reader.error(), "malformed request line \"GARBAGE\"");
  reader.feed(kCiscoOk);
  const std::vector<SipMessage> messages = drain(reader);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].method, "OPTIONS");
}

TEST(SipStream, BareLineFeedsAreReportedNotBuffered) {
  SipStreamReader reader;
  reader.feed(std::string_view("OPTIONS sip:a.example.com SIP/2.0\nVia: x\n"));
  EXPECT_EQ(reader.error(), "bare LF in the header section (SIP lines end in CRLF)");
  SipStreamReader lone_lf_keepalive;
  lone_lf_keepalive.feed(std::string_view("\n"));
  EXPECT_TRUE(lone_lf_keepalive.failed());
}

TEST(SipStream, PartialMessageAtTheEnd) {
  SipStreamReader reader;
  const std::string invite = sipp_invite();
  reader.feed(std::string_view(invite).substr(0, invite.size() - 10));
  EXPECT_FALSE(reader.next());
  EXPECT_TRUE(reader.partial());
  EXPECT_FALSE(reader.failed());
  SipStreamReader keepalive_only;
  keepalive_only.feed(std::string_view("\r\n\r"));
  EXPECT_TRUE(keepalive_only.partial());  // half a CRLF
  keepalive_only.feed(std::string_view("\n"));
  EXPECT_FALSE(keepalive_only.partial());
  EXPECT_EQ(keepalive_only.keepalive_crlfs(), 2u);
}

// --- URIs and header values ---------------------------------------------------------

TEST(SipUri, HostPortTransportAndUser) {
  std::optional<SipUri> uri =
      parse_sip_uri("sips:+15551234567;phone-context=example.com@sbc.example.net:5061;transport=TLS;lr");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->scheme, "sips");
  EXPECT_EQ(uri->user, "+15551234567;phone-context=example.com");
  EXPECT_EQ(uri->host, "sbc.example.net");
  EXPECT_EQ(uri->host_kind, SipHostKind::name);
  EXPECT_FALSE(uri->host_is_ip());
  EXPECT_EQ(uri->port, 5061);
  EXPECT_EQ(uri->transport, "tls");
  ASSERT_EQ(uri->params.size(), 2u);
  EXPECT_EQ(uri->params[0], (std::pair<std::string, std::string>{"transport", "TLS"}));
  EXPECT_EQ(uri->params[1], (std::pair<std::string, std::string>{"lr", ""}));

  uri = parse_sip_uri("SIP:alice:secret@Atlanta.Example.COM.");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->scheme, "sip");
  EXPECT_EQ(uri->user, "alice");
  EXPECT_EQ(uri->host, "Atlanta.Example.COM.");
  EXPECT_FALSE(uri->port);
  EXPECT_FALSE(uri->transport);

  uri = parse_sip_uri("sip:sbc.example.net;maddr=239.255.255.1;ttl=15?Subject=hi&Priority=urgent");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->params.size(), 2u);
  EXPECT_EQ(uri->params[0].second, "239.255.255.1");
}

TEST(SipUri, IpLiterals) {
  std::optional<SipUri> v4 = parse_sip_uri("sip:192.0.2.10:5060;transport=tcp");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "192.0.2.10");
  EXPECT_EQ(v4->host_kind, SipHostKind::ipv4);
  EXPECT_TRUE(v4->host_is_ip());
  EXPECT_EQ(v4->transport, "tcp");

  std::optional<SipUri> v6 = parse_sip_uri("sips:trunk@[2001:db8::1]:5061");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "2001:db8::1");
  EXPECT_EQ(v6->host_kind, SipHostKind::ipv6);
  EXPECT_TRUE(v6->host_is_ip());
  EXPECT_EQ(v6->port, 5061);
  EXPECT_EQ(parse_sip_uri("sip:[::ffff:192.0.2.1]")->host_kind, SipHostKind::ipv6);
  // A name that merely starts with digits.
  EXPECT_EQ(parse_sip_uri("sip:1und1.example.de")->host_kind, SipHostKind::name);
}

TEST(SipUri, RejectsMalformed) {
  for (const char* text : {"",
                           "sip",
                           "sip:",
                           "tel:+15551234567",
                           "http://example.com",
                           "sip:@example.com",
                           "sip:host:",
                           "sip:host:65536",
                           "sip:host:5o61",
                           "sip:[::1",
                           "sip:[not-v6]",
                           "sip:2001:db8::1",
                           "sip:host name",
                           "sip:1.2.3.256",
                           "sip:1.2.3.04",
                           "sip:-bad.example.com",
                           "sip:bad-.example.com",
                           "sip:a..example.com",
                           "sip:under_score.example",
                           "sip:host;=x",
                           "sip:host;transport=",
                           "sip:host;transport=t/ls",
                           "sip:host>",
                           "sip:ex\xc3\xa4mple.com",
                           "sip:1.2.3"}) {
    EXPECT_FALSE(parse_sip_uri(text)) << text;
  }
}

TEST(SipHeaderValue, NameAddrAndAddrSpec) {
  EXPECT_EQ(header_uri("\"Smith, Alice <boss>\" <sip:alice@example.com>;tag=1"), "sip:alice@example.com");
  EXPECT_EQ(header_param("\"Smith, Alice <boss>\" <sip:alice@example.com>;tag=1", "TAG"), "1");
  EXPECT_EQ(header_uri("Bob Smith <sips:bob@[2001:db8::2]:5061;transport=tls>;expires=3600"),
            "sips:bob@[2001:db8::2]:5061;transport=tls");
  // transport belongs to the URI, expires to the header.
  const std::string contact =
      "<sip:a@b.example.com;transport=tls>;expires=3600;+sip.instance=\"<urn:uuid:1>\"";
  EXPECT_EQ(header_param(contact, "expires"), "3600");
  EXPECT_EQ(header_param(contact, "+sip.instance"), "\"<urn:uuid:1>\"");
  EXPECT_EQ(header_param(contact, "transport"), std::nullopt);
  // addr-spec: the first ';' starts the header parameters.
  EXPECT_EQ(header_uri("sip:sipp@127.0.0.1:5062;expires=60"), "sip:sipp@127.0.0.1:5062");
  EXPECT_EQ(header_param("sip:sipp@127.0.0.1:5062 ; expires = 60 ;ob", "expires"), "60");
  EXPECT_EQ(header_param("sip:sipp@127.0.0.1:5062;expires=60;ob", "ob"), "");
  EXPECT_EQ(header_param("<sip:a@example.com>", "tag"), std::nullopt);
  // Only the first element of a list.
  EXPECT_EQ(header_uri("<sip:a@one.example>, <sip:b@two.example>"), "sip:a@one.example");
  EXPECT_EQ(split_header_list("<sip:a@one.example;x=1,2>, \"B, C\" <sip:b@two.example> ,,").size(), 2u);
  EXPECT_EQ(header_uri("  <tel:+15551234567>"), "tel:+15551234567");
  EXPECT_EQ(header_uri("*"), std::nullopt);
  EXPECT_EQ(header_uri("<sip:a@example.com"), std::nullopt);
  EXPECT_EQ(header_uri("\"unterminated <sip:a@example.com>"), std::nullopt);
  EXPECT_EQ(header_uri("\"Quoted\" sip:a@example.com"), std::nullopt);
  EXPECT_EQ(header_uri("<sip:a@example.com> junk"), std::nullopt);
  EXPECT_EQ(header_uri("<a@example.com>"), std::nullopt);
  EXPECT_EQ(header_uri(""), std::nullopt);
  // A Contact from a real message, through to the host a probe would dial.
  const std::optional<SipUri> dialled = parse_sip_uri(*header_uri(*parse_ok(kCompactInvite).header("m")));
  ASSERT_TRUE(dialled);
  EXPECT_EQ(dialled->scheme, "sips");
  EXPECT_EQ(dialled->host, "pc33.atlanta.example.com");
}

// --- Builders -----------------------------------------------------------------------------

OptionsRequestSpec options_spec() {
  OptionsRequestSpec spec;
  spec.request_uri = "sip:sbc.example.net:5061;transport=tls";
  spec.from_uri = "sip:trunkcheck@probe.example.org";
  spec.from_tag = "a1b2c3";
  spec.via_host = "probe.example.org";
  spec.via_port = 50123;
  spec.branch = "7f3e9a";
  spec.call_id = "0f1e2d3c4b5a@probe.example.org";
  spec.cseq = 1;
  spec.contact_uri = "sip:trunkcheck@probe.example.org:50123;transport=tls";
  return spec;
}

TEST(SipBuild, OptionsRequestParsesBack) {
  std::string error;
  const std::optional<std::string> text = build_options_request(options_spec(), &error);
  ASSERT_TRUE(text) << error;
  SipStreamReader reader;  // as a peer would read it: Content-Length is there
  reader.feed(*text);
  std::optional<SipMessage> m = reader.next();
  ASSERT_TRUE(m) << reader.error();
  EXPECT_EQ(m->method, "OPTIONS");
  EXPECT_EQ(m->request_uri, "sip:sbc.example.net:5061;transport=tls");
  EXPECT_EQ(m->version, "SIP/2.0");
  EXPECT_EQ(m->header("Via"), "SIP/2.0/TLS probe.example.org:50123;branch=z9hG4bK7f3e9a");
  EXPECT_EQ(m->header("Max-Forwards"), "70");
  EXPECT_EQ(m->header("From"), "<sip:trunkcheck@probe.example.org>;tag=a1b2c3");
  EXPECT_EQ(m->header("To"), "<sip:sbc.example.net:5061;transport=tls>");
  EXPECT_EQ(m->header("Call-ID"), "0f1e2d3c4b5a@probe.example.org");
  EXPECT_EQ(m->header("CSeq"), "1 OPTIONS");
  EXPECT_EQ(header_uri(*m->header("Contact")), "sip:trunkcheck@probe.example.org:50123;transport=tls");
  EXPECT_EQ(m->header("User-Agent"), "trunkcheck/" TRUNKCHECK_VERSION);
  EXPECT_EQ(m->header("Content-Length"), "0");
  EXPECT_TRUE(text->ends_with("\r\n\r\n"));
  EXPECT_FALSE(reader.partial());
}

TEST(SipBuild, OptionsRequestVariants) {
  OptionsRequestSpec spec = options_spec();
  spec.via_host = "2001:db8::7";
  spec.branch = "z9hG4bK-already";
  spec.to_uri = "sip:ping@sbc.example.net";
  spec.contact_uri.clear();
  spec.user_agent = "probe-under-test";
  spec.cseq = (1u << 31) - 1;
  const SipMessage m = parse_ok(build_options_request(spec).value_or(""));
  EXPECT_EQ(m.header("Via"), "SIP/2.0/TLS [2001:db8::7]:50123;branch=z9hG4bK-already");
  EXPECT_EQ(m.header("To"), "<sip:ping@sbc.example.net>");
  EXPECT_EQ(m.header("Contact"), std::nullopt);
  EXPECT_EQ(m.header("User-Agent"), "probe-under-test");
  EXPECT_EQ(m.header("CSeq"), "2147483647 OPTIONS");
}

TEST(SipBuild, OptionsRequestRefusesFieldsThatWouldBreakTheMessage) {
  auto refused = [](auto change) {
    OptionsRequestSpec spec = options_spec();
    change(spec);
    std::string error;
    EXPECT_FALSE(build_options_request(spec, &error));
    return error;
  };
  EXPECT_EQ(refused([](OptionsRequestSpec& s) { s.from_tag = "x\r\nEvil: 1"; }),
            "OPTIONS request: From tag \"x\\x0d\\x0aEvil: 1\" is not a token");
  EXPECT_NE(refused([](OptionsRequestSpec& s) {
              s.request_uri = "sip:a.example.com SIP/2.0\r\n";
            }).find("request URI"),
            std::string::npos);
  EXPECT_NE(refused([](OptionsRequestSpec& s) { s.request_uri = "tel:+15551234567"; }).find("request URI"),
            std::string::npos);
  EXPECT_NE(refused([](OptionsRequestSpec& s) { s.from_uri = "sip:a>;tag=b"; }).find("From URI"),
            std::string::npos);
  EXPECT_NE(refused([](OptionsRequestSpec& s) { s.from_uri.clear(); }).find("From URI"), std::string::npos);
  EXPECT_NE(refused([](OptionsRequestSpec& s) { s.contact_uri = "no-scheme"; }).find("Contact URI"),
            std::string::npos);
  EXPECT_NE(refused([](OptionsRequestSpec& s) { s.call_id = "a b"; }).find("Call-ID"), std::string::npos);
  EXPECT_NE(refused([](OptionsRequestSpec& s) { s.call_id = "a@"; }).find("Call-ID"), std::string::npos);
  EXPECT_NE(refused([](OptionsRequestSpec& s) { s.branch.clear(); }).find("branch"), std::string::npos);
  EXPECT_NE(refused([](OptionsRequestSpec& s) { s.via_host = "[2001:db8::7]"; }).find("Via host"),
            std::string::npos);
  EXPECT_NE(refused([](OptionsRequestSpec& s) { s.cseq = 1u << 31; }).find("CSeq"), std::string::npos);
  EXPECT_NE(refused([](OptionsRequestSpec& s) { s.user_agent = "a\nb"; }).find("User-Agent"),
            std::string::npos);
}

TEST(SipBuild, ResponseCopiesTheTransactionHeaders) {
  const SipMessage request =
      parse_ok(crlf("OPTIONS sip:listener.example.org:5061;transport=tls SIP/2.0\n"
                    "Via: SIP/2.0/TLS proxy.example.com:5061;branch=z9hG4bKp1\n"
                    "v: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK4f1a.0;rport\n"
                    "To: <sip:listener.example.org>\n"
                    "f: <sip:dispatcher@192.0.2.10>;tag=8c2b\n"
                    "CSeq: 10 OPTIONS\n"
                    "i: 6a4c2b1d@192.0.2.10\n"
                    "Max-Forwards: 70\n"
                    "l: 0\n\n"));
  ResponseSpec spec;
  spec.to_tag = "tc9f8e7d";
  spec.server = "trunkcheck/0.1.0";
  spec.extra_headers = {{"Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS"}, {"Accept", "application/sdp"}};
  std::string error;
  const std::optional<std::string> text = build_response(request, spec, &error);
  ASSERT_TRUE(text) << error;
  const SipMessage m = parse_ok(*text);
  EXPECT_FALSE(m.is_request);
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.reason, "OK");
  EXPECT_EQ(m.all("Via"),
            (std::vector<std::string>{"SIP/2.0/TLS proxy.example.com:5061;branch=z9hG4bKp1",
                                      "SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK4f1a.0;rport"}));
  EXPECT_EQ(m.header("From"), "<sip:dispatcher@192.0.2.10>;tag=8c2b");
  EXPECT_EQ(m.header("To"), "<sip:listener.example.org>;tag=tc9f8e7d");
  EXPECT_EQ(m.header("Call-ID"), "6a4c2b1d@192.0.2.10");
  EXPECT_EQ(m.header("CSeq"), "10 OPTIONS");
  EXPECT_EQ(m.header("Server"), "trunkcheck/0.1.0");
  EXPECT_EQ(m.header("Allow"), "INVITE, ACK, CANCEL, BYE, OPTIONS");
  EXPECT_EQ(m.header("Content-Length"), "0");
  EXPECT_EQ(m.headers.front().first, "Via");  // long names in what we send
  EXPECT_EQ(m.header("Max-Forwards"), std::nullopt);
}

TEST(SipBuild, ResponseKeepsAnExistingToTagAndMayOmitOne) {
  SipMessage request = parse_ok(kCompactInvite);
  request.headers[2].second = "Bob <sip:bob@biloxi.example.com>;tag=existing";
  ResponseSpec spec;
  spec.status = 486;
  spec.reason = "Busy Here";
  spec.to_tag = "new";
  const SipMessage busy = parse_ok(build_response(request, spec).value_or(""));
  EXPECT_EQ(busy.header("To"), "Bob <sip:bob@biloxi.example.com>;tag=existing");
  EXPECT_EQ(busy.header("Server"), std::nullopt);

  ResponseSpec trying;
  trying.status = 100;
  trying.reason = "Trying";
  const SipMessage m = parse_ok(build_response(parse_ok(kCompactInvite), trying).value_or(""));
  EXPECT_EQ(m.header("To"), "Bob <sip:bob@biloxi.example.com>");
  EXPECT_EQ(m.status, 100);
}

TEST(SipBuild, ResponseRefusals) {
  auto refused = [](const SipMessage& request, const ResponseSpec& spec) {
    std::string error;
    EXPECT_FALSE(build_response(request, spec, &error));
    return error;
  };
  const SipMessage options = parse_ok(kKamailioOptions);
  EXPECT_EQ(refused(parse_ok(kCiscoOk), {}), "response: the message to answer is a response");
  EXPECT_EQ(refused(parse_ok(crlf("ACK sip:a@example.com SIP/2.0\nContent-Length: 0\n\n")), {}),
            "response: an ACK is never answered (RFC 3261 §17.1.1.3)");
  SipMessage no_call_id = options;
  std::erase_if(no_call_id.headers, [](const auto& h) { return h.first == "Call-ID"; });
  EXPECT_EQ(refused(no_call_id, {}), "response: the request has no Call-ID");
  SipMessage no_via = options;
  no_via.headers.erase(no_via.headers.begin());
  EXPECT_EQ(refused(no_via, {}), "response: the request has no Via");
  ResponseSpec spec;
  spec.status = 99;
  EXPECT_NE(refused(options, spec).find("outside 100-699"), std::string::npos);
  spec = {};
  spec.reason = "OK\r\nEvil: 1";
  EXPECT_NE(refused(options, spec).find("reason phrase"), std::string::npos);
  spec = {};
  spec.to_tag = "a;b";
  EXPECT_NE(refused(options, spec).find("To tag"), std::string::npos);
  spec = {};
  spec.extra_headers = {{"content-length", "5"}};
  EXPECT_NE(refused(options, spec).find("Content-Length"), std::string::npos);
  spec = {};
  spec.extra_headers = {{"Bad Name", "x"}};
  EXPECT_NE(refused(options, spec).find("extra header"), std::string::npos);
  SipMessage injected = options;
  injected.headers[0].second = "SIP/2.0/TLS a\r\nEvil: 1";
  EXPECT_NE(refused(injected, {}).find("control character"), std::string::npos);
}

}  // namespace
}  // namespace tc::wire
