#include "server/token_auth.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <fstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace shopml::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(static_cast<unsigned char>(c));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<TokenSet::Digest> ParseDigest(absl::string_view hex) {
  TokenSet::Digest digest;
  if (hex.size() != 2 * digest.size()) return std::nullopt;
  for (size_t i = 0; i < digest.size(); ++i) {
    const int high = HexValue(hex[2 * i]);
    const int low = HexValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return digest;
}

}  // namespace

std::optional<absl::string_view> ParseBearer(absl::string_view value) {
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  const absl::string_view token = value.substr(kScheme.size());
  for (char c : token) {
    if (c <= ' ' || c > '~') return std::nullopt;
  }
  return token;
}

absl::StatusOr<std::shared_ptr<const TokenSet>> TokenSet::Load(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("auth_tokens_file: cannot read file \"", path, "\""));
  }
  std::vector<Digest> digests;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    std::optional<Digest> digest = ParseDigest(text);
    if (!digest) {
      // The line may be a token pasted by mistake: never echo it.
      return absl::InvalidArgumentError(absl::StrCat(
          "auth_tokens_file: ", path, ":", number,
          ": must be a SHA-256 digest of 64 hex digits (the line is not "
          "shown)"));
    }
    digests.push_back(*digest);
  }
  if (digests.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "auth_tokens_file: file \"", path, "\" holds no token digest"));
  }
  return std::make_shared<const TokenSet>(std::move(digests));
}

TokenSet::TokenSet(std::vector<Digest> digests)
    : digests_(std::move(digests)) {}

TokenSet::Digest TokenSet::Sha256(absl::string_view text) {
  Digest digest;
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         digest.data());
  return digest;
}

bool TokenSet::Accepts(absl::string_view token) const {
  const Digest presented = Sha256(token);
  // No early exit: every digest is compared whatever the outcome.
  int matches = 0;
  for (const Digest& digest : digests_) {
    matches |=
        CRYPTO_memcmp(presented.data(), digest.data(), digest.size()) == 0;
  }
  return matches != 0;
}

bool TokenSet::AcceptsHeader(absl::string_view authorization) const {
  const std::optional<absl::string_view> token = ParseBearer(authorization);
  return token.has_value() && Accepts(*token);
}

TokenAuthProcessor::TokenAuthProcessor(std::shared_ptr<const TokenSet> tokens)
    : tokens_(std::move(tokens)) {}

grpc::Status TokenAuthProcessor::Process(
    const InputMetadata& auth_metadata, grpc::AuthContext* context,
    OutputMetadata* consumed_auth_metadata,
    OutputMetadata* /*response_metadata*/) {
  bool valid = false;
  for (auto [key, value] : auth_metadata) {
    if (key != kAuthorizationKey) continue;
    const absl::string_view header(value.data(), value.size());
    // Every copy is consumed; one valid copy authenticates.
    valid = tokens_->AcceptsHeader(header) || valid;
    consumed_auth_metadata->insert(std::make_pair(
        std::string(key.data(), key.size()), std::string(header)));
  }
  if (valid) context->AddProperty(kTokenProperty, "valid");
  return grpc::Status::OK;
}

}  // namespace shopml::server
