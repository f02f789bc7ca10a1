// The shipped templates: every contract template exists in four languages with its declared
// parameters, values are HTML-escaped in the HTML part only, missing locales fall back to nl.
#include <map>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "notify-svc/domain/template_catalog.h"

namespace wse::notify {
namespace {

class TemplatesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = TemplateCatalog::Load(WSE_NOTIFY_TEMPLATES_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    catalog_ = std::move(*loaded).release();
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }
  static const TemplateCatalog* catalog_;
};
const TemplateCatalog* TemplatesTest::catalog_ = nullptr;

std::map<std::string, std::string> RejectedParams(const std::string& reason) {
  return {{"requester_name", "Jan Janssens"},
          {"organization_name", "Opleidingen & Co <BV>"},
          {"role_label", "DWSE organisatieverantwoordelijke"},
          {"context", "opleidingsverlof"},
          {"rejection_reason", reason}};
}

TEST_F(TemplatesTest, TheContractTemplatesExistInFourLanguages) {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"access-request-submitted",
       {"context", "organization_name", "reason", "requester_name", "role_label"}},
      {"access-request-approved", {"context", "organization_name", "requester_name", "role_label"}},
      {"access-request-rejected",
       {"context", "organization_name", "rejection_reason", "requester_name", "role_label"}},
      {"access-request-expired", {"context", "organization_name", "requester_name", "role_label"}},
      {"email-verification", {"code", "valid_minutes"}},
      {"grant-created", {"context", "organization_name", "person_name", "role_label"}},
      {"grant-expiring", {"context", "end_date", "organization_name", "person_name", "role_label"}},
      {"registration-receipt",
       {"content_sha256", "odb_number", "organization_name", "participant_count", "reference",
        "school_year", "submit_time", "submitter_name", "training_title"}},
  };
  ASSERT_EQ(catalog_->templates().size(), expected.size());
  for (const auto& [id, params] : expected) {
    const TemplateInfo* info = catalog_->Find(id);
    ASSERT_NE(info, nullptr) << id;
    EXPECT_EQ(info->required_parameters, params) << id;
    EXPECT_EQ(info->locales, (std::vector<std::string>{"de", "en", "fr", "nl"})) << id;
    // Every declared parameter is used in every part of every language.
    std::map<std::string, std::string> values;
    for (const std::string& p : params) values[p] = "VALUE_OF_" + p;
    for (const std::string& locale : info->locales) {
      auto mail = catalog_->Render(id, locale, values, nullptr);
      ASSERT_TRUE(mail.ok()) << mail.status();
      for (const std::string& p : params) {
        EXPECT_TRUE(absl::StrContains(mail->text_body, "VALUE_OF_" + p)) << id << locale << p;
        EXPECT_TRUE(absl::StrContains(mail->html_body, "VALUE_OF_" + p)) << id << locale << p;
      }
    }
  }
}

TEST_F(TemplatesTest, HtmlPartEscapesValuesTextPartDoesNot) {
  auto mail = catalog_->Render("access-request-rejected", "nl",
                               RejectedParams("<script>alert('x')</script> & \"meer\""), nullptr);
  ASSERT_TRUE(mail.ok()) << mail.status();
  EXPECT_EQ(mail->locale, "nl");
  EXPECT_EQ(mail->subject, "Uw aanvraag voor een gebruikersrecht is geweigerd");
  EXPECT_TRUE(absl::StrContains(mail->text_body, "<script>alert('x')</script> & \"meer\""));
  EXPECT_TRUE(absl::StrContains(mail->text_body, "Opleidingen & Co <BV>"));
  EXPECT_FALSE(absl::StrContains(mail->html_body, "<script>"));
  EXPECT_TRUE(absl::StrContains(mail->html_body, "&lt;script&gt;"));
  EXPECT_TRUE(absl::StrContains(mail->html_body, "Opleidingen &amp; Co &lt;BV&gt;"));
}

TEST_F(TemplatesTest, LocalesAndFallbackToDutch) {
  auto fr = catalog_->Render("access-request-rejected", "fr", RejectedParams("x"), nullptr);
  ASSERT_TRUE(fr.ok());
  EXPECT_EQ(fr->locale, "fr");
  EXPECT_EQ(fr->subject, "Votre demande de droit d'utilisateur a été refusée");
  for (const char* locale : {"", "es", "nl-BE"}) {
    auto mail = catalog_->Render("access-request-rejected", locale, RejectedParams("x"), nullptr);
    ASSERT_TRUE(mail.ok());
    EXPECT_EQ(mail->locale, "nl") << locale;
  }
}

TEST_F(TemplatesTest, MissingParametersRenderEmptyAndAreReported) {
  std::vector<std::string> missing;
  auto mail = catalog_->Render("grant-expiring", "en", {{"person_name", "An"}}, &missing);
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(missing,
            (std::vector<std::string>{"context", "end_date", "organization_name", "role_label"}));
  EXPECT_TRUE(absl::StartsWith(mail->text_body, "Dear An,"));
  EXPECT_EQ(catalog_->Render("no-such-template", "nl", {}, nullptr).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TemplatesTest, SubjectIsOneLineWhateverTheValues) {
  auto params = RejectedParams("x");
  params["organization_name"] = "Evil\r\nBcc: victim@example.com";
  auto mail = catalog_->Render("grant-expiring", "nl", params, nullptr);
  ASSERT_TRUE(mail.ok());
  EXPECT_FALSE(absl::StrContains(mail->subject, "\n"));
  EXPECT_FALSE(absl::StrContains(mail->subject, "\r"));
}

}  // namespace
}  // namespace wse::notify
