import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { listPeople } from "../../api/queries";
import type { Body } from "../../api/types";
import { useAction, useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { useListState } from "../../lib/list";
import { formatDateTime } from "../../lib/format";
import { ActionStatus, Card, Field, fieldProps, Loadable, StatusBadge } from "../../components/ui";
import { Table } from "../../components/Table";
import { ListControls } from "../../components/ListControls";
import { Review } from "../../components/Review";
import { OneTimeSecret } from "./Secret";
import { Tokens } from "./Tokens";
import { t as translate, useTranslation } from "../../i18n";

type MemberRole = NonNullable<Body<"/api/v1/orgs/{orgId}/members", "post">["role"]>;
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * An organisation's people, governed by the organisation itself: its admin adds a person (a bank's officers and
 * admins are proposed, and a second governor approves), deactivates one (sessions and tokens end at once) and
 * revokes their API tokens. A bank's officers see the people and approve proposals.
 */
export function People() {
  const { t } = useTranslation();
  const { me } = useSession();
  const isAdmin = me.user.admin === true;
  const bank = me.org.kind === "bank";
  const people = useResource(() => listPeople(), ["people"]);
  const proposals = useResource(() => call(api.GET("/api/v1/orgs/{orgId}/members/proposals", { params: { path: { orgId: me.org.id } } })).then((p) => p.items), [me.org.id, "proposals"]);
  const list = useListState();
  const action = useAction();
  const [name, setName] = useState("");
  const [role, setRole] = useState<MemberRole>("member");
  const [address, setAddress] = useState("");
  const [problems, setProblems] = useState<Record<string, string | undefined>>({});
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [deactivating, setDeactivating] = useState<{ id: string; name: string } | null>(null);
  const [tokensOf, setTokensOf] = useState<{ id: string; name: string } | null>(null);

  const all = people.data ?? [];
  const nameOf = (a: string) => all.find((p) => p.address.toLowerCase() === a.toLowerCase())?.name ?? a;
  const needle = list.state.q.toLowerCase();
  const rows = all.filter((p) => (!needle || p.name.toLowerCase().includes(needle)) && (!list.state.status || (list.state.status === "active") === p.active));
  const roles: MemberRole[] = bank ? ["member", "officer", "admin"] : ["member", "admin"];

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const found = {
      name: USER_NAME.test(name.trim()) ? undefined : t("admin.userNameRule"),
      address: !address.trim() || ADDRESS.test(address.trim()) ? undefined : t("admin.addressRule"),
    };
    setProblems(found);
    if (found.name || found.address) return;
    const body = { name: name.trim(), role, ...(address.trim() ? { address: address.trim() } : {}) };
    const done = await action.run(
      () => call(api.POST("/api/v1/orgs/{orgId}/members", { params: { path: { orgId: me.org.id } }, body })),
      (r) => (r.proposal ? translate("people.proposed", { name: r.user.name, role: translate(`memberRole.${role}`) }) : translate("people.added", { name: r.user.name })),
    );
    if (done) {
      setCreated({ name: done.user.name, token: done.token });
      setName("");
      setAddress("");
      people.reload();
      proposals.reload();
    }
  };

  const approve = async (id: string) => {
    const done = await action.run(() => call(api.POST("/api/v1/orgs/{id}/members/{proposalId}/approve", { params: { path: { id: me.org.id, proposalId: id } } })), translate("people.approved", { id }));
    if (done) {
      proposals.reload();
      people.reload();
    }
  };

  const deactivate = async (id: string, who: string) => {
    setDeactivating(null);
    const done = await action.run(() => call(api.POST("/api/v1/users/{id}/deactivate", { params: { path: { id } } })), (r) => translate("people.deactivated", { name: who, sessions: r.sessionsEnded, tokens: r.tokensRevoked }));
    if (done) people.reload();
  };

  const pending = (proposals.data ?? []).filter((p) => p.status === "pending");
  return (
    <>
      {isAdmin && (
        <Card title={t("people.addTitle")} testId="add-person">
          <form onSubmit={add} noValidate className="form-grid">
            <Field id="person-name" label={t("people.userName")} error={problems.name} hint={t("admin.userNameRule")}>
              <input {...fieldProps("person-name", problems.name)} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" data-testid="person-name" />
            </Field>
            <Field id="person-role" label={t("people.role")}>
              <select id="person-role" value={role} onChange={(e) => setRole(roles.find((r) => r === e.target.value) ?? "member")} data-testid="person-role">
                {roles.map((r) => <option key={r} value={r}>{t(`memberRole.${r}`)}</option>)}
              </select>
            </Field>
            <Field id="person-address" label={t("admin.ownAddress")} error={problems.address} hint={t("admin.ownAddressHint")}>
              <input {...fieldProps("person-address", problems.address)} value={address} onChange={(e) => setAddress(e.target.value)} autoComplete="off" />
            </Field>
            <div className="form-actions">
              <button type="submit" className="primary" disabled={action.pending} data-testid="person-submit">{t("people.add")}</button>
            </div>
          </form>
          {bank && <p className="muted">{t("people.bankRule")}</p>}
          {created && <OneTimeSecret token={created.token} who={created.name} />}
        </Card>
      )}
      <Card title={t("people.proposalsTitle")} testId="member-proposals">
        <Loadable loading={proposals.loading && !proposals.data} error={proposals.error} empty={(proposals.data ?? []).length === 0}>
          <Table testId="proposals-table">
            <thead>
              <tr><th>{t("people.person")}</th><th>{t("people.role")}</th><th>{t("people.proposedBy")}</th><th>{t("col.status")}</th><th>{t("col.actions")}</th></tr>
            </thead>
            <tbody>
              {(proposals.data ?? []).map((p) => {
                const mine = p.proposedBy.toLowerCase() === me.user.address.toLowerCase();
                return (
                  <tr key={p.id} data-testid={`proposal-row-${p.id}`} data-person={nameOf(p.account)}>
                    <td>{nameOf(p.account)}</td>
                    <td>{t(`memberRole.${p.role}`)}</td>
                    <td>{nameOf(p.proposedBy)} · {formatDateTime(p.proposedAt)}</td>
                    <td><StatusBadge status={p.status} />{p.decidedBy && <small className="block muted">{t("people.decidedBy", { name: nameOf(p.decidedBy), at: formatDateTime(p.decidedAt) })}</small>}</td>
                    <td className="actions">
                      {p.status === "pending" && (mine
                        ? <small className="muted">{t("people.ownProposal")}</small>
                        : <button type="button" className="primary" disabled={action.pending} onClick={() => approve(p.id)} data-testid="proposal-approve">{t("action.approve")}</button>)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
          {pending.length === 0 && <p className="muted">{t("people.noPending")}</p>}
        </Loadable>
      </Card>
      <Card title={t("people.title", { org: me.org.name })} testId="people">
        <ListControls list={list} idPrefix="people" statuses={["", "active", "inactive"]} statusWord={(v) => (v ? t(`people.${v}`) : t("list.anyStatus"))} dates={false} searchHint={t("list.hintPeople")} />
        {deactivating && (
          <Review
            title={t("people.deactivateTitle", { name: deactivating.name })}
            lines={[[t("review.effect"), t("people.deactivateEffect")]]}
            confirmLabel={t("people.deactivate")}
            danger
            busy={action.pending}
            onConfirm={() => deactivate(deactivating.id, deactivating.name)}
            onCancel={() => setDeactivating(null)}
          />
        )}
        <ActionStatus state={action.state} testId="people-outcome" />
        <Loadable loading={people.loading && !people.data} error={people.error} empty={rows.length === 0}>
          <Table testId="people-table">
            <thead>
              <tr><th>{t("people.person")}</th><th>{t("people.role")}</th><th>{t("col.status")}</th><th>{t("col.actions")}</th></tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id} data-testid={`person-row-${p.name}`}>
                  <td>{p.name}{p.id === me.user.id ? ` ${t("people.you")}` : ""}<small className="block muted"><code title={p.address}>{p.address.slice(0, 10)}…</code></small></td>
                  <td>{t(`memberRole.${p.chainRole}`, { defaultValue: p.chainRole })}{p.admin && p.chainRole !== "admin" ? ` · ${t("memberRole.admin")}` : ""}</td>
                  <td>{p.active ? <StatusBadge status="active" /> : <><span className="badge badge-revoked">{t("people.inactive")}</span><small className="block muted">{formatDateTime(p.deactivatedAt)}</small></>}</td>
                  <td className="actions">
                    {isAdmin && p.active && (
                      <button type="button" className="secondary" onClick={() => setTokensOf({ id: p.id, name: p.name })} data-testid="person-tokens">{t("people.tokens")}</button>
                    )}
                    {isAdmin && p.active && p.id !== me.user.id && (
                      <button type="button" className="danger" disabled={action.pending} onClick={() => setDeactivating({ id: p.id, name: p.name })} data-testid="person-deactivate">{t("people.deactivate")}</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Loadable>
      </Card>
      <Tokens key={tokensOf?.id ?? "mine"} person={tokensOf} onClose={() => setTokensOf(null)} />
    </>
  );
}
