#include "identity-svc/adapters/convert.h"

#include "common/identifiers.h"

namespace wse::identity {

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

v1::KeyType KeyTypeToProto(const std::string& key_type) {
  v1::KeyType value = v1::KEY_TYPE_UNSPECIFIED;
  v1::KeyType_Parse("KEY_TYPE_" + key_type, &value);
  return value;
}

void ToProto(const PersonRecord& person, v1::PersonSummary* out) {
  out->set_name("persons/" + person.id);
  out->set_person_id(person.id);
  out->set_display_name(person.DisplayName());
  out->set_given_name(person.given_name);
  out->set_family_name(person.family_name);
}

void ToProto(const PersonRecord& person, v1::Person* out) {
  out->set_name("persons/" + person.id);
  out->set_masked_insz(MaskInsz(person.insz));
  out->set_given_name(person.given_name);
  out->set_family_name(person.family_name);
  out->set_display_name(person.DisplayName());
  out->set_email_address(person.email_address);
  out->set_phone_number(person.phone_number);
  out->set_preferred_locale(person.preferred_locale);
  SetTimestamp(person.create_time, out->mutable_create_time());
  SetTimestamp(person.update_time, out->mutable_update_time());
}

void ToProto(const OrganizationRecord& org, v1::OrganizationIdentifier* out) {
  if (!org.kbo_number.empty()) {
    out->set_kbo_number(org.kbo_number);
  } else {
    out->set_institution_number(org.institution_number);
  }
}

void ToProto(const OrganizationRecord& org, v1::Organization* out) {
  out->set_name("organizations/" + org.id);
  ToProto(org, out->mutable_identifier());
  out->set_display_name(org.display_name);
  v1::OrganizationKind kind = v1::ORGANIZATION_KIND_UNSPECIFIED;
  v1::OrganizationKind_Parse("ORGANIZATION_KIND_" + org.kind, &kind);
  out->set_kind(kind);
  out->set_email_address(org.email_address);
  for (const std::string& insz : org.legal_representative_insz) {
    out->add_legal_representatives()->set_masked_insz(MaskInsz(insz));
  }
  SetTimestamp(org.create_time, out->mutable_create_time());
  SetTimestamp(org.update_time, out->mutable_update_time());
}

void ToProto(const ActingContextEntry& entry, const PersonRecord& person, v1::ActingContext* out) {
  if (!entry.organization.has_value()) {
    out->set_kind(v1::ACTING_CONTEXT_KIND_PERSONAL);
    out->set_display_name(person.DisplayName());
    return;
  }
  const OrganizationRecord& org = *entry.organization;
  out->set_kind(v1::ACTING_CONTEXT_KIND_ORGANIZATION);
  out->set_organization("organizations/" + org.id);
  out->set_display_name(org.display_name);
  ToProto(org, out->mutable_identifier());
  v1::OrganizationKind kind = v1::ORGANIZATION_KIND_UNSPECIFIED;
  v1::OrganizationKind_Parse("ORGANIZATION_KIND_" + org.kind, &kind);
  out->set_organization_kind(kind);
  for (ActingBasis basis : entry.bases) {
    switch (basis) {
      case ActingBasis::kLegalRepresentative:
        out->add_bases(v1::ACTING_BASIS_LEGAL_REPRESENTATIVE);
        break;
      case ActingBasis::kWorkRelation:
        out->add_bases(v1::ACTING_BASIS_WORK_RELATION);
        break;
      case ActingBasis::kGrant:
        out->add_bases(v1::ACTING_BASIS_GRANT);
        break;
    }
  }
}

void ToProto(const IssuedSession& issued, v1::Session* out) {
  const SessionRecord& s = issued.session;
  out->set_name("sessions/" + s.id);
  ToProto(issued.person, out->mutable_person());
  out->set_key_type(KeyTypeToProto(s.key_type));
  v1::AssuranceLevel level = v1::ASSURANCE_LEVEL_UNSPECIFIED;
  v1::AssuranceLevel_Parse("ASSURANCE_LEVEL_" + s.assurance_level, &level);
  out->set_assurance_level(level);
  out->set_acr(s.acr);
  auto* context = out->mutable_current_context();
  if (s.current_organization_id) {
    context->set_kind(v1::ACTING_CONTEXT_KIND_ORGANIZATION);
    context->set_organization("organizations/" + *s.current_organization_id);
  } else {
    context->set_kind(v1::ACTING_CONTEXT_KIND_PERSONAL);
    context->set_display_name(issued.person.DisplayName());
  }
  SetTimestamp(s.create_time, out->mutable_create_time());
  SetTimestamp(s.expire_time, out->mutable_expire_time());
}

v1::Guidance NoOrganizationGuidance(const GuidanceConfig& config) {
  v1::Guidance guidance;
  guidance.set_reason(v1::GUIDANCE_REASON_NO_ORGANIZATION);
  guidance.set_language_code("nl");
  guidance.set_text(
      "Ziet u enkel uw persoonlijke naam staan en geen school of organisatie? Wend u dan tot uw "
      "lokale beheerder. Weet u niet wie uw lokale beheerder is? Contacteer de " +
      config.helpdesk_phone + " infolijn en vraag naar iemand van het team '" +
      config.helpdesk_team + "'.");
  auto* admin = guidance.add_actions();
  admin->set_kind(v1::GUIDANCE_ACTION_KIND_CONTACT_LOCAL_ADMINISTRATOR);
  admin->set_label("Vraag uw lokale beheerder om u toe te voegen aan uw school of organisatie");
  auto* call = guidance.add_actions();
  call->set_kind(v1::GUIDANCE_ACTION_KIND_CALL_HELPDESK);
  call->set_label("Bel de " + config.helpdesk_phone + " infolijn");
  call->set_phone_number(config.helpdesk_phone);
  call->set_team(config.helpdesk_team);
  // The seed: 'Op deze pagina vindt uw lokale beheerder meer uitleg over gebruikersbeheer'.
  if (!config.gebruikersbeheer_help_url.empty()) {
    auto* help = guidance.add_actions();
    help->set_kind(v1::GUIDANCE_ACTION_KIND_OPEN_HELP_PAGE);
    help->set_label(
        "Uitleg over gebruikersbeheer voor uw lokale beheerder (gebruikers toevoegen, rechten "
        "toekennen)");
    help->set_url(config.gebruikersbeheer_help_url);
  }
  return guidance;
}

}  // namespace wse::identity
