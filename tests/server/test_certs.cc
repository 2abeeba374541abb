#include "tests/server/test_certs.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace shopml::server::testing {
namespace {

// Runs a shell command; Internal with its output when it fails.
absl::Status Run(const std::string& command) {
  const std::string full = absl::StrCat(command, " 2>&1");
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("popen failed");
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  if (status != 0) {
    return absl::InternalError(
        absl::StrCat("`", command, "` failed: ", output));
  }
  return absl::OkStatus();
}

absl::Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out.good()) return absl::InternalError("cannot write " + path);
  return absl::OkStatus();
}

constexpr char kKey[] =
    "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

// A key and a certificate `name`.pem signed by `ca`, with extensions `ext`.
absl::Status Issue(const std::string& dir, const std::string& ca,
                   const std::string& name, const std::string& subject,
                   const std::string& ext) {
  const std::string base = absl::StrCat(dir, "/", name);
  if (absl::Status s = WriteText(base + ".ext", ext); !s.ok()) return s;
  if (absl::Status s = Run(absl::StrCat(kKey, " -keyout ", base, ".key -out ",
                                        base, ".csr -subj ", subject));
      !s.ok()) {
    return s;
  }
  return Run(absl::StrCat("openssl x509 -req -in ", base, ".csr -CA ", dir, "/",
                          ca, ".pem -CAkey ", dir, "/", ca,
                          ".key -CAcreateserial -days 1 -out ", base,
                          ".pem -extfile ", base, ".ext"));
}

absl::StatusOr<CertFiles> MakeAuthority(const std::string& dir,
                                        const std::string& ca) {
  const std::string base = absl::StrCat(dir, "/", ca);
  if (absl::Status s =
          Run(absl::StrCat(kKey, " -x509 -days 1 -keyout ", base, ".key -out ",
                           base, ".pem -subj /CN=", ca));
      !s.ok()) {
    return s;
  }
  const std::string server = ca + "-server";
  const std::string client = ca + "-client";
  if (absl::Status s = Issue(dir, ca, server, "/CN=localhost",
                             "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                             "basicConstraints=CA:FALSE\n"
                             "extendedKeyUsage=serverAuth\n");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Issue(dir, ca, client, "/CN=shop-client",
                             "subjectAltName=DNS:shop-client.test\n"
                             "basicConstraints=CA:FALSE\n"
                             "extendedKeyUsage=clientAuth\n");
      !s.ok()) {
    return s;
  }
  return CertFiles{base + ".pem", absl::StrCat(dir, "/", server, ".pem"),
                   absl::StrCat(dir, "/", server, ".key"),
                   absl::StrCat(dir, "/", client, ".pem"),
                   absl::StrCat(dir, "/", client, ".key")};
}

}  // namespace

absl::StatusOr<TestCerts> TestCerts::Create(const std::string& dir) {
  TestCerts certs;
  absl::StatusOr<CertFiles> trusted = MakeAuthority(dir, "trusted");
  if (!trusted.ok()) return trusted.status();
  absl::StatusOr<CertFiles> other = MakeAuthority(dir, "other");
  if (!other.ok()) return other.status();
  certs.trusted = *trusted;
  certs.other = *other;
  return certs;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace shopml::server::testing
