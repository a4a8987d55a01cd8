#include "rules/forecast_rules.h"

#include <fmt/format.h>

#include <algorithm>

#include "policy/cipher_registry.h"
#include "rules/catalogue.h"

namespace tc {

namespace {

std::string days_text(int64_t days) { return days == 1 ? "1 day" : fmt::format("{} days", days); }

void forecast_certificate(const StoredEndpointFacts& facts, const RuleContext& context, Instant until,
                          const std::string& subject, EndpointForecast& out) {
  if (!facts.leaf) return;
  const CertificateFacts& leaf = *facts.leaf;
  const Profile& profile = *context.profile;
  out.expires = leaf.not_after;
  out.renewal_now = lifetime_limit_for(profile, context.at);
  out.renewal_at_expiry = lifetime_limit_for(profile, std::max(leaf.not_after, context.at));
  std::string renewal;
  if (out.renewal_now) {
    renewal = fmt::format(" A certificate issued on {} may live at most {} days (to {})", format_date(context.at),
                          out.renewal_now->max_days,
                          format_date(context.at + Days(out.renewal_now->max_days)));
    if (out.renewal_at_expiry && out.renewal_at_expiry->max_days != out.renewal_now->max_days) {
      renewal += fmt::format("; one issued on {} at most {} days", format_date(leaf.not_after),
                             out.renewal_at_expiry->max_days);
    }
    renewal += " (CA/B Forum SC-081): plan renewals accordingly.";
  }
  nlohmann::json evidence = {{"sha256", leaf.sha256},
                             {"not_after", format_instant(leaf.not_after)},
                             {"until", format_instant(until)},
                             {"renewal_max_days", out.renewal_now ? nlohmann::json(out.renewal_now->max_days) : nullptr},
                             {"probed_at", format_instant(facts.probed_at)}};
  if (leaf.not_after <= context.at) {
    out.expires_before_until = true;
    out.findings.push_back(make_finding(
        "cert-expired", subject,
        fmt::format("The endpoint's certificate {} expired on {} (as last scanned on {}): the platform rejects it on "
                    "outbound calls.{}",
                    leaf.subject, format_date(leaf.not_after), format_date(facts.probed_at), renewal),
        evidence));
  } else if (leaf.not_after <= until) {
    out.expires_before_until = true;
    out.findings.push_back(make_finding(
        "cert-expiring-soon", subject,
        fmt::format("The endpoint's certificate {} expires on {}, in {}, before {}: outbound calls fail from then "
                    "unless it is renewed.{}",
                    leaf.subject, format_date(leaf.not_after), days_text(days_between(context.at, leaf.not_after)),
                    format_date(until), renewal),
        evidence));
  }
}

void forecast_client_auth(const StoredEndpointFacts& facts, const RuleContext& context, const std::string& subject,
                          EndpointForecast& out) {
  if (facts.client_auth != ClientAuth::optional && facts.client_auth != ClientAuth::required) return;
  const TimelineEvent* renewal = context.profile->event("platform-cert-without-client-auth");
  std::string when = "Outbound calls from the platform fail when the endpoint checks the certificate's purpose";
  if (renewal) {
    when = renewal->date <= context.at
               ? fmt::format("Since {} ({}), outbound calls from the platform fail when the endpoint checks the "
                             "certificate's purpose (alert 43)",
                             format_date(renewal->date), renewal->text)
               : fmt::format("From {} ({}), outbound calls from the platform will fail when the endpoint checks the "
                             "certificate's purpose (alert 43)",
                             format_date(renewal->date), renewal->text);
  }
  nlohmann::json evidence = {{"client_auth", std::string(to_string(facts.client_auth))},
                             {"probed_at", format_instant(facts.probed_at)}};
  if (renewal) evidence["since"] = format_date(renewal->date);
  if (facts.client_auth == ClientAuth::required) {
    out.findings.push_back(make_finding(
        "mtls-required", subject,
        when + ". The endpoint requires a client certificate (last scanned " + format_date(facts.probed_at) +
            "); the platform's certificate no longer carries clientAuth, so mutual TLS must be switched off.",
        evidence));
  } else {
    out.findings.push_back(make_finding(
        "mtls-requested", subject,
        when + ". The endpoint requests a client certificate (last scanned " + format_date(facts.probed_at) +
            "): stop requesting one, or stop checking its purpose.",
        evidence));
  }
}

void forecast_suites(const StoredEndpointFacts& facts, const RuleContext& context, const std::string& subject,
                     EndpointForecast& out) {
  const Profile& profile = *context.profile;
  const TimelineEvent* removal = profile.event("cipher-removal-announced");
  std::string removal_text =
      removal ? fmt::format(" The platform announced their removal for {} ({}).", format_date(removal->date),
                            removal->text)
              : std::string();
  if (facts.without_deprecated_tested && !facts.without_deprecated_connected) {
    out.findings.push_back(make_finding(
        "cipher-only-deprecated", subject,
        "Without the deprecated suites the endpoint accepted none of the platform's offer (last scanned " +
            format_date(facts.probed_at) + "): outbound calls fail once they are removed." + removal_text,
        {{"probed_at", format_instant(facts.probed_at)}}));
    return;
  }
  if (facts.platform_cipher && profile.is_deprecated(*facts.platform_cipher)) {
    out.findings.push_back(make_finding(
        "cipher-deprecated-negotiated", subject,
        fmt::format("The platform's offer negotiated the deprecated suite {} (last scanned {}): the endpoint prefers it "
                    "over the platform's supported suites.{}",
                    describe_suite(*facts.platform_cipher), format_date(facts.probed_at), removal_text),
        {{"cipher", format_suite_code(*facts.platform_cipher)}, {"probed_at", format_instant(facts.probed_at)}}));
  }
}

void forecast_root(const StoredEndpointFacts& facts, const RuleContext& context, Instant until,
                   const std::string& subject, EndpointForecast& out) {
  if (!facts.anchor) return;
  for (const TimelineEvent& event : context.profile->timeline) {
    if (event.date > until) continue;
    if (std::find(event.roots.begin(), event.roots.end(), facts.anchor->subject_hash) == event.roots.end()) continue;
    out.root_distrusted_on = event.date;
    out.root_distrust_event = event.id;
    out.findings.push_back(make_finding(
        "chain-root-distrusted", subject,
        fmt::format("The endpoint's chain ends at {} (hash {}), which {} on {}: {}. Peers following that root "
                    "program stop trusting the chain.",
                    facts.anchor->subject, facts.anchor->subject_hash,
                    event.date <= context.at ? "lost browser-program trust" : "loses browser-program trust",
                    format_date(event.date), event.text),
        {{"root", facts.anchor->subject},
         {"subject_hash", facts.anchor->subject_hash},
         {"sha256", facts.anchor->sha256},
         {"event", event.id},
         {"date", format_date(event.date)}}));
    return;
  }
}

}  // namespace

std::string stored_endpoint_label(const StoredEndpointFacts& facts) {
  std::string where = facts.target;
  if (!facts.address.empty() && facts.target.rfind(facts.address, 0) != 0 &&
      facts.target.rfind("[" + facts.address + "]", 0) != 0) {
    where += ", " + facts.address;
  }
  return facts.label.empty() ? where : facts.label + " (" + where + ")";
}

ForecastJudgement forecast_endpoints(const std::vector<StoredEndpointFacts>& endpoints, const RuleContext& context,
                                     Instant until) {
  ForecastJudgement judgement;
  for (size_t i = 0; i < endpoints.size(); ++i) {
    const StoredEndpointFacts& facts = endpoints[i];
    EndpointForecast out;
    out.index = i;
    const std::string subject = stored_endpoint_label(facts);
    if (facts.reachable) {
      forecast_certificate(facts, context, until, subject, out);
      forecast_client_auth(facts, context, subject, out);
      forecast_suites(facts, context, subject, out);
      forecast_root(facts, context, until, subject, out);
    }
    for (const Finding& finding : out.findings) judgement.findings.push_back(finding);
    judgement.endpoints.push_back(std::move(out));
  }
  return judgement;
}

}  // namespace tc
