#include "modules/push/push_settings.hpp"

namespace kontalk::modules::push {

using std::chrono::seconds;

const config::Section<PushSettings>& pushOptions() {
  static const config::Section<PushSettings> section(
      "modules.push",
      "Push notifications: Kontalk legacy push (spec §8.3: clients register an FCM token with "
      "push@DOMAIN) and XEP-0357 (spec §8.4: clients enable an app server); a message for an "
      "account without a reachable session wakes the app.",
      [](config::SectionBuilder<PushSettings>& option) {
        using S = PushSettings;
        option.text("fcm_sender_id", &S::fcmSenderId,
                    "the FCM sender id (project number), the `node` of the gcm.push.DOMAIN "
                    "item clients read; empty: FCM is off");
        option.path("fcm_service_account_file", &S::fcmServiceAccountFile,
                    "the Firebase service account's JSON key (project_id, client_email, "
                    "private_key, token_uri); required with fcm_sender_id");
        option.parsed("fcm_base_url", &S::fcmBaseUrl, config::httpUrlCodec(),
                      "where messages are sent: BASE/v1/projects/PROJECT/messages:send");
        option.duration("fcm_timeout", &S::fcmTimeout, seconds(1), seconds(60),
                        "seconds FCM (and its token endpoint) has to answer one request");
        option.flag("dummy", &S::dummy,
                    "offer the development provider dummy.push.DOMAIN, whose pushes are only "
                    "logged");
        option.duration("idle_after", &S::idleAfter, seconds(1), seconds(3600),
                        "a session that sent nothing for this long counts as unreachable "
                        "(mobile links die silently)");
        option.duration("min_interval", &S::minInterval, seconds(0), seconds(3600),
                        "further triggers within this time after a push give one more push "
                        "when it ends");
        option.integer("pushes_per_minute", &S::pushesPerMinute, std::size_t{1}, std::size_t{1000},
                       "pushes per account per minute; more are dropped");
        option.integer("max_pending", &S::maxPending, std::size_t{1}, std::size_t{1'000'000},
                       "pushes waiting for or talking to a provider, and XEP-0357 publishes "
                       "waiting for their answer, server-wide; more are dropped (logged)");
        option.integer("concurrency", &S::concurrency, std::size_t{1}, std::size_t{4},
                       "pushes talking to providers at once: the threads of the 8 for external "
                       "services (shared with registration's providers) push may hold");
        option.integer("max_tracked_accounts", &S::maxTrackedAccounts, std::size_t{1},
                       std::size_t{10'000'000},
                       "accounts whose recent pushes are remembered for coalescing; triggers "
                       "for further accounts are dropped until older entries expire");
        option.flag("app_servers", &S::appServers,
                    "offer XEP-0357 (urn:xmpp:push:0): clients enable app servers that get a "
                    "publish per push");
        option.integer("max_app_servers", &S::maxAppServers, std::size_t{1}, std::size_t{100},
                       "XEP-0357 app servers one account may enable; more are refused with "
                       "resource-constraint");
        option.duration("app_server_timeout", &S::appServerTimeout, seconds(1), seconds(300),
                        "seconds an app server has to answer a publish; no answer counts as a "
                        "transient error (3 in a row disable the entry)");
        option.flag("include_sender", &S::includeSender,
                    "put last-message-sender in XEP-0357 publishes (personal data)");
        option.flag("include_body", &S::includeBody,
                    "put last-message-body in XEP-0357 publishes (often an encryption fallback)");
      },
      [](const PushSettings& settings) -> std::optional<std::string> {
        if (settings.fcmEnabled() == settings.fcmServiceAccountFile.empty()) {
          return "fcm_sender_id and fcm_service_account_file go together";
        }
        return std::nullopt;
      });
  return section;
}

}  // namespace kontalk::modules::push
