#pragma once
// The mail templates shipped with the service (notify-svc/templates), rendered with ctemplate.
//
// Layout: <dir>/<template_id>/manifest.json ({"description", "required", "optional"}) and per
// locale <locale>.subject, <locale>.txt, <locale>.html. `nl` is mandatory; fr, de and en are
// optional and fall back to nl. Values are inserted with {{parameter_name}}. HTML parts are
// compiled in ctemplate's HTML auto-escape context (the pragma is added on load, so a template
// cannot forget it): every value is HTML-escaped there; subject and text are not escaped.
// The subject is folded to one line (no header injection through a value).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "notify-svc/domain/model.h"

namespace ctemplate {
class TemplateCache;
}  // namespace ctemplate

namespace wse::notify {

inline constexpr char kDefaultLocale[] = "nl";
// The locales a request may ask for.
bool IsSupportedLocale(absl::string_view locale);

struct TemplateInfo {
  std::string id;
  std::string description;
  std::vector<std::string> locales;  // Sorted; "nl" always present.
  std::vector<std::string> required_parameters;
  std::vector<std::string> optional_parameters;
};

class TemplateCatalog {
 public:
  // Loads and compiles every template under `dir`; any malformed template fails the load with
  // the file's name (the service refuses to start rather than fail mails later).
  static absl::StatusOr<std::unique_ptr<TemplateCatalog>> Load(const std::string& dir);
  ~TemplateCatalog();

  const std::vector<TemplateInfo>& templates() const { return templates_; }  // Sorted by id.
  const TemplateInfo* Find(absl::string_view id) const;

  // Renders `id` in `locale` (nl when the template lacks it, or `locale` is empty). Missing
  // required parameters render empty and are listed in `missing` (sorted). NOT_FOUND for an
  // unknown template. Thread-safe.
  absl::StatusOr<RenderedMail> Render(absl::string_view id, absl::string_view locale,
                                      const std::map<std::string, std::string>& parameters,
                                      std::vector<std::string>* missing) const;

 private:
  TemplateCatalog();
  std::vector<TemplateInfo> templates_;
  std::unique_ptr<ctemplate::TemplateCache> cache_;
};

}  // namespace wse::notify
