import { isAddress } from "ethers";
import { z } from "zod";
import { ROLES } from "../shared/roles";
import { Address, Bytes32, DateTime, Hash, Money, MoneyInput, OrgId, RecordId, ShortText, WrittenFields } from "../http/schemas";
import { ORG_KINDS } from "./service";

const ROLE = z.enum(ROLES);

// ---- Requests ----

const UserName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$/, "must be 2-63 letters, digits, '.', '_' or '-'");
const OwnAddress = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be an address")
  .refine((v) => isAddress(v), "must be an address with a valid EIP-55 checksum (or all in one case)")
  .optional()
  .describe("Non-custodial: the person's own account; the gateway then holds no key and the person signs via /relay");
export const CreateOrg = z
  .object({
    kind: z.enum(Object.keys(ORG_KINDS) as [keyof typeof ORG_KINDS]),
    name: ShortText(120),
    kycHash: Hash.optional().describe("The KYC dossier's hash; one identity, one organisation"),
    treasury: OwnAddress.describe("The treasury's address when the organisation holds its key (self-custody); omitted, the gateway makes a custodial one"),
    admin: z.object({ name: UserName, address: OwnAddress }).strict().describe("The organisation's first admin"),
  })
  .strict();
export const ProposeMember = z
  .object({ name: UserName, role: z.enum(["member", "officer", "admin"]).default("member"), address: OwnAddress })
  .strict();
export const SetAllowance = z.object({ amount: MoneyInput }).strict();
export const ProposalIdParam = z.object({ id: z.string().regex(/^[0-9]{1,10}$/, "must be an id"), proposalId: z.string().regex(/^[0-9]{1,10}$/, "must be an id") });
export const CreateUser = z
  .object({
    orgId: z.string().regex(/^[0-9]{1,10}$/, "must be an organisation id"),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$/, "must be 2-63 letters, digits, '.', '_' or '-'"),
    role: ROLE,
    address: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "must be an address")
      .refine((a) => isAddress(a), "must be an address with a valid EIP-55 checksum (or all in one case)")
      .optional()
      .describe("Non-custodial: the user's own account; the gateway then holds no key and the user signs via /relay"),
  })
  .strict();

// ---- Responses ----

/** An organisation in the network's public directory. */
export const OrganisationRecord = z.object({
  id: RecordId,
  kind: z.enum(["core_enterprise", "supplier", "bank", "auditor", "operator"]),
  name: z.string(),
  status: z.enum(["active", "suspended"]),
  treasury: Address,
  kycHash: Bytes32,
  createdAt: DateTime,
}).meta({ id: "Organisation" });
export const WrittenOrganisation = OrganisationRecord.extend(WrittenFields);
/** What every user sees of another organisation: no treasury, KYC hash or creation time. */
export const DirectoryEntry = OrganisationRecord.pick({ id: true, kind: true, name: true, status: true }).meta({ id: "DirectoryEntry" });
/** The directory: full records for the operator and for one's own organisation, directory entries for the others. */
export const OrganisationList = z.object({ items: z.array(z.union([OrganisationRecord, DirectoryEntry])), nextCursor: z.null() });

/** The platform itself, organisation "0", to which the operator's users belong. */
const Platform = z.object({ id: z.literal("0"), kind: z.literal("operator"), name: z.string(), status: z.literal("active") });
/** The caller's own organisation: one of the directory, or the platform for the operator's users. */
export const MyOrganisation = z.union([OrganisationRecord, Platform]);
export const Me = z.object({
  user: z.object({
    id: z.string(),
    name: z.string(),
    role: ROLE,
    address: Address,
    admin: z.boolean().optional().describe("An admin of the organisation: manages its people and their tokens"),
  }),
  org: MyOrganisation.optional().describe("Absent only while the organisation is not indexed yet"),
});
export const CreatedUser = z.object({
  user: z.object({ id: z.string(), name: z.string(), role: ROLE, orgId: OrgId, address: Address, chainRole: z.string() }),
  token: z.string().describe("The bearer token; shown once and stored only hashed"),
});
/** A proposal to give an account a role, waiting for a second governor of the organisation. */
export const MemberProposalRecord = z
  .object({
    id: RecordId,
    orgId: RecordId,
    account: Address,
    role: z.enum(["member", "officer", "admin"]),
    proposedBy: Address,
    status: z.enum(["pending", "approved", "rejected"]),
    decidedBy: Address.nullable(),
    proposedAt: DateTime,
    decidedAt: DateTime.nullable(),
  })
  .meta({ id: "MemberProposal" });
const NewUser = z.object({
  id: z.string(),
  name: z.string(),
  role: ROLE,
  orgId: OrgId,
  address: Address,
  chainRole: z.enum(["member", "officer", "admin", "operator"]).describe("The on-chain role now (member until a proposal is approved)"),
});
export const CreatedMember = z.object({
  user: NewUser,
  token: z.string().describe("The bearer token; shown once and stored only hashed"),
  proposal: MemberProposalRecord.nullable().describe("Set when the role needs a second governor's approval (officers and admins of a bank)"),
  ...WrittenFields,
});
export const ApprovedMember = z.object({ proposal: MemberProposalRecord, ...WrittenFields });
export const MemberProposalList = z.object({ items: z.array(MemberProposalRecord) });
export const LedgerAllowance = z.object({ orgId: RecordId, treasury: Address, allowance: Money, ...WrittenFields });
export const Balances = z.object({
  items: z.array(z.object({ orgId: RecordId, name: z.string(), treasury: Address, currency: z.string(), balance: Money })),
});
export const OnboardedOrganisation = WrittenOrganisation.extend({ admin: z.object({ user: NewUser, token: z.string() }) });

// ---- People and organisation status ----

export const UserIdParam = z.object({ id: z.string().regex(/^u_[0-9a-f]{16}$/, "must be a user id such as u_0123456789abcdef") }).strict();

/** What deactivating a person answers: the person, how many sessions and tokens ended, and the on-chain membership. */
export const Deactivated = z.object({
  user: z.object({ id: z.string(), name: z.string(), role: ROLE, orgId: OrgId, address: Address, deactivatedAt: DateTime }),
  sessionsEnded: z.number().int().nonnegative(),
  tokensRevoked: z.number().int().nonnegative(),
  membership: z.enum(["removed", "not_a_member"]),
});

// ---- The people directory ----

export const PeopleQuery = z.object({ orgId: z.string().regex(/^[0-9]{1,10}$/, "must be an organisation id").optional() }).strict();
export const PersonRecord = z
  .object({
    id: z.string(),
    name: z.string(),
    role: ROLE,
    orgId: OrgId,
    address: Address,
    chainRole: z.string().describe("The on-chain role: member, officer, admin, operator, or removed"),
    admin: z.boolean(),
    active: z.boolean(),
    deactivatedAt: DateTime.nullable(),
  })
  .meta({ id: "Person" });
export const PeopleList = z.object({ items: z.array(PersonRecord) });
