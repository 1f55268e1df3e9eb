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

export const ClientParam = z.object({ orgId: z.string().regex(/^[1-9][0-9]{0,9}$/, "must be an organisation id") }).strict();
const MoneyOut = z.string().regex(/^(0|[1-9][0-9]*)\.[0-9]{2}$/);
export const ClientProfile = z
  .object({
    orgId: OrgId,
    name: z.string(),
    kind: z.enum(["supplier", "core_enterprise"]),
    scope: z.enum(["whole", "bank"]).describe("bank: a bank's view, only what went through that bank"),
    lifecycle: z.object({ stage: z.enum(["onboarded", "first_financing", "active", "at_risk", "lost"]), rule: z.string(), lastActivityAt: DateTime.nullable() }),
    timeline: z.array(z.object({ at: DateTime, type: z.enum(["order", "invoice", "financing", "payment", "repayment", "case"]), id: z.string(), summary: z.string(), amount: MoneyOut.nullable() })),
    valueByBank: z.array(
      z.object({ bankOrgId: OrgId, bankName: z.string(), requests: z.number().int(), financed: z.number().int(), volumeFinanced: MoneyOut, discountIncome: MoneyOut, firstDealtAt: DateTime, tenureDays: z.number().int() }),
    ),
    onTime: z.object({ settled: z.number().int(), onTime: z.number().int(), rate: z.number().nullable() }),
    utilisation: z.array(z.object({ month: z.string().regex(/^\d{4}-\d{2}$/), outstanding: MoneyOut, limit: MoneyOut, share: z.number().nullable() })),
  })
  .meta({ id: "ClientProfile" });
const PathFigures = z.object({ requests: z.number().int(), funded: z.number().int(), invoiceToFundsSeconds: Durations, requestToFundsSeconds: Durations });
export const ServiceLevels = z
  .object({ from: DateTime, to: DateTime, requests: z.number().int(), fastTrackShare: z.number().nullable(), fastTrack: PathFigures, makerChecker: PathFigures })
  .meta({ id: "ServiceLevels" });
