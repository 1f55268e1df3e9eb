import { z } from "zod";
import { Bytes32, DateTime, IdCursor, IdParam, Limit, OrgId, RecordId, page } from "../http/schemas";
import { COMPLAINT_CATEGORIES } from "./classifier";
import { OUTCOMES } from "./service";
import { CASE_ACTIONS } from "./repo";

const CATEGORY = z.enum(COMPLAINT_CATEGORIES);
const CATEGORY_OR_OTHER = z.enum([...COMPLAINT_CATEGORIES, "other"]);
const UserId = z.string().min(1).max(64);

// ---- Requests ----

export const CaseIdParam = IdParam;
export const ListCasesQuery = z
  .object({
    status: z.enum(["open", "resolved"]).optional(),
    assignee: z.string().max(64).optional().describe('"me" for the caller\'s own cases, or a user id'),
    category: CATEGORY_OR_OTHER.optional(),
    limit: Limit,
    cursor: IdCursor,
  })
  .strict();
export const FileCase = z
  .object({
    aboutOrgId: z.string().regex(/^[1-9][0-9]{0,9}$/, "must be an organisation id"),
    text: z.string().trim().min(1).max(4000).describe("The complaint in the filer's words (Chinese or English); it is classified on filing"),
    financingRequestId: z.string().regex(/^[1-9][0-9]{0,9}$/).optional(),
    invoiceId: z.string().regex(/^[1-9][0-9]{0,9}$/).optional(),
  })
  .strict()
  .describe("Name a financing request or an invoice, not both (422 CASE_SUBJECT_AMBIGUOUS)");
export const RespondToCase = z.object({ response: z.string().trim().min(1).max(4000) }).strict();
export const ReassignCase = z.object({ assigneeUserId: UserId }).strict();
export const ReclassifyCase = z.object({ category: CATEGORY }).strict();
export const ResolveCase = z.object({ outcome: z.enum(OUTCOMES), resolution: z.string().trim().min(1).max(4000) }).strict();
export const RateCase = z.object({ rating: z.number().int().min(1).max(5), comment: z.string().max(2000).optional() }).strict();

// ---- Responses ----

const Person = z.object({ userId: UserId, name: z.string() });
const ClockState = z.enum(["running", "met", "breached"]);

/** A complaint or dispute on the service desk: classified, assigned to a person, on its response and resolution clocks. */
export const CaseRecord = z
  .object({
    id: RecordId,
    kind: z.enum(["invoice_dispute", "financing_complaint", "bank_complaint"]),
    subject: z.object({ type: z.enum(["invoice", "financing", "organization"]), id: z.string() }),
    filedBy: z.object({ orgId: OrgId, userId: UserId, name: z.string() }),
    handlingOrgId: OrgId,
    text: z.string(),
    textHash: Bytes32,
    category: CATEGORY_OR_OTHER,
    confidence: z.number().min(0).max(1).describe("The classifier's probability for the category; 1 once a person classified it"),
    classifiedBy: z.enum(["classifier", "person"]),
    assignee: Person.nullable().describe("Null when nobody with a handling role exists: the organisation's admins hold the case"),
    status: z.enum(["open", "answered", "resolved"]),
    openedAt: DateTime,
    respondBy: DateTime,
    escalateAt: DateTime,
    resolveBy: DateTime,
    responseClock: ClockState,
    resolutionClock: ClockState,
    escalated: z.boolean(),
    escalatedAt: DateTime.nullable(),
    responseBreachedAt: DateTime.nullable(),
    resolutionBreachedAt: DateTime.nullable(),
    firstResponseAt: DateTime.nullable(),
    response: z.string().nullable(),
    responseSeconds: z.number().int().nullable(),
    resolvedAt: DateTime.nullable(),
    resolutionSeconds: z.number().int().nullable(),
    outcome: z.enum(OUTCOMES).nullable(),
    resolution: z.string().nullable(),
    rating: z.number().int().min(1).max(5).nullable(),
    ratingComment: z.string().nullable(),
    txHash: Bytes32.nullable(),
  })
  .meta({ id: "Case" });
export const CaseStep = z
  .object({
    at: DateTime,
    action: z.enum(CASE_ACTIONS),
    actor: Person.nullable().describe("Null for the gateway itself: the classifier, assignment and the keeper's clocks"),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "CaseStep" });
export const CaseDetail = CaseRecord.extend({ history: z.array(CaseStep) }).meta({ id: "CaseDetail" });
export const CaseList = page(CaseRecord);
export const CaseAssignees = z.object({
  items: z.array(
    Person.extend({
      role: z.string(),
      isAdmin: z.boolean(),
      openCases: z.number().int().nonnegative().describe("Unresolved cases assigned to this person now"),
      current: z.boolean().describe("Holds this case now"),
    }),
  ),
});
