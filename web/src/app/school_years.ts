// VOV school years run 1 September - 31 August ("2025-2026"); drafts can be made up to the one
// after today's (registration-svc refuses later ones).
export function schoolYearOf(date: Date): string {
  const year = date.getMonth() >= 8 ? date.getFullYear() : date.getFullYear() - 1;
  return `${year}-${year + 1}`;
}

// The current school year, the next, and the previous one (registrations come after the fact).
export function offeredSchoolYears(today = new Date()): string[] {
  const current = Number(schoolYearOf(today).slice(0, 4));
  return [current + 1, current, current - 1].map((y) => `${y}-${y + 1}`);
}
