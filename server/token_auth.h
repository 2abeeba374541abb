// Bearer-token authentication of gRPC calls.
//
// TokenSet holds the accepted tokens as SHA-256 digests, read from the
// auth_tokens_file: one lowercase or uppercase hex digest (64 digits) per
// line; blank lines and lines starting with '#' are skipped. A token is
// accepted when the SHA-256 of the string after "Bearer " equals one of
// them. Make a line with
//
//   printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1 >> tokens
//
// The file never holds a token itself, and the server never logs one.
// Comparisons run over every digest in constant time (CRYPTO_memcmp), so the
// time of a rejection says nothing about how close a guess was.
//
// TokenAuthProcessor is the grpc::AuthMetadataProcessor for TLS ports: it
// consumes the `authorization` metadata (handlers never see it) and marks the
// call's AuthContext with kTokenProperty when the token is valid. It never
// fails a call itself: whether a call needs a token depends on its method,
// which CallGate decides. gRPC 1.51 aborts when a processor is set on
// insecure credentials, so on a plaintext port CallGate reads the header from
// the call's metadata instead (see call_gate.h).
//
// Thread safety: TokenSet is immutable after Load; both types are safe to
// share.
#ifndef SHOPML_SERVER_TOKEN_AUTH_H_
#define SHOPML_SERVER_TOKEN_AUTH_H_

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/auth_metadata_processor.h"

namespace shopml::server {

// AuthContext property set on calls that presented a valid token.
inline constexpr char kTokenProperty[] = "shopml.bearer_token";
// Metadata key of the token (gRPC keys are lowercase).
inline constexpr char kAuthorizationKey[] = "authorization";

// The token of an `authorization` value "Bearer <token>" (scheme
// case-insensitive, one space, token of printable ASCII without spaces);
// nullopt when the value has another form.
std::optional<absl::string_view> ParseBearer(absl::string_view value);

class TokenSet {
 public:
  using Digest = std::array<unsigned char, 32>;

  // Reads `path`. NotFound naming the file when it cannot be read;
  // InvalidArgument naming the file and line for a line that is not a hex
  // SHA-256 digest, or when the file holds no digest.
  static absl::StatusOr<std::shared_ptr<const TokenSet>> Load(
      const std::string& path);
  // From digests directly (tests).
  explicit TokenSet(std::vector<Digest> digests);

  // True when the SHA-256 of `token` is one of the digests. Runs in time
  // independent of which digest (if any) matches.
  bool Accepts(absl::string_view token) const;
  // True when `authorization` is "Bearer <token>" with an accepted token.
  bool AcceptsHeader(absl::string_view authorization) const;

  size_t size() const { return digests_.size(); }

  static Digest Sha256(absl::string_view text);

 private:
  std::vector<Digest> digests_;
};

class TokenAuthProcessor final : public grpc::AuthMetadataProcessor {
 public:
  explicit TokenAuthProcessor(std::shared_ptr<const TokenSet> tokens);

  // Hashing one token is cheap: run on gRPC's thread, not a pool.
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  const std::shared_ptr<const TokenSet> tokens_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_TOKEN_AUTH_H_
