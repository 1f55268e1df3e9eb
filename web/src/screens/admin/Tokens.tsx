import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { useAction, useResource } from "../../lib/hooks";
import { formatDateTime } from "../../lib/format";
import { ActionStatus, Card, Field, fieldProps, Loadable, StatusBadge } from "../../components/ui";
import { Table } from "../../components/Table";
import { OneTimeSecret } from "./Secret";
import { t as translate, useTranslation } from "../../i18n";

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,62}$/;

/**
 * API tokens (machines and scripts): one's own, issued here and shown once; or, for an admin, a colleague's, to
 * revoke. A revoked token answers 401 from its next request.
 */
export function Tokens({ person, onClose }: { person: { id: string; name: string } | null; onClose: () => void }) {
  const { t } = useTranslation();
  const tokens = useResource(() => call(api.GET("/api/v1/tokens", { params: { query: person ? { userId: person.id } : {} } })).then((p) => p.items), [person?.id ?? "mine", "tokens"]);
  const action = useAction();
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const [problem, setProblem] = useState<string | undefined>();
  const [issued, setIssued] = useState<string | null>(null);

  const issue = async (event: FormEvent) => {
    event.preventDefault();
    const n = Number(days);
    const bad = !TOKEN_NAME.test(name.trim()) ? t("tokens.nameRule") : !Number.isInteger(n) || n < 1 || n > 365 ? t("tokens.daysRule") : undefined;
    setProblem(bad);
    if (bad) return;
    const done = await action.run(() => call(api.POST("/api/v1/tokens", { body: { name: name.trim(), expiresInDays: n } })), translate("tokens.issued", { name: name.trim() }));
    if (done) {
      setIssued(done.token);
      setName("");
      tokens.reload();
    }
  };
  const revoke = async (id: string, tokenName: string) => {
    const done = await action.run(() => call(api.DELETE("/api/v1/tokens/{id}", { params: { path: { id } } })), translate("tokens.revoked", { name: tokenName }));
    if (done) tokens.reload();
  };

  const rows = tokens.data ?? [];
  return (
    <Card
      title={person ? t("tokens.titleOf", { name: person.name }) : t("tokens.title")}
      testId="tokens"
      actions={person ? <button type="button" className="link-button" onClick={onClose}>{t("tokens.mine")}</button> : undefined}
    >
      {!person && (
        <form onSubmit={issue} noValidate className="form-grid">
          <Field id="token-name" label={t("tokens.name")} error={problem} hint={t("tokens.nameRule")}>
            <input {...fieldProps("token-name", problem)} value={name} onChange={(e) => setName(e.target.value)} data-testid="token-name" />
          </Field>
          <Field id="token-days" label={t("tokens.days")}>
            <input id="token-days" inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />
          </Field>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.pending} data-testid="token-issue">{t("tokens.issue")}</button>
          </div>
        </form>
      )}
      {issued && <OneTimeSecret token={issued} message={t("tokens.once")} />}
      <ActionStatus state={action.state} testId="tokens-status" />
      <Loadable loading={tokens.loading && !tokens.data} error={tokens.error} empty={rows.length === 0}>
        <Table testId="tokens-table">
          <thead>
            <tr><th>{t("tokens.name")}</th><th>{t("tokens.created")}</th><th>{t("tokens.expires")}</th><th>{t("col.status")}</th><th>{t("col.actions")}</th></tr>
          </thead>
          <tbody>
            {rows.map((k) => (
              <tr key={k.id} data-testid={`token-row-${k.name}`}>
                <td>{k.name}</td>
                <td>{formatDateTime(k.createdAt)}</td>
                <td>{formatDateTime(k.expiresAt)}</td>
                <td><StatusBadge status={k.status} /></td>
                <td className="actions">
                  {k.status === "active" && <button type="button" className="danger" disabled={action.pending} onClick={() => revoke(k.id, k.name)} data-testid="token-revoke">{t("tokens.revoke")}</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Loadable>
    </Card>
  );
}
