// Gebruikersbeheer for local administrators: users, pending requests, rights, audit trail.
import { useState } from "preact/hooks";

import type { WorkRelation } from "../../gen/wse/rights/v1/work_relation_pb.js";
import { currentSession } from "../session.js";
import { Layout } from "../ui/layout.js";
import { AuditSection } from "./gebruikersbeheer/audit_section.js";
import { RequestsSection } from "./gebruikersbeheer/requests_section.js";
import { RightsSection } from "./gebruikersbeheer/rights_section.js";
import { UsersSection } from "./gebruikersbeheer/users_section.js";

export function GebruikersbeheerPage() {
  const organization = currentSession()?.context.organization ?? "";
  // Any change reloads every section (a decision changes requests, rights and the trail).
  const [changed, setChanged] = useState(0);
  const [granting, setGranting] = useState<WorkRelation>();
  const change = () => setChanged((n) => n + 1);
  return (
    <Layout title="Gebruikersbeheer">
      <nav aria-label="Op deze pagina" class="in-page">
        <a href="#aanvragen">Aanvragen</a> · <a href="#gebruikers">Gebruikers</a> ·{" "}
        <a href="#rechten">Rechten</a> · <a href="#audit">Auditspoor</a>
      </nav>
      <RequestsSection organization={organization} changed={changed} onChange={change} />
      <UsersSection
        organization={organization}
        changed={changed}
        onChange={change}
        onGrant={(relation) => {
          setGranting(relation);
          setTimeout(() => document.getElementById("grant-role")?.focus(), 0);
        }}
      />
      <RightsSection
        organization={organization}
        granting={granting}
        onGranted={() => {
          setGranting(undefined);
          change();
        }}
        onCancelGrant={() => setGranting(undefined)}
        changed={changed}
        onChange={change}
      />
      <AuditSection organization={organization} changed={changed} />
    </Layout>
  );
}
