// Dates and times as people here read them (Belgian time, Dutch).
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";

const DATE_TIME = new Intl.DateTimeFormat("nl-BE", {
  timeZone: "Europe/Brussels",
  dateStyle: "short",
  timeStyle: "short",
});
const DATE = new Intl.DateTimeFormat("nl-BE", { timeZone: "Europe/Brussels", dateStyle: "long" });

export const dateTime = (t?: Timestamp) => (t ? DATE_TIME.format(timestampDate(t)) : "");
export const date = (t?: Timestamp) => (t ? DATE.format(timestampDate(t)) : "");
