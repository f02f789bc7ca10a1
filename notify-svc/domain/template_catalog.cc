#include "notify-svc/domain/template_catalog.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "ctemplate/template.h"
#include "ctemplate/template_cache.h"
#include "ctemplate/template_dictionary.h"
#include "nlohmann/json.hpp"

namespace wse::notify {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLocales[] = {"nl", "fr", "de", "en"};
constexpr const char* kParts[] = {"subject", "txt", "html"};
constexpr char kHtmlPragma[] = "{{%AUTOESCAPE context=\"HTML\"}}";

absl::StatusOr<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string CacheKey(absl::string_view id, absl::string_view locale, absl::string_view part) {
  return absl::StrCat(id, "/", locale, ".", part);
}

absl::StatusOr<std::vector<std::string>> StringList(const nlohmann::json& doc, const char* key,
                                                    const std::string& file) {
  std::vector<std::string> out;
  if (!doc.contains(key)) return out;
  if (!doc[key].is_array()) return absl::InvalidArgumentError(file + ": " + key + " not a list");
  for (const auto& item : doc[key]) {
    if (!item.is_string()) return absl::InvalidArgumentError(file + ": " + key + " not strings");
    out.push_back(item.get<std::string>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One line: values may hold newlines, and a header must not.
std::string OneLine(absl::string_view text) {
  std::vector<std::string> words =
      absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  return absl::StrJoin(words, " ");
}

}  // namespace

bool IsSupportedLocale(absl::string_view locale) {
  return std::find(std::begin(kLocales), std::end(kLocales), locale) != std::end(kLocales);
}

TemplateCatalog::TemplateCatalog() : cache_(std::make_unique<ctemplate::TemplateCache>()) {}
TemplateCatalog::~TemplateCatalog() = default;

absl::StatusOr<std::unique_ptr<TemplateCatalog>> TemplateCatalog::Load(const std::string& dir) {
  std::unique_ptr<TemplateCatalog> catalog(new TemplateCatalog());
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat("template folder ", dir, " not found"));
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_directory()) continue;
    TemplateInfo info;
    info.id = entry.path().filename().string();
    const std::string manifest_path = (entry.path() / "manifest.json").string();
    ASSIGN_OR_RETURN(auto manifest_text, ReadText(manifest_path));
    const nlohmann::json manifest = nlohmann::json::parse(manifest_text, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object()) {
      return absl::InvalidArgumentError(manifest_path + ": not a JSON object");
    }
    info.description = manifest.value("description", "");
    ASSIGN_OR_RETURN(auto required, StringList(manifest, "required", manifest_path));
    ASSIGN_OR_RETURN(auto optional, StringList(manifest, "optional", manifest_path));
    info.required_parameters = std::move(required);
    info.optional_parameters = std::move(optional);
    for (const char* locale : kLocales) {
      if (!fs::exists(entry.path() / absl::StrCat(locale, ".subject"))) continue;
      for (const char* part : kParts) {
        const fs::path file = entry.path() / absl::StrCat(locale, ".", part);
        ASSIGN_OR_RETURN(auto text, ReadText(file));
        if (std::string_view(part) == "html") text = kHtmlPragma + text;
        if (!catalog->cache_->StringToTemplateCache(CacheKey(info.id, locale, part), text,
                                                    ctemplate::DO_NOT_STRIP)) {
          return absl::InvalidArgumentError(file.string() + ": template does not compile");
        }
      }
      info.locales.push_back(locale);
    }
    if (std::find(info.locales.begin(), info.locales.end(), kDefaultLocale) == info.locales.end()) {
      return absl::InvalidArgumentError(info.id + ": the nl locale is missing");
    }
    std::sort(info.locales.begin(), info.locales.end());
    catalog->templates_.push_back(std::move(info));
  }
  std::sort(catalog->templates_.begin(), catalog->templates_.end(),
            [](const TemplateInfo& a, const TemplateInfo& b) { return a.id < b.id; });
  catalog->cache_->Freeze();  // Read-only from here on: expansion is then lock-free.
  return catalog;
}

const TemplateInfo* TemplateCatalog::Find(absl::string_view id) const {
  for (const TemplateInfo& info : templates_) {
    if (info.id == id) return &info;
  }
  return nullptr;
}

absl::StatusOr<RenderedMail> TemplateCatalog::Render(
    absl::string_view id, absl::string_view locale,
    const std::map<std::string, std::string>& parameters, std::vector<std::string>* missing) const {
  const TemplateInfo* info = Find(id);
  if (info == nullptr) return absl::NotFoundError(absl::StrCat("unknown template ", id));
  RenderedMail mail;
  mail.locale = std::find(info->locales.begin(), info->locales.end(), locale) != info->locales.end()
                    ? std::string(locale)
                    : kDefaultLocale;
  if (missing != nullptr) {
    missing->clear();
    for (const std::string& name : info->required_parameters) {
      if (parameters.find(name) == parameters.end()) missing->push_back(name);
    }
  }
  ctemplate::TemplateDictionary dictionary("mail");
  for (const auto& [name, value] : parameters) dictionary.SetValue(name, value);
  std::string* outputs[] = {&mail.subject, &mail.text_body, &mail.html_body};
  for (int i = 0; i < 3; ++i) {
    if (!cache_->ExpandNoLoad(CacheKey(info->id, mail.locale, kParts[i]), ctemplate::DO_NOT_STRIP,
                              &dictionary, nullptr, outputs[i])) {
      return absl::InternalError(absl::StrCat("template ", id, " failed to render"));
    }
  }
  mail.subject = OneLine(mail.subject);
  return mail;
}

}  // namespace wse::notify
