#pragma once
// FCM HTTP v1's request and what its answers mean (spec §8.3, the answer table).
// Pure.
// Threading: any thread.

#include <string>
#include <string_view>

namespace kontalk::modules::push {

// The data message that makes the Kontalk app connect (spec §8.3): data only, no content.
std::string fcmMessageBody(std::string_view token);
// BASE/v1/projects/PROJECT/messages:send
std::string fcmSendUrl(std::string_view baseUrl, std::string_view projectId);

enum class FcmVerdict {
  Done,          // 200
  DeleteToken,   // the token is dead or not ours: delete the registration, no retry
  Refused,       // our request is wrong: log an error, keep the registration, no retry
  RefreshToken,  // 401: fetch a new access token, retry once
  Retry,         // 429, 5xx: retry after Retry-After, else 1, 2, 4 s; at most 3 retries
};

struct FcmAnswer {
  FcmVerdict verdict = FcmVerdict::Done;
  std::string code;  // the FcmError errorCode, else error.status; empty when none, for the log
};

// `status` and the JSON error body: the code is the errorCode of the error.details entry typed
// type.googleapis.com/google.firebase.fcm.v1.FcmError, else error.status.
FcmAnswer classifyFcmAnswer(long status, std::string_view body);

}  // namespace kontalk::modules::push
