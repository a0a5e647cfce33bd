// TLS of the e-mail channel against the aiosmtpd sink with a self-signed certificate: STARTTLS
// and smtps:// are used and verified, and a name that is not loopback must get STARTTLS.
#include <gtest/gtest.h>

#include "notify/channels/email_channel.hpp"
#include "notify/channels/email_test_data.hpp"
#include "support/notify/smtp_server.hpp"

namespace kz {
namespace {

using Outcome = DeliveryResult::Outcome;
using Tls = test::SmtpServerOptions::Tls;

test::SmtpServerOptions with_tls(Tls tls) {
  test::SmtpServerOptions options;
  options.tls = tls;
  return options;
}

TEST(EmailTls, StartTlsAndSmtpsCarryTheMailWhenTheCertificateVerifies) {
  std::mt19937 random(17);
  for (const Tls tls : {Tls::starttls, Tls::implicit}) {
    test::SmtpServer server(with_tls(tls));
    CurlMailTransport transport(CurlMailOptions{.connect_timeout = std::chrono::seconds(10),
                                                .timeout = std::chrono::seconds(30),
                                                .ca_file = server.cert_file()});
    const Destination destination = email_destination(server.url(), 3);
    EmailChannel channel(destination, transport);
    const DeliveryResult result = channel.send(generated_digest(random, 4));
    ASSERT_EQ(result.outcome, Outcome::delivered) << server.url() << ": " << result.error;
    const auto received = server.received();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_TRUE(received[0].tls) << server.url();
    EXPECT_EQ(received[0].rcpt_tos, destination.to);
  }
}

TEST(EmailTls, ACertificateThatDoesNotVerifyIsRefusedAndNothingIsSent) {
  std::mt19937 random(18);
  for (const Tls tls : {Tls::starttls, Tls::implicit}) {
    test::SmtpServer server(with_tls(tls));
    CurlMailTransport transport;  // the system's CAs, which do not know the test certificate
    Destination destination = email_destination(server.url(), 1);
    destination.user = "kz-alerts";
    destination.secrets.password = "not-to-be-sent-in-clear";
    EmailChannel channel(destination, transport);
    const DeliveryResult result = channel.send(generated_digest(random, 2));
    EXPECT_EQ(result.outcome, Outcome::refused) << server.url() << ": " << result.error;
    expect_one_line(result.error);
    EXPECT_EQ(result.error.find("not-to-be-sent-in-clear"), std::string::npos) << result.error;
    EXPECT_TRUE(server.received().empty());
  }
}

TEST(EmailTls, ANonLoopbackNameWithoutStartTlsIsRefused) {
  // [::ffff:127.0.0.1] reaches the sink on 127.0.0.1 but is not one of the loopback names
  // (127.0.0.1, ::1, localhost): STARTTLS is required, and the plain sink does not offer it.
  test::SmtpServer server;
  CurlMailTransport transport;
  const std::string url = "smtp://[::ffff:127.0.0.1]:" + std::to_string(server.port());
  ASSERT_EQ(smtp_tls_for(url), SmtpTls::starttls_required);
  std::mt19937 random(19);
  const Destination destination = email_destination(url, 1);
  EmailChannel channel(destination, transport);
  const DeliveryResult result = channel.send(generated_digest(random, 2));
  EXPECT_EQ(result.outcome, Outcome::refused) << result.error;
  expect_one_line(result.error);
  EXPECT_TRUE(server.received().empty());
}

TEST(EmailTls, SmtpsToAServerThatSpeaksPlainSmtpIsRefused) {
  test::SmtpServer server;
  CurlMailTransport transport;
  std::mt19937 random(20);
  const Destination destination =
      email_destination("smtps://127.0.0.1:" + std::to_string(server.port()), 1);
  EmailChannel channel(destination, transport);
  const DeliveryResult result = channel.send(generated_digest(random, 2));
  EXPECT_EQ(result.outcome, Outcome::refused) << result.error;
  expect_one_line(result.error);
  EXPECT_TRUE(server.received().empty());
}

}  // namespace
}  // namespace kz
