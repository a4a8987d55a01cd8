#include "x509/chain_builder.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <chrono>

#include "x509/certificate_facts.h"

namespace tc::x509 {

namespace {

struct VerifyRun {
  bool ok = false;
  int error = 0;
  int depth = -1;
  X509StackPtr chain;  // as far as OpenSSL got, leaf first
};

VerifyRun run_verify(const X509* leaf, STACK_OF(X509) * untrusted, const TrustStore& trust,
                     const VerifyOptions& options, bool ignore_time) {
  VerifyRun run;
  X509StoreCtxPtr context{X509_STORE_CTX_new()};
  if (!context || trust.store() == nullptr ||
      X509_STORE_CTX_init(context.get(), trust.store(), const_cast<X509*>(leaf), untrusted) != 1) {
    run.error = X509_V_ERR_UNSPECIFIED;
    ERR_clear_error();
    return run;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  // The injected moment, never the wall clock. USE_CHECK_TIME (set by
  // set_time) would win over NO_CHECK_TIME, so the two are exclusive.
  if (ignore_time) {
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME);
  } else {
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(options.at.time_since_epoch().count()));
  }
  // A chain must reach a self-signed anchor: a trusted intermediate is not enough.
  X509_VERIFY_PARAM_clear_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (options.purpose == Purpose::server) X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER);
  if (options.purpose == Purpose::client) X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_CLIENT);
  run.ok = X509_verify_cert(context.get()) == 1;
  run.error = X509_STORE_CTX_get_error(context.get());
  run.depth = X509_STORE_CTX_get_error_depth(context.get());
  run.chain.reset(X509_STORE_CTX_get1_chain(context.get()));
  ERR_clear_error();
  return run;
}

bool self_signed(const X509* cert) {
  if (X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) != 0) return false;
  EVP_PKEY* key = X509_get0_pubkey(cert);
  bool verified = key != nullptr && X509_verify(const_cast<X509*>(cert), key) == 1;
  ERR_clear_error();
  return verified;
}

// Index in `presented` of the certificate equal to `cert`, or npos.
size_t presented_index(std::span<const X509Ptr> presented, const X509* cert) {
  for (size_t i = 0; i < presented.size(); ++i) {
    if (X509_cmp(presented[i].get(), cert) == 0) return i;
  }
  return static_cast<size_t>(-1);
}

}  // namespace

bool issues(const X509* issuer, const X509* subject) {
  if (issuer == subject || X509_cmp(issuer, subject) == 0) return false;
  bool result = X509_check_issued(const_cast<X509*>(issuer), const_cast<X509*>(subject)) == X509_V_OK;
  ERR_clear_error();
  return result;
}

std::optional<size_t> find_leaf(std::span<const X509Ptr> presented) {
  if (presented.empty()) return std::nullopt;
  std::optional<size_t> first_candidate;
  for (size_t i = 0; i < presented.size(); ++i) {
    bool issues_another = false;
    for (size_t j = 0; j < presented.size() && !issues_another; ++j) {
      if (i != j) issues_another = issues(presented[i].get(), presented[j].get());
    }
    if (issues_another) continue;
    // Several unrelated end certificates: prefer one that is not a CA.
    if (X509_check_ca(presented[i].get()) == 0) return i;
    if (!first_candidate) first_candidate = i;
  }
  ERR_clear_error();
  return first_candidate.value_or(0);  // a cycle (cross-signs): take the first
}

ChainVerdict verify_chain(std::span<const X509Ptr> presented, const TrustStore& trust, const VerifyOptions& options) {
  ChainVerdict verdict;
  std::optional<size_t> leaf = find_leaf(presented);
  if (!leaf) return verdict;
  verdict.leaf_found = true;
  verdict.leaf_index = *leaf;
  const X509* leaf_cert = presented[*leaf].get();

  X509StackPtr untrusted{sk_X509_new_null()};
  for (size_t i = 0; i < presented.size(); ++i) {
    if (i != *leaf && untrusted) sk_X509_push(untrusted.get(), share(presented[i].get()).release());
  }
  VerifyRun run = run_verify(leaf_cert, untrusted.get(), trust, options, false);
  verdict.trusted = run.ok;
  if (!run.ok) {
    verdict.verify_error = run.error;
    verdict.verify_error_text = X509_verify_cert_error_string(run.error);
    verdict.verify_error_depth = run.depth;
    verdict.trusted_ignoring_time = run_verify(leaf_cert, untrusted.get(), trust, options, true).ok;
  } else {
    verdict.trusted_ignoring_time = true;
  }

  // The path as OpenSSL built it, leaf first.
  std::vector<bool> on_path(presented.size(), false);
  bool in_order = *leaf == 0;
  int chain_length = run.chain ? sk_X509_num(run.chain.get()) : 0;
  if (chain_length == 0) {
    verdict.path.push_back(decode_certificate(leaf_cert, "presented[" + std::to_string(*leaf) + "]"));
    on_path[*leaf] = true;
  }
  for (int depth = 0; depth < chain_length; ++depth) {
    const X509* cert = sk_X509_value(run.chain.get(), depth);
    size_t index = presented_index(presented, cert);
    const Anchor* anchor = trust.find_equivalent(cert);
    std::string source = index != static_cast<size_t>(-1) ? "presented[" + std::to_string(index) + "]"
                         : anchor != nullptr             ? "trust:" + anchor->source
                                                         : "store";
    verdict.path.push_back(decode_certificate(cert, source));
    if (index != static_cast<size_t>(-1)) {
      on_path[index] = true;
      // Presented certificates on the path must sit at their path position.
      if (index != static_cast<size_t>(depth)) in_order = false;
    }
  }
  verdict.presented_in_order = in_order;
  for (size_t i = 0; i < presented.size(); ++i) {
    if (!on_path[i]) verdict.unused.push_back(i);
    if (self_signed(presented[i].get())) verdict.root_included = true;
  }

  // Where the path ends: an anchor, an untrusted root, or a missing issuer.
  const X509* top = chain_length > 0 ? sk_X509_value(run.chain.get(), chain_length - 1) : leaf_cert;
  const Anchor* anchor = trust.find_equivalent(top);
  if (anchor != nullptr) {
    verdict.anchor_source = anchor->source;
  } else if (self_signed(top)) {
    verdict.ends_in_untrusted_root = true;
  } else if (X509_NAME_cmp(X509_get_subject_name(top), X509_get_issuer_name(top)) != 0) {
    verdict.missing_issuer = name_to_string(X509_get_issuer_name(top));
  }
  ERR_clear_error();
  return verdict;
}

}  // namespace tc::x509
