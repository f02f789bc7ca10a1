// Resource names <-> the ids in the app's paths (/registreren/{draft_id}, ...).
export const lastSegment = (name: string) => name.split("/").pop() ?? "";
export const draftName = (organization: string, id: string) => `${organization}/drafts/${id}`;
export const registrationName = (organization: string, id: string) => `${organization}/registrations/${id}`;
// "organizations/o/registrations/r/receipts/2" -> "/ontvangstbevestiging/r/2"
export function receiptPath(receipt: string): string {
  const parts = receipt.split("/");
  return `/ontvangstbevestiging/${parts[3]}/${parts[5]}`;
}
