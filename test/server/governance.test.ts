import { expect } from "chai";
import "@nomicfoundation/hardhat-chai-matchers";
import { encodeBytes32String, hexlify, toUtf8Bytes, Wallet } from "ethers";
import { SettlementToken__factory, TrellisLedger__factory } from "../../typechain-types";
import { apiClient } from "../../scripts/lib/api-client";
import { startPlatform, type Platform } from "../../scripts/lib/platform";
import { commitmentOf, invoiceKey, normaliseInvoiceNumber } from "../../server/src/commitments/service";
import { clients, newDoc, inDays } from "./lifecycle";

/**
 * Issue #10 through the API (governance, maker-checker, fast-track exposure, bounded allowance, what the operator's
 * credentials and keys cannot do) and issue #12 (nothing private in plain text on the chain).
 */
describe("governance and commitments through the API", function () {
  this.timeout(300_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;
  let officer4: ReturnType<typeof apiClient>;
  let adminA: ReturnType<typeof apiClient>;

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    c = clients(p.credentials);
    officer4 = apiClient(p.baseUrl, p.credentials.users.officer4.token);
    adminA = apiClient(p.baseUrl, p.credentials.users.adminA.token);
  });
  after(async () => {
    await p?.stop();
  });

  const head = async () => Number(await p.gateway.services.provider.send("eth_blockNumber", []));
  const orgs = () => p.credentials.orgs;

  /** An accepted order and a confirmed invoice for `amount`; `ref` and `number` as given. */
  async function confirmed(amount: string, ref: string, number: string) {
    const order = await c.buyer("POST", "/orders", { supplierOrgId: orgs().pearl, amount, reference: ref, dueDate: inDays(60) });
    expect(order.status, JSON.stringify(order.body)).to.equal(201);
    expect((await c.supplier("POST", `/orders/${order.body.id}/accept`)).status).to.equal(201);
    const inv = await c.supplier("POST", "/invoices", { orderId: order.body.id, invoiceNumber: number, amount, dueDate: inDays(60), documentHash: newDoc() });
    expect(inv.status, JSON.stringify(inv.body)).to.equal(201);
    expect((await c.buyer("POST", `/invoices/${inv.body.id}/confirm`)).body.status).to.equal("confirmed");
    return { orderId: order.body.id as string, invoiceId: inv.body.id as string };
  }

  describe("bank policy by maker-checker", () => {
    it("answers 202 with a pending proposal, refuses the proposer's own approval and applies a second officer's", async () => {
      const bankB = orgs().bankB;
      const put = await c.officer3("PUT", `/banks/${bankB}/policy`, {
        advanceRateBps: 8500,
        discountRateBps: 950,
        fastTrackLimit: "0.00",
        creditLimits: [{ supplierOrgId: orgs().pearl, limit: "2500000.00" }],
      });
      expect(put.status, JSON.stringify(put.body)).to.equal(202);
      const proposal = put.body.proposal;
      expect(proposal).to.include({ status: "pending", bankOrgId: bankB });
      expect(proposal.proposedBy.toLowerCase()).to.equal(p.credentials.users.officer3.address.toLowerCase());
      expect(proposal.changes).to.deep.equal([
        { kind: "rates", advanceRateBps: 8500, discountRateBps: 950, fastTrackLimit: "0.00" },
        { kind: "creditLimit", supplierOrgId: orgs().pearl, limit: "2500000.00" },
      ]);
      // Nothing changed yet.
      const before = await c.officer3("GET", `/banks/${bankB}/policy`);
      expect(before.body).to.include({ advanceRateBps: 9000, discountRateBps: 900 });

      const blocks = await head();
      const self = await c.officer3("POST", `/banks/${bankB}/policy/proposals/${proposal.id}/approve`);
      expect(self.status).to.equal(403);
      expect(self.body.error.code).to.equal("SAME_OFFICER");
      expect(await head()).to.equal(blocks);
      const other = await c.officer1("POST", `/banks/${bankB}/policy/proposals/${proposal.id}/approve`);
      expect(other.status).to.equal(403);

      const approved = await officer4("POST", `/banks/${bankB}/policy/proposals/${proposal.id}/approve`);
      expect(approved.status, JSON.stringify(approved.body)).to.equal(201);
      expect(approved.body.proposal).to.include({ id: proposal.id, status: "approved" });
      expect(approved.body.proposal.approvedBy.toLowerCase()).to.equal(p.credentials.users.officer4.address.toLowerCase());
      expect(approved.body.policy).to.include({ advanceRateBps: 8500, discountRateBps: 950 });
      const pearl = approved.body.policy.creditLimits.find((l: { supplierOrgId: string }) => l.supplierOrgId === orgs().pearl);
      expect(pearl.limit).to.equal("2500000.00");

      const again = await officer4("POST", `/banks/${bankB}/policy/proposals/${proposal.id}/approve`);
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("PROPOSAL_NOT_OPEN");

      const list = await c.auditor("GET", `/banks/${bankB}/policy/proposals`);
      expect(list.status).to.equal(200);
      expect(list.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).to.deep.include([proposal.id, "approved"]);
      const history = await c.auditor("GET", `/audit/policy/${bankB}/history`);
      const types = history.body.items.map((e: { eventType: string }) => e.eventType);
      expect(types).to.include.members(["PolicyChangeProposed", "PolicyChangeApproved", "BankPolicySet", "CreditLimitSet"]);
    });
  });

  describe("members governed by their organisation", () => {
    it("refuses the operator, adds a member of a core enterprise at once, and needs a second governor for a bank officer", async () => {
      const blocks = await head();
      const byOperator = await c.operator("POST", "/users", { orgId: orgs().acme, name: "op-made", role: "buyer" });
      expect(byOperator.status).to.equal(403);
      expect(byOperator.body.error.code).to.equal("OPERATOR_CANNOT_ADD_MEMBERS");
      const operatorMember = await c.operator("POST", `/orgs/${orgs().bankB}/members`, { name: "op-officer", role: "officer" });
      expect(operatorMember.status).to.equal(403);
      expect(await head()).to.equal(blocks);

      const clerk = await c.buyer("POST", `/orgs/${orgs().acme}/members`, { name: `acme-clerk-${Date.now() % 1e6}`, role: "member" });
      expect(clerk.status, JSON.stringify(clerk.body)).to.equal(201);
      expect(clerk.body.proposal).to.equal(null);
      expect(clerk.body.user).to.include({ orgId: orgs().acme, role: "buyer", chainRole: "member" });
      const ledger = TrellisLedger__factory.connect(p.gateway.services.ledger.addresses.ledger, p.gateway.services.provider);
      expect(await ledger.orgOf(clerk.body.user.address)).to.equal(BigInt(orgs().acme));
      const clerkApi = apiClient(p.baseUrl, clerk.body.token);
      expect((await clerkApi("GET", "/me")).body.user).to.include({ role: "buyer" });

      const officer = await adminA("POST", `/orgs/${orgs().bankA}/members`, { name: `officer-new-${Date.now() % 1e6}`, role: "officer" });
      expect(officer.status, JSON.stringify(officer.body)).to.equal(201);
      expect(officer.body.proposal).to.include({ status: "pending", role: "officer", orgId: orgs().bankA });
      expect(await ledger.roleOf(officer.body.user.address)).to.equal(0n);
      const self = await adminA("POST", `/orgs/${orgs().bankA}/members/${officer.body.proposal.id}/approve`);
      expect(self.status).to.equal(403);
      expect(self.body.error.code).to.equal("SAME_OFFICER");
      const approved = await c.officer2("POST", `/orgs/${orgs().bankA}/members/${officer.body.proposal.id}/approve`);
      expect(approved.status, JSON.stringify(approved.body)).to.equal(201);
      expect(approved.body.proposal).to.include({ status: "approved" });
      expect(await ledger.roleOf(officer.body.user.address)).to.equal(2n);
      const proposals = await adminA("GET", `/orgs/${orgs().bankA}/members/proposals`);
      expect(proposals.body.items.find((i: { id: string }) => i.id === officer.body.proposal.id)).to.include({ status: "approved" });
    });

    it("lets the operator onboard an organisation with its first admin, suspend and reinstate it", async () => {
      const created = await c.operator("POST", "/orgs", { kind: "supplier", name: "Delta 铸造", admin: { name: `delta-admin-${Date.now() % 1e6}` } });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body).to.include({ kind: "supplier", name: "Delta 铸造", status: "active" });
      expect(created.body.admin.user).to.include({ chainRole: "admin", orgId: created.body.id });
      const dup = await c.operator("POST", "/orgs", { kind: "supplier", name: "Delta again", kycHash: created.body.kycHash, admin: { name: `delta2-${Date.now() % 1e6}` } });
      expect(dup.status).to.equal(409);
      expect(dup.body.error.code).to.equal("DUPLICATE_KYC");
      const suspended = await c.operator("POST", `/orgs/${created.body.id}/suspend`);
      expect(suspended.status).to.equal(201);
      expect(suspended.body.status).to.equal("suspended");
      const admin = apiClient(p.baseUrl, created.body.admin.token);
      const refused = await admin("POST", `/orgs/${created.body.id}/members`, { name: `delta-m-${Date.now() % 1e6}`, role: "member" });
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal("ORG_SUSPENDED");
      const back = await c.operator("POST", `/orgs/${created.body.id}/reinstate`);
      expect(back.body.status).to.equal("active");
    });
  });

  describe("fast-track exposure and the bounded allowance", () => {
    it("puts at most the fast-track limit of four split requests on the fast-track, and shows the exposure", async () => {
      const bankA = orgs().bankA;
      const policy = await c.supplier("GET", `/banks/${bankA}/policy`);
      expect(policy.body.fastTrackLimit).to.equal("500000.00");
      const pearlBefore = policy.body.creditLimits.find((l: { supplierOrgId: string }) => l.supplierOrgId === orgs().pearl);
      expect(pearlBefore.fastTrackExposure).to.equal("0.00");
      expect(pearlBefore.fastTrackHeadroom).to.equal("500000.00");
      const paths: string[] = [];
      for (let i = 0; i < 4; i++) {
        const { invoiceId } = await confirmed("500000.00", `PO-SPLIT-${i}-${Date.now() % 1e6}`, `INV-SPLIT-${i}-${Date.now() % 1e6}`);
        const req = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: bankA, amount: "200000.00" });
        expect(req.status, JSON.stringify(req.body)).to.equal(201);
        paths.push(req.body.path);
      }
      // 200,000 + 200,000 fit the 500,000 limit; a third would make 600,000.
      expect(paths).to.deep.equal(["fast-track", "fast-track", "maker-checker", "maker-checker"]);
      const after = await c.officer1("GET", `/banks/${bankA}/policy`);
      const pearl = after.body.creditLimits.find((l: { supplierOrgId: string }) => l.supplierOrgId === orgs().pearl);
      expect(pearl).to.include({ fastTrackExposure: "400000.00", fastTrackHeadroom: "100000.00" });
    });

    it("refuses a disbursement beyond the treasury's allowance with 422 ALLOWANCE_TOO_LOW, and disburses once raised", async () => {
      const bankB = orgs().bankB;
      const low = await c.officer3("PUT", `/orgs/${bankB}/allowance`, { amount: "1.00" });
      expect(low.status, JSON.stringify(low.body)).to.equal(200);
      expect(low.body.allowance).to.equal("1.00");
      expect((await c.officer3("GET", `/banks/${bankB}/policy`)).body.ledgerAllowance).to.equal("1.00");
      const { invoiceId } = await confirmed("100000.00", `PO-ALW-${Date.now() % 1e6}`, `INV-ALW-${Date.now() % 1e6}`);
      const req = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: bankB, amount: "50000.00" });
      expect(req.body.path).to.equal("maker-checker");
      await c.officer3("POST", `/financing-requests/${req.body.id}/approve`);
      expect((await officer4("POST", `/financing-requests/${req.body.id}/approve`)).body.status).to.equal("approved");
      const refused = await c.officer3("POST", `/financing-requests/${req.body.id}/disburse`);
      expect(refused.status).to.equal(422);
      expect(refused.body.error.code).to.equal("ALLOWANCE_TOO_LOW");
      expect(refused.body.error.details.contractError.name).to.equal("FinancingAllowanceTooLow");
      const byOperator = await c.operator("PUT", `/orgs/${bankB}/allowance`, { amount: "1000000.00" });
      expect(byOperator.status).to.equal(403);
      expect((await c.officer3("PUT", `/orgs/${bankB}/allowance`, { amount: "1000000.00" })).status).to.equal(200);
      const paid = await c.officer3("POST", `/financing-requests/${req.body.id}/disburse`);
      expect(paid.status, JSON.stringify(paid.body)).to.equal(201);
      expect(paid.body.status).to.equal("disbursed");
      const net = BigInt(Math.round(Number(paid.body.netAmount) * 100));
      expect((await c.officer3("GET", `/banks/${bankB}/policy`)).body.ledgerAllowance).to.equal(
        (Number(1_000_000_00n - net) / 100).toFixed(2),
      );
    });
  });

  describe("an attacker with the operator's credentials and keys", () => {
    it("gets 403 from the API and is refused on-chain with the custom error, and no balance changes", async () => {
      const s = p.gateway.services;
      const { invoiceId } = await confirmed("100000.00", `PO-OPC-${Date.now() % 1e6}`, `INV-OPC-${Date.now() % 1e6}`);
      const req = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: orgs().bankB, amount: "50000.00" });
      const id = req.body.id as string;
      const token = SettlementToken__factory.connect(s.ledger.addresses.token, s.provider);
      const treasuries = [orgs().bankA, orgs().bankB].map((o) => s.vault.treasuryOf(o).address);
      const balances = async () => Promise.all(treasuries.map((t) => token.balanceOf(t)));
      const before = await balances();
      const blocks = await head();

      for (const [method, path, body] of [
        ["POST", `/financing-requests/${id}/approve`, undefined],
        ["POST", `/financing-requests/${id}/reject`, { reasonCode: 1, reason: "operator" }],
        ["POST", `/financing-requests/${id}/disburse`, undefined],
        ["PUT", `/banks/${orgs().bankB}/policy`, { advanceRateBps: 10000, discountRateBps: 0, fastTrackLimit: "9000000.00" }],
        ["POST", `/orgs/${orgs().bankB}/members`, { name: "evil-officer", role: "officer" }],
        ["POST", `/banks/${orgs().bankB}/policy/proposals/1/approve`, undefined],
        ["PUT", `/orgs/${orgs().bankB}/allowance`, { amount: "1.00" }],
        ["POST", "/users", { orgId: orgs().bankB, name: "evil", role: "officer" }],
      ] as const) {
        const r = await c.operator(method, path, body);
        expect(r.status, `${method} ${path}`).to.equal(403);
      }

      // The operator's key, held in the gateway's data directory, signing directly.
      const operator = s.vault.wallet(s.operatorAddress).connect(s.provider);
      const ledger = TrellisLedger__factory.connect(s.ledger.addresses.ledger, operator);
      const opAddr = s.operatorAddress;
      await expect(ledger.approveFinancing(id)).to.be.revertedWithCustomError(ledger, "RegistryNotMember").withArgs(opAddr);
      await expect(ledger.rejectFinancing(id, 1, encodeBytes32String("x"))).to.be.revertedWithCustomError(ledger, "RegistryNotMember").withArgs(opAddr);
      await expect(ledger.disburseFinancing(id)).to.be.revertedWithCustomError(ledger, "RegistryNotMember").withArgs(opAddr);
      const change = { kind: 0, orgId: 0, trusted: false, advanceRateBps: 10000, discountRateBps: 0, fastTrackLimit: 10n ** 12n, creditLimit: 0n };
      await expect(ledger.proposePolicyChange(change)).to.be.revertedWithCustomError(ledger, "RegistryNotMember").withArgs(opAddr);
      const evil = Wallet.createRandom().address;
      await expect(ledger.addMember(orgs().bankB, evil, 2)).to.be.revertedWithCustomError(ledger, "RegistryNotMemberOf").withArgs(opAddr, orgs().bankB);
      await expect(ledger.proposeMember(orgs().bankB, evil, 2)).to.be.revertedWithCustomError(ledger, "RegistryNotMemberOf").withArgs(opAddr, orgs().bankB);
      const tokenAsOperator = SettlementToken__factory.connect(s.ledger.addresses.token, operator);
      await expect(tokenAsOperator.transferFrom(treasuries[1], opAddr, 1n))
        .to.be.revertedWithCustomError(tokenAsOperator, "ERC20InsufficientAllowance")
        .withArgs(opAddr, 0n, 1n);

      expect(await head()).to.equal(blocks);
      expect(await balances()).to.deep.equal(before);
      expect((await c.supplier("GET", `/financing-requests/${id}`)).body.status).to.equal("requested");
    });
  });

  describe("nothing private in plain text on the chain (#12)", () => {
    it("answers the plain text to the parties, keeps only commitments on the chain: 0 hits in every calldata and log", async () => {
      const tag = Date.now() % 1e6;
      const secrets = {
        reference: `采购单-2027-007-${tag}`,
        number: `发票-ＩＮＶ-${tag}`,
        dispute: `货物破损，拒绝付款 ${tag}`,
        orderNote: `Price not as agreed ${tag}`,
        rejection: `信用审查未通过 ${tag}`,
        withdrawnDispute: `Wrong quantity ${tag}`,
      };
      // An order with a Chinese reference, rejected with a note.
      const order = await c.buyer("POST", "/orders", { supplierOrgId: orgs().pearl, amount: "1000.00", reference: secrets.reference, dueDate: inDays(60) });
      expect(order.status, JSON.stringify(order.body)).to.equal(201);
      expect(order.body.reference).to.equal(secrets.reference);
      const rejected = await c.supplier("POST", `/orders/${order.body.id}/reject`, { reasonCode: 3, note: secrets.orderNote });
      expect(rejected.body).to.deep.include({ status: "rejected", rejection: { reasonCode: 3, note: secrets.orderNote } });

      // An invoice with a Chinese number, disputed with a reason, the dispute withdrawn, disputed again.
      const order2 = await c.buyer("POST", "/orders", { supplierOrgId: orgs().pearl, amount: "2000.00", reference: `${secrets.reference}-B`, dueDate: inDays(60) });
      await c.supplier("POST", `/orders/${order2.body.id}/accept`);
      const doc = newDoc();
      const inv = await c.supplier("POST", "/invoices", { orderId: order2.body.id, invoiceNumber: secrets.number, amount: "1000.00", dueDate: inDays(60), documentHash: doc });
      expect(inv.status, JSON.stringify(inv.body)).to.equal(201);
      expect(inv.body.invoiceNumber).to.equal(secrets.number);
      const dup = await c.supplier("POST", "/invoices", { orderId: order2.body.id, invoiceNumber: ` ${secrets.number.toLowerCase()} `, amount: "1.00", dueDate: inDays(60), documentHash: newDoc() });
      expect(dup.status).to.equal(409);
      expect(dup.body.error.code).to.equal("DUPLICATE_INVOICE");
      const d1 = await c.buyer("POST", `/invoices/${inv.body.id}/dispute`, { reasonCode: 2, category: "quantity", reason: secrets.withdrawnDispute });
      expect(d1.status, JSON.stringify(d1.body)).to.equal(201);
      expect(d1.body.dispute).to.include({ reasonCode: 2, reason: secrets.withdrawnDispute });
      await c.buyer("POST", `/invoices/${inv.body.id}/withdraw-dispute`);
      const d2 = await c.buyer("POST", `/invoices/${inv.body.id}/dispute`, { reasonCode: 1, category: "quality", reason: secrets.dispute });
      expect(d2.body.dispute.reason).to.equal(secrets.dispute);
      const seenBySupplier = await c.supplier("GET", `/invoices/${inv.body.id}`);
      expect(seenBySupplier.body.dispute.reason).to.equal(secrets.dispute);

      // A financing request rejected with a reason.
      const fin = await confirmed("3000.00", `${secrets.reference}-C`, `${secrets.number}-C`);
      const req = await c.supplier("POST", "/financing-requests", { invoiceId: fin.invoiceId, bankOrgId: orgs().bankB, amount: "2000.00" });
      const rej = await c.officer3("POST", `/financing-requests/${req.body.id}/reject`, { reasonCode: 7, reason: secrets.rejection });
      expect(rej.status, JSON.stringify(rej.body)).to.equal(201);
      expect(rej.body.rejection).to.include({ reasonCode: 7, reason: secrets.rejection });

      // The on-chain commitment is keccak256(value ‖ salt) and the invoice key the consortium HMAC.
      const s = p.gateway.services;
      const row = s.gdb.prepare("SELECT commitment, salt FROM commitments WHERE value = ? AND field = 'number'").get(secrets.number) as { commitment: string; salt: string };
      expect(commitmentOf(secrets.number, row.salt)).to.equal(row.commitment);
      const onChainKey = (await s.provider.getLogs({ address: s.ledger.addresses.ledger, fromBlock: 0, toBlock: "latest" }))
        .map((l) => s.ledger.parseLogs({ logs: [l] } as never)[0])
        .find((e) => e?.name === "InvoiceIssued" && String(e.args.invoiceId) === inv.body.id)!;
      expect(onChainKey.args.numberCommitment).to.equal(row.commitment);
      expect(normaliseInvoiceNumber(secrets.number)).to.equal(normaliseInvoiceNumber(` ${secrets.number.toLowerCase()} `));
      expect(onChainKey.args.invoiceKey).to.not.equal(invoiceKey(Buffer.alloc(32), orgs().pearl, secrets.number));

      // Scan the whole chain: every transaction's calldata and every log's topics and data.
      const plain = [...Object.values(secrets), `${secrets.reference}-B`, `${secrets.reference}-C`, `${secrets.number}-C`, "Pearl River Parts", "Acme Motors", "Bank B"];
      const needles = new Set<string>();
      for (const text of plain) {
        needles.add(hexlify(toUtf8Bytes(text)).slice(2));
        needles.add(Buffer.from(text, "latin1").toString("hex"));
        // The longest prefix that fits bytes32 text, as the old ledger wrote references.
        let prefix = text;
        while (toUtf8Bytes(prefix).length > 31) prefix = prefix.slice(0, -1);
        needles.add(encodeBytes32String(prefix).slice(2).replace(/(00)+$/, ""));
      }
      const last = await head();
      let txs = 0;
      let logs = 0;
      const hits: string[] = [];
      for (let n = 0; n <= last; n++) {
        const block = await s.provider.send("eth_getBlockByNumber", ["0x" + n.toString(16), true]);
        for (const tx of block.transactions as { hash: string; input: string }[]) {
          txs++;
          for (const needle of needles) if (tx.input.toLowerCase().includes(needle)) hits.push(`tx ${tx.hash}: ${needle}`);
        }
      }
      for (const log of await s.provider.send("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }])) {
        logs++;
        const hay = (log.data + log.topics.join("")).toLowerCase();
        for (const needle of needles) if (hay.includes(needle)) hits.push(`log ${log.transactionHash}/${log.logIndex}: ${needle}`);
      }
      // The scan itself finds what is on the chain: the document hash the invoice anchors.
      let control = 0;
      for (const log of await s.provider.send("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }])) if (log.data.includes(doc.slice(2))) control++;
      expect(control).to.be.greaterThan(0);
      expect(txs).to.be.greaterThan(50);
      expect(logs).to.be.greaterThan(50);
      expect(hits).to.deep.equal([]);
    });
  });
});
