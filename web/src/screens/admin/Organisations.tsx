import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { Body, Organisation } from "../../api/types";
import { useAction, useResource } from "../../lib/hooks";
import { useListState } from "../../lib/list";
import { formatDateTime } from "../../lib/format";
import { ActionStatus, Card, Field, fieldProps, Loadable, StatusBadge } from "../../components/ui";
import { Table } from "../../components/Table";
import { ListControls } from "../../components/ListControls";
import { Review } from "../../components/Review";
import { OneTimeSecret } from "./Secret";
import { t as translate, useTranslation } from "../../i18n";

type Kind = Body<"/api/v1/orgs", "post">["kind"];
const KINDS: Kind[] = ["core_enterprise", "supplier", "bank", "auditor"];
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * The operator's organisations: onboard one with its first admin (the operator does nothing else inside it), and
 * suspend or reinstate one on the ledger. Everything else an organisation does, its own admins do.
 */
export function Organisations() {
  const { t } = useTranslation();
  const orgs = useResource(() => call(api.GET("/api/v1/orgs")).then((p) => p.items), ["orgs-admin"]);
  const list = useListState();
  const action = useAction();
  const [kind, setKind] = useState<Kind | "">("");
  const [name, setName] = useState("");
  const [admin, setAdmin] = useState("");
  const [address, setAddress] = useState("");
  const [problems, setProblems] = useState<Record<string, string | undefined>>({});
  const [onboarded, setOnboarded] = useState<{ name: string; admin: string; token: string } | null>(null);
  const [review, setReview] = useState<{ org: Organisation | { id: string; name: string; status: string }; verb: "suspend" | "reinstate" } | null>(null);

  const needle = list.state.q.toLowerCase();
  const rows = (orgs.data ?? []).filter((o) => (!needle || o.name.toLowerCase().includes(needle) || o.id === needle) && (!list.state.status || o.status === list.state.status));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = {
      kind: kind ? undefined : t("admin.chooseKind"),
      name: name.trim() ? undefined : t("validate.required", { label: t("admin.orgName") }),
      admin: USER_NAME.test(admin.trim()) ? undefined : t("admin.userNameRule"),
      address: !address.trim() || ADDRESS.test(address.trim()) ? undefined : t("admin.addressRule"),
    };
    setProblems(found);
    if (Object.values(found).some(Boolean) || !kind) return;
    const body: Body<"/api/v1/orgs", "post"> = { kind, name: name.trim(), admin: { name: admin.trim(), ...(address.trim() ? { address: address.trim() } : {}) } };
    const done = await action.run(() => call(api.POST("/api/v1/orgs", { body })), (o) => translate("admin.onboarded", { name: o.name, admin: o.admin.user.name }));
    if (done) {
      setOnboarded({ name: done.name, admin: done.admin.user.name, token: done.admin.token });
      setName("");
      setAdmin("");
      setAddress("");
      setKind("");
      orgs.reload();
    }
  };

  const setStatus = async (id: string, orgName: string, verb: "suspend" | "reinstate") => {
    setReview(null);
    const done = await action.run(
      () => call(verb === "suspend" ? api.POST("/api/v1/orgs/{id}/suspend", { params: { path: { id } } }) : api.POST("/api/v1/orgs/{id}/reinstate", { params: { path: { id } } })),
      translate(verb === "suspend" ? "admin.suspended" : "admin.reinstated", { name: orgName }),
    );
    if (done) orgs.reload();
  };

  return (
    <>
      <Card title={t("admin.onboardTitle")} testId="onboard-form">
        <form onSubmit={submit} noValidate className="form-grid">
          <Field id="org-kind" label={t("admin.kind")} error={problems.kind}>
            <select {...fieldProps("org-kind", problems.kind)} value={kind} onChange={(e) => setKind(KINDS.find((k) => k === e.target.value) ?? "")} data-testid="onboard-kind">
              <option value="">{t("admin.chooseKind")}</option>
              {KINDS.map((k) => <option key={k} value={k}>{t(`orgKind.${k}`)}</option>)}
            </select>
          </Field>
          <Field id="org-name" label={t("admin.orgName")} error={problems.name}>
            <input {...fieldProps("org-name", problems.name)} value={name} onChange={(e) => setName(e.target.value)} data-testid="onboard-name" />
          </Field>
          <Field id="org-admin" label={t("admin.firstAdmin")} error={problems.admin} hint={t("admin.userNameRule")}>
            <input {...fieldProps("org-admin", problems.admin)} value={admin} onChange={(e) => setAdmin(e.target.value)} autoComplete="off" data-testid="onboard-admin" />
          </Field>
          <Field id="org-address" label={t("admin.ownAddress")} error={problems.address} hint={t("admin.ownAddressHint")}>
            <input {...fieldProps("org-address", problems.address)} value={address} onChange={(e) => setAddress(e.target.value)} autoComplete="off" />
          </Field>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.pending} data-testid="onboard-submit">{t("admin.onboard")}</button>
          </div>
        </form>
        {onboarded && <OneTimeSecret token={onboarded.token} who={onboarded.admin} />}
      </Card>
      <Card title={t("admin.orgsTitle")} testId="organisations">
        <ListControls list={list} idPrefix="orgs" statuses={["", "active", "suspended"]} dates={false} searchHint={t("list.hintOrgs")} />
        {review && (
          <Review
            title={t(review.verb === "suspend" ? "admin.suspendTitle" : "admin.reinstateTitle", { name: review.org.name })}
            lines={[[t("review.effect"), t(review.verb === "suspend" ? "admin.suspendEffect" : "admin.reinstateEffect")]]}
            confirmLabel={t(review.verb === "suspend" ? "admin.suspend" : "admin.reinstate")}
            danger={review.verb === "suspend"}
            busy={action.pending}
            onConfirm={() => setStatus(review.org.id, review.org.name, review.verb)}
            onCancel={() => setReview(null)}
          />
        )}
        <ActionStatus state={action.state} testId="orgs-outcome" />
        <Loadable loading={orgs.loading && !orgs.data} error={orgs.error} empty={rows.length === 0}>
          <Table testId="orgs-table">
            <thead>
              <tr><th>{t("col.organisation")}</th><th>{t("admin.kind")}</th><th>{t("col.status")}</th><th>{t("admin.since")}</th><th>{t("col.actions")}</th></tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <tr key={o.id} data-testid={`org-row-${o.id}`} data-name={o.name}>
                  <td>#{o.id} · {o.name}</td>
                  <td>{t(`orgKind.${o.kind}`)}</td>
                  <td><StatusBadge status={o.status} /></td>
                  <td>{"createdAt" in o ? formatDateTime(o.createdAt) : "—"}</td>
                  <td className="actions">
                    {o.status === "active" ? (
                      <button type="button" className="danger" disabled={action.pending} onClick={() => setReview({ org: o, verb: "suspend" })} data-testid="org-suspend">{t("admin.suspend")}</button>
                    ) : (
                      <button type="button" className="secondary" disabled={action.pending} onClick={() => setReview({ org: o, verb: "reinstate" })} data-testid="org-reinstate">{t("admin.reinstate")}</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Loadable>
      </Card>
    </>
  );
}
