#include "registry/host_policy.h"

#include <curl/curl.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pluton::storage {
namespace {

namespace fs = std::filesystem;

// `path` with symbolic links of its existing part resolved and "." and ".." removed.
std::string Resolve(const std::string& path) {
  std::error_code error;
  fs::path resolved = fs::weakly_canonical(fs::path(path), error);
  if (error) resolved = fs::path(path).lexically_normal();
  std::string text = resolved.string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

// Whether `path` is `dir` or lies below it (both resolved).
bool IsAtOrBelow(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path == dir || absl::StartsWith(path, absl::StrCat(dir, "/"));
}

struct ParsedUrl {
  std::string scheme;
  std::string host;  // lowercase, IPv6 without brackets
  int port = 0;
};

// Parses with libcurl's URL parser, the one the plugins' requests go through. "" on success.
std::string ParseUrl(const std::string& url, ParsedUrl& out) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return "is not a URL";
  }
  auto part = [&](CURLUPart which, unsigned flags, std::string& value) {
    char* text = nullptr;
    if (curl_url_get(handle.get(), which, &text, flags) != CURLUE_OK) return false;
    value = text;
    curl_free(text);
    return true;
  };
  std::string port;
  if (!part(CURLUPART_SCHEME, 0, out.scheme) || !part(CURLUPART_HOST, 0, out.host) ||
      !part(CURLUPART_PORT, CURLU_DEFAULT_PORT, port) || !absl::SimpleAtoi(port, &out.port)) {
    return "is not a URL with a host";
  }
  out.scheme = absl::AsciiStrToLower(out.scheme);
  out.host = absl::AsciiStrToLower(out.host);
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  if (out.scheme != "http" && out.scheme != "https") return "is not an http:// or https:// URL";
  return "";
}

}  // namespace

absl::StatusOr<HostPolicy> HostPolicy::Create(const std::vector<std::string>& local_roots,
                                              const std::vector<std::string>& protected_paths,
                                              const std::vector<std::string>& endpoint_patterns) {
  HostPolicy policy;
  for (const std::string& root : local_roots) {
    std::error_code error;
    if (root.empty() || root[0] != '/') {
      return absl::InvalidArgumentError(absl::StrCat(kLocalRootFlag, " \"", root,
                                                     "\" is not an absolute path; give one "
                                                     "that starts with /"));
    }
    if (!fs::is_directory(root, error)) {
      return absl::FailedPreconditionError(
          absl::StrCat(kLocalRootFlag, " ", root,
                       " is not an existing directory; create it or remove the flag"));
    }
    policy.local_roots_.push_back(Resolve(root));
  }
  for (const std::string& path : protected_paths) {
    if (!path.empty()) policy.protected_paths_.push_back(Resolve(path));
  }
  for (const std::string& text : endpoint_patterns) {
    EndpointPattern pattern;
    std::string host = absl::AsciiStrToLower(text);
    // "host:port", "[v6]:port", "[v6]", "v6" (more than one colon, no brackets: no port).
    if (absl::StartsWith(host, "[")) {
      const size_t close = host.find(']');
      if (close == std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(kAllowedEndpointFlag, " \"", text, "\" has no closing ]"));
      }
      const std::string rest = host.substr(close + 1);
      host = host.substr(1, close - 1);
      if (!rest.empty() && (rest[0] != ':' || !absl::SimpleAtoi(rest.substr(1), &pattern.port) ||
                            pattern.port <= 0 || pattern.port > 65535)) {
        return absl::InvalidArgumentError(
            absl::StrCat(kAllowedEndpointFlag, " \"", text, "\": after ] only :PORT may follow"));
      }
    } else if (const size_t colon = host.find(':');
               colon != std::string::npos && host.find(':', colon + 1) == std::string::npos) {
      if (!absl::SimpleAtoi(host.substr(colon + 1), &pattern.port) || pattern.port <= 0 ||
          pattern.port > 65535) {
        return absl::InvalidArgumentError(absl::StrCat(
            kAllowedEndpointFlag, " \"", text, "\" has an invalid port; use HOST or HOST:PORT"));
      }
      host = host.substr(0, colon);
    }
    const std::string bare = absl::StartsWith(host, "*.") ? host.substr(2) : host;
    if (bare.empty() || bare.find_first_of("*/@ ") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(kAllowedEndpointFlag, " \"", text,
                       "\" is not a host pattern; use HOST, HOST:PORT, *.DOMAIN or *.DOMAIN:PORT"));
    }
    pattern.host = host;
    policy.endpoints_.push_back(pattern);
  }
  return policy;
}

std::string HostPolicy::LocalPathProblem(const std::string& path) const {
  if (path[0] != '/') return "";  // the plugin names the fix for a relative path
  if (local_roots_.empty()) {
    return absl::StrCat(
        "local storages are not enabled on this service: its operator allows "
        "them by starting it with ",
        kLocalRootFlag, "=DIR, for roots at or below DIR");
  }
  const std::string resolved = Resolve(path);
  for (const std::string& root : local_roots_) {
    if (!IsAtOrBelow(resolved, root)) continue;
    for (const std::string& own : protected_paths_) {
      if (IsAtOrBelow(resolved, own) || IsAtOrBelow(own, resolved)) {
        return "holds or lies inside the service's own files (its data directory, database, "
               "master key or plugins); use a directory of its own";
      }
    }
    return "";
  }
  return absl::StrCat("\"", path, "\" is outside the directories this service allows (",
                      kLocalRootFlag, "): ", absl::StrJoin(local_roots_, ", "),
                      "; use a directory at or below one of them");
}

std::string HostPolicy::EndpointProblem(const std::string& url) const {
  ParsedUrl parsed;
  if (std::string problem = ParseUrl(url, parsed); !problem.empty()) return problem;
  for (const EndpointPattern& pattern : endpoints_) {
    if (pattern.port != 0 && pattern.port != parsed.port) continue;
    const bool host_matches = absl::StartsWith(pattern.host, "*.")
                                  ? absl::EndsWith(parsed.host, pattern.host.substr(1)) &&
                                        parsed.host.size() > pattern.host.size() - 1
                                  : parsed.host == pattern.host;
    if (host_matches) return "";
  }
  return absl::StrCat("the host ", parsed.host, " (port ", parsed.port,
                      ") is not an endpoint this service may reach; its operator allows one "
                      "with ",
                      kAllowedEndpointFlag, "=HOST[:PORT]");
}

void HostPolicy::Check(const std::vector<ConfigFieldSpec>& schema, const ConfigMap& config,
                       std::vector<FieldViolation>& violations) const {
  for (const ConfigFieldSpec& field : schema) {
    if (field.format.empty()) continue;
    auto it = config.find(field.name);
    if (it == config.end() || it->second.empty()) continue;
    const std::string problem =
        field.format == "local_path" ? LocalPathProblem(it->second) : EndpointProblem(it->second);
    if (!problem.empty()) violations.push_back({field.name, problem});
  }
}

}  // namespace pluton::storage
