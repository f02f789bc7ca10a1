// 'Klik daarna op de school of organisatie waarvoor u aanwezigheden en/of deelnames wil
// registreren (dus niet klikken op uw persoonlijke naam).' With only the personal name: the
// guidance (local administrator, else the 1700 infolijn, team 'gebruikersbeheer').
import { ActingContextKind } from "../../gen/wse/identity/v1/session_pb.js";
import type { ActingContext } from "../../gen/wse/identity/v1/session_pb.js";
import { identity } from "../api.js";
import { useAction } from "../ui/use_action.js";
import { navigate } from "../router.js";
import { takeReturnPath } from "../sign_in.js";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { updateSession } from "../session.js";
import { GuidanceBox } from "../ui/guidance.js";
import { Layout } from "../ui/layout.js";
import { Loading, ProblemBox } from "../ui/parts.js";
import { useCall } from "../ui/use_call.js";

export function ChooseContextPage() {
  const contexts = useCall(() => identity.listActingContexts({}), []);
  const action = useAction();
  const { problem, busy } = action;
  const choose = (context: ActingContext) =>
    action.run(async () => {
      const personal = context.kind === ActingContextKind.PERSONAL;
      const chosen = await identity.selectActingContext({
        context: personal
          ? { case: "personal", value: true }
          : { case: "organization", value: context.organization },
      });
      updateSession({
        accessToken: chosen.accessToken,
        accessTokenExpireMs: chosen.accessTokenExpireTime ? timestampMs(chosen.accessTokenExpireTime) : 0,
        context: {
          organization: personal ? "" : context.organization,
          displayName: personal ? "" : context.displayName,
        },
      });
      navigate(takeReturnPath() ?? "/loket");
    });
  const all = contexts.data?.actingContexts ?? [];
  const organisations = all.filter((c) => c.kind !== ActingContextKind.PERSONAL);
  const personal = all.find((c) => c.kind === ActingContextKind.PERSONAL);
  return (
    <Layout title="Kies uw school of organisatie" menu={false}>
      {organisations.length > 0 && (
        <p>
          Klik op de <strong>school</strong> of <strong>organisatie</strong> waarvoor u aanwezigheden en/of
          deelnames wil registreren (dus niet op uw persoonlijke naam).
        </p>
      )}
      <ProblemBox problem={contexts.problem ?? problem} />
      {contexts.loading && <Loading what="Uw organisaties" />}
      {organisations.length > 0 && (
        <ul class="choices" aria-label="Scholen en organisaties">
          {organisations.map((c) => (
            <li key={c.organization}>
              <button type="button" class="choice" disabled={busy} onClick={() => choose(c)}>
                {c.displayName}
              </button>
            </li>
          ))}
        </ul>
      )}
      {contexts.data?.guidance && <GuidanceBox guidance={contexts.data.guidance} />}
      {personal && (
        <section class="personal" aria-labelledby="persoonlijk">
          <h2 id="persoonlijk">Uw persoonlijke naam</h2>
          <p class="muted">Hiermee registreert u geen aanwezigheden of deelnames.</p>
          <button type="button" class="choice secondary" disabled={busy} onClick={() => choose(personal)}>
            {personal.displayName}
          </button>
        </section>
      )}
    </Layout>
  );
}
