import { z } from "zod";
import { DateTime, OrgId } from "../http/schemas";

const DateOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
export const RangeQuery = z
  .object({
    from: DateOrTime.optional().describe("Start (inclusive): a date (its 00:00 UTC) or a timestamp; default 90 days before `to`"),
    to: DateOrTime.optional().describe("End (exclusive): a date (the day after it begins) or a timestamp; default now"),
  })
  .strict();

const Durations = z.object({ count: z.number().int(), p50: z.number().nullable(), p95: z.number().nullable() });
const Figures = z.object({
  cases: z.number().int(),
  open: z.number().int(),
  answered: z.number().int(),
  resolved: z.number().int(),
  answeredWithin48h: z.number().int(),
  shareAnsweredWithin48h: z.number().nullable(),
  responseBreaches: z.number().int(),
  resolutionBreaches: z.number().int(),
  escalated: z.number().int(),
  firstResponseSeconds: Durations,
  resolutionSeconds: Durations,
  satisfaction: z.object({
    ratings: z.number().int(),
    average: z.number().nullable(),
    distribution: z.object({ "1": z.number().int(), "2": z.number().int(), "3": z.number().int(), "4": z.number().int(), "5": z.number().int() }),
  }),
});
export const CaseAnalytics = z
  .object({
    from: DateTime,
    to: DateTime,
    overall: Figures,
    byCategory: z.array(Figures.extend({ key: z.string() })),
    byOrganisation: z.array(Figures.extend({ key: OrgId, name: z.string() })),
    weakSpots: z.array(
      z.object({ orgId: OrgId, name: z.string(), cases: z.number().int(), categories: z.array(z.object({ category: z.string(), count: z.number().int(), share: z.number() })) }),
    ),
  })
  .meta({ id: "CaseAnalytics" });
