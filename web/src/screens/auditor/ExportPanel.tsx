import { useState, type FormEvent } from "react";
import { downloadExport } from "../../api/client";
import { useAction } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { ActionStatus, Card, Field } from "../../components/ui";
import { formatNumber } from "../../lib/format";
import { t as translate, useTranslation } from "../../i18n";

/** Filters for the audit trail and its CSV export (GET /audit/export?format=csv). */
export function ExportPanel() {
  const { t } = useTranslation();
  const { orgs } = useSession();
  const [entityType, setEntityType] = useState("");
  const [entityId, setEntityId] = useState("");
  const [eventType, setEventType] = useState("");
  const [orgId, setOrgId] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (from && to && from > to) {
      action.fail(translate("export.datesOrder"));
      return;
    }
    const query = {
      format: "csv",
      entityType,
      entityId: entityId.trim(),
      eventType: eventType.trim(),
      orgId,
      from: from ? new Date(`${from}T00:00:00Z`).toISOString() : "",
      to: to ? new Date(`${to}T23:59:59Z`).toISOString() : "",
    };
    await action.run(async () => {
      const blob = await downloadExport(query);
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = `trellis-audit-${new Date().toISOString().slice(0, 10)}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return blob.size;
    }, (size) => translate("export.ready", { size: formatNumber(size) }), translate("export.preparing"));
  };

  return (
    <Card title={t("export.title")} testId="audit-export">
      <form onSubmit={submit} noValidate className="form-grid">
        <Field id="exp-type" label={t("export.entityType")}>
          <select id="exp-type" value={entityType} onChange={(e) => setEntityType(e.target.value)}>
            <option value="">{t("export.any")}</option>
            {["order", "invoice", "financing", "organization", "policy", "token"].map((type) => <option key={type} value={type}>{t(`entity.${type}`)}</option>)}
          </select>
        </Field>
        <Field id="exp-id" label={t("export.entityId")}>
          <input id="exp-id" inputMode="numeric" value={entityId} onChange={(e) => setEntityId(e.target.value)} />
        </Field>
        <Field id="exp-event" label={t("explorer.eventType")} hint={t("export.eventHint")}>
          <input id="exp-event" value={eventType} onChange={(e) => setEventType(e.target.value)} />
        </Field>
        <Field id="exp-org" label={t("col.organisation")}>
          <select id="exp-org" value={orgId} onChange={(e) => setOrgId(e.target.value)}>
            <option value="">{t("export.any")}</option>
            {orgs.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
          </select>
        </Field>
        <Field id="exp-from" label={t("export.from")}>
          <input id="exp-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field id="exp-to" label={t("export.to")}>
          <input id="exp-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={action.pending} data-testid="export-csv">{t("export.csv")}</button>
        </div>
      </form>
      <ActionStatus state={action.state} testId="export-status" />
    </Card>
  );
}
