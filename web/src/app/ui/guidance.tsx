// What to do when something is missing, as identity-svc words it: the local administrator (by
// name when known), else the 1700 infolijn and team 'gebruikersbeheer', the help page.
import { GuidanceActionKind, type Guidance } from "../../gen/wse/identity/v1/guidance_pb.js";

export function GuidanceBox({ guidance }: { guidance: Guidance }) {
  return (
    <section class="guidance" aria-labelledby="wat-nu">
      <h2 id="wat-nu">Wat nu?</h2>
      <p>{guidance.text}</p>
      <ul>
        {guidance.actions.map((action, index) => (
          <li key={index}>
            {action.kind === GuidanceActionKind.OPEN_HELP_PAGE && action.url.startsWith("https://") ? (
              <a href={action.url} rel="noopener noreferrer" target="_blank">
                {action.label}
              </a>
            ) : action.kind === GuidanceActionKind.CALL_HELPDESK ? (
              <>
                {action.label}: <a href={`tel:${action.phoneNumber}`}>{action.phoneNumber}</a>
                {action.team && <> (team '{action.team}')</>}
              </>
            ) : action.kind === GuidanceActionKind.SEND_EMAIL && action.emailAddress ? (
              <>
                {action.label}: <a href={`mailto:${action.emailAddress}`}>{action.emailAddress}</a>
              </>
            ) : (
              <>
                {action.label}
                {action.contactNames.length > 0 && <>: {action.contactNames.join(", ")}</>}
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
