#include "rights-svc/adapters/person_names.h"

namespace wse::rights {

void FillNames(PersonNames& names, v1::WorkRelation* relation) {
  if (const identity::PersonInfo* p = names.Find(relation->person())) {
    relation->set_person_display_name(p->display_name);
    relation->set_masked_insz(p->masked_insz);
  }
}

void FillNames(PersonNames& names, v1::Grant* grant) {
  if (const identity::PersonInfo* p = names.Find(grant->person())) {
    grant->set_person_display_name(p->display_name);
  }
}

void FillNames(PersonNames& names, v1::AccessRequest* request) {
  if (const identity::PersonInfo* p = names.Find(request->requester())) {
    request->set_requester_display_name(p->display_name);
  }
}

}  // namespace wse::rights
