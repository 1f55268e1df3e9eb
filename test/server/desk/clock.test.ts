import { expect } from "chai";
import { AppError } from "../../../server/src/shared/errors";
import {
  caseClock,
  checkPolicy,
  DEFAULT_CLOCK_POLICY,
  dueClockActions,
  nextClockDeadline,
  pickAssignee,
  type AssignmentCandidate,
  type CaseTimes,
} from "../../../server/src/desk/clock";

const H = 3_600_000;
const OPENED = Date.parse("2026-03-02T09:00:00Z");

function openCase(over: Partial<CaseTimes> = {}): CaseTimes {
  return { openedAt: OPENED, firstResponseAt: null, resolvedAt: null, escalatedAt: null, responseBreachedAt: null, resolutionBreachedAt: null, ...over };
}

function appErrorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(AppError);
    return e as AppError;
  }
  return expect.fail("expected an AppError");
}

describe("case clock rules", () => {
  describe("caseClock", () => {
    it("runs a 48-hour response clock and a 15-day resolution clock from the filing", () => {
      const clock = caseClock(openCase(), OPENED + 10 * H);
      expect(clock.respondBy).to.equal(OPENED + 48 * H);
      expect(clock.escalateAt).to.equal(OPENED + 24 * H);
      expect(clock.resolveBy).to.equal(OPENED + 15 * 24 * H);
      expect(clock.response).to.equal("running");
      expect(clock.resolution).to.equal("running");
      expect(clock.responseMsLeft).to.equal(38 * H);
      expect(clock.responseMs).to.equal(null);
    });

    it("is met by an answer at exactly 48 hours and breached by one a millisecond later", () => {
      expect(caseClock(openCase({ firstResponseAt: OPENED + 48 * H }), OPENED + 100 * H).response).to.equal("met");
      const late = caseClock(openCase({ firstResponseAt: OPENED + 48 * H + 1 }), OPENED + 100 * H);
      expect(late.response).to.equal("breached");
      expect(late.responseMs).to.equal(48 * H + 1);
      expect(late.responseMsLeft).to.equal(null);
    });

    it("shows the response clock breached while nobody has answered past 48 hours", () => {
      const clock = caseClock(openCase(), OPENED + 50 * H);
      expect(clock.response).to.equal("breached");
      expect(clock.responseMsLeft).to.equal(-2 * H);
    });

    it("counts a resolution without an earlier answer as the response", () => {
      const clock = caseClock(openCase({ resolvedAt: OPENED + 5 * H }), OPENED + 60 * H);
      expect(clock.response).to.equal("met");
      expect(clock.responseMs).to.equal(5 * H);
      expect(clock.resolution).to.equal("met");
      expect(clock.resolutionMs).to.equal(5 * H);
    });

    it("follows a policy other than the default", () => {
      const policy = checkPolicy({ responseWindowMs: 8 * H, escalateAfterMs: 4 * H, resolutionWindowMs: 72 * H });
      const clock = caseClock(openCase(), OPENED + 9 * H, policy);
      expect(clock.response).to.equal("breached");
      expect(clock.resolveBy).to.equal(OPENED + 72 * H);
    });

    it("refuses a response recorded before the case was opened", () => {
      const e = appErrorOf(() => caseClock(openCase({ firstResponseAt: OPENED - 1 }), OPENED));
      expect(e.kind).to.equal("invalid");
      expect(e.code).to.equal("CASE_TIME_BEFORE_OPENING");
    });
  });

  describe("dueClockActions", () => {
    it("has nothing to do in the first 24 hours", () => {
      expect(dueClockActions(openCase(), OPENED + 24 * H - 1)).to.deep.equal([]);
    });

    it("escalates to the organisation's admins at 24 hours without a response", () => {
      expect(dueClockActions(openCase(), OPENED + 24 * H)).to.deep.equal([{ kind: "escalate", dueAt: OPENED + 24 * H, notify: "org_admins" }]);
    });

    it("flags a breach at 48 hours, once the escalation is recorded", () => {
      const escalated = openCase({ escalatedAt: OPENED + 24 * H });
      expect(dueClockActions(escalated, OPENED + 48 * H)).to.deep.equal([]);
      expect(dueClockActions(escalated, OPENED + 48 * H + 1)).to.deep.equal([{ kind: "response_breach", dueAt: OPENED + 48 * H }]);
      expect(dueClockActions(openCase({ escalatedAt: OPENED + 24 * H, responseBreachedAt: OPENED + 48 * H }), OPENED + 49 * H)).to.deep.equal([]);
    });

    it("catches up on both when the keeper was down across both deadlines", () => {
      expect(dueClockActions(openCase(), OPENED + 60 * H)).to.deep.equal([
        { kind: "escalate", dueAt: OPENED + 24 * H, notify: "org_admins" },
        { kind: "response_breach", dueAt: OPENED + 48 * H },
      ]);
    });

    it("does not escalate a case answered in time, and never breaches it", () => {
      expect(dueClockActions(openCase({ firstResponseAt: OPENED + 2 * H }), OPENED + 72 * H)).to.deep.equal([]);
    });

    it("does not escalate a case answered after 24 hours but still flags an answer that came after 48", () => {
      expect(dueClockActions(openCase({ firstResponseAt: OPENED + 30 * H }), OPENED + 31 * H)).to.deep.equal([]);
      expect(dueClockActions(openCase({ firstResponseAt: OPENED + 50 * H }), OPENED + 51 * H)).to.deep.equal([{ kind: "response_breach", dueAt: OPENED + 48 * H }]);
    });

    it("flags the resolution clock when a case is still unresolved after 15 days", () => {
      const answered = openCase({ firstResponseAt: OPENED + H });
      expect(dueClockActions(answered, OPENED + 15 * 24 * H)).to.deep.equal([]);
      expect(dueClockActions(answered, OPENED + 15 * 24 * H + 1)).to.deep.equal([{ kind: "resolution_breach", dueAt: OPENED + 15 * 24 * H }]);
      expect(dueClockActions(openCase({ firstResponseAt: OPENED + H, resolvedAt: OPENED + 10 * 24 * H }), OPENED + 20 * 24 * H)).to.deep.equal([]);
    });
  });

  describe("nextClockDeadline", () => {
    it("walks from escalation to breach to resolution as each is recorded", () => {
      expect(nextClockDeadline(openCase())).to.equal(OPENED + 24 * H);
      expect(nextClockDeadline(openCase({ escalatedAt: OPENED + 24 * H }))).to.equal(OPENED + 48 * H);
      expect(nextClockDeadline(openCase({ escalatedAt: OPENED + 24 * H, responseBreachedAt: OPENED + 48 * H }))).to.equal(OPENED + 15 * 24 * H);
      expect(nextClockDeadline(openCase({ firstResponseAt: OPENED + H }))).to.equal(OPENED + 15 * 24 * H);
    });

    it("is null for a resolved case", () => {
      expect(nextClockDeadline(openCase({ firstResponseAt: OPENED + H, resolvedAt: OPENED + 2 * H }))).to.equal(null);
    });
  });

  describe("checkPolicy", () => {
    it("accepts the default policy", () => {
      expect(checkPolicy({ ...DEFAULT_CLOCK_POLICY })).to.deep.equal(DEFAULT_CLOCK_POLICY);
    });

    it("refuses escalation at or after the response deadline, a resolution window shorter than the response one, and non-positive windows", () => {
      for (const bad of [
        { responseWindowMs: 48 * H, escalateAfterMs: 48 * H, resolutionWindowMs: 100 * H },
        { responseWindowMs: 48 * H, escalateAfterMs: 24 * H, resolutionWindowMs: 47 * H },
        { responseWindowMs: 0, escalateAfterMs: 24 * H, resolutionWindowMs: 100 * H },
        { responseWindowMs: 1.5, escalateAfterMs: 1, resolutionWindowMs: 100 * H },
      ]) {
        const e = appErrorOf(() => checkPolicy(bad));
        expect(e.code).to.equal("CLOCK_POLICY_INVALID");
        expect(e.kind).to.equal("invalid");
      }
    });
  });
});

