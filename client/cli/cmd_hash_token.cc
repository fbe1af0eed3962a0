// pluton-storage hash-token [--generate]
//
// Prints the SHA-256 (hex) of a bearer token read from standard input, as the service's access
// file (--auth_tokens_file) lists it, so operators never hand-compute one. With --generate it
// makes a new random token first (32 bytes from the system's CSPRNG, base64url) and prints both.
// Nothing is sent anywhere.
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "client/cli/command.h"
#include "nlohmann/json.hpp"

namespace pluton::storage::client {
namespace {

constexpr size_t kGeneratedTokenBytes = 32;
constexpr size_t kShortTokenBytes = 24;  // below this, a warning: guessable tokens exist
constexpr size_t kMaxTokenBytes = 4096;

std::string Sha256Hex(absl::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

absl::StatusOr<std::string> GenerateToken() {
  unsigned char bytes[kGeneratedTokenBytes];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("the system's random generator failed");
  }
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

absl::StatusOr<std::string> ReadTokenFromStdin(CliEnvironment& env) {
  std::unique_ptr<ByteSource> in = env.open_stdin();
  std::string token;
  char buffer[1024];
  while (true) {
    absl::StatusOr<size_t> n = in->Read(buffer, sizeof(buffer));
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    token.append(buffer, *n);
    if (token.size() > kMaxTokenBytes) {
      return absl::InvalidArgumentError("standard input is longer than any sensible token");
    }
  }
  token = TrimTrailingNewlines(std::move(token));
  if (token.empty()) {
    return absl::InvalidArgumentError(
        "no token on standard input: pipe it in (printf %s \"$TOKEN\" | pluton-storage "
        "hash-token), or use --generate");
  }
  return token;
}

int RunHashToken(CommandContext& ctx, const ArgParser& args) {
  const bool generate = args.Has("generate");
  absl::StatusOr<std::string> token = generate ? GenerateToken() : ReadTokenFromStdin(ctx.env());
  if (!token.ok()) return ctx.InputError(token.status());
  if (!generate && token->size() < kShortTokenBytes) {
    ctx.err() << "warning: a token of " << token->size()
              << " bytes can be guessed; use --generate for a random one\n";
  }
  const std::string hash = Sha256Hex(*token);
  if (ctx.json()) {
    nlohmann::json out = {{"sha256", hash}};
    if (generate) out["token"] = *token;
    ctx.out() << out.dump(2) << "\n";
  } else if (generate) {
    ctx.out() << "token:  " << *token << "\nsha256: " << hash << "\n";
  } else {
    ctx.out() << hash << "\n";
  }
  return kExitOk;
}

}  // namespace

Command HashTokenCommand() {
  Command command;
  command.name = "hash-token";
  command.summary = "Print the SHA-256 of a bearer token for the service's access file";
  command.usage = "hash-token [--generate]";
  command.details =
      "Reads the token from standard input (a trailing newline is ignored) and prints the hex\n"
      "SHA-256 the access file (--auth_tokens_file) lists as \"sha256\". --generate makes a new\n"
      "random token and prints it with its hash: give the token to the caller (e.g. in a\n"
      "Kubernetes Secret) and put only the hash in the access file. Nothing is sent.";
  command.declare = [](ArgParser& parser) {
    parser.AddSwitch("generate", "make a new random token and print it with its hash");
  };
  command.run = RunHashToken;
  return command;
}

}  // namespace pluton::storage::client
