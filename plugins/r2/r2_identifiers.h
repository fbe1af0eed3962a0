// Checks of the three identifiers an R2 configuration needs, with the fixes people need when
// they paste the wrong thing (an email, a dashboard URL, the token value, swapped fields).
//
// Each returns "" when the value is well-formed, else a description of the problem and the
// fix for the "Add Storage" form. Descriptions may echo an Account ID or a 32-hex id found in
// a pasted URL (not secret), never an email address, a key id or a secret.
//
// A Zone ID is also 32 lowercase hex characters, so it cannot be told from an Account ID by
// its form: CheckAccountId accepts it, and Test Connection's messages say "Account ID (not a
// Zone ID)" wherever a failure is consistent with a wrong account.
//
// Thread safety: pure functions, safe from any thread.
#ifndef PLUTON_PLUGINS_R2_R2_IDENTIFIERS_H_
#define PLUTON_PLUGINS_R2_R2_IDENTIFIERS_H_

#include <string>
#include <string_view>

namespace pluton::r2_provider {

// 32 lowercase hex characters. Recognizes an email address, a URL (dashboard or endpoint:
// the 32-hex id in it is extracted and suggested), surrounding spaces, the wrong length
// (named), characters other than hex, and uppercase hex (the lowercase form is suggested).
std::string CheckAccountId(std::string_view value);

// 32 characters without spaces, '/' or ','. Names the length of a wrong one ("has N
// characters; R2 Access Key IDs have 32") and recognizes a swapped secret (64 characters).
std::string CheckAccessKeyId(std::string_view value);

// 64 lowercase hex characters. Names the length of a wrong one, recognizes a swapped Access
// Key ID (32 characters) and the API token value (40 characters). Never echoes the value.
std::string CheckSecretAccessKey(std::string_view value);

}  // namespace pluton::r2_provider

#endif  // PLUTON_PLUGINS_R2_R2_IDENTIFIERS_H_