describe("pickAssignee", () => {
  const person = (userId: string, openCases: number, over: Partial<AssignmentCandidate> = {}): AssignmentCandidate => ({
    userId,
    roles: ["officer"],
    openCases,
    lastAssignedAt: null,
    active: true,
    ...over,
  });

  it("gives the case to the least-loaded person with the right role", () => {
    const picked = pickAssignee([person("1", 5), person("2", 2), person("3", 0, { roles: ["auditor"] }), person("4", 3)], ["officer"]);
    expect(picked?.userId).to.equal("2");
  });

  it("skips inactive accounts", () => {
    expect(pickAssignee([person("1", 0, { active: false }), person("2", 4)], ["officer"])?.userId).to.equal("2");
  });

  it("breaks a tie by who was given a case longest ago, never-assigned first", () => {
    const candidates = [person("7", 1, { lastAssignedAt: 2000 }), person("8", 1, { lastAssignedAt: 1000 }), person("9", 1, { lastAssignedAt: null })];
    expect(pickAssignee(candidates, ["officer"])?.userId).to.equal("9");
    expect(pickAssignee(candidates.slice(0, 2), ["officer"])?.userId).to.equal("8");
  });

  it("breaks a full tie by the smallest id, numerically, whatever the input order", () => {
    const a = [person("10", 0), person("9", 0), person("11", 0)];
    expect(pickAssignee(a, ["officer"])?.userId).to.equal("9");
    expect(pickAssignee([...a].reverse(), ["officer"])?.userId).to.equal("9");
  });

  it("spreads equal work round-robin when each pick is recorded", () => {
    let team = [person("1", 0), person("2", 0), person("3", 0)];
    const order: string[] = [];
    for (let t = 1; t <= 6; t++) {
      const p = pickAssignee(team, ["officer"]);
      if (!p) expect.fail("nobody picked");
      order.push(p.userId);
      // Each case is resolved before the next arrives, so only the last-assigned time changes.
      team = team.map((c) => (c.userId === p.userId ? { ...c, lastAssignedAt: t } : c));
    }
    expect(order).to.deep.equal(["1", "2", "3", "1", "2", "3"]);
  });

  it("accepts any of several roles", () => {
    expect(pickAssignee([person("1", 3), person("2", 1, { roles: ["supplier"] })], ["officer", "supplier"])?.userId).to.equal("2");
  });

  it("returns null when nobody has the role", () => {
    expect(pickAssignee([person("1", 0, { roles: ["buyer"] })], ["officer"])).to.equal(null);
  });

  it("refuses an empty role list", () => {
    const e = appErrorOf(() => pickAssignee([person("1", 0)], []));
    expect(e.code).to.equal("ASSIGNMENT_ROLES_EMPTY");
  });
});
