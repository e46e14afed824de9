#include "common/curve_keys.hpp"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "common/curve_setup.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

mode_t mode_of(const std::filesystem::path& file) {
  struct stat info {};
  EXPECT_EQ(::stat(file.c_str(), &info), 0) << file;
  return info.st_mode & 07777;
}

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

TEST(CurveKeys, WritesAPairThatReadsBack) {
  test::TempDir dir;
  const auto keys = generate_curve_key_pair();
  ASSERT_TRUE(write_curve_key_files(dir.path(), "worker-1", keys, false).ok());

  EXPECT_EQ(mode_of(dir.path() / "worker-1.key_secret"), 0600u);
  EXPECT_EQ(mode_of(dir.path() / "worker-1.key"), 0644u);
  auto public_key = read_curve_public_key(dir.path() / "worker-1.key");
  ASSERT_TRUE(public_key.ok()) << public_key.error().message;
  EXPECT_EQ(public_key.value(), keys.public_key);
  auto pair = read_curve_secret_key(dir.path() / "worker-1.key_secret");
  ASSERT_TRUE(pair.ok()) << pair.error().message;
  EXPECT_EQ(pair.value().secret_key, keys.secret_key);
  EXPECT_EQ(pair.value().public_key, keys.public_key);
  // The public file must not carry the secret.
  std::ifstream in(dir.path() / "worker-1.key");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(keys.secret_key), std::string::npos);
}

TEST(CurveKeys, RefusesToOverwriteAPairUnlessForced) {
  test::TempDir dir;
  const auto first = generate_curve_key_pair();
  ASSERT_TRUE(write_curve_key_files(dir.path(), "a", first, false).ok());
  auto again = write_curve_key_files(dir.path(), "a", generate_curve_key_pair(), false);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("--force"), std::string::npos);
  EXPECT_EQ(read_curve_public_key(dir.path() / "a.key").value(), first.public_key);

  const auto second = generate_curve_key_pair();
  ASSERT_TRUE(write_curve_key_files(dir.path(), "a", second, true).ok());
  EXPECT_EQ(read_curve_public_key(dir.path() / "a.key").value(), second.public_key);
  EXPECT_EQ(mode_of(dir.path() / "a.key_secret"), 0600u);
}

TEST(CurveKeys, RefusesNamesThatAreNotPlainFileNames) {
  test::TempDir dir;
  for (const char* name : {"", "../x", "a/b", ".hidden"}) {
    EXPECT_FALSE(write_curve_key_files(dir.path(), name, generate_curve_key_pair(), false).ok())
        << name;
  }
}

TEST(CurveKeys, RefusesASecretFileOthersCanRead) {
  test::TempDir dir;
  ASSERT_TRUE(write_curve_key_files(dir.path(), "a", generate_curve_key_pair(), false).ok());
  const auto secret = dir.path() / "a.key_secret";
  ::chmod(secret.c_str(), 0644);
  auto read = read_curve_secret_key(secret);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("chmod 600"), std::string::npos) << read.error().message;
}

TEST(CurveKeys, ReadsCertificatesWrittenByOtherZeroMqTools) {
  // The layout pyzmq's zmq.auth.create_certificates and czmq's zcert write.
  test::TempDir dir;
  const auto keys = generate_curve_key_pair();
  write_file(dir.path() / "peer.key",
             "#   ****  Generated on 2026-11-28 by pyzmq  ****\n"
             "#   ZeroMQ CURVE Public Certificate\n\nmetadata\n    name = \"peer\"\ncurve\n"
             "    public-key = \"" +
                 keys.public_key + "\"\n");
  EXPECT_EQ(read_curve_public_key(dir.path() / "peer.key").value(), keys.public_key);
}

TEST(CurveKeys, NamesWhatIsWrongWithAMalformedKeyFile) {
  test::TempDir dir;
  write_file(dir.path() / "short.key", "public-key = \"abc\"\n");
  write_file(dir.path() / "none.key", "hello\n");
  auto too_short = read_curve_public_key(dir.path() / "short.key");
  ASSERT_FALSE(too_short.ok());
  EXPECT_NE(too_short.error().message.find("40-character Z85"), std::string::npos);
  auto missing = read_curve_public_key(dir.path() / "none.key");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no public-key line"), std::string::npos);
  EXPECT_FALSE(read_curve_public_key(dir.path() / "absent.key").ok());
}

TEST(CurveKeys, TrustsEveryPublicKeyFileOfADirectoryByName) {
  test::TempDir dir;
  const auto a = generate_curve_key_pair();
  const auto b = generate_curve_key_pair();
  ASSERT_TRUE(write_curve_key_files(dir.path(), "a", a, false).ok());
  ASSERT_TRUE(write_curve_key_files(dir.path(), "b", b, false).ok());
  write_file(dir.path() / "README", "not a key\n");

  auto trusted = read_trusted_keys(dir.path());
  ASSERT_TRUE(trusted.ok()) << trusted.error().message;
  EXPECT_EQ(trusted.value(), (TrustedKeys{{a.public_key, "a"}, {b.public_key, "b"}}));

  write_file(dir.path() / "broken.key", "public-key = \"x\"\n");
  auto refused = read_trusted_keys(dir.path());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("broken.key"), std::string::npos);
  EXPECT_FALSE(read_trusted_keys(dir.path() / "missing").ok());
}

TEST(CurveSetup, AServerNeedsATrustDirectoryAndTrustsItsOwnKey) {
  test::TempDir dir;
  const auto server = generate_curve_key_pair();
  ASSERT_TRUE(write_curve_key_files(dir.path(), "server", server, false).ok());
  std::filesystem::create_directory(dir.path() / "trust");
  CurveFlags flags{(dir.path() / "server.key_secret").string(), "", ""};
  EXPECT_THROW((void)CurveSetup::load(flags, CurveRole::kServer), std::runtime_error);

  flags.trust_dir = (dir.path() / "trust").string();
  const auto setup = CurveSetup::load(flags, CurveRole::kServer);
  ASSERT_TRUE(setup.enabled());
  EXPECT_EQ(setup.own_name, "server");
  EXPECT_EQ(setup.trusted, (TrustedKeys{{server.public_key, "server"}}));
}

TEST(CurveSetup, AClientNeedsTheServerKeyAndTheClearNeedsNoFlags) {
  test::TempDir dir;
  const auto client = generate_curve_key_pair();
  const auto server = generate_curve_key_pair();
  ASSERT_TRUE(write_curve_key_files(dir.path(), "client", client, false).ok());
  ASSERT_TRUE(write_curve_key_files(dir.path(), "server", server, false).ok());
  CurveFlags flags{(dir.path() / "client.key_secret").string(), "", ""};
  EXPECT_THROW((void)CurveSetup::load(flags, CurveRole::kClient), std::runtime_error);
  flags.server_key_file = (dir.path() / "server.key").string();
  EXPECT_EQ(CurveSetup::load(flags, CurveRole::kClient).server_key, server.public_key);

  EXPECT_FALSE(CurveSetup::load(CurveFlags{}, CurveRole::kClient).enabled());
  // A server key without a key of one's own would connect unauthenticated: refused.
  EXPECT_THROW(
      (void)CurveSetup::load(CurveFlags{"", "", flags.server_key_file}, CurveRole::kClient),
      std::runtime_error);
}

}  // namespace
}  // namespace zpipe
